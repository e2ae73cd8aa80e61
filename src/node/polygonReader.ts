/**
 * The scan worker's reader of one annotation element (scanFacts.ts): `image_id`, `area` and a
 * `segmentation` that is a list of number lists, read from the bytes into flat coordinates, with
 * no JSON.parse and no arrays made. About 4× cheaper than parsing the element whole, which was
 * the worker's largest cost on train2017 (~5 s). A segmentation that is an object (a crowd's
 * RLE) is read for its keys only (`shape`): the facts look at nothing else in it. It reads the
 * image elements too, for their `id`, `width` and `height` (readImage).
 *
 * It only reads the common shapes and says no (`read` false: parse the element whole) to the
 * rest: an element that is not an object, a segmentation of any other shape (empty, flat,
 * mixed, a scalar), a key with an escape, one of the three keys twice, a number it cannot
 * convert exactly on its fast path it hands to Number().
 *
 * Speed: the usual coordinate ("257.01") is read four bytes at a time (wideDigits / digitsValue:
 * no branch per digit), the usual keys are told by word compares, and lists of numbers that are
 * skipped (bbox, an RLE's counts) go by four bytes at a time.
 *
 * Exactness: on valid JSON it reads what JSON.parse would. Its checks are not a validator: an
 * element that is not valid JSON can be read; the main thread, which parsed every element,
 * redoes the facts of each element that did not parse into an object (scanFacts.ts).
 * Numbers: with no exponent and digits that make an integer below 2^53, digits / 10^fraction is
 * one correctly rounded division of two exact doubles, so it is the double JSON.parse gives
 * (Clinger's fast path); any other number goes through Number(), which rounds as JSON.parse does.
 */

const QUOTE = 0x22, COMMA = 0x2c, MINUS = 0x2d, DOT = 0x2e, COLON = 0x3a, BACKSLASH = 0x5c;
const OPEN_LIST = 0x5b, CLOSE_LIST = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;
const ZERO = 0x30, NINE = 0x39;

/**
 * Digits accumulated as m = m · 10 + d stay exact while m ≤ 2^53 − 1 (once past it, m never
 * comes back under), and fractions have at most that many digits, under the 22 exact powers.
 */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
// (A fraction of more than 22 digits under 2^53 has leading zeros: Number() then.)
/** Exact powers of ten (10^22 is the last exact double). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** BYTE_CLASS bits: JSON whitespace; the bytes of numbers and of true / false / null. */
const WHITESPACE = 1, SCALAR = 2;
const BYTE_CLASS = new Uint8Array(256);
for (const c of ' \n\r\t') BYTE_CLASS[c.charCodeAt(0)] = WHITESPACE;
for (const c of '0123456789+-.eEtruefalsn') BYTE_CLASS[c.charCodeAt(0)] = SCALAR;

const KEY_SEGMENTATION = [...'segmentation'].map((c) => c.charCodeAt(0));
const KEY_IMAGE_ID = [...'image_id'].map((c) => c.charCodeAt(0));
const KEY_AREA = [...'area'].map((c) => c.charCodeAt(0));
const KEY_ID = [...'id'].map((c) => c.charCodeAt(0));
const KEY_WIDTH = [...'width'].map((c) => c.charCodeAt(0));
const KEY_HEIGHT = [...'height'].map((c) => c.charCodeAt(0));
const KEY_COUNTS = [...'counts'].map((c) => c.charCodeAt(0));
const KEY_SIZE = [...'size'].map((c) => c.charCodeAt(0));

/** PolygonReader.shape: what the element's segmentation is. */
export const enum SegmentationShape {
  /** A non-empty list of number lists. */
  Polygons,
  /** An object with `counts` and `size` (SEG_RLE). */
  Rle,
  /** Any other object (SEG_OBJECT). */
  Object,
}

/** What readObject does with a key's value. */
const enum KeyKind { Other, Segmentation, ImageId, Area }

/**
 * The keys of a COCO annotation, each as the little-endian int32 words of its bytes and closing
 * quote (the last word masked to the bytes it holds): knownKey tells them by word compares.
 */
