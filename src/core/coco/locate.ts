/**
 * Byte ranges of values nested inside one element, found by walking only that
 * element's bytes: `locate(doc, ann, ['bbox', 2])`.
 */
import type { CocoDocument, Located } from './document';
import { walkJson, type PathSegment } from './scanner';

export interface ByteRange { start: number; end: number }

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = a.length - 1; k >= 0; k--) if (a[k] !== b[k]) return false;
  return true;
}

/** Range [start, end) of the value at `path` inside `entry` (the entry itself for `[]`), or undefined when absent. */
export function locate(doc: CocoDocument, entry: Located, path: readonly PathSegment[]): ByteRange | undefined {
  if (path.length === 0) return { start: entry.start, end: entry.end };
  return locateIn(doc.bytes, entry.start, entry.end, path);
}

/** Same as `locate`, on any byte range holding one JSON value. */
export function locateIn(bytes: Uint8Array, start: number, end: number, path: readonly PathSegment[]): ByteRange | undefined {
  let found: ByteRange | undefined;
  const depth = path.length;
  walkJson(bytes, start, end, {
    maxDepth: 100000,
    onValue(p, s, e) {
      if (p.length === depth && samePath(p, path)) { found = { start: s, end: e }; return true; }
      return false;
    },
  });
  return found;
}

export interface KeyRange extends ByteRange {
  /** True when the key is absent and the range is the parent object's '{'. */
  missing?: boolean;
}

/**
 * Range of the key (with its quotes) that holds the value at `path`, e.g.
 * `['bbox']` → the `"bbox"` text. When the key is absent but its object exists,
 * the range of that object's `{` with `missing: true` (where a "missing field"
 * problem points). Undefined when neither exists or the last segment is an index.
 */
export function locateKey(doc: CocoDocument, entry: Located, path: readonly PathSegment[]): KeyRange | undefined {
  if (path.length === 0 || typeof path[path.length - 1] !== 'string') return undefined;
  let found: KeyRange | undefined;
  walkJson(doc.bytes, entry.start, entry.end, {
    maxDepth: 100000,
    onKey(p, s, e) {
      if (samePath(p, path)) { found = { start: s, end: e }; return true; }
      return false;
    },
  });
  if (found) return found;
  const parent = locate(doc, entry, path.slice(0, -1));
  if (parent && doc.bytes[parent.start] === 0x7b) return { start: parent.start, end: parent.start + 1, missing: true };
  return undefined;
}
