/**
 * A check's problems kept as columns, not as one object each (issue 8.6). On the 455 MB
 * benchmark file in code-server a check finds ~125k problems; as objects (a v8-deserialized
 * object with five strings of its own per problem) they took ~410 bytes each on the extension
 * host, plus ~200 bytes each for the viewer's list beside them. As columns: typed arrays for the
 * rule, severity, positions and ids, and the messages and JSON paths as tokens over a dictionary
 * of text pieces (repeated strings once), decoded only when a problem is shown (a diagnostic, a
 * tree row, a page of the viewer's list). The few problems with more than these fields (fixes, related places)
 * keep those fields as they are.
 *
 * The check worker builds the table and hands its buffers over without a copy (`data()` /
 * `fromData`); `get(i)` gives back the problem object the check made (round-trip exact).
 */
import type { PositionedProblem } from './located';

type Id = number | string;
export type ProblemSeverity = PositionedProblem['severity'];

const SEVERITIES: readonly ProblemSeverity[] = ['error', 'warning', 'info'];
/** The fields kept as columns (in the order positionProblems writes them); any other goes to the problem's extras. */
const COLUMNS = new Set(['rule', 'severity', 'message', 'jsonPath', 'line', 'column', 'endLine', 'endColumn', 'annotationId', 'imageId', 'categoryId']);
const ID_FIELDS = ['annotationId', 'imageId', 'categoryId'] as const;
/** idKinds values. */
const NO_ID = 0, NUMBER_ID = 1, STRING_ID = 2;

/** Read access to a check's problems, whether kept as objects (tests, small lists) or as columns. */
export interface ProblemStore<P extends PositionedProblem = PositionedProblem> extends Iterable<P> {
  readonly length: number;
  /** The whole problem, as the check made it (a new object each call for a table); undefined past the end. */
  get(i: number): P | undefined;
  rule(i: number): string;
  severity(i: number): ProblemSeverity;
  message(i: number): string;
  jsonPath(i: number): string;
  line(i: number): number;
  column(i: number): number;
  annotationId(i: number): Id | undefined;
  imageId(i: number): Id | undefined;
  /** A field beyond the columns (`fix`, `moreFixes`, `related`); undefined for most problems. */
  extra<K extends keyof P>(i: number, key: K): P[K] | undefined;
}

/** What a table is made of: typed arrays (transferable), the rule ids and the few extras. */
export interface ProblemTableData {
  count: number;
  /** The distinct rule ids; `rule[i]` indexes them. */
  rules: string[];
  rule: Uint16Array;
  /** 0 error, 1 warning, 2 info. */
  severity: Uint8Array;
  /** line, column, endLine, endColumn per problem. */
  positions: Uint32Array;
  /** annotationId, imageId, categoryId per problem: the number, or the string's index. */
  ids: Float64Array;
  /** Per id: 0 absent, 1 number, 2 string. */
  idKinds: Uint8Array;
  /** Per problem, its message's and JSON path's string index. */
  message: Uint32Array;
  jsonPath: Uint32Array;
  /** The distinct strings as tokens (see StringPool): string k is tokens[stringStarts[k] .. stringStarts[k + 1]). */
  tokens: Uint8Array;
  stringStarts: Uint32Array;
  /** The tokens' text pieces as UTF-8: piece p is pieces[pieceEnds[p - 1] ?? 0 .. pieceEnds[p]). */
  pieces: Uint8Array;
  pieceEnds: Uint32Array;
  /** Problems with more than the columns hold: [index, the other fields] (or the whole problem, `whole`). */
  extras: { index: number; fields: Record<string, unknown>; whole?: boolean }[];
}

