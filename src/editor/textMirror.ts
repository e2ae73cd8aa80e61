/**
 * Keeping the open JSON text in step with the viewer (no `vscode` here: the provider turns the
 * changes into a WorkspaceEdit). The text holds `applyByteEdits(base, edits)`; after a viewer
 * edit it must hold `applyByteEdits(base, edits')`. Only the edits that differ are turned into
 * text changes, each covering just the bytes it rewrites (a moved vertex: its two numbers), in
 * the UTF-16 offsets of the text as it is. Where that cannot be worked out from the edits (a
 * base that is not ASCII, where byte and UTF-16 offsets part), one change from the first to the
 * last differing character of the two texts does it.
 */
import { applyByteEdits } from '../core/edits/applyByteEdits';
import type { ByteEdit } from '../core/problems';

/** Replace `[start, end)` (UTF-16 offsets in the text as it is, holding `expect`) with `text`. */
export interface TextChange { start: number; end: number; text: string; expect: string }

const sameEdit = (a: ByteEdit, b: ByteEdit) => a.start === b.start && a.end === b.end && a.newText === b.newText;

/** The same edit lists (as overrideByteEdits makes them: fresh objects, same order for the same overrides). */
export function sameEdits(a: readonly ByteEdit[], b: readonly ByteEdit[]): boolean {
  return a.length === b.length && a.every((e, i) => sameEdit(e, b[i]));
}

/**
 * The text changes that turn `applyByteEdits(base, before)` into `applyByteEdits(base, after)`,
 * for an ASCII `base`. Regions where the two lists differ are widened over any edit they touch,
 * so no region cuts through an edit of either list.
 */
export function mirrorChanges(base: Uint8Array, before: readonly ByteEdit[], after: readonly ByteEdit[]): TextChange[] {
  const old = [...before].sort((a, b) => a.start - b.start || a.end - b.end);
  const now = [...after].sort((a, b) => a.start - b.start || a.end - b.end);
  const differing = [
    ...old.filter((e) => !now.some((f) => sameEdit(e, f))),
    ...now.filter((e) => !old.some((f) => sameEdit(e, f))),
  ].map((e) => ({ start: e.start, end: e.end }));
  if (!differing.length) return [];
  const touches = (e: ByteEdit, r: { start: number; end: number }) =>
    (e.start < r.end && e.end > r.start) || (e.start === e.end && e.start >= r.start && e.start <= r.end) || (r.start === r.end && e.start <= r.start && e.end >= r.end);
  // Widen regions over the edits they touch and merge regions that meet, until nothing changes.
  let regions = differing;
  for (let changed = true; changed;) {
    changed = false;
    for (const r of regions) {
      for (const e of [...old, ...now]) {
        if (!touches(e, r)) continue;
        if (e.start < r.start) { r.start = e.start; changed = true; }
        if (e.end > r.end) { r.end = e.end; changed = true; }
      }
    }
    const merged: { start: number; end: number }[] = [];
    for (const r of regions.sort((x, y) => x.start - y.start)) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end) { last.end = Math.max(last.end, r.end); changed = true; } else merged.push(r);
    }
    regions = merged;
  }
  const dec = new TextDecoder();
  const inside = (list: ByteEdit[], r: { start: number; end: number }) =>
    list.filter((e) => e.start >= r.start && e.end <= r.end).map((e) => ({ start: e.start - r.start, end: e.end - r.start, newText: e.newText }));
  let shift = 0; // UTF-16 length change of the old edits before the current region
  let k = 0;
  return regions.map((r) => {
    while (k < old.length && old[k].end <= r.start && !(old[k].start === old[k].end && old[k].start === r.start)) {
      shift += old[k].newText.length - (old[k].end - old[k].start);
      k++;
    }
    const slice = base.subarray(r.start, r.end);
    const expect = dec.decode(applyByteEdits(slice, inside(old, r)));
    const text = dec.decode(applyByteEdits(slice, inside(now, r)));
    const start = r.start + shift;
    return { start, end: start + expect.length, text, expect };
  }).filter((c) => c.text !== c.expect);
}

const CHUNK = 4096;

/** The one change from the first to the last differing character of `have` and `want` ([] when equal). */
export function diffText(have: string, want: string): TextChange[] {
  if (have === want) return [];
  const n = Math.min(have.length, want.length);
  let p = 0;
  while (p + CHUNK <= n && have.slice(p, p + CHUNK) === want.slice(p, p + CHUNK)) p += CHUNK;
  while (p < n && have.charCodeAt(p) === want.charCodeAt(p)) p++;
  let s = 0;
  const room = n - p;
  while (s + CHUNK <= room && have.slice(have.length - s - CHUNK, have.length - s) === want.slice(want.length - s - CHUNK, want.length - s)) s += CHUNK;
  while (s < room && have.charCodeAt(have.length - 1 - s) === want.charCodeAt(want.length - 1 - s)) s++;
  return [{ start: p, end: have.length - s, text: want.slice(p, want.length - s), expect: have.slice(p, have.length - s) }];
}
