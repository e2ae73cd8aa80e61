/**
 * Byte-level JSON tokens and a strict, iterative (no recursion) JSON walker.
 *
 * The fast path in `parse.ts` only tracks strings and brackets inside array
 * elements and lets `JSON.parse` validate them; this walker is the slow, exact
 * path: it finds the first error in a broken element, gives the JSON path of
 * each bare `NaN` / `Infinity`, and locates nested values for `locate()`.
 * Pure TS: bytes in, offsets out.
 */

export const enum Ch {
  Tab = 0x09, Lf = 0x0a, Cr = 0x0d, Space = 0x20, Quote = 0x22, Plus = 0x2b, Comma = 0x2c, Minus = 0x2d,
  Dot = 0x2e, Slash = 0x2f, Zero = 0x30, Nine = 0x39, Colon = 0x3a, UpperE = 0x45, UpperI = 0x49, UpperN = 0x4e,
  LBracket = 0x5b, Backslash = 0x5c, RBracket = 0x5d, LowerE = 0x65, LBrace = 0x7b, RBrace = 0x7d,
}


export function skipWs(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i];
    if (c !== Ch.Space && c !== Ch.Lf && c !== Ch.Cr && c !== Ch.Tab) break;
    i++;
  }
  return i;
}

/** A syntax error: where and why. */
export interface SyntaxErr { offset: number; message: string }

/** Set by the token scanners when they return -1. */
export let lastError: SyntaxErr = { offset: 0, message: '' };
function fail(offset: number, message: string): -1 {
  lastError = { offset, message };
  return -1;
}

/** How a byte reads in a message: `'x'`, or `byte 0x00` for what isn't printable. */
export function describeByte(bytes: Uint8Array, i: number): string {
  const c = bytes[i];
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  if (c === Ch.Space) return 'a space';
  if (c >= 0x80) {
    // Show the whole character when it is valid UTF-8.
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len > 1 && i + len <= bytes.length) {
      let ok = true;
      for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) ok = false;
      if (ok) {
        const s = new TextDecoder().decode(bytes.subarray(i, i + len));
        if (!s.includes('\ufffd')) return `'${s}'`;
      }
    }
  }
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * Scans a string token; `i` is at its opening quote. Returns the index after the
 * closing quote, or -1 (see `lastError`). Validates escapes and control characters.
 */
export function scanString(bytes: Uint8Array, i: number, end: number): number {
  const open = i;
  i++;
  while (i < end) {
    const c = bytes[i];
    if (c === Ch.Quote) return i + 1;
    if (c === Ch.Backslash) {
      if (i + 1 >= end) break;
      const e = bytes[i + 1];
      if (e === 0x75 /* u */) {
        for (let k = 2; k < 6; k++) {
          if (i + k >= end) return fail(end, 'Unexpected end of file inside a string');
          const h = bytes[i + k];
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex) return fail(i + k, `Bad \\u escape in string: expected a hex digit, found ${describeByte(bytes, i + k)}`);
        }
        i += 6;
        continue;
      }
      if (e === Ch.Quote || e === Ch.Backslash || e === Ch.Slash || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
        continue;
      }
      return fail(i, `Bad escape \\${String.fromCharCode(e)} in string`);
    }
    if (c < 0x20) {
      return fail(i, c === Ch.Lf || c === Ch.Cr
        ? 'Unterminated string: line break inside a string (a closing \'"\' is missing)'
        : `Control character ${describeByte(bytes, i)} inside a string must be escaped`);
    }
    i++;
  }
  return fail(end, `Unterminated string: end of file before the closing '"' of the string opened at byte ${open}`);
}

/** Scans a JSON number at `i`. Returns its end or -1. */
export function scanNumber(bytes: Uint8Array, i: number, end: number): number {
  const start = i;
  if (bytes[i] === Ch.Minus) i++;
  if (i >= end) return fail(i, 'Unexpected end of file inside a number');
  let c = bytes[i];
  if (c === Ch.Zero) {
    i++;
  } else if (c >= 0x31 && c <= Ch.Nine) {
    i++;
    while (i < end && bytes[i] >= Ch.Zero && bytes[i] <= Ch.Nine) i++;
  } else {
    return fail(i, i === start ? `Unexpected ${describeByte(bytes, i)}` : `Expected a digit after '-', found ${describeByte(bytes, i)}`);
  }
  if (i < end && bytes[i] === Ch.Dot) {
    i++;
    if (i >= end || bytes[i] < Ch.Zero || bytes[i] > Ch.Nine) return fail(i, i >= end ? 'Unexpected end of file inside a number' : `Expected a digit after '.', found ${describeByte(bytes, i)}`);
    while (i < end && bytes[i] >= Ch.Zero && bytes[i] <= Ch.Nine) i++;
  }
  if (i < end && (bytes[i] === Ch.LowerE || bytes[i] === Ch.UpperE)) {
    i++;
    if (i < end && (bytes[i] === Ch.Plus || bytes[i] === Ch.Minus)) i++;
    if (i >= end || bytes[i] < Ch.Zero || bytes[i] > Ch.Nine) return fail(i, i >= end ? 'Unexpected end of file inside a number' : `Expected a digit in the exponent, found ${describeByte(bytes, i)}`);
    while (i < end && bytes[i] >= Ch.Zero && bytes[i] <= Ch.Nine) i++;
  }
  c = i < end ? bytes[i] : Ch.Space;
  // `01`, `1x`: a number runs into something that can't follow it.
  if ((c >= Ch.Zero && c <= Ch.Nine) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === Ch.Dot) {
    return fail(i, `Unexpected ${describeByte(bytes, i)} after a number`);
  }
  return i;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const NAN = [0x4e, 0x61, 0x4e];
const INFINITY = [0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79];

function matches(bytes: Uint8Array, i: number, end: number, word: number[]): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}