/** A list of problem objects behind the same interface (what tests and the in-process paths hand over). */
export class ProblemArray<P extends PositionedProblem = PositionedProblem> implements ProblemStore<P> {
  constructor(readonly items: readonly P[]) {}
  get length(): number { return this.items.length; }
  get(i: number): P | undefined { return this.items[i]; }
  rule(i: number): string { return this.items[i].rule; }
  severity(i: number): ProblemSeverity { return this.items[i].severity; }
  message(i: number): string { return this.items[i].message; }
  jsonPath(i: number): string { return this.items[i].jsonPath; }
  line(i: number): number { return this.items[i].line; }
  column(i: number): number { return this.items[i].column; }
  annotationId(i: number): Id | undefined { return this.items[i].annotationId; }
  imageId(i: number): Id | undefined { return this.items[i].imageId; }
  extra<K extends keyof P>(i: number, key: K): P[K] | undefined { return this.items[i][key]; }
  [Symbol.iterator](): Iterator<P> { return this.items[Symbol.iterator](); }
}

/** Problems as a store: a store as it is, a list of objects behind ProblemArray. */
export function problemStore<P extends PositionedProblem>(problems: ProblemStore<P> | readonly P[]): ProblemStore<P> {
  return Array.isArray(problems) ? new ProblemArray<P>(problems as readonly P[]) : problems as ProblemStore<P>;
}

const isUint32 = (x: unknown): x is number => typeof x === 'number' && x >>> 0 === x;

/** A byte buffer that grows as bytes are appended. */
class Bytes {
  buf = new Uint8Array(1 << 16);
  used = 0;
  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.used + n));
    bigger.set(this.buf.subarray(0, this.used));
    this.buf = bigger;
  }
  push(b: number): void { this.room(1); this.buf[this.used++] = b; }
  append(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.used); this.used += b.length; }
  /** An unsigned integer below 2^53 in 7-bit groups. */
  varint(x: number): void {
    while (x >= 128) { this.push((x % 128) | 128); x = Math.floor(x / 128); }
    this.push(x);
  }
  /** A copy of what is used: no slack kept, and a buffer of its own (to transfer). */
  done(): Uint8Array { return this.buf.slice(0, this.used); }
}

/** Digit runs up to this long are kept as numbers (exact below 2^53). */
const MAX_DIGITS = 15;
const DIGITS = /\d+/g;

/**
 * The table's strings (messages, JSON paths, string ids), each distinct one once, as tokens:
 * the text between digit runs is a piece, stored once in a dictionary (`Image file "`,
 * `.jpg" not found; tried train2017/`, `$.images[`), and a digit run is its value and length
 * (leading zeros kept). 125k image-file messages take ~25 bytes each, not ~95 as UTF-8.
 * A token is a varint: piece k as 2k; a digit run of length n as 2n+1 followed by its value.
 */
class StringPool {
  private readonly tokens = new Bytes();
  private readonly starts: number[] = [];
  private readonly strings = new Map<string, number>();
  private readonly pieces = new Map<string, number>();
  private readonly pieceText = new Bytes();
  private readonly pieceEnds: number[] = [];
  private readonly encoder = new TextEncoder();

  /** The string's index. */
  add(s: string): number {
    let k = this.strings.get(s);
    if (k !== undefined) return k;
    k = this.starts.length;
    this.starts.push(this.tokens.used);
    this.strings.set(s, k);
    let at = 0;
    for (const m of s.matchAll(DIGITS)) {
      let digits = m[0];
      let from = m.index;
      // Longer runs: the head goes with the text before it, the last MAX_DIGITS as a number.
      if (digits.length > MAX_DIGITS) { from += digits.length - MAX_DIGITS; digits = digits.slice(-MAX_DIGITS); }
      if (from > at) this.piece(s.slice(at, from));
      this.tokens.varint(digits.length * 2 + 1);
      this.tokens.varint(Number(digits));
      at = m.index + m[0].length;
    }
    if (at < s.length) this.piece(s.slice(at));
    return k;
  }

  private piece(text: string): void {
    let p = this.pieces.get(text);
    if (p === undefined) {
      p = this.pieceEnds.length;
      this.pieces.set(text, p);
      this.pieceText.append(this.encoder.encode(text));
      this.pieceEnds.push(this.pieceText.used);
    }
    this.tokens.varint(p * 2);
  }

  done(): Pick<ProblemTableData, 'tokens' | 'stringStarts' | 'pieces' | 'pieceEnds'> {
    return { tokens: this.tokens.done(), stringStarts: Uint32Array.from(this.starts), pieces: this.pieceText.done(), pieceEnds: Uint32Array.from(this.pieceEnds) };
  }
}

