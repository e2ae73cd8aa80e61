/**
 * The edited document as bytes: the annotation overrides turned into minimal byte edits
 * against the base bytes (only the numbers that changed, deleted runs in one edit, created
 * annotations appended in the file's style), the bytes to save, the edits that undo a save,
 * and the fingerprints of parsed bases.
 */
import type { CocoDocument, JsonObject } from '../core/coco/document';
import { locate } from '../core/coco/locate';
import type { ParseAsyncOptions, ParseOptions } from '../core/coco/parse';
import type { DocumentSink } from '../node/parallelLoad';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import { fingerprint, fingerprintAsync, type Fingerprint } from '../core/edits/fingerprint';
import { formatNumber, insertProperty } from '../core/edits/jsonEdits';
import { numberArrayEdits } from '../core/edits/numberEdits';
import type { ByteEdit } from '../core/problems';
import type { AnnotationState } from './annotationState';
import { appendElements, elementStyle, elementText, keypointsText, polygonsText } from './geometryEdits';
import { lazySink, parseLazyAsync } from './lazyDocument';
import { textLayout } from './textMirror';

/** Fingerprints of parsed documents' bytes (computed once, off the hot path where possible). */
const fingerprints = new WeakMap<CocoDocument, Fingerprint>();

export function fingerprintOf(doc: CocoDocument): Fingerprint {
  let f = fingerprints.get(doc);
  if (!f) fingerprints.set(doc, (f = fingerprint(doc.bytes)));
  return f;
}

/** The fingerprint of `doc`'s bytes computed elsewhere (the columns worker hashes the bytes it parsed). */
export function rememberFingerprint(doc: CocoDocument, f: Fingerprint): void {
  fingerprints.set(doc, f);
}

/** The fingerprint of `doc` if it is known already (never computes it). */
export function knownFingerprint(doc: CocoDocument): Fingerprint | undefined {
  return fingerprints.get(doc);
}

export interface LoadOptions extends ParseAsyncOptions {
  /**
   * How to parse (default parseLazyAsync, in slices on this thread). The extension host passes
   * node/parallelLoad's parseSharedParallel: the scan of bytes in shared memory runs on a second
   * thread. Either way with `sink`: the document keeps its annotations as columns (lazyDocument.ts).
   */
  parse?: (bytes: Uint8Array, opts: ParseAsyncOptions & { path: string; sink: (bytes: Uint8Array, opts: ParseOptions) => DocumentSink }) => Promise<CocoDocument>;
}

/** Parses (the editor's lazy document) and fingerprints (in slices, between other work) new base bytes. */
export async function parseDocument(bytes: Uint8Array, fileName: string, opts: LoadOptions = {}): Promise<CocoDocument> {
  const { parse = parseLazyAsync, ...rest } = opts;
  const doc = await parse(bytes, { ...rest, path: fileName, sink: lazySink });
  // Unless the parse's worker hashed them: 1 MiB slices, ~5 ms of hashing each on the host thread.
  if (!fingerprints.has(doc)) fingerprints.set(doc, await fingerprintAsync(bytes, 1 << 20));
  return doc;
}

/**
 * Edits that undo `edits` (against `bytes`): applied to applyByteEdits(bytes, edits) they give
 * `bytes` back. Small: each covers what one edit wrote.
 */
export function invertEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): ByteEdit[] {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let delta = 0;
  return [...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => {
    const len = enc.encode(e.newText).length;
    const start = e.start + delta;
    delta += len - (e.end - e.start);
    return { start, end: start + len, newText: dec.decode(bytes.subarray(e.start, e.end)) };
  });
}

