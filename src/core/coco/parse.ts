/**
 * COCO bytes → CocoDocument in one pass.
 *
 * A small state machine reads the top-level object and the section arrays
 * strictly; inside each element it only follows strings and brackets (the hot
 * loop), then hands the element's text to `JSON.parse`. Each element is parsed
 * alone, so its byte range is known and one broken element does not lose the
 * others. Bare NaN/Infinity tokens are noted on the way and patched in.
 *
 * Never throws on bad input, never recurses: the result carries at most one
 * `coco/invalid-json` issue, at the first error.
 *
 * Two halves joined by a `ScanSink`: the `Scanner` reads the structure and says
 * where each element and member value is; the `DocumentBuilder` parses them.
 * `parseCoco` runs both on one thread; `src/node/parallelLoad.ts` runs the
 * scanner in a worker and replays its findings into a builder.
 */
import { ARRAY_SECTIONS, CocoDocument, ROOT_ARRAY_KEY, type JsonKind, type Located, type ParseIssue, type Section } from './document';
import { formatJsonPath } from './jsonPath';
import {
  decodeKey, describeByte, kindOfByte, lastError, nonFiniteAt, scanPrimitive, scanString, skipWs, walkJson,
  type PathSegment, type SyntaxErr,
} from './scanner';

export interface ParseOptions {
  /** Shown in messages and kept on the document. */
  path?: string;
  /** Deepest nesting accepted, the top-level object counting as 1 (default 512). */
  maxDepth?: number;
}

export interface ParseAsyncOptions extends ParseOptions {
  signal?: AbortSignal;
  /** Called after each slice with the share of bytes done; the last call is 1. */
  onProgress?: (fraction: number) => void;
  /** Bytes scanned (and their elements parsed) between yields (default 1 MiB). */
  sliceBytes?: number;
  /** How to give the event loop a turn (default: setImmediate, else setTimeout 0). */
  yieldNow?: () => Promise<void>;
}

// Byte classes for the hot loop inside elements.
const CLS = new Uint8Array(256);
CLS[0x22] = 1; // "
CLS[0x5b] = 2; CLS[0x7b] = 2; // [ {
CLS[0x5d] = 3; CLS[0x7d] = 3; // ] }
CLS[0x4e] = 4; CLS[0x49] = 4; // N I

const enum S { Root, KeyFirst, Key, Colon, MemberValue, AfterMember, ArrFirst, ArrValue, ArrAfter, End, Skip, Done }
const enum Owner { Member, Element }

const SECTION_SET: ReadonlySet<string> = new Set(ARRAY_SECTIONS);

type MutableSection = { -readonly [K in keyof Section]: Section[K] };