const KNOWN_KEYS = ([
  ['segmentation', KeyKind.Segmentation], ['area', KeyKind.Area], ['iscrowd', KeyKind.Other], ['image_id', KeyKind.ImageId],
  ['bbox', KeyKind.Other], ['category_id', KeyKind.Other], ['id', KeyKind.Other],
] as const).map(([name, kind]) => {
  const bytes = [...`${name}"`].map((c) => c.charCodeAt(0));
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  bytes.forEach((byte, j) => { words[j >> 2] |= byte << (8 * (j & 3)); });
  const held = bytes.length & 3;
  return { words, lastMask: held === 0 ? -1 : (1 << (8 * held)) - 1, length: name.length, kind };
});

/** Not the shape this reader takes: the element is parsed whole. */
class Unread extends Error {}
const UNREAD = new Unread();

export class PolygonReader {
  /** The polygons' numbers, polygon after polygon. */
  coords = new Float64Array(1 << 14);
  /** Polygon k is coords[ends[k - 1] … ends[k]) (from 0 for k = 0). */
  ends = new Int32Array(64);
  /** How many polygons. */
  np = 0;
  /** What the segmentation is: polygons (coords / ends / np), or an object (RLE or another). */
  shape = SegmentationShape.Polygons;
  /** The element's image_id: a number or string as JSON.parse gives it; null for any other value or none. */
  imageId: number | string | null = null;
  /** The element's area: a number, or null for any other value or none. */
  area: number | null = null;
  /** What readImage read: the image's `id`, `width` and `height` as JSON.parse gives them, null for a value of another type, undefined for none. */
  image: { id: number | string | null | undefined; width: number | null | undefined; height: number | null | undefined } = { id: undefined, width: undefined, height: undefined };
  private i = 0;

  /** Where knownKey starts looking (the key after the one it found last). */
  private nextKey = 0;
  /** The same bytes, for the four-byte reads of the number fast path. */
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly decode: (start: number, end: number) => string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads the element at [start, end); false when it is not the shape this reader takes. */
  read(start: number, end: number): boolean {
    try {
      return this.readObject(start, end);
    } catch (e) {
      if (e === UNREAD) return false;
      throw e;
    }
  }

  /**
   * Reads the image element at [start, end) for what the facts builder looks at (`image`: a new
   * object each time, as the builder keeps it); false when it is not an object, has one of the
   * three keys twice, or a key or a string id with an escape.
   */
  readImage(start: number, end: number): boolean {
    try {
      return this.readImageObject(start, end);
    } catch (e) {
      if (e === UNREAD) return false;
      throw e;
    }
  }

