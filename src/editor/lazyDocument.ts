/**
 * The editor's document: a `CocoDocument` whose annotations are not kept parsed. The load parses
 * each annotation once (as `parseCoco` does, with the same issues), keeps what the viewer needs
 * of it in typed arrays (annotationColumns.ts) and drops the value; an annotation's value is
 * parsed again from the bytes when it is read (the image shown, an edit, a re-check). Images,
 * categories, licenses and `info` stay parsed (a few percent of a train2017 file).
 *
 * On the 455 MB benchmark file the host then keeps the bytes plus ~100 MB, not the bytes plus
 * ~750 MB of objects. `annotationEntries` still reads as an array of `Located` (a Proxy over the
 * columns), so code written for `CocoDocument` runs unchanged; what walks every annotation on the
 * host reads the columns instead.
 */
import { CocoDocument, ROOT_ARRAY_KEY, type IdKey, type JsonKind, type JsonObject, type Located, type Section } from '../core/coco/document';
import { abortError, DocumentBuilder, Scanner, type ParseAsyncOptions, type ParseOptions } from '../core/coco/parse';
import type { DocumentSink } from '../node/parallelLoad';
import { AnnotationColumns, ColumnsBuilder, INVALID, NON_FINITE, type HasColumns } from './annotationColumns';

/** How many parsed annotation values a document keeps for reuse (an image's worth, and more). */
const VALUE_CACHE = 2048;

/** An annotation's place; its value parsed on first read. */
class LazyLocated implements Located {
  private parsed = false;
  private v: unknown;
  constructor(private readonly doc: LazyCocoDocument, readonly index: number, readonly start: number, readonly end: number) {}
  get value(): unknown {
    if (!this.parsed) { this.v = this.doc.annotationValue(this.index); this.parsed = true; }
    return this.v;
  }
}

function isIndex(p: string | symbol): boolean {
  if (typeof p !== 'string' || p.length === 0) return false;
  const c = p.charCodeAt(0);
  return c >= 48 && c <= 57 && String(Number(p)) === p;
}

/** A read-only array of the annotations' `Located`, made on access from the columns. */
function lazyEntries(entryAt: (i: number) => Located, n: number): readonly Located[] {
  return new Proxy<Located[]>([], {
    get(target, p, receiver) {
      if (isIndex(p)) { const i = Number(p as string); return i < n ? entryAt(i) : undefined; }
      if (p === 'length') return n;
      return Reflect.get(target, p, receiver) as unknown;
    },
    has(target, p) { return isIndex(p) ? Number(p as string) < n : Reflect.has(target, p); },
    set() { return false; },
    deleteProperty() { return false; },
    ownKeys() { const keys: string[] = []; for (let i = 0; i < n; i++) keys.push(String(i)); keys.push('length'); return keys; },
    getOwnPropertyDescriptor(target, p) {
      if (isIndex(p) && Number(p as string) < n) return { value: entryAt(Number(p as string)), writable: false, enumerable: true, configurable: true };
      if (p === 'length') return { value: n, writable: true, enumerable: false, configurable: false };
      return Reflect.getOwnPropertyDescriptor(target, p);
    },
  });
}

export class LazyCocoDocument extends CocoDocument implements HasColumns {
  private readonly cache = new Map<number, unknown>();
  private readonly parser: DocumentBuilder;
  /** Set by the constructor (the entries Proxy reads them). */
  readonly columns: AnnotationColumns;
  private readonly rootArray: boolean;

  constructor(parts: Omit<ConstructorParameters<typeof CocoDocument>[0], 'annotations'>, columns: AnnotationColumns, rootArray: boolean, opts: ParseOptions) {
    let self: LazyCocoDocument | undefined;
    // The entries make their Located from `this`, which exists once super() returns (they are read only later).
    super({ ...parts, annotations: lazyEntries((i) => self!.entryAt(i), columns.length) as Located[] });
    self = this;
    this.columns = columns;
    this.rootArray = rootArray;
    this.parser = new DocumentBuilder(parts.bytes, opts);
  }

  entryAt(i: number): Located { return new LazyLocated(this, i, this.columns.start(i), this.columns.end(i)); }

  /** Annotation `i`'s value, parsed from the bytes (as the load parsed it; undefined when it is not JSON). */
  annotationValue(i: number): unknown {
    if (this.cache.has(i)) return this.cache.get(i);
    const c = this.columns;
    if (i < 0 || i >= c.length) return undefined;
    const f = c.flagsOf(i);
    let v: unknown;
    if (!(f & INVALID)) {
      const base = this.rootArray ? [i] : ['annotations', i];
      v = this.parser.parseValue(c.start(i), c.end(i), base, this.rootArray ? 1 : 2, (f & NON_FINITE) !== 0);
    }
    if (this.cache.size >= VALUE_CACHE) this.cache.clear();
    this.cache.set(i, v);
    return v;
  }

