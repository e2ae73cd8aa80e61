// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- every room that imports this file needs these packages' typings (node10 resolution ignores "exports")
/// <reference path="./modules.d.ts" />
/**
 * PNG bytes for masks, pure JS (fast-png): palette-indexed and 1-channel PNGs read as their
 * indices and written with an exact palette — sharp can neither write a given palette nor hand
 * back palette indices, and VOC / labelme / mask datasets store class and instance ids that way.
 */
import { decode, encode } from 'fast-png';

export interface IndexedImage {
  width: number;
  height: number;
  /** One value per pixel, row-major (palette index, grey level, or the first channel). */
  data: Uint8Array;
  /** Alpha per pixel when the PNG has one. */
  alpha?: Uint8Array;
  palette?: number[][];
}

export function decodeIndexedPng(bytes: Uint8Array): IndexedImage {
  const png = decode(bytes);
  const n = png.width * png.height;
  const ch = png.channels;
  const src = png.data;
  const data = new Uint8Array(n);
  let alpha: Uint8Array | undefined;
  if (png.palette) {
    // fast-png keeps indices for palette PNGs (1 channel); sub-byte depths come unpacked
    for (let i = 0; i < n; i++) data[i] = src[i];
  } else {
    const shift = png.depth === 16 ? 8 : 0;
    for (let i = 0; i < n; i++) data[i] = src[i * ch] >> shift;
    if (png.depth === 1) for (let i = 0; i < n; i++) data[i] = data[i] ? 255 : 0;
    if (ch === 2 || ch === 4) {
      alpha = new Uint8Array(n);
      for (let i = 0; i < n; i++) alpha[i] = src[i * ch + ch - 1] >> shift;
    }
  }
  return { width: png.width, height: png.height, data, alpha, palette: png.palette as number[][] | undefined };
}

export function encodeIndexedPng(img: { width: number; height: number; data: Uint8Array }, palette?: number[][]): Uint8Array {
  return encode({ width: img.width, height: img.height, data: img.data, depth: 8, channels: 1, ...(palette ? { palette } : {}) });
}

/** PASCAL VOC's colour map (also labelme's label colours): index → RGB by bit interleaving. */
export function vocPalette(n = 256): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    let r = 0, g = 0, b = 0, c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    out.push([r, g, b]);
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Base64 in pure TypeScript (core has no Buffer, btoa or atob: it runs in Node, workers and the webview). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

export function fromBase64(b64: string): Uint8Array {
  const s = b64.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n = (B64_INDEX.get(s[i])! << 18) | (B64_INDEX.get(s[i + 1]) ?? 0) << 12 | (B64_INDEX.get(s[i + 2]) ?? 0) << 6 | (B64_INDEX.get(s[i + 3]) ?? 0);
    out[o++] = (n >> 16) & 255;
    if (i + 2 < s.length) out[o++] = (n >> 8) & 255;
    if (i + 3 < s.length) out[o++] = n & 255;
  }
  return out.subarray(0, o);
}
