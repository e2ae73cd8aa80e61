/**
 * A first look at a big COCO file before the full parse: the first image, its
 * annotations and the categories, found by byte search. The `images` array is
 * usually first; `categories` is found from the end; the first image's
 * annotations by searching the bytes once for `"image_id": <id>` (spelled as the
 * file's first `"image_id"` is) and taking the object around each hit. Free of `vscode`. Returns undefined when anything
 * looks unusual (the full parse then shows the image as usual).
 */
import { CocoEditorModel, type ImageSource } from './editorModel';
import type { PreviewPayload } from '../shared/protocol';

const enc = new TextEncoder();
const dec = new TextDecoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i;
}

/** End (exclusive) of the JSON value starting at `i` ({ or [ or a scalar), strings respected. */
function valueEnd(b: Uint8Array, i: number, limit = b.length): number {
  let depth = 0;
  for (let k = i; k < limit; k++) {
    const c = b[k];
    if (c === QUOTE) {
      for (k++; k < limit && b[k] !== QUOTE; k++) if (b[k] === BACKSLASH) k++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) { depth--; if (depth === 0) return k + 1; }
    else if (depth === 0 && (c === 0x2c)) return k;
  }
  return -1;
}

/** Start of the value of a top-level-looking key (searched from the start, or from the end). */
function keyValue(b: Uint8Array, key: string, fromEnd: boolean): number {
  const pat = enc.encode(`"${key}"`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const at = fromEnd ? buf.lastIndexOf(pat) : buf.indexOf(pat);
  if (at < 0) return -1;
  let i = skipWs(b, at + pat.length);
  if (b[i] !== 0x3a) return -1;
  i = skipWs(b, i + 1);
  return b[i] === 0x5b ? i : -1;
}

export function previewCoco(bytes: Uint8Array, fileName: string, source?: ImageSource): PreviewPayload | undefined {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const imgs = keyValue(bytes, 'images', false);
    const cats = keyValue(bytes, 'categories', true);
    if (imgs < 0 || cats < 0) return undefined;
    const firstStart = skipWs(bytes, imgs + 1);
    if (bytes[firstStart] !== 0x7b) return undefined;
    const firstEnd = valueEnd(bytes, firstStart);
    const catsEnd = valueEnd(bytes, cats);
    if (firstEnd < 0 || catsEnd < 0) return undefined;
    const image = JSON.parse(dec.decode(bytes.subarray(firstStart, firstEnd))) as { id?: unknown };
    if (typeof image.id !== 'number') return undefined;
    const anns: string[] = [];
    // One pass over the bytes: `"image_id"` written as the file writes it (`": "`, `":"`, `" : "`,
    // as its first annotation shows; one writer writes them all alike), not a pass per spelling.
    const key = enc.encode('"image_id"');
    const firstKey = buf.indexOf(key);
    let v = firstKey < 0 ? -1 : skipWs(bytes, firstKey + key.length);
    if (v >= 0 && bytes[v] !== 0x3a) return undefined;
    if (v >= 0) v = skipWs(bytes, v + 1);
    // No "image_id" at all: the image without annotations.
    const p = firstKey < 0 ? undefined : enc.encode(`${dec.decode(bytes.subarray(firstKey, v))}${image.id}`);
    if (p) {
      for (let at = buf.indexOf(p); at >= 0; at = buf.indexOf(p, at + p.length)) {
        const next = bytes[at + p.length];
        if (next >= 0x30 && next <= 0x39) continue; // 12 in 123
        if (next === 0x2e || next === 0x65 || next === 0x45) continue; // 12.5, 1e3
        // The object around the hit: back to its unmatched '{' (braces never occur in RLE strings).
        let depth = 0;
        let s = at - 1;
        for (; s >= 0; s--) {
          const c = bytes[s];
          if (c === 0x7d) depth++;
          else if (c === 0x7b) { if (depth === 0) break; depth--; }
        }
        if (s < 0) continue;
        const e = valueEnd(bytes, s);
        if (e < 0) continue;
        anns.push(dec.decode(bytes.subarray(s, e)));
        if (anns.length > 5000) break;
      }
    }
    const text = `{"images": [${dec.decode(bytes.subarray(firstStart, firstEnd))}],\n"annotations": [${anns.join(',\n')}],\n"categories": ${dec.decode(bytes.subarray(cats, catsEnd))}}`;
    const mini = CocoEditorModel.fromBytes(enc.encode(text), fileName);
    const first = mini.imagePayload(0, source);
    return { categories: mini.categories(), first, message: `Showing the first image while the rest of the file is read (${(bytes.length / 1048576).toFixed(0)} MB)…` };
  } catch {
    return undefined;
  }
}
