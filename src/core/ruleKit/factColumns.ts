/**
 * Memory for the per-annotation fact columns (facts.ts, boxFacts.ts): typed arrays carved out of
 * ONE SharedArrayBuffer per fact table.
 *
 * Why shared: V8 counts ordinary ArrayBuffer backing stores as "external memory", and once that
 * grows by ~64 MB since the last full GC it starts a mark-compact of the whole heap ("external
 * memory pressure" in `node --trace-gc`). On train2017 the facts are ~75 MB, allocated right after
 * the parse has filled the heap with ~700 MB of annotations: that full GC cost ~1 s in the middle
 * of the rules. SharedArrayBuffer backing stores are not counted towards that limit (the fact
 * columns are plain, zero-filled memory either way, and are freed with the table like any
 * other garbage). Where SharedArrayBuffer is missing (a browser without cross-origin
 * isolation), an ordinary ArrayBuffer does the same job.
 */

export type ColumnKind = 'f64' | 'i32' | 'u8';

type ColumnOf<K extends ColumnKind> = K extends 'f64' ? Float64Array : K extends 'i32' ? Int32Array : Uint8Array;

const BYTES: Record<ColumnKind, number> = { f64: 8, i32: 4, u8: 1 };

/** A zero-filled buffer of `bytes`, shared when the runtime has SharedArrayBuffer. */
function zeroedBuffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/**
 * `n`-element typed arrays, one per entry of `kinds`, all views into one zero-filled buffer
 * (widest first, so every view is aligned).
 */
export function allocateColumns<const K extends readonly ColumnKind[]>(n: number, kinds: K): { [I in keyof K]: ColumnOf<K[I]> } {
  const order = kinds.map((k, i) => i).sort((a, b) => BYTES[kinds[b]] - BYTES[kinds[a]]);
  let total = 0;
  for (const k of kinds) total += BYTES[k] * n;
  const buffer = zeroedBuffer(Math.max(8, total));
  const out = new Array<Float64Array | Int32Array | Uint8Array>(kinds.length);
  let offset = 0;
  for (const i of order) {
    const k = kinds[i];
    out[i] = k === 'f64' ? new Float64Array(buffer, offset, n) : k === 'i32' ? new Int32Array(buffer, offset, n) : new Uint8Array(buffer, offset, n);
    offset += BYTES[k] * n;
  }
  return out as { [I in keyof K]: ColumnOf<K[I]> };
}
