/**
 * Byte offset ⇄ (line, UTF-16 column) for a file held as bytes, as VS Code
 * counts them: a line ends at '\n' ('\r' stays part of the line's text), a
 * column counts UTF-16 code units (a 4-byte UTF-8 sequence is 2 units).
 *
 * A checkpoint every 4 KiB (lines before it, column at it) is built lazily in
 * one pass, so each lookup scans at most 4 KiB, even in a 450 MB file on one
 * line; lookups in increasing order walk on from the previous answer instead.
 * (4 KiB, not 64: a check's thousands of problems spread over 450 MB walked
 * ~200 MB from 64 KiB checkpoints; the checkpoints cost 4 bytes per KiB.)
 */
export interface Position { /** 0-based */ line: number; /** 0-based, UTF-16 code units */ character: number; }

const SHIFT = 12;
const STEP = 1 << SHIFT; // 4 KiB

/** UTF-16 units that a byte starts: 0 for continuation bytes, 2 for a 4-byte lead, else 1. */
const UNITS = new Uint8Array(256);
for (let b = 0; b < 256; b++) UNITS[b] = (b & 0xc0) === 0x80 ? 0 : b >= 0xf0 ? 2 : 1;

/** Line number and UTF-16 column at every 4 KiB (STEP) of a byte buffer. */
export interface LineCheckpoints { lines: Float64Array; cols: Float64Array }

/**
 * One pass over `bytes`: the checkpoints LineIndex looks up from. `plainBlock(from, to)`, when
 * given, may answer true for a block of bytes with no '\n' and no byte ≥ 0x80 (each byte is then
 * one UTF-16 unit of the same line): the scan worker answers with Node's native isAscii and
 * indexOf, ~20× faster than this loop on a one-line ASCII file like train2017.
 */
export function lineCheckpoints(bytes: Uint8Array, plainBlock?: (from: number, to: number) => boolean): LineCheckpoints {
  const len = bytes.length;
  const n = (len >>> SHIFT) + 1;
  const lines = new Float64Array(n);
  const cols = new Float64Array(n);
  let line = 0, col = 0;
  for (let k = 0; k < n; k++) {
    const from = k * STEP;
    lines[k] = line; cols[k] = col;
    const to = Math.min(from + STEP, len);
    if (plainBlock !== undefined && to > from && plainBlock(from, to)) { col += to - from; continue; }
    for (let i = from; i < to; i++) {
      const b = bytes[i];
      if (b === 10) { line++; col = 0; } else col += UNITS[b];
    }
  }
  return { lines, cols };
}

export class LineIndex {
  private lines?: Float64Array; // line number at each checkpoint
  private cols?: Float64Array; // UTF-16 column at the checkpoint
  /** The last answer of positionAt (a cursor for lookups in increasing order). */
  private lastOffset = 0;
  private lastLine = 0;
  private lastCol = 0;
  /** Where checkpoints still being computed elsewhere can be fetched from (adoptLater). */
  private pending?: () => LineCheckpoints | undefined;

  /**
   * `bytes`, or a function that gives them when a lookup needs them: the editor's document may
   * not keep its file's bytes while it is viewed (it reads them from disk on demand).
   */
  constructor(private readonly source: Uint8Array | (() => Uint8Array)) {}

  private get bytes(): Uint8Array {
    const s = this.source;
    return typeof s === 'function' ? s() : s;
  }

  /** Number of lines ('\n' count + 1). */
  get lineCount(): number {
    return this.positionAt(this.bytes.length).line + 1;
  }

  /**
   * Takes checkpoints computed elsewhere (lineCheckpoints over the same bytes, on the
   * scan worker while this thread parses). Ignored when they don't fit or are already built.
   */
  adopt(checkpoints: LineCheckpoints): void {
    if (this.lines || checkpoints.lines.length !== (this.bytes.length >>> SHIFT) + 1 || checkpoints.cols.length !== checkpoints.lines.length) return;
    this.lines = checkpoints.lines; this.cols = checkpoints.cols;
  }

  /**
   * Checkpoints another thread is still computing (the scan worker, while this thread runs
   * the rules): `take` is asked once, on the first lookup; when it gives nothing, this
   * index builds its own.
   */
  adoptLater(take: () => LineCheckpoints | undefined): void {
    if (!this.lines) this.pending = take;
  }

  private build(): number {
    if (this.lines) return this.lines.length;
    const take = this.pending;
    this.pending = undefined;
    const taken = take?.();
    if (taken) this.adopt(taken);
    if (this.lines) return (this.lines as Float64Array).length;
    const { lines, cols } = lineCheckpoints(this.bytes);
    this.lines = lines; this.cols = cols;
    return lines.length;
  }

  /** Position of a byte offset (clamped to the file). */
  positionAt(offset: number): Position {
    this.build();
    const bytes = this.bytes;
    if (offset > bytes.length) offset = bytes.length;
    if (!(offset > 0)) return { line: 0, character: 0 };
    const k = Math.floor(offset / STEP);
    let from = k * STEP, line = this.lines![k], col = this.cols![k];
    // Callers mostly ask in increasing order (problems sorted by offset): walk on from the
    // last answer when it is nearer than the checkpoint, so n lookups cost one pass, not n × 2 KiB.
    if (this.lastOffset <= offset && this.lastOffset > from) { from = this.lastOffset; line = this.lastLine; col = this.lastCol; }
    for (let i = from; i < offset; i++) {
      const b = bytes[i];
      if (b === 10) { line++; col = 0; } else col += UNITS[b];
    }
    this.lastOffset = offset; this.lastLine = line; this.lastCol = col;
    return { line, character: col };
  }

  /**
   * Byte offset of a position. A character past the end of its line gives the
   * line's end (its '\n'); a line past the last gives the file's length; a
   * position inside a multi-byte character gives that character's start.
   */
  offsetAt(line: number, character: number): number {
    const n = this.build();
    const bytes = this.bytes;
    const len = bytes.length;
    if (line < 0) return 0;
    if (character < 0) character = 0;
    const lines = this.lines!, cols = this.cols!;
    // Last checkpoint at or before (line, character).
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid] < line || (lines[mid] === line && cols[mid] <= character)) lo = mid; else hi = mid - 1;
    }
    let l = lines[lo], col = cols[lo];
    let i = lo * STEP;
    // A checkpoint can fall inside a character: back up to its start.
    // (The column there already counts that character, at its lead byte.)
    if (i > 0 && i < len && (bytes[i] & 0xc0) === 0x80) {
      while (i > 0 && (bytes[i] & 0xc0) === 0x80) i--;
      col -= UNITS[bytes[i]];
    }
    for (; i < len; i++) {
      const b = bytes[i];
      if (l === line) {
        if (b === 10) return i;
        const u = UNITS[b];
        if (u > 0 && col + u > character) return i;
        col += u;
      } else if (b === 10) { l++; col = 0; if (l > line) return i; }
    }
    return len;
  }
}