/** The overrides (and created annotations) as byte edits against the base bytes. */
export function overrideByteEdits(state: AnnotationState): ByteEdit[] {
  const doc = state.base;
  const overrides = state.overrides;
  const added = state.added;
  const entries = doc.annotationEntries;
  const edits: ByteEdit[] = [];
  const nBase = entries.length;
  const deleted = [...overrides].filter(([i, o]) => o.deleted && i < nBase).map(([i]) => i).sort((x, y) => x - y);
  const section = doc.sections.get('annotations');
  // New annotations (not deleted again), in the style of the file's last annotation.
  const style = added.length ? elementStyle(doc, entries, section) : undefined;
  const newTexts: string[] = [];
  added.forEach((v, k) => {
    const ov = overrides.get(nBase + k);
    if (ov?.deleted) return;
    const value: JsonObject = { ...v };
    if (ov?.categoryId !== undefined) value.category_id = ov.categoryId;
    if (ov?.segmentation) value.segmentation = ov.segmentation;
    if (ov?.area !== undefined) value.area = ov.area;
    if (ov?.bbox) value.bbox = ov.bbox;
    if (ov?.keypoints) value.keypoints = ov.keypoints;
    newTexts.push(elementText(value, style!));
  });
  if (newTexts.length && section && deleted.length === nBase && nBase > 0) {
    // Every annotation of the file deleted: the array is written anew.
    const edit = appendElements(doc, [], section, newTexts, style!);
    return edit ? inFileEol([edit], doc.bytes) : [];
  }
  // Runs of deleted neighbours go in one edit so that no two edits share a comma.
  for (let k = 0; k < deleted.length;) {
    let j = k;
    while (j + 1 < deleted.length && deleted[j + 1] === deleted[j] + 1) j++;
    const a = deleted[k];
    const b = deleted[j];
    if (a > 0) edits.push({ start: entries[a - 1].end, end: entries[b].end, newText: '' });
    else if (b < entries.length - 1) edits.push({ start: entries[0].start, end: entries[b + 1].start, newText: '' });
    else {
      let s = entries[0].start;
      while (s > 0 && /\s/.test(String.fromCharCode(doc.bytes[s - 1]))) s--;
      let t = entries[b].end;
      while (t < doc.bytes.length && /\s/.test(String.fromCharCode(doc.bytes[t]))) t++;
      edits.push({ start: s, end: t, newText: '' });
    }
    k = j + 1;
  }
  for (const [i, ov] of overrides) {
    if (ov.deleted || i >= nBase) continue;
    const entry = entries[i];
    const setValue = (key: string, text: string) => {
      const r = locate(doc, entry, [key]);
      edits.push(r ? { start: r.start, end: r.end, newText: text } : insertProperty(doc, entry, key, text));
    };
    if (ov.categoryId !== undefined) setValue('category_id', JSON.stringify(ov.categoryId));
    // Arrays of numbers: only the numbers that changed (same shape), else the whole value in the file's style.
    const setNumbers = (key: string, next: readonly (readonly number[])[], whole: (sep: string) => string) => {
      const r = locate(doc, entry, [key]);
      const each = r ? numberArrayEdits(doc.bytes, r, next) : undefined;
      if (each) { edits.push(...each); return; }
      const old = r ? new TextDecoder().decode(doc.bytes.subarray(r.start, Math.min(r.end, r.start + 200))) : '';
      setValue(key, whole(/,\s/.test(old) || !r ? ', ' : ','));
    };
    if (ov.bbox) { const b = ov.bbox; setNumbers('bbox', [b], (sep) => `[${b.map(formatNumber).join(sep)}]`); }
    if (ov.segmentation) { const s = ov.segmentation; setNumbers('segmentation', s, (sep) => polygonsText(s, sep)); }
    if (ov.area !== undefined) {
      const r = locate(doc, entry, ['area']);
      const same = r && Number(new TextDecoder().decode(doc.bytes.subarray(r.start, r.end))) === ov.area;
      if (!same) setValue('area', formatNumber(ov.area));
    }
    if (ov.keypoints) { const k = ov.keypoints; setNumbers('keypoints', [k], (sep) => keypointsText(k, sep)); }
  }
  const append = style && appendElements(doc, entries, section, newTexts, style);
  if (append) edits.push(append);
  return inFileEol(edits, doc.bytes);
}

/**
 * New text written with the file's line ending: the element and property templates use `\n`; a
 * CRLF file keeps CRLF throughout (and its open text, which VS Code converts on insert, stays
 * byte-equal to the viewer's bytes).
 */
function inFileEol(edits: ByteEdit[], bytes: Uint8Array): ByteEdit[] {
  if (textLayout(bytes).eol !== '\r\n') return edits;
  return edits.map((e) => (e.newText.includes('\n') ? { ...e, newText: e.newText.replace(/\r?\n/g, '\r\n') } : e));
}

/** The bytes to write: the base with only the edited values replaced. */
export function pendingBytes(state: AnnotationState): Uint8Array {
  return applyByteEdits(state.base.bytes, overrideByteEdits(state), sharedAlloc);
}

/**
 * Shared memory where the platform has it (Node; not a webview without cross-origin isolation):
 * such bytes reach the check worker without a copy on the extension host's thread. The editor's
 * bytes are never written after they are made (saves write them, the worker reads them).
 */
export function sharedAlloc(size: number): Uint8Array {
  return typeof SharedArrayBuffer === 'function' ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}