  // The lookups by annotation field, from the columns (CocoDocument builds maps from the parsed values).
  override annotationsWithId(id: IdKey): Located[] { return this.columns.withId(id).map((i) => this.entryAt(i)); }
  override annotationById(id: IdKey): JsonObject | undefined { return this.annotationsWithId(id)[0]?.value as JsonObject | undefined; }
  override annotationsOfImage(id: IdKey): Located[] { return this.columns.ofImage(id).map((i) => this.entryAt(i)); }
  override annotationCountOfImage(id: IdKey): number { return this.columns.ofImage(id).length; }
  override annotationCountOfCategory(id: IdKey): number { return this.columns.countsByCategory().get(id) ?? 0; }
  override annotationsOfCategory(id: IdKey): Located[] {
    const out: Located[] = [];
    for (let i = 0; i < this.columns.length; i++) if (this.columns.categoryId(i) === id) out.push(this.entryAt(i));
    return out;
  }
}

/**
 * A `DocumentBuilder` that parses annotations into columns instead of keeping them: the same
 * parse, the same issues, the same images / categories / licenses / info.
 */
export class LazyBuilder extends DocumentBuilder implements DocumentSink {
  private columns = new ColumnsBuilder();
  private inAnnotations = false;
  private atRoot = false;
  private readonly opts: ParseOptions;

  constructor(bytes: Uint8Array, opts: ParseOptions = {}) {
    super(bytes, opts);
    this.opts = opts;
  }

  override member(key: string): void {
    super.member(key);
    this.inAnnotations = key === 'annotations' || key === ROOT_ARRAY_KEY;
    if (this.inAnnotations) { this.columns = new ColumnsBuilder(); this.atRoot = key === ROOT_ARRAY_KEY; }
  }

  override element(start: number, end: number, nf: boolean): void {
    if (!this.inAnnotations) { super.element(start, end, nf); return; }
    const index = this.columns.length;
    const value = this.parseValue(start, end, this.atRoot ? [index] : ['annotations', index], this.atRoot ? 1 : 2, nf);
    // undefined: not JSON (JSON.parse gives no undefined); the issue is reported once, here.
    this.columns.push(start, end, value, (nf ? NON_FINITE : 0) | (value === undefined ? INVALID : 0));
  }

  finish(sections: Map<string, Section>, rootKind: JsonKind | undefined, path?: string): CocoDocument {
    return new LazyCocoDocument({
      bytes: this.bytes, path, rootKind, sections,
      images: this.lists.images, categories: this.lists.categories, licenses: this.lists.licenses,
      info: this.info, parseIssues: this.issues.sort((a, b) => a.start - b.start),
    }, this.columns.finish(), this.atRoot, this.opts);
  }
}

/** A sink for node/parallelLoad (the scan on a second thread) that makes a lazy document. */
export const lazySink = (bytes: Uint8Array, opts: ParseOptions = {}): DocumentSink => new LazyBuilder(bytes, opts);

/** `parseCoco` for the editor: the same document, its annotations kept as columns. */
export function parseLazy(bytes: Uint8Array, opts: ParseOptions = {}): CocoDocument {
  const b = new LazyBuilder(bytes, opts);
  const p = new Scanner(bytes, opts, b);
  p.run(bytes.length);
  return b.finish(p.sections, p.rootKind, opts.path);
}

function defaultYield(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (typeof g.setImmediate === 'function' ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** `parseCocoAsync` for the editor: in slices, the event loop running between them. */
export async function parseLazyAsync(bytes: Uint8Array, opts: ParseAsyncOptions = {}): Promise<CocoDocument> {
  const slice = Math.max(1024, opts.sliceBytes ?? 1 << 20);
  const yieldNow = opts.yieldNow ?? defaultYield;
  const check = () => { if (opts.signal?.aborted) throw abortError(opts.signal.reason); };
  check();
  const b = new LazyBuilder(bytes, opts);
  const p = new Scanner(bytes, opts, b);
  const len = bytes.length;
  while (!p.done) {
    p.run(p.i + slice);
    if (p.done) break;
    opts.onProgress?.(len === 0 ? 0 : Math.min(p.i / len, 0.999));
    await yieldNow();
    check();
  }
  const doc = b.finish(p.sections, p.rootKind, opts.path);
  opts.onProgress?.(1);
  return doc;
}
