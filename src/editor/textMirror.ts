/**
 * Keeping the open JSON text in step with the viewer (no `vscode` here: the provider turns the
 * changes into a WorkspaceEdit). The text holds `applyByteEdits(base, edits)`; after a viewer
 * edit it must hold `applyByteEdits(base, edits')`. Only the edits that differ are turned into
 * text changes, each covering just the bytes it rewrites (a moved vertex: its two numbers), in
 * the UTF-16 offsets of the text as it is. The text VS Code holds is not quite the bytes: a UTF-8
 * byte order mark is not in it (VS Code keeps it aside and writes it back on save), and text
 * inserted into it takes the document's line ending (VS Code normalizes each edit's line breaks
 * to the buffer's EOL), so `TextLayout` says how the two relate. Where the offsets cannot be
 * worked out from the edits (a base that is not ASCII after its BOM, where byte and UTF-16
 * offsets part), one change from the first to the last differing character of the two texts
 * does it.
 */
import { applyByteEdits } from '../core/edits/applyByteEdits';
import type { ByteEdit } from '../core/problems';

/** Replace `[start, end)` (UTF-16 offsets in the text as it is, holding `expect`) with `text`. */
export interface TextChange { start: number; end: number; text: string; expect: string }

/** How the open text relates to the file's bytes: a BOM's bytes before it, the line ending of its edits. */
export interface TextLayout { bom: 0 | 3; eol: '\n' | '\r\n' }

/**
 * The layout of a file's text: its UTF-8 BOM, and its line ending as VS Code picks it (the first
 * line break's; a file without one gets '\n', VS Code's default on Linux and macOS).
 */
export function textLayout(bytes: Uint8Array): TextLayout {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nl = bytes.indexOf(0x0a, bom);
  return { bom, eol: nl > bom && bytes[nl - 1] === 0x0d ? '\r\n' : '\n' };
}

/** The bytes a save of `text` writes: the BOM again when the file had one (as VS Code writes it). */
export function textBytes(text: string, layout: Pick<TextLayout, 'bom'>): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!layout.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

/** Text as VS Code holds it once inserted into a document with this line ending. */
function withEol(text: string, eol: TextLayout['eol']): string {
  return /[\r\n]/.test(text) ? text.replace(/\r\n|\r|\n/g, eol) : text;
}

const sameEdit = (a: ByteEdit, b: ByteEdit) => a.start === b.start && a.end === b.end && a.newText === b.newText;

/** The same edit lists (as overrideByteEdits makes them: fresh objects, same order for the same overrides). */
export function sameEdits(a: readonly ByteEdit[], b: readonly ByteEdit[]): boolean {
  return a.length === b.length && a.every((e, i) => sameEdit(e, b[i]));
}

/**
 * The text changes that turn `applyByteEdits(base, before)` into `applyByteEdits(base, after)`,
 * for a `base` that is ASCII after its BOM. Regions where the two lists differ are widened over
 * any edit they touch, so no region cuts through an edit of either list. Offsets are in the text
 * VS Code holds (`layout`: no BOM, edits' line breaks in the document's EOL).
 */
export function mirrorChanges(base: Uint8Array, before: readonly ByteEdit[], after: readonly ByteEdit[], layout: TextLayout = textLayout(base)): TextChange[] {
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
  let shift = -layout.bom; // UTF-16 offset of a base byte in the text: less the BOM, plus the old edits' length changes before it
  let k = 0;
  return regions.map((r) => {
    while (k < old.length && old[k].end <= r.start && !(old[k].start === old[k].end && old[k].start === r.start)) {
      shift += withEol(old[k].newText, layout.eol).length - (old[k].end - old[k].start);
      k++;
    }
    const slice = base.subarray(r.start, r.end);
    const inText = (list: ByteEdit[]) => inside(list, r).map((e) => ({ ...e, newText: withEol(e.newText, layout.eol) }));
    const expect = dec.decode(applyByteEdits(slice, inText(old)));
    const text = dec.decode(applyByteEdits(slice, inText(now)));
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
