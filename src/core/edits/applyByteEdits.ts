/** Applies byte edits to the original bytes: the untouched bytes stay byte-identical (small git diffs). */
import type { ByteEdit } from '../problems';

export class OverlappingEditsError extends Error {
  constructor(a: ByteEdit, b: ByteEdit) {
    super(`Edits overlap: [${a.start}, ${a.end}) and [${b.start}, ${b.end})`);
    this.name = 'OverlappingEditsError';
  }
}

/** Sorted by start; throws OverlappingEditsError when two edits touch the same bytes. */
export function sortEdits(edits: readonly ByteEdit[]): ByteEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    // Two insertions at one point are fine (applied in order); sharing a byte is not.
    if (cur.start < prev.end) {
      throw new OverlappingEditsError(prev, cur);
    }
  }
  return sorted;
}

/**
 * `bytes` with `edits` applied (`bytes` itself when there are none). `alloc` makes the output
 * buffer (the editor puts it in shared memory, so the check worker reads it without a copy).
 */
export function applyByteEdits(bytes: Uint8Array, edits: readonly ByteEdit[], alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n)): Uint8Array {
  if (edits.length === 0) return bytes;
  const sorted = sortEdits(edits);
  const encoder = new TextEncoder();
  const inserts = sorted.map((e) => encoder.encode(e.newText));
  let size = bytes.length;
  sorted.forEach((e, i) => { size += inserts[i].length - (e.end - e.start); });
  const out = alloc(size);
  let src = 0;
  let dst = 0;
  sorted.forEach((e, i) => {
    out.set(bytes.subarray(src, e.start), dst);
    dst += e.start - src;
    out.set(inserts[i], dst);
    dst += inserts[i].length;
    src = e.end;
  });
  out.set(bytes.subarray(src), dst);
  return out;
}