  private readImageObject(start: number, end: number): boolean {
    const b = this.bytes;
    let id: number | string | null | undefined, width: number | null | undefined, height: number | null | undefined;
    let i = start;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c !== OPEN_OBJECT) return false;
    c = b[++i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c !== CLOSE_OBJECT) {
      for (;;) {
        if (c !== QUOTE) return false;
        const keyStart = i + 1;
        const keyEnd = this.stringEnd(keyStart, true);
        const keyLength = keyEnd - keyStart;
        i = keyEnd + 1;
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        if (c !== COLON) return false;
        c = b[++i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        const numeric = c === MINUS || (c >= ZERO && c <= NINE);
        if (keyLength === 2 && this.isKey(keyStart, KEY_ID)) {
          if (id !== undefined) return false; // JSON.parse keeps the last one: parse it whole
          if (c === QUOTE) {
            const close = this.stringEnd(i + 1, true);
            id = this.decode(i + 1, close);
            i = close + 1;
          } else if (numeric) {
            this.i = i;
            id = this.number();
            i = this.i;
          } else {
            id = null;
            i = this.skipValue(i);
          }
        } else if ((keyLength === 5 && this.isKey(keyStart, KEY_WIDTH)) || (keyLength === 6 && this.isKey(keyStart, KEY_HEIGHT))) {
          let v: number | null = null;
          if (numeric) {
            this.i = i;
            v = this.number();
            i = this.i;
          } else i = this.skipValue(i);
          if (keyLength === 5) {
            if (width !== undefined) return false;
            width = v;
          } else {
            if (height !== undefined) return false;
            height = v;
          }
        } else i = this.skipValue(i);
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        if (c === COMMA) {
          c = b[++i];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
          continue;
        }
        if (c !== CLOSE_OBJECT) return false;
        break;
      }
    }
    c = b[++i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (i !== end) return false;
    this.image = { id, width, height };
    return true;
  }

  private readObject(start: number, end: number): boolean {
    const b = this.bytes;
    this.np = 0;
    this.shape = SegmentationShape.Polygons;
    this.imageId = null;
    this.area = null;
    // The index lives in a local (this.i only around the calls that move it).
    let i = start;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c !== OPEN_OBJECT) return false;
    c = b[++i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    if (c === CLOSE_OBJECT) return false;
    let seenSegmentation = false, seenImageId = false, seenArea = false;
    for (;;) {
      if (c !== QUOTE) return false;
      const keyStart = i + 1;
      // The usual keys by a few word compares; any other by its bytes.
      const known = this.knownKey(keyStart);
      const keyEnd = known >= 0 ? keyStart + KNOWN_KEYS[known].length : this.stringEnd(keyStart, true);
      const keyLength = keyEnd - keyStart;
      const kind = known >= 0 ? KNOWN_KEYS[known].kind
        : keyLength === 12 && this.isKey(keyStart, KEY_SEGMENTATION) ? KeyKind.Segmentation
          : keyLength === 8 && this.isKey(keyStart, KEY_IMAGE_ID) ? KeyKind.ImageId
            : keyLength === 4 && this.isKey(keyStart, KEY_AREA) ? KeyKind.Area : KeyKind.Other;
      i = keyEnd + 1;
      c = b[i];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
      if (c !== COLON) return false;
      c = b[++i];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
      if (kind === KeyKind.Segmentation) {
        if (seenSegmentation) return false; // JSON.parse keeps the last one: parse it whole
        seenSegmentation = true;
        this.i = i;
        if (c === OPEN_OBJECT ? !this.readSegmentationObject() : !this.readPolygons()) return false;
        i = this.i;
      } else if (kind === KeyKind.ImageId) {
        if (seenImageId) return false;
        seenImageId = true;
        if (c === QUOTE) {
          const close = this.stringEnd(i + 1, true);
          this.imageId = this.decode(i + 1, close);
          i = close + 1;
        } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
          this.i = i;
          this.imageId = this.number();
          i = this.i;
        } else i = this.skipValue(i);
      } else if (kind === KeyKind.Area) {
        if (seenArea) return false;
        seenArea = true;
        if (c === MINUS || (c >= ZERO && c <= NINE)) {
          this.i = i;
          this.area = this.number();
          i = this.i;
        } else i = this.skipValue(i);
      } else if ((BYTE_CLASS[c] & SCALAR) !== 0) {
        // A number or literal (id, category_id, iscrowd): its bytes up to the next separator.
        // Valid JSON has only whitespace before the separator; anything else is left to the
        // separator test below, which says no.
        c = b[++i];
        while ((BYTE_CLASS[c | 0] & SCALAR) !== 0) c = b[++i];
      } else i = this.skipValue(i);
      c = b[i];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
      if (c === COMMA) {
        c = b[++i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        continue;
      }
      if (c !== CLOSE_OBJECT) return false;
      c = b[++i];
      break;
    }
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    return i === end && seenSegmentation;
  }

  /** A non-empty list of number lists, at this.i: into coords / ends; false for any other value. */
  private readPolygons(): boolean {
    const b = this.bytes;
    const view = this.view;
    const lastWide = b.length - 9; // room for the two four-byte reads of the fast path
    if (b[this.i] !== OPEN_LIST) return false;
    this.i++;
    this.ws();
    if (b[this.i] === CLOSE_LIST) return false; // empty: SEG_EMPTY, parsed whole
    let n = 0;
    let np = 0;
    for (;;) {
      if (b[this.i] !== OPEN_LIST) return false;
      this.i++;
      this.ws();
      if (b[this.i] === CLOSE_LIST) this.i++;
      else {
        // The hot loop (~35 million numbers in train2017): locals only, numbers on the fast path inline.
        let i = this.i;
        let coords = this.coords;
        for (;;) {
          let c = b[i];
          const negative = c === MINUS;
          if (negative) c = b[++i];
          if (i <= lastWide) {
            // The usual coordinate, 1-3 digits, a dot, 1-3 digits ("257.01"), from the eight bytes
            // at i in two words (wideDigits / digitsValue): no branch on each digit to mispredict,
            // and no load that waits for the digit count (the fraction's word is shifted out of
            // the two, the byte after it too).
            const low = view.getInt32(i, true), high = view.getInt32(i + 4, true);
            const whole = wideDigits(low);
            if (whole > 0 && whole < 4 && ((low >>> (8 * whole)) & 0xff) === DOT) {
              // Bytes whole + 1 … whole + 4 of the eight: the fraction and what follows it.
              const fractionWord = whole === 3 ? high : (low >>> (8 * whole + 8)) | (high << (24 - 8 * whole));
              const fractionDigits = wideDigits(fractionWord);
              const next = (fractionWord >>> (8 * fractionDigits)) & 0xff;
              if (fractionDigits > 0 && fractionDigits < 4 && next !== 0x65 && next !== 0x45) {
                // Both parts < 1000, so m < 10^6 is the exact integer the digit loop makes.
                const m = digitsValue(low, whole) * POW10[fractionDigits] + digitsValue(fractionWord, fractionDigits);
                const v = m / POW10[fractionDigits];
                if (n === coords.length) this.coords = coords = grow(coords);
                coords[n++] = negative ? -v : v;
                i += whole + 1 + fractionDigits;
                c = next;
                while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
                if (c === COMMA) {
                  c = b[++i];
                  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
                  continue;
                }
                if (c !== CLOSE_LIST) return false;
                this.i = i + 1;
                break;
              }
            }
          }
          if (c < ZERO || c > NINE) return false;
          let m = 0, fraction = 0;
          const numberStart = negative ? i - 1 : i;
          while (c >= ZERO && c <= NINE) { m = m * 10 + (c - ZERO); c = b[++i]; }
          if (c === DOT) {
            c = b[++i];
            while (c >= ZERO && c <= NINE) { m = m * 10 + (c - ZERO); fraction++; c = b[++i]; }
          }
          let v: number;
          if (c === 0x65 || c === 0x45 || m > MAX_EXACT || fraction > 22) {
            this.i = numberStart;
            v = this.number();
            i = this.i;
            c = b[i];
          } else {
            v = fraction === 0 ? m : m / POW10[fraction];
            if (negative) v = -v;
          }
          if (n === coords.length) this.coords = coords = grow(coords);
          coords[n++] = v;
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
          if (c === COMMA) {
            c = b[++i];
            while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
            continue;
          }
          if (c !== CLOSE_LIST) return false;
          this.i = i + 1;
          break;
        }
      }
      if (np === this.ends.length) this.ends = grow(this.ends);
      this.ends[np++] = n;
      this.ws();
      const c = b[this.i];
      if (c === COMMA) { this.i++; this.ws(); continue; }
      if (c !== CLOSE_LIST) return false;
      this.i++;
      break;
    }
    this.np = np;
    return true;
  }

  /**
   * An object segmentation at this.i (its '{'): which keys it has is all the facts look at
   * (an RLE has `counts` and `size`); the values are skipped. A key with an escape: UNREAD.
   */
  private readSegmentationObject(): boolean {
    const b = this.bytes;
    let i = this.i + 1;
    let c = b[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
    let counts = false, size = false;
    if (c !== CLOSE_OBJECT) {
      for (;;) {
        if (c !== QUOTE) return false;
        const keyEnd = this.stringEnd(i + 1, true);
        const keyLength = keyEnd - (i + 1);
        if (keyLength === 6 && this.isKey(i + 1, KEY_COUNTS)) counts = true;
        else if (keyLength === 4 && this.isKey(i + 1, KEY_SIZE)) size = true;
        i = keyEnd + 1;
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        if (c !== COLON) return false;
        c = b[++i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        i = this.skipValue(i);
        c = b[i];
        while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
        if (c === COMMA) {
          c = b[++i];
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++i];
          continue;
        }
        if (c !== CLOSE_OBJECT) return false;
        break;
      }
    }
    this.i = i + 1;
    this.shape = counts && size ? SegmentationShape.Rle : SegmentationShape.Object;
    return true;
  }

  /** A JSON number at this.i (starts with '-' or a digit), as JSON.parse converts it. */
  private number(): number {
    const b = this.bytes;
    const start = this.i;
    let i = start;
    const negative = b[i] === MINUS;
    if (negative) i++;
    let m = 0, digits = 0, fraction = 0;
    // Four digits at a time while four are there (an area as pycocotools writes it has 16):
    // m · 10^4 + d is exact whenever the digit loop's m would be (both stay integers < 2^53
    // until the end, and both pass MAX_EXACT when the digits do).
    const view = this.view;
    const wideEnd = b.length - 4;
    while (i <= wideEnd) {
      const word = view.getInt32(i, true);
      if (wideDigits(word) !== 4) break;
      m = m * 10000 + digitsValue(word, 4);
      digits += 4;
      i += 4;
    }
    let c = b[i];
    while (c >= ZERO && c <= NINE) { m = m * 10 + (c - ZERO); digits++; c = b[++i]; }
    if (c === DOT) {
      i++;
      while (i <= wideEnd) {
        const word = view.getInt32(i, true);
        if (wideDigits(word) !== 4) break;
        m = m * 10000 + digitsValue(word, 4);
        digits += 4;
        fraction += 4;
        i += 4;
      }
      c = b[i];
      while (c >= ZERO && c <= NINE) { m = m * 10 + (c - ZERO); digits++; fraction++; c = b[++i]; }
    }
    if (c === 0x65 || c === 0x45 || m > MAX_EXACT || fraction > 22 || digits === 0) {
      // An exponent, or digits past the fast path: Number() of the token.
      while (i < this.bytes.length) {
        c = b[i];
        if (c === COMMA || c === CLOSE_LIST || c === CLOSE_OBJECT || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
        i++;
      }
      this.i = i;
      const v = Number(this.decode(start, i));
      // Not a number after all (invalid JSON), or one that overflows to ±Infinity (the facts
      // builder's flat path takes finite numbers only): parse the element whole.
      if (v - v !== 0) throw UNREAD;
      return v;
    }
    this.i = i;
    const v = fraction === 0 ? m : m / POW10[fraction];
    return negative ? -v : v;
  }

  /** The closing quote of the string whose content starts at `from`; `plain`: an escape means UNREAD. */
  private stringEnd(from: number, plain: boolean): number {
    const b = this.bytes;
    const view = this.view;
    const wideEnd = b.length - 4;
    let i = from;
    for (;;) {
      // Four ASCII bytes at a time while none is '"' or '\\' (haszero of the word ^ each; ASCII
      // keeps the words < 2^31, so no int32 overflow).
      while (i <= wideEnd) {
        const word = view.getInt32(i, true);
        if ((word & 0x80808080) !== 0) break;
        const quote = word ^ 0x22222222, backslash = word ^ 0x5c5c5c5c;
        if (((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) !== 0) break;
        i += 4;
      }
      const c = b[i];
      if (c === QUOTE) return i;
      if (c === BACKSLASH) {
        if (plain) throw UNREAD;
        i += 2;
        continue;
      }
      if (c === undefined) throw UNREAD;
      i++;
    }
  }

  /**
   * The index in KNOWN_KEYS of the key whose bytes start at `at`, when they are exactly one of
   * those keys and its closing quote (so stringEnd would end it there); -1 for any other key.
   */
  private knownKey(at: number): number {
    if (at + 16 > this.bytes.length) return -1;
    const view = this.view;
    const first = view.getInt32(at, true);
    // Tried from the one after the last key found: a file writes its keys in one order.
    const count = KNOWN_KEYS.length;
    for (let tried = 0, k = this.nextKey; tried < count; tried++, k = k + 1 === count ? 0 : k + 1) {
      const { words, lastMask } = KNOWN_KEYS[k];
      const last = words.length - 1;
      if ((last === 0 ? first & lastMask : first) !== words[0]) continue;
      let j = 1;
      while (j < last && view.getInt32(at + 4 * j, true) === words[j]) j++;
      if (j < last) continue;
      if (last > 0 && (view.getInt32(at + 4 * last, true) & lastMask) !== words[last]) continue;
      this.nextKey = k + 1 === count ? 0 : k + 1;
      return k;
    }
    return -1;
  }

  /** Whether the key at `start` (its length checked by the caller) is `key`. */
  private isKey(start: number, key: readonly number[]): boolean {
    const b = this.bytes;
    for (let k = 0; k < key.length; k++) if (b[start + k] !== key[k]) return false;
    return true;
  }

  /** Skips any value at `from` (strings, lists and objects by their brackets, outside strings); returns the index after it. */
  private skipValue(from: number): number {
    const b = this.bytes;
    let i = from;
    if (b[i] === OPEN_LIST) {
      // A list of numbers (bbox): scalars, commas and whitespace up to its closing bracket;
      // first four bytes at a time while all are < 0x40 and none is '"' (no bracket, no string:
      // bytes the general walk below would pass over one by one).
      i++;
      const view = this.view;
      for (const wideEnd = b.length - 4; i <= wideEnd; i += 4) {
        const word = view.getInt32(i, true);
        if ((word & 0xc0c0c0c0) !== 0) break;
        const x = word ^ 0x22222222; // < 0x7f7f7f7f: no int32 overflow below
        if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
      }
      let c = b[i];
      while ((BYTE_CLASS[c | 0] & (SCALAR | WHITESPACE)) !== 0 || c === COMMA) c = b[++i];
      if (c === CLOSE_LIST) return i + 1;
      i = from; // something nested: the general walk
    }
    let depth = 0;
    for (;;) {
      const c = b[i];
      if (c === undefined) throw UNREAD;
      if (c === QUOTE) { i = this.stringEnd(i + 1, false) + 1; }
      else if (c === OPEN_LIST || c === OPEN_OBJECT) { depth++; i++; }
      else if (c === CLOSE_LIST || c === CLOSE_OBJECT) {
        if (depth === 0) break; // the end of the enclosing object
        depth--; i++;
      } else if (c === COMMA && depth === 0) break;
      else i++;
      if (depth === 0 && (c === QUOTE || c === CLOSE_LIST || c === CLOSE_OBJECT)) break;
    }
    return i;
  }

  private ws(): void {
    const b = this.bytes;
    let i = this.i;
    for (let c = b[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++i]);
    this.i = i;
  }
}

/**
 * How many of the four bytes of `word` (little-endian: the first byte lowest) are ASCII digits
 * before the first one that is not (4: all four). SWAR on int32s: a byte is a digit when its
 * high nibble is 3 and its low nibble + 6 does not carry (≤ 9); the flags sit in each byte's
 * high nibble, shifted down so that the lowest set bit is found without an int32 overflow.
 */
function wideDigits(word: number): number {
  const notDigit = ((((word & 0xf0f0f0f0) ^ 0x30303030) | (((word & 0x0f0f0f0f) + 0x06060606) & 0xf0f0f0f0)) >>> 4);
  return notDigit === 0 ? 4 : (31 - Math.clz32(notDigit & -notDigit)) >> 3;
}

/**
 * The value of the first `k` (1-4) digit bytes of `word`, as the digit loop m = m · 10 + d makes
 * it: the k digits are moved to the top bytes (zeros before them), then paired (d0 · 10 + d1)
 * and the pairs joined (p0 · 100 + p1), each step one multiply whose lanes never carry.
 */
function digitsValue(word: number, k: number): number {
  let x = ((word ^ 0x30303030) << (32 - 8 * k)) & 0x0f0f0f0f;
  x = (Math.imul(x, 2561) >>> 8) & 0x00ff00ff;
  return Math.imul(x, 6553601) >>> 16;
}

function grow<T extends Float64Array | Int32Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