function tokenText(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * What the scanner finds, in file order. `nf`: the value holds a bare
 * NaN/Infinity token (or something that starts like one).
 */
export interface ScanSink {
  /** A member of the top-level object begins (its key, value kind known). */
  member(key: string): void;
  /** An element of the current member's array (a section array). */
  element(start: number, end: number, nf: boolean): void;
  /** The current member's whole value, when it is not a section array. */
  value(start: number, end: number, nf: boolean): void;
  /** An issue found by the scanner itself (non-finite tokens under a non-object root). */
  issue(issue: ParseIssue): void;
  /** A structural error; the scanner stops after it. */
  invalid(offset: number, message: string): void;
}

/** Parses what the scanner finds: element values, `info`, issues. */
export class DocumentBuilder implements ScanSink {
  readonly bytes: Uint8Array;
  readonly len: number;
  readonly maxDepth: number;
  readonly lists: Record<string, Located[]> = { images: [], annotations: [], categories: [], licenses: [] };
  info?: Located;
  readonly issues: ParseIssue[] = [];
  invalidSeen = false;
  private key = '';
  private target: Located[] = [];
  /** The top level is an array: its elements' paths start at the root. */
  private rootArray = false;
  private readonly utf8Slice?: (start: number, end: number) => string;
  private decoder?: InstanceType<typeof TextDecoder>; // the type Node, browsers and the core room all declare

  constructor(bytes: Uint8Array, opts: ParseOptions) {
    this.bytes = bytes;
    this.len = bytes.length;
    this.maxDepth = Math.max(1, opts.maxDepth ?? 512);
    const b = bytes as Uint8Array & { utf8Slice?: (s: number, e: number) => string };
    if (typeof b.utf8Slice === 'function') this.utf8Slice = b.utf8Slice;
  }

  decode(start: number, end: number): string {
    if (this.utf8Slice) return this.utf8Slice.call(this.bytes, start, end);
    this.decoder ??= new TextDecoder();
    return this.decoder.decode(this.bytes.subarray(start, end));
  }

  member(key: string): void {
    this.key = key;
    if (key === ROOT_ARRAY_KEY) { this.target = this.lists.annotations = []; this.rootArray = true; return; }
    if (SECTION_SET.has(key)) this.target = this.lists[key] = [];
    if (key === 'info') this.info = undefined;
  }

  element(start: number, end: number, nf: boolean): void {
    const list = this.target;
    const index = list.length;
    let value: unknown;
    if (!nf) {
      // The hot path (a million elements in train2017): the element's path is built only for an error.
      try {
        value = JSON.parse(this.decode(start, end));
      } catch (e) {
        this.elementError(start, end, this.elementPath(index), this.rootArray ? 1 : 2, e);
      }
    } else value = this.parseValue(start, end, this.elementPath(index), this.rootArray ? 1 : 2, nf);
    list.push({ index, value, start, end });
  }

  /** The JSON path of the current array's element `index`, as segments. */
  private elementPath(index: number): PathSegment[] {
    return this.rootArray ? [index] : [this.key, index];
  }

  value(start: number, end: number, nf: boolean): void {
    if (this.key === 'info') {
      this.info = { index: 0, value: this.parseValue(start, end, ['info'], 1, nf), start, end };
    } else if (nf || this.bytes[start] === 0x7b || this.bytes[start] === 0x5b) {
      this.parseValue(start, end, [this.key], 1, nf); // to validate it and report its issues; the value is not kept
    }
  }

  issue(issue: ParseIssue): void {
    this.issues.push(issue);
  }

  invalid(offset: number, message: string, jsonPath?: string): void {
    if (this.invalidSeen) return;
    this.invalidSeen = true;
    const start = Math.min(offset, this.len);
    this.issues.push({ rule: 'coco/invalid-json', message, start, end: Math.min(start + 1, this.len), ...(jsonPath ? { jsonPath } : {}) });
  }

  /** JSON.parse of one value's bytes; undefined (and an issue) when it is not valid JSON. */
  parseValue(start: number, end: number, base: PathSegment[], depthAbove: number, nf: boolean): unknown {
    if (!nf) {
      try {
        return JSON.parse(this.decode(start, end));
      } catch (e) {
        this.elementError(start, end, base, depthAbove, e);
        return undefined;
      }
    }
    return this.parseNonFinite(start, end, base, depthAbove);
  }

  private elementError(start: number, end: number, base: PathSegment[], depthAbove: number, e: unknown): void {
    if (this.invalidSeen) return;
    const r = walkJson(this.bytes, start, end, { maxDepth: this.maxDepth - depthAbove, depthAbove });
    if (r.error) this.invalid(r.error.offset, r.error.message, formatJsonPath(base));
    else this.invalid(start, `Invalid JSON in ${formatJsonPath(base)}: ${(e as Error)?.message ?? String(e)}`, formatJsonPath(base));
  }

  /** A value with bare NaN/Infinity: find each token's path, parse with placeholders, put the numbers back. */
  private parseNonFinite(start: number, end: number, base: PathSegment[], depthAbove: number): unknown {
    const found: { path: PathSegment[]; start: number; end: number; value: number }[] = [];
    const r = walkJson(this.bytes, start, end, {
      maxDepth: this.maxDepth - depthAbove,
      depthAbove,
      onNonFinite: (path, s, e, value) => { found.push({ path: path.slice(), start: s, end: e, value }); },
    });
    for (const t of found) {
      const text = tokenText(t.value);
      this.issues.push({
        rule: 'coco/non-finite-number',
        message: `Bare ${text} is not valid JSON (Python's json.dump writes it; strict JSON readers reject the file)`,
        start: t.start, end: t.end,
        jsonPath: formatJsonPath([...base, ...t.path]),
      });
    }
    if (r.error || r.end !== end) {
      this.elementError(start, end, base, depthAbove, new Error('syntax error'));
      return undefined;
    }
    // Placeholders are strings; each is only replaced where the walker saw its token, so no text can collide.
    const sentinel = (k: number) => `\u0000labelscope-non-finite-${k}`;
    let text = '';
    let at = start;
    found.forEach((t, k) => {
      text += this.decode(at, t.start) + JSON.stringify(sentinel(k));
      at = t.end;
    });
    text += this.decode(at, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.elementError(start, end, base, depthAbove, e);
      return undefined;
    }
    found.forEach((t, k) => {
      if (t.path.length === 0) { if (value === sentinel(k)) value = t.value; return; }
      let parent: unknown = value;
      for (let p = 0; p < t.path.length - 1 && parent !== null && typeof parent === 'object'; p++) {
        parent = (parent as Record<string | number, unknown>)[t.path[p]];
      }
      const last = t.path[t.path.length - 1];
      if (parent !== null && typeof parent === 'object' && (parent as Record<string | number, unknown>)[last] === sentinel(k)) {
        (parent as Record<string | number, unknown>)[last] = t.value;
      }
    });
    return value;
  }

}
/** Reads the structure: the top-level object, its members, each section array's elements. */
export class Scanner {
  readonly bytes: Uint8Array;
  /** The same bytes, for skip's four-byte reads. */
  private readonly view: DataView;
  readonly len: number;
  readonly maxDepth: number;
  readonly sink: ScanSink;
  i = 0;
  state: S = S.Root;
  rootKind: JsonKind | undefined;
  readonly sections = new Map<string, Section>();
  private bom = 0;

  // The member being read.
  private key = '';
  private section?: MutableSection;
  // Skip mode: a container inside an element or a member value.
  private readonly stack: Uint8Array;
  private depth = 0;
  private skipStart = 0;
  private skipBase = 0;
  private skipOwner: Owner = Owner.Member;
  private nf = false;

  constructor(bytes: Uint8Array, opts: ParseOptions, sink: ScanSink) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.len = bytes.length;
    this.maxDepth = Math.max(1, opts.maxDepth ?? 512);
    this.sink = sink;
    this.stack = new Uint8Array(this.maxDepth + 1);
    if (this.len >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.i = this.bom = 3;
  }

  get done(): boolean { return this.state === S.Done; }

  /** A structural error: report it and stop reading. */
  private stop(offset: number, message: string): void {
    this.sink.invalid(offset, message);
    if (this.section && this.section.valueEnd < 0) this.section.valueEnd = Math.min(offset, this.len);
    this.state = S.Done;
  }

  private arrayName(): string {
    return this.key === ROOT_ARRAY_KEY ? 'the top-level array' : `the "${this.key}" array`;
  }

  private where(): string {
    if (this.key === ROOT_ARRAY_KEY && this.state !== S.End) return 'the top-level array';
    switch (this.state) {
      case S.ArrFirst: case S.ArrValue: case S.ArrAfter: return `the "${this.key}" array`;
      case S.Skip: return this.skipOwner === Owner.Element ? `the "${this.key}" array` : `the "${this.key}" value`;
      default: return 'the top-level object';
    }
  }

  /** Runs until `limit` bytes are read (or the end). */
  run(limit: number): void {
    const bytes = this.bytes;
    const len = this.len;
    if (limit > len) limit = len;
    for (;;) {
      if (this.state === S.Skip) {
        if (!this.skip(limit)) return;
        continue;
      }
      if (this.state === S.Done) return;
      const i = skipWs(bytes, this.i, len);
      this.i = i;
      if (i >= len) { this.eof(); return; }
      if (i >= limit) return;
      const c = bytes[i];
      switch (this.state) {
        case S.Root: {
          if (c === 0x7b) { this.rootKind = 'object'; this.i = i + 1; this.state = S.KeyFirst; continue; }
          if (c === 0x5b) { this.rootArray(i); continue; }
          this.rootKind = kindOfByte(c);
          if (this.rootKind === undefined) { this.stop(i, `Expected a JSON value at the start of the file, found ${describeByte(bytes, i)}`); return; }
          this.nonObjectRoot(i);
          return;
        }
        case S.KeyFirst:
        case S.Key: {
          if (c === 0x7d && this.state === S.KeyFirst) { this.i = i + 1; this.state = S.End; continue; }
          if (c !== 0x22) {
            this.stop(i, c === 0x7d && this.state === S.Key
              ? "Unexpected '}': expected a property name after ',' (trailing comma)"
              : `Expected a property name in double quotes in the top-level object, found ${describeByte(bytes, i)}`);
            return;
          }
          const e = scanString(bytes, i, len);
          if (e < 0) { this.stop(lastError.offset, lastError.message); return; }
          this.key = decodeKey(bytes, i, e);
          this.section = undefined;
          this.skipStart = i; // key start, kept for the section
          this.i = e;
          this.state = S.Colon;
          continue;
        }
        case S.Colon:
          if (c !== 0x3a) { this.stop(i, `Expected ':' after the property name "${this.key}", found ${describeByte(bytes, i)}`); return; }
          this.i = i + 1;
          this.state = S.MemberValue;
          continue;
        case S.MemberValue: {
          const kind = kindOfByte(c);
          if (kind === undefined) { this.stop(i, `Expected a value for "${this.key}", found ${describeByte(bytes, i)}`); return; }
          const section: MutableSection = { name: this.key, keyStart: this.skipStart, valueStart: i, valueEnd: -1, kind };
          this.section = section;
          this.sections.delete(this.key); // a repeated key: the last one wins, in file order
          this.sections.set(this.key, section);
          this.sink.member(this.key);
          if (c === 0x5b && SECTION_SET.has(this.key)) {
            this.i = i + 1;
            this.state = S.ArrFirst;
            continue;
          }
          if (c === 0x5b || c === 0x7b) { this.enterSkip(i, 1, Owner.Member); continue; }
          const e = this.primitive(i);
          if (e < 0) return;
          this.finishMember(i, e);
          continue;
        }
        case S.AfterMember:
          if (c === 0x2c) { this.i = i + 1; this.state = S.Key; continue; }
          if (c === 0x7d) { this.i = i + 1; this.state = S.End; continue; }
          this.stop(i, `Expected ',' or '}' after the value of "${this.key}" in the top-level object, found ${describeByte(bytes, i)}`);
          return;
        case S.ArrFirst:
        case S.ArrValue: {
          if (c === 0x5d && this.state === S.ArrFirst) { this.closeArray(i); continue; }
          if (c === 0x5d) { this.stop(i, `Unexpected ']': expected an element after ',' in ${this.arrayName()} (trailing comma)`); return; }
          if (c === 0x7b || c === 0x5b) { this.enterSkip(i, this.key === ROOT_ARRAY_KEY ? 1 : 2, Owner.Element); continue; }
          const e = this.primitive(i);
          if (e < 0) return;
          this.addElement(i, e);
          this.state = S.ArrAfter;
          continue;
        }
        case S.ArrAfter:
          if (c === 0x2c) { this.i = i + 1; this.state = S.ArrValue; continue; }
          if (c === 0x5d) { this.closeArray(i); continue; }
          this.stop(i, `Expected ',' or ']' after an element of ${this.arrayName()}, found ${describeByte(bytes, i)}`);
          return;
        case S.End:
          this.stop(i, `Unexpected ${describeByte(bytes, i)} after the end of the top-level ${this.rootKind === 'array' ? 'array' : 'object'} (trailing data)`);
          return;
      }
    }
  }

  private primitive(i: number): number {
    const e = scanPrimitive(this.bytes, i, this.len, true);
    if (e < 0) { this.stop(lastError.offset, lastError.message); return -1; }
    const nf = nonFiniteAt(this.bytes, i, e);
    this.nf = nf !== undefined && nf.length === e - i;
    this.i = e;
    return e;
  }

  private closeArray(i: number): void {
    this.section!.valueEnd = i + 1;
    this.i = i + 1;
    this.state = this.key === ROOT_ARRAY_KEY ? S.End : S.AfterMember;
  }

  /**
   * A top-level array (a results list): its elements are scanned like a section's,
   * reported under ROOT_ARRAY_KEY, so each keeps its byte range. No section is recorded.
   */
  private rootArray(i: number): void {
    this.rootKind = 'array';
    this.key = ROOT_ARRAY_KEY;
    this.section = { name: ROOT_ARRAY_KEY, keyStart: i, valueStart: i, valueEnd: -1, kind: 'array' };
    this.sink.member(ROOT_ARRAY_KEY);
    this.i = i + 1;
    this.state = S.ArrFirst;
  }

  private enterSkip(i: number, base: number, owner: Owner): void {
    this.skipStart = i;
    this.skipBase = base;
    this.skipOwner = owner;
    this.depth = 0;
    this.nf = false;
    this.state = S.Skip;
  }

  /** The hot loop: follows strings and brackets until the container at skipStart closes. */
  private skip(limit: number): boolean {
    const bytes = this.bytes;
    const len = this.len;
    const stack = this.stack;
    const cap = this.maxDepth - this.skipBase;
    let d = this.depth;
    let i = d === 0 ? this.skipStart : this.i;
    const view = this.view;
    const wideEnd = limit - 4;
    while (i < limit) {
      // Four bytes at a time while none of them is one the loop below looks at: a word whose
      // bytes are all < 0x40 (no bracket, N or I, nothing ≥ 0x80) and none is '"' (no zero byte
      // in word ^ 0x22222222, the exact SWAR zero-byte test). Numbers, commas and spaces, most of
      // a COCO file, go by four times faster.
      while (i <= wideEnd) {
        const word = view.getInt32(i, true);
        if ((word & 0xc0c0c0c0) !== 0) break;
        const x = word ^ 0x22222222; // < 0x7f7f7f7f: no int32 overflow below
        if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
        i += 4;
      }
      if (i >= limit) break;
      const c = bytes[i];
      const t = CLS[c];
      if (t === 0) { i++; continue; }
      if (t === 1) {
        i++;
        for (;;) {
          if (i >= len) { this.skipError(i, 'Unexpected end of file inside a string'); return true; }
          const x = bytes[i];
          if (x === 0x22) break;
          i += x === 0x5c ? 2 : 1;
        }
        i++;
        continue;
      }
      if (t === 2) {
        if (d >= cap) { this.skipError(i, `Nesting deeper than ${this.maxDepth} levels`); return true; }
        stack[d++] = c;
        i++;
        continue;
      }
      if (t === 3) {
        if (d === 0 || stack[d - 1] !== c - 2) { this.skipError(i, `Unexpected ${describeByte(bytes, i)}: brackets do not match`); return true; }
        d--;
        i++;
        if (d === 0) {
          this.depth = 0;
          this.i = i;
          this.finishSkip(i);
          return true;
        }
        continue;
      }
      // N or I outside a string: a bare non-finite token (or garbage JSON.parse will report).
      const s = c === 0x49 && i > 0 && bytes[i - 1] === 0x2d ? i - 1 : i;
      const nf = nonFiniteAt(bytes, s, len);
      if (nf) { this.nf = true; i = s + nf.length; } else i++;
    }
    this.depth = d;
    this.i = i;
    if (i >= len) { this.skipError(len, `Unexpected end of file inside ${this.where()}`); return true; }
    return false;
  }

  /** The fast loop saw an error: find the first one exactly with the strict walker, then stop. */
  private skipError(offset: number, message: string): void {
    const r = walkJson(this.bytes, this.skipStart, this.len, {
      maxDepth: this.maxDepth - this.skipBase,
      depthAbove: this.skipBase,
      context: this.where(),
    });
    const e: SyntaxErr = r.error && r.error.offset <= offset ? r.error : { offset, message };
    this.stop(e.offset, e.message);
  }

  private finishSkip(end: number): void {
    if (this.skipOwner === Owner.Element) {
      this.addElement(this.skipStart, end);
      this.state = S.ArrAfter;
    } else {
      this.finishMember(this.skipStart, end);
    }
  }

  private finishMember(start: number, end: number): void {
    this.section!.valueEnd = end;
    this.sink.value(start, end, this.nf);
    this.state = S.AfterMember;
  }

  private addElement(start: number, end: number): void {
    this.sink.element(start, end, this.nf);
  }

  private nonObjectRoot(i: number): void {
    const r = walkJson(this.bytes, i, this.len, {
      maxDepth: this.maxDepth,
      context: 'the top-level value',
      onNonFinite: (path, s, e, value) => {
        this.sink.issue({
          rule: 'coco/non-finite-number',
          message: `Bare ${tokenText(value)} is not valid JSON (Python's json.dump writes it; strict JSON readers reject the file)`,
          start: s, end: e, jsonPath: formatJsonPath(path),
        });
      },
    });
    if (r.error) { this.stop(r.error.offset, r.error.message); return; }
    const j = skipWs(this.bytes, r.end, this.len);
    if (j < this.len) { this.stop(j, `Unexpected ${describeByte(this.bytes, j)} after the end of the top-level value (trailing data)`); return; }
    this.i = this.len;
    this.state = S.Done;
  }

  private eof(): void {
    const len = this.len;
    switch (this.state) {
      case S.Root:
        this.stop(len, len === this.bom ? 'The file is empty' : 'The file contains only whitespace');
        return;
      case S.End:
        this.state = S.Done;
        return;
      default:
        this.stop(len, `Unexpected end of file inside ${this.where()}`);
    }
  }

}

/** The document from a builder and the scanner's structure (sections, root kind). */
export function buildDocument(b: DocumentBuilder, sections: Map<string, Section>, rootKind: JsonKind | undefined, path?: string): CocoDocument {
  return new CocoDocument({
    bytes: b.bytes,
    path,
    rootKind,
    sections,
    images: b.lists.images,
    annotations: b.lists.annotations,
    categories: b.lists.categories,
    licenses: b.lists.licenses,
    info: b.info,
    parseIssues: b.issues.sort((a, b) => a.start - b.start),
  });
}

/** Parses COCO JSON bytes. Never throws on bad input: problems become `doc.parseIssues`. */
export function parseCoco(bytes: Uint8Array, opts: ParseOptions = {}): CocoDocument {
  const b = new DocumentBuilder(bytes, opts);
  const p = new Scanner(bytes, opts, b);
  p.run(bytes.length);
  return buildDocument(b, p.sections, p.rootKind, opts.path);
}

function defaultYield(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (typeof g.setImmediate === 'function' ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

export function abortError(reason?: unknown): Error {
  if (reason instanceof Error) return reason;
  const e = new Error(typeof reason === 'string' ? reason : 'The operation was aborted') as Error & { code: string };
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}

/**
 * Runs a scanner over `bytes` into `sink` in slices of `sliceBytes`, giving the event loop a turn
 * between slices and reporting progress; rejects with an AbortError when `signal` aborts. The
 * caller builds its document from the returned scanner's sections (progress 1 is its to report).
 */
export async function scanInSlices(bytes: Uint8Array, opts: ParseAsyncOptions, sink: ScanSink): Promise<Scanner> {
  const slice = Math.max(1024, opts.sliceBytes ?? 1 << 20);
  const yieldNow = opts.yieldNow ?? defaultYield;
  const check = () => { if (opts.signal?.aborted) throw abortError(opts.signal.reason); };
  check();
  const p = new Scanner(bytes, opts, sink);
  const len = bytes.length;
  while (!p.done) {
    p.run(p.i + slice);
    if (p.done) break;
    opts.onProgress?.(len === 0 ? 0 : Math.min(p.i / len, 0.999));
    await yieldNow();
    check();
  }
  return p;
}

/**
 * Same result as `parseCoco`, in slices of `sliceBytes`, giving the event loop a
 * turn between slices. Rejects with an AbortError when `signal` aborts.
 */
export async function parseCocoAsync(bytes: Uint8Array, opts: ParseAsyncOptions = {}): Promise<CocoDocument> {
  const b = new DocumentBuilder(bytes, opts);
  const p = await scanInSlices(bytes, opts, b);
  const doc = buildDocument(b, p.sections, p.rootKind, opts.path);
  opts.onProgress?.(1);
  return doc;
}