/** Decoded pieces kept at most (the common pieces of templates; one-off pieces are decoded again). */
const PIECE_CACHE = 1 << 14;

/** Reads the pool's strings back. */
class StringReader {
  private readonly pieceCache = new Map<number, string>();
  private readonly decoder = new TextDecoder();
  constructor(private readonly d: ProblemTableData) {}

  private piece(p: number): string {
    let t = this.pieceCache.get(p);
    if (t === undefined) {
      const ends = this.d.pieceEnds;
      t = this.decoder.decode(this.d.pieces.subarray(p === 0 ? 0 : ends[p - 1], ends[p]));
      if (this.pieceCache.size < PIECE_CACHE) this.pieceCache.set(p, t);
    }
    return t;
  }

  string(k: number): string {
    const { tokens, stringStarts } = this.d;
    let at = stringStarts[k];
    const end = k + 1 < stringStarts.length ? stringStarts[k + 1] : tokens.length;
    const varint = () => {
      let x = 0, scale = 1, b: number;
      do { b = tokens[at++]; x += (b & 127) * scale; scale *= 128; } while (b & 128);
      return x;
    };
    let out = '';
    while (at < end) {
      const t = varint();
      if (t % 2 === 0) { out += this.piece(t / 2); continue; }
      const n = (t - 1) / 2;
      out += String(varint()).padStart(n, '0');
    }
    return out;
  }
}

export class ProblemTable<P extends PositionedProblem = PositionedProblem> implements ProblemStore<P> {
  private readonly extrasAt = new Map<number, ProblemTableData['extras'][number]>();
  /** Problems kept whole (none, in practice): the accessors look here only when there are some. */
  private readonly wholeAt = new Map<number, PositionedProblem>();
  private readonly strings: StringReader;

  private constructor(private readonly d: ProblemTableData) {
    this.strings = new StringReader(d);
    for (const e of d.extras) {
      this.extrasAt.set(e.index, e);
      if (e.whole) this.wholeAt.set(e.index, e.fields as unknown as PositionedProblem);
    }
  }

  /** The columns of `problems` (the check worker's side). */
  static build<P extends PositionedProblem>(problems: readonly P[]): ProblemTable<P> {
    const n = problems.length;
    const rules: string[] = [];
    const ruleIndex = new Map<string, number>();
    const rule = new Uint16Array(n), severity = new Uint8Array(n), positions = new Uint32Array(n * 4);
    const ids = new Float64Array(n * 3), idKinds = new Uint8Array(n * 3);
    const message = new Uint32Array(n), jsonPath = new Uint32Array(n);
    const pool = new StringPool();
    const extras: ProblemTableData['extras'] = [];
    for (let i = 0; i < n; i++) {
      const p = problems[i];
      const sev = SEVERITIES.indexOf(p.severity);
      const fits = typeof p.rule === 'string' && sev >= 0 && typeof p.message === 'string' && typeof p.jsonPath === 'string'
        && isUint32(p.line) && isUint32(p.column) && isUint32(p.endLine) && isUint32(p.endColumn)
        && ID_FIELDS.every((f) => p[f] === undefined || typeof p[f] === 'string' || typeof p[f] === 'number')
        && (ruleIndex.has(p.rule) || rules.length < 0xffff);
      if (!fits) {
        // Anything the columns cannot hold exactly is kept whole.
        extras.push({ index: i, fields: { ...p } as Record<string, unknown>, whole: true });
        continue;
      }
      let r = ruleIndex.get(p.rule);
      if (r === undefined) { r = rules.length; rules.push(p.rule); ruleIndex.set(p.rule, r); }
      rule[i] = r;
      severity[i] = sev;
      positions[i * 4] = p.line; positions[i * 4 + 1] = p.column; positions[i * 4 + 2] = p.endLine; positions[i * 4 + 3] = p.endColumn;
      for (let f = 0; f < 3; f++) {
        const v = p[ID_FIELDS[f]];
        if (v === undefined) continue;
        idKinds[i * 3 + f] = typeof v === 'number' ? NUMBER_ID : STRING_ID;
        ids[i * 3 + f] = typeof v === 'number' ? v : pool.add(v);
      }
      message[i] = pool.add(p.message);
      jsonPath[i] = pool.add(p.jsonPath);
      let fields: Record<string, unknown> | undefined;
      for (const k of Object.keys(p)) {
        if (COLUMNS.has(k)) continue;
        (fields ??= {})[k] = (p as Record<string, unknown>)[k];
      }
      if (fields) extras.push({ index: i, fields });
    }
    return new ProblemTable<P>({ count: n, rules, rule, severity, positions, ids, idKinds, message, jsonPath, ...pool.done(), extras });
  }

