/**
 * One YOLO label file's text, built as ASCII bytes and decoded once. A train2017-scale export
 * writes ~20 million coordinates: as strings (`toFixed`, then `join`) each is an allocation, a
 * concatenation and a copy, and the garbage collector's work dominates. Here a coordinate is 8
 * bytes written from a digit table.
 */

/** '000' … '999' as ASCII codes, three a number. */
const DIGITS = new Uint8Array(3000);
for (let i = 0; i < 1000; i++) {
  const s = String(i).padStart(3, '0');
  for (let k = 0; k < 3; k++) DIGITS[3 * i + k] = s.charCodeAt(k);
}
const ZERO = 48, DOT = 46, SPACE = 32, NEWLINE = 10;
const decoder = new TextDecoder();

export class LabelText {
  private bytes: Uint8Array;
  private length = 0;

  /**
   * `region`: where to write first, typically a view of one buffer shared by every label file of
   * an export (sized from an estimate), so a file costs no buffer of its own; when the text
   * outgrows it, it moves to a buffer of its own.
   */
  constructor(region?: Uint8Array) {
    this.bytes = region ?? new Uint8Array(256);
  }

  /** Appends an ASCII string (numbers, spaces: a label line holds nothing else). */
  ascii(s: string): this {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i);
    return this;
  }

  space(): this {
    this.room(1);
    this.bytes[this.length++] = SPACE;
    return this;
  }

  newline(): this {
    this.room(1);
    this.bytes[this.length++] = NEWLINE;
    return this;
  }

  /**
   * A normalized coordinate: clamped to [0, 1], 6 decimals, never `-0` — exactly yoloNumber(v),
   * i.e. `toFixed(6)` of the clamped value (near a rounding tie, toFixed itself is asked).
   */
  coordinate(v: number): this {
    this.room(8);
    const b = this.bytes;
    let n: number;
    if (!(v > 0)) n = 0;
    else if (v >= 1) n = 1e6;
    else {
      const scaled = v * 1e6;
      n = Math.round(scaled);
      // v * 1e6 is within 2^-33 of the exact product: only this close to a half can it round the
      // other way from toFixed, which rounds the exact decimal value
      if (Math.abs(Math.abs(scaled - n) - 0.5) < 1e-7) return this.ascii(v.toFixed(6));
    }
    if (n >= 1e6) {
      b[this.length] = ZERO + 1; b[this.length + 1] = DOT;
      b.fill(ZERO, this.length + 2, this.length + 8);
    } else {
      const hi = (n / 1000) | 0, lo = n - hi * 1000;
      b[this.length] = ZERO; b[this.length + 1] = DOT;
      b[this.length + 2] = DIGITS[3 * hi]; b[this.length + 3] = DIGITS[3 * hi + 1]; b[this.length + 4] = DIGITS[3 * hi + 2];
      b[this.length + 5] = DIGITS[3 * lo]; b[this.length + 6] = DIGITS[3 * lo + 1]; b[this.length + 7] = DIGITS[3 * lo + 2];
    }
    this.length += 8;
    return this;
  }

  toString(): string {
    return decoder.decode(this.bytes.subarray(0, this.length));
  }

  /** The text's bytes (a view, not a copy: valid as long as nothing more is appended). */
  toBytes(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n, 256));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}
