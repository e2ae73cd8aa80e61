/**
 * Any JSON file from its bytes, for files too big for one string (V8 caps strings at ~512 MiB,
 * so `JSON.parse(text)` cannot run on them): the checker's strict walker (core/coco/scanner)
 * finds where each element of the top-level array — or each value of the top-level object — ends,
 * and each piece is decoded and parsed on its own. A piece still too big is split the same way,
 * one level down. Bad JSON is refused with the file, line and column of the first error.
 */
import { LineIndex } from '../coco/lineIndex';
import { Ch, decodeKey, describeByte, lastError, scanString, skipWs, walkJson } from '../coco/scanner';

/** Pieces shorter than this many bytes are parsed whole (their text is shorter still: fits a string). */
export const JSON_PIECE_BYTES = 256 * 1024 * 1024;

export function jsonFromBytes(bytes: Uint8Array, file: string, opts: { pieceBytes?: number } = {}): unknown {
  const pieceBytes = opts.pieceBytes ?? JSON_PIECE_BYTES;
  const decoder = new TextDecoder();
  const fail = (offset: number, message: string): never => {
    const pos = new LineIndex(bytes).positionAt(offset);
    throw new Error(`${file}:${pos.line + 1}:${pos.character + 1}: not valid JSON (${message})`);
  };

  /**
   * The value at `start` (whitespace skipped) and the index after it. A container that may be a
   * big piece (the root of a big file, or an element found to be big) is split; anything else is
   * walked (validated, its end found) and parsed whole.
   */
  const value = (start: number, mayBeBig: boolean): [unknown, number] => {
    const i = skipWs(bytes, start, bytes.length);
    const container = bytes[i] === Ch.LBracket || bytes[i] === Ch.LBrace;
    if (container && mayBeBig) return bytes[i] === Ch.LBracket ? array(i) : object(i);
    const walked = walkJson(bytes, i, bytes.length, { allowNonFinite: false });
    if (walked.error) fail(walked.error.offset, walked.error.message);
    const end = walked.end;
    if (container && end - i >= pieceBytes) return value(i, true);
    return [JSON.parse(decoder.decode(bytes.subarray(i, end))), end];
  };

  const next = (i: number, close: number, what: string): number => {
    const j = skipWs(bytes, i, bytes.length);
    if (j >= bytes.length) fail(j, `Unexpected end of file inside ${what}`);
    if (bytes[j] !== close && bytes[j] !== Ch.Comma) fail(j, `Expected ',' or '${String.fromCharCode(close)}' after ${what === 'an array' ? 'array element' : 'property value'}, found ${describeByte(bytes, j)}`);
    return j;
  };
  const array = (open: number): [unknown[], number] => {
    const out: unknown[] = [];
    let i = skipWs(bytes, open + 1, bytes.length);
    if (bytes[i] === Ch.RBracket) return [out, i + 1];
    for (;;) {
      const [v, end] = value(i, false);
      out.push(v);
      i = next(end, Ch.RBracket, 'an array');
      if (bytes[i] === Ch.RBracket) return [out, i + 1];
      i++;
    }
  };
  const object = (open: number): [Record<string, unknown>, number] => {
    const out: Record<string, unknown> = {};
    let i = skipWs(bytes, open + 1, bytes.length);
    if (bytes[i] === Ch.RBrace) return [out, i + 1];
    for (;;) {
      if (bytes[i] !== Ch.Quote) fail(i, i >= bytes.length ? 'Unexpected end of file inside an object' : `Expected a property name in double quotes, found ${describeByte(bytes, i)}`);
      const keyEnd = scanString(bytes, i, bytes.length);
      if (keyEnd < 0) fail(lastError.offset, lastError.message);
      const key = decodeKey(bytes, i, keyEnd);
      i = skipWs(bytes, keyEnd, bytes.length);
      if (bytes[i] !== Ch.Colon) fail(i, `Expected ':' after property name, found ${i >= bytes.length ? 'the end of the file' : describeByte(bytes, i)}`);
      const [v, end] = value(i + 1, false);
      // as JSON.parse: a repeated key keeps its last value; "__proto__" is an own property
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      i = next(end, Ch.RBrace, 'an object');
      if (bytes[i] === Ch.RBrace) return [out, i + 1];
      i = skipWs(bytes, i + 1, bytes.length);
    }
  };

  if (skipWs(bytes, 0, bytes.length) >= bytes.length) fail(bytes.length, 'Unexpected end of file: no JSON value');
  const [root, end] = value(0, bytes.length >= pieceBytes);
  const rest = skipWs(bytes, end, bytes.length);
  if (rest < bytes.length) fail(rest, `Unexpected ${describeByte(bytes, rest)} after the JSON value`);
  return root;
}