  /** A table from its data (the host's side of a transfer). */
  static fromData<P extends PositionedProblem = PositionedProblem>(data: ProblemTableData): ProblemTable<P> {
    return new ProblemTable<P>(data);
  }

  /** The table's data: its typed arrays can be transferred (see `buffers`). */
  data(): ProblemTableData { return this.d; }

  /** The ArrayBuffers behind the columns, for a postMessage transfer list. */
  buffers(): ArrayBuffer[] {
    return this.columns().map((a) => a.buffer as ArrayBuffer);
  }

  /** Bytes held by the columns (benchmarks). */
  get byteLength(): number {
    return this.columns().reduce((s, a) => s + a.byteLength, 0);
  }

  private columns(): ArrayBufferView[] {
    const d = this.d;
    return [d.rule, d.severity, d.positions, d.ids, d.idKinds, d.message, d.jsonPath, d.tokens, d.stringStarts, d.pieces, d.pieceEnds];
  }

  get length(): number { return this.d.count; }

  private string(k: number): string { return this.strings.string(k); }

  private whole(i: number): P | undefined {
    return this.wholeAt.size === 0 ? undefined : this.wholeAt.get(i) as P | undefined;
  }

  rule(i: number): string { return this.whole(i)?.rule ?? this.d.rules[this.d.rule[i]]; }
  severity(i: number): ProblemSeverity { return this.whole(i)?.severity ?? SEVERITIES[this.d.severity[i]]; }
  message(i: number): string { return this.whole(i)?.message ?? this.string(this.d.message[i]); }
  jsonPath(i: number): string { return this.whole(i)?.jsonPath ?? this.string(this.d.jsonPath[i]); }
  line(i: number): number { return this.whole(i)?.line ?? this.d.positions[i * 4]; }
  column(i: number): number { return this.whole(i)?.column ?? this.d.positions[i * 4 + 1]; }

  private id(i: number, f: number): Id | undefined {
    const w = this.whole(i);
    if (w) return w[ID_FIELDS[f]];
    const kind = this.d.idKinds[i * 3 + f];
    if (kind === NO_ID) return undefined;
    const v = this.d.ids[i * 3 + f];
    return kind === NUMBER_ID ? v : this.string(v);
  }

  annotationId(i: number): Id | undefined { return this.id(i, 0); }
  imageId(i: number): Id | undefined { return this.id(i, 1); }

  extra<K extends keyof P>(i: number, key: K): P[K] | undefined {
    return this.extrasAt.get(i)?.fields[key as string] as P[K] | undefined;
  }

  get(i: number): P | undefined {
    if (!(i >= 0 && i < this.d.count && Number.isInteger(i))) return undefined;
    const w = this.whole(i);
    if (w) return { ...w };
    const d = this.d;
    const p: Record<string, unknown> = {
      rule: d.rules[d.rule[i]], severity: SEVERITIES[d.severity[i]], message: this.string(d.message[i]), jsonPath: this.string(d.jsonPath[i]),
      line: d.positions[i * 4], column: d.positions[i * 4 + 1], endLine: d.positions[i * 4 + 2], endColumn: d.positions[i * 4 + 3],
    };
    for (let f = 0; f < 3; f++) { const v = this.id(i, f); if (v !== undefined) p[ID_FIELDS[f]] = v; }
    const e = this.extrasAt.get(i);
    if (e) Object.assign(p, e.fields);
    return p as unknown as P;
  }

  *[Symbol.iterator](): Iterator<P> {
    for (let i = 0; i < this.d.count; i++) yield this.get(i)!;
  }
}