/**
 * A bare non-finite token (Python's json.dump writes them) at `i`:
 * `NaN`, `Infinity` or `-Infinity`. Returns its length and value, or undefined.
 */
export function nonFiniteAt(bytes: Uint8Array, i: number, end: number): { length: number; value: number } | undefined {
  if (matches(bytes, i, end, NAN)) return { length: 3, value: NaN };
  if (matches(bytes, i, end, INFINITY)) return { length: 8, value: Infinity };
  if (bytes[i] === Ch.Minus && matches(bytes, i + 1, end, INFINITY)) return { length: 9, value: -Infinity };
  return undefined;
}

/** Kind of value that starts with byte `c`, or undefined when no value starts so. */
export function kindOfByte(c: number): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | undefined {
  if (c === Ch.LBrace) return 'object';
  if (c === Ch.LBracket) return 'array';
  if (c === Ch.Quote) return 'string';
  if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine) || c === Ch.UpperN || c === Ch.UpperI) return 'number';
  if (c === 0x74 || c === 0x66) return 'boolean';
  if (c === 0x6e) return 'null';
  return undefined;
}

/**
 * Scans one primitive (string, number, literal, and with `allowNonFinite` the
 * bare non-finite tokens) at `i`. Returns its end or -1.
 */
export function scanPrimitive(bytes: Uint8Array, i: number, end: number, allowNonFinite: boolean): number {
  const c = bytes[i];
  if (c === Ch.Quote) return scanString(bytes, i, end);
  if (allowNonFinite && (c === Ch.UpperN || c === Ch.UpperI || c === Ch.Minus)) {
    const nf = nonFiniteAt(bytes, i, end);
    if (nf) return i + nf.length;
  }
  if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) return scanNumber(bytes, i, end);
  const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
  if (word) {
    for (let k = 0; k < word.length; k++) {
      if (i + k >= end) return fail(end, `Unexpected end of file inside '${String.fromCharCode(...word)}'`);
      if (bytes[i + k] !== word[k]) return fail(i + k, `Unexpected ${describeByte(bytes, i + k)}: expected '${String.fromCharCode(...word)}'`);
    }
    return i + word.length;
  }
  return fail(i, `Unexpected ${describeByte(bytes, i)}: expected a value (object, array, string, number, true, false or null)`);
}

export type PathSegment = string | number;

export interface WalkOptions {
  /** Deepest nesting accepted (default 512). */
  maxDepth?: number;
  /** Accept bare NaN / Infinity / -Infinity as values (default true). */
  allowNonFinite?: boolean;
  /** Words for an end-of-file error: `the "annotations" array`. */
  context?: string;
  /** Nesting levels above the walked value: counted in `maxDepth`'s message, not in the limit. */
  depthAbove?: number;
  /** After every complete value. `path` is live: copy it to keep it. Return true to stop. */
  onValue?(path: readonly PathSegment[], start: number, end: number): boolean | void;
  /** After every object key. `path` ends with the key. Return true to stop. */
  onKey?(path: readonly PathSegment[], start: number, end: number): boolean | void;
  /** For each bare non-finite token. */
  onNonFinite?(path: readonly PathSegment[], start: number, end: number, value: number): void;
}

export interface WalkResult {
  /** Index after the walked value (or where it stopped / failed). */
  end: number;
  /** A callback asked to stop. */
  stopped: boolean;
  error?: SyntaxErr;
}

const enum W { Value, ArrFirst, KeyFirst, Key, Colon, After }
const K_OBJ = 1, K_ARR = 2;

let keyDecoder: InstanceType<typeof TextDecoder> | undefined;
export function decodeKey(bytes: Uint8Array, start: number, end: number): string {
  // Plain ASCII keys without escapes (every COCO key) skip the decoder.
  let plain = end - start <= 64;
  for (let k = start + 1; plain && k < end - 1; k++) { const c = bytes[k]; if (c >= 0x80 || c === Ch.Backslash) plain = false; }
  if (plain) {
    let s = '';
    for (let k = start + 1; k < end - 1; k++) s += String.fromCharCode(bytes[k]);
    return s;
  }
  keyDecoder ??= new TextDecoder();
  return JSON.parse(keyDecoder.decode(bytes.subarray(start, end))) as string;
}

