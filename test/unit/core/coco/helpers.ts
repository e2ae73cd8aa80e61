import { parseCoco } from '../../../../src/core/coco/parse';

export const enc = (s: string) => new TextEncoder().encode(s);
export const parse = (s: string, opts?: { maxDepth?: number }) => parseCoco(enc(s), opts);
/** Byte offset of the nth occurrence of `needle` in `text` (counting UTF-8 bytes). */
export function byteAt(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let k = 0; k <= nth; k++) { at = text.indexOf(needle, at + 1); if (at < 0) throw new Error(`no ${needle}`); }
  return enc(text.slice(0, at)).length;
}
