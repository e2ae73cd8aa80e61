/**
 * Minimal JSON edits in the style of the surrounding text: replace one value,
 * add one property, remove one array element with its comma. Each returns
 * ByteEdits against the original bytes.
 */
import type { CocoDocument, Located } from '../coco/document';
import type { ByteEdit } from '../problems';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

// Kept here too for the modules that import them from the edits (src/core/numbers.ts is their home).
export { formatNumber, round2 } from '../numbers';

/** Replace the bytes of a located value with new JSON text. */
export function replaceRange(range: { start: number; end: number }, newText: string): ByteEdit {
  return { start: range.start, end: range.end, newText };
}

/** The whitespace that starts the line `offset` is on (the one indent helper: edits match their neighbours). */
export function indentAt(bytes: Uint8Array, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0 && bytes[lineStart - 1] !== 0x0a) lineStart--;
  let i = lineStart;
  while (i < offset && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  return new TextDecoder().decode(bytes.subarray(lineStart, i));
}

/**
 * Add `"key": valueText` as the last property of an object element.
 * Multi-line objects get a new line at the members' indent; one-line objects stay on one line.
 */
export function insertProperty(doc: CocoDocument, element: { start: number; end: number }, key: string, valueText: string): ByteEdit {
  const bytes = doc.bytes;
  let close = element.end - 1;
  while (close > element.start && bytes[close] !== 0x7d /* } */) close--;
  let last = close - 1;
  while (last > element.start && WS.has(bytes[last])) last--;
  const empty = bytes[last] === 0x7b; /* { */
  const text = new TextDecoder().decode(bytes.subarray(element.start, element.end));
  const multiLine = text.includes('\n');
  const member = `${JSON.stringify(key)}: ${valueText}`;
  if (!multiLine) {
    return { start: last + 1, end: last + 1, newText: empty ? member : `, ${member}` };
  }
  // Indent of the first member, else the closing brace's indent plus two spaces.
  const m = /\{\s*?\n([ \t]*)"/.exec(text);
  const indent = m ? m[1] : indentAt(bytes, close) + '  ';
  return { start: last + 1, end: last + 1, newText: `${empty ? '' : ','}\n${indent}${member}` };
}

/** Remove an array element and exactly one separating comma (the one before it, or after it if it is first). */
export function removeElement(doc: CocoDocument, entries: readonly Located[], index: number): ByteEdit {
  const bytes = doc.bytes;
  const e = entries[index];
  if (index > 0) {
    // From the end of the previous element (its comma and our whitespace go) to our end.
    const prev = entries[index - 1];
    return { start: prev.end, end: e.end, newText: '' };
  }
  if (entries.length > 1) {
    const next = entries[1];
    return { start: e.start, end: next.start, newText: '' };
  }
  // The only element: leave the brackets, drop the element and the whitespace around it.
  let s = e.start;
  while (s > 0 && WS.has(bytes[s - 1])) s--;
  let t = e.end;
  while (t < bytes.length && WS.has(bytes[t])) t++;
  return { start: s, end: t, newText: '' };
}

/** Insert a new top-level property (e.g. "info") right after the opening brace, in the file's style. */
export function insertTopLevelProperty(doc: CocoDocument, key: string, valueText: string): ByteEdit | undefined {
  const bytes = doc.bytes;
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && WS.has(bytes[i])) i++;
  if (bytes[i] !== 0x7b) return undefined;
  let j = i + 1;
  while (j < bytes.length && WS.has(bytes[j])) j++;
  const empty = bytes[j] === 0x7d;
  const between = new TextDecoder().decode(bytes.subarray(i + 1, j));
  const nl = between.lastIndexOf('\n');
  const member = `${JSON.stringify(key)}: ${valueText}`;
  if (nl < 0) return { start: i + 1, end: i + 1, newText: empty ? member : `${member}, ` };
  const indent = between.slice(nl + 1);
  return { start: i + 1, end: i + 1, newText: `\n${indent}${member}${empty ? '\n' : ','}` };
}

/**
 * Append an element after the last of `entries` (at least one), separated as the last two are
 * (or, after a single element, by a new line at its indent).
 */
export function appendElement(doc: CocoDocument, entries: readonly Located[], valueText: string): ByteEdit | undefined {
  const last = entries.at(-1);
  if (!last) return undefined;
  const bytes = doc.bytes;
  let separator: string;
  if (entries.length > 1) {
    // What follows the comma after the element before the last: the file's own spacing.
    let i = entries[entries.length - 2].end;
    while (i < last.start && bytes[i] !== 0x2c /* , */) i++;
    separator = new TextDecoder().decode(bytes.subarray(i + 1, last.start));
  } else {
    separator = `\n${indentAt(bytes, last.start)}`;
  }
  return { start: last.end, end: last.end, newText: `,${separator}${valueText}` };
}