/**
 * Walks exactly one JSON value starting at `start` (leading whitespace skipped),
 * strictly, with an explicit stack. Never throws, never recurses.
 */
export function walkJson(bytes: Uint8Array, start: number, end: number, opts: WalkOptions = {}): WalkResult {
  const maxDepth = opts.maxDepth ?? 512;
  const allowNF = opts.allowNonFinite ?? true;
  const path: PathSegment[] = [];
  const kinds: number[] = [];
  const starts: number[] = [];
  const wantPath = !!(opts.onValue || opts.onKey || opts.onNonFinite);
  let state: W = W.Value;
  let i = start;
  const err = (offset: number, message: string): WalkResult => ({ end: offset, stopped: false, error: { offset, message } });
  const where = () => {
    const d = kinds.length;
    if (opts.context) return opts.context;
    if (d === 0) return 'a value';
    return kinds[d - 1] === K_OBJ ? `an object (opened at byte ${starts[d - 1]})` : `an array (opened at byte ${starts[d - 1]})`;
  };
  for (;;) {
    if (state === W.After && kinds.length === 0) return { end: i, stopped: false };
    i = skipWs(bytes, i, end);
    if (i >= end) return err(end, `Unexpected end of file inside ${where()}`);
    const c = bytes[i];
    switch (state) {
      case W.ArrFirst:
      case W.Value: {
        if (c === Ch.RBracket && state === W.ArrFirst) { i = close(i); if (i < 0) return { end: -i, stopped: true }; state = W.After; continue; }
        if (c === Ch.LBrace || c === Ch.LBracket) {
          if (kinds.length >= maxDepth) return err(i, `Nesting deeper than ${maxDepth + (opts.depthAbove ?? 0)} levels`);
          kinds.push(c === Ch.LBrace ? K_OBJ : K_ARR);
          starts.push(i);
          path.push(c === Ch.LBrace ? '' : 0);
          i++;
          state = c === Ch.LBrace ? W.KeyFirst : W.ArrFirst;
          continue;
        }
        if (c === Ch.RBracket && state === W.Value && kinds[kinds.length - 1] === K_ARR) {
          return err(i, "Unexpected ']': expected a value after ',' (trailing comma)");
        }
        const e = scanPrimitive(bytes, i, end, allowNF);
        if (e < 0) return { end: lastError.offset, stopped: false, error: lastError };
        if (opts.onNonFinite && c !== Ch.Quote && (c === Ch.UpperN || c === Ch.UpperI || (c === Ch.Minus && bytes[i + 1] === Ch.UpperI))) {
          opts.onNonFinite(path, i, e, c === Ch.UpperN ? NaN : c === Ch.Minus ? -Infinity : Infinity);
        }
        if (opts.onValue?.(path, i, e) === true) return { end: e, stopped: true };
        i = e;
        state = W.After;
        continue;
      }
      case W.KeyFirst:
      case W.Key: {
        if (c === Ch.RBrace && state === W.KeyFirst) { i = close(i); if (i < 0) return { end: -i, stopped: true }; state = W.After; continue; }
        if (c !== Ch.Quote) {
          return err(i, c === Ch.RBrace ? "Unexpected '}': expected a property name after ',' (trailing comma)" : `Expected a property name in double quotes, found ${describeByte(bytes, i)}`);
        }
        const e = scanString(bytes, i, end);
        if (e < 0) return { end: lastError.offset, stopped: false, error: lastError };
        if (wantPath) path[path.length - 1] = decodeKey(bytes, i, e);
        if (opts.onKey?.(path, i, e) === true) return { end: e, stopped: true };
        i = e;
        state = W.Colon;
        continue;
      }
      case W.Colon:
        if (c !== Ch.Colon) return err(i, `Expected ':' after property name, found ${describeByte(bytes, i)}`);
        i++;
        state = W.Value;
        continue;
      case W.After: {
        const top = kinds[kinds.length - 1];
        if (c === Ch.Comma) {
          i++;
          if (top === K_ARR) { path[path.length - 1] = (path[path.length - 1] as number) + 1; state = W.Value; } else state = W.Key;
          continue;
        }
        if (top === K_ARR && c === Ch.RBracket) { i = close(i); if (i < 0) return { end: -i, stopped: true }; continue; }
        if (top === K_OBJ && c === Ch.RBrace) { i = close(i); if (i < 0) return { end: -i, stopped: true }; continue; }
        return err(i, top === K_ARR
          ? `Expected ',' or ']' after array element, found ${describeByte(bytes, i)}`
          : `Expected ',' or '}' after property value, found ${describeByte(bytes, i)}`);
      }
    }
  }
  /** Closes the container whose closing bracket is at `at`; returns the next index, or -(next) to stop. */
  function close(at: number): number {
    kinds.pop();
    path.pop();
    const s = starts.pop()!;
    if (opts.onValue?.(path, s, at + 1) === true) return -(at + 1);
    return at + 1;
  }
}
