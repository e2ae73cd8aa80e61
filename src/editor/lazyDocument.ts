/**
 * The editor's document: a `CocoDocument` whose annotations are not kept parsed. The load parses
 * each annotation once (as `parseCoco` does, with the same issues), keeps what the viewer needs
 * of it in typed arrays (annotationColumns.ts) and drops the value; an annotation's value is
 * parsed again from the bytes when it is read (the image shown, an edit, a re-check). Images the
 * same (their place and `id` kept); categories, licenses and `info` stay parsed (small).
 *
 * On the 455 MB benchmark file the host then keeps the bytes plus ~100 MB, not the bytes plus
 * ~750 MB of objects. A big file that is only viewed lets its bytes go too (`releaseBytes`): each
 * value is then read from disk through a `ByteSource` (byteSource.ts) when it is parsed, and the
 * whole file is read back (`loadBytes`, checked against its fingerprint) before the first edit. `annotationEntries` and `imageEntries` still read as arrays of `Located`
 * (Proxies over the columns), so code written for `CocoDocument` runs unchanged; what walks every annotation on the
 * host reads the columns instead.
 */
import { CocoDocument, ROOT_ARRAY_KEY, type IdKey, type JsonKind, type JsonObject, type Located, type ParseIssue, type Section } from '../core/coco/document';
import { DocumentBuilder, scanInSlices, Scanner, type ParseAsyncOptions, type ParseOptions } from '../core/coco/parse';
import type { DocumentSink } from '../node/parallelLoad';
import type { ByteSource } from './byteSource';
import {
  AnnotationColumns, ColumnsBuilder, ImageColumns, ImageColumnsBuilder, INVALID, NON_FINITE, transferList,
  type AnnotationColumnsData, type HasColumns, type ImageColumnsData,
} from './annotationColumns';

/** How many parsed annotation values a document keeps for reuse (an image's worth, and more). */
const VALUE_CACHE = 2048;

/** An annotation's or image's place; its value parsed on first read. */
class LazyLocated implements Located {
  private parsed = false;
  private v: unknown;
  constructor(private readonly read: (i: number) => unknown, readonly index: number, readonly start: number, readonly end: number) {}
  get value(): unknown {
    if (!this.parsed) { this.v = this.read(this.index); this.parsed = true; }
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

type Parts = Omit<ConstructorParameters<typeof CocoDocument>[0], 'annotations' | 'images'>;

export class LazyCocoDocument extends CocoDocument implements HasColumns {
  private readonly cache = new Map<number, unknown>();
  private readonly imageCache = new Map<number, unknown>();
  /** The parser over the bytes while they are kept (made on first use). */
  private parser?: DocumentBuilder;
  /** Where the bytes are read from while they are not kept (releaseBytes). */
  private source?: ByteSource;
  private loading?: Promise<void>;
  /** Set by the constructor (the entries Proxies read them). */
  readonly columns: AnnotationColumns;
  readonly imageColumns: ImageColumns;
  private readonly rootArray: boolean;
  private readonly opts: ParseOptions;
  /** Times the whole file was read on this thread in one go because something asked for `bytes` while they were not kept (tests: viewing never does). */
  wholeReadsSync = 0;

  constructor(parts: Parts, columns: AnnotationColumns, imageColumns: ImageColumns, rootArray: boolean, opts: ParseOptions) {
    // The entries make their Located from `this`, which exists once super() returns (they are read only later).
    const ref: { doc?: LazyCocoDocument } = {};
    super({
      ...parts,
      annotations: lazyEntries((i) => ref.doc!.entryAt(i), columns.length) as Located[],
      images: lazyEntries((i) => ref.doc!.imageEntryAt(i), imageColumns.length) as Located[],
    });
    ref.doc = this;
    this.columns = columns;
    this.imageColumns = imageColumns;
    this.rootArray = rootArray;
    this.opts = opts;
  }

  /**
   * The file's bytes. While they are not kept (releaseBytes) this reads the whole file again on
   * this thread, checked against its fingerprint (throws OutsideChangeError when it changed):
   * a last resort for a caller that needs them at once; the editor awaits `loadBytes` first.
   */
  override get bytes(): Uint8Array {
    const held = this.heldBytes;
    if (held) return held;
    this.wholeReadsSync++;
    return (this.heldBytes = this.source!.readAllSync());
  }

  /** Whether the bytes are in memory (else they are read from disk on demand). */
  get holdsBytes(): boolean { return this.heldBytes !== undefined; }

  /** The length of the bytes, kept or not. */
  get byteLength(): number { return this.heldBytes?.length ?? this.source!.length; }

  /**
   * Lets the bytes go: from now on each value is read from `source` (the same bytes, on disk)
   * when it is parsed. `source` must describe these bytes (same length and fingerprint).
   */
  releaseBytes(source: ByteSource): void {
    if (source.length !== this.byteLength) throw new Error(`a source of ${source.length} bytes for a document of ${this.byteLength}`);
    this.source = source;
    this.heldBytes = undefined;
    this.parser = undefined;
  }

  /** Keeps the bytes again: the whole file read back and checked against its fingerprint (rejects with OutsideChangeError). */
  loadBytes(signal?: AbortSignal): Promise<void> {
    if (this.heldBytes) return Promise.resolve();
    const source = this.source!;
    this.loading ??= source.readAll(signal).then((b) => { this.heldBytes ??= b; }).finally(() => { this.loading = undefined; });
    return this.loading;
  }

  entryAt(i: number): Located { return new LazyLocated((k) => this.annotationValue(k), i, this.columns.start(i), this.columns.end(i)); }
  imageEntryAt(i: number): Located { return new LazyLocated((k) => this.imageValue(k), i, this.imageColumns.start(i), this.imageColumns.end(i)); }

  /** Annotation `i`'s value, parsed from the bytes (as the load parsed it; undefined when it is not JSON). */
  annotationValue(i: number): unknown {
    if (this.cache.has(i)) return this.cache.get(i);
    const c = this.columns;
    if (i < 0 || i >= c.length) return undefined;
    const v = this.parse(c.start(i), c.end(i), c.flagsOf(i), this.rootArray ? [i] : ['annotations', i], this.rootArray ? 1 : 2);
    if (this.cache.size >= VALUE_CACHE) this.cache.clear();
    this.cache.set(i, v);
    return v;
  }

  /** Image `i`'s value, parsed from the bytes. */
  imageValue(i: number): unknown {
    if (this.imageCache.has(i)) return this.imageCache.get(i);
    const c = this.imageColumns;
    if (i < 0 || i >= c.length) return undefined;
    const v = this.parse(c.start(i), c.end(i), c.flagsOf(i), ['images', i], 2);
    if (this.imageCache.size >= VALUE_CACHE) this.imageCache.clear();
    this.imageCache.set(i, v);
    return v;
  }

  private parse(start: number, end: number, flags: number, base: (string | number)[], depthAbove: number): unknown {
    if (flags & INVALID) return undefined;
    const nf = (flags & NON_FINITE) !== 0;
    const held = this.heldBytes;
    if (held) return (this.parser ??= new DocumentBuilder(held, this.opts)).parseValue(start, end, base, depthAbove, nf);
    // Not kept: this one element's bytes from disk (the same parse, over a buffer of its own).
    const bytes = this.source!.range(start, end);
    return new DocumentBuilder(bytes, this.opts).parseValue(0, bytes.length, base, depthAbove, nf);
  }

  override imagesWithId(id: IdKey): Located[] { return this.imageColumns.withId(id).map((i) => this.imageEntryAt(i)); }
  override imageById(id: IdKey): JsonObject | undefined { return this.imagesWithId(id)[0]?.value as JsonObject | undefined; }

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
  private images = new ImageColumnsBuilder();
  private inAnnotations = false;
  private inImages = false;
  private atRoot = false;
  private readonly opts: ParseOptions;

  constructor(bytes: Uint8Array, opts: ParseOptions = {}) {
    super(bytes, opts);
    this.opts = opts;
  }

  override member(key: string): void {
    super.member(key);
    this.inAnnotations = key === 'annotations' || key === ROOT_ARRAY_KEY;
    this.inImages = key === 'images';
    if (this.inAnnotations) { this.columns = new ColumnsBuilder(); this.atRoot = key === ROOT_ARRAY_KEY; }
    if (this.inImages) this.images = new ImageColumnsBuilder();
  }

  override element(start: number, end: number, nf: boolean): void {
    if (this.inImages) {
      const value = this.parseValue(start, end, ['images', this.images.length], 2, nf);
      this.images.push(start, end, value, (nf ? NON_FINITE : 0) | (value === undefined ? INVALID : 0));
      return;
    }
    if (!this.inAnnotations) { super.element(start, end, nf); return; }
    const index = this.columns.length;
    const value = this.parseValue(start, end, this.atRoot ? [index] : ['annotations', index], this.atRoot ? 1 : 2, nf);
    // undefined: not JSON (JSON.parse gives no undefined); the issue is reported once, here.
    this.columns.push(start, end, value, (nf ? NON_FINITE : 0) | (value === undefined ? INVALID : 0));
  }

  /**
   * Everything the document is made of but the bytes, as structured-clone data (what the columns
   * worker posts). `withLookups`: the lookups by id / image and the category counts built too (on
   * the worker, so the host builds none of them).
   */
  data(sections: Map<string, Section>, rootKind: JsonKind | undefined, withLookups = false): LazyDocumentData {
    const annotations = this.columns.finish();
    const images = this.images.finish();
    if (withLookups) { annotations.buildLookups(); images.buildLookups(); }
    return {
      rootKind, sections,
      categories: this.lists.categories, licenses: this.lists.licenses,
      info: this.info, parseIssues: this.issues.sort((a, b) => a.start - b.start),
      annotations: annotations.toData(), images: images.toData(), rootArray: this.atRoot,
    };
  }

  finish(sections: Map<string, Section>, rootKind: JsonKind | undefined, path?: string): CocoDocument {
    return lazyDocumentFromData(this.bytes, this.data(sections, rootKind), { ...this.opts, path });
  }
}

/**
 * A lazy document without its bytes, as plain data: parsed on a worker (node/columnsWorker.ts),
 * posted with its typed arrays transferred, and made a document on the host by
 * `lazyDocumentFromData` over the same (shared) bytes, with no parse there.
 */
export interface LazyDocumentData {
  rootKind: JsonKind | undefined;
  sections: Map<string, Section>;
  categories: Located[];
  licenses: Located[];
  info?: Located;
  parseIssues: ParseIssue[];
  annotations: AnnotationColumnsData;
  images: ImageColumnsData;
  /** The file is a top-level array (a results list): its elements are the annotations. */
  rootArray: boolean;
}

/** The buffers of `data` to transfer (not copy) with postMessage. */
export function lazyDataTransferList(data: LazyDocumentData): ArrayBuffer[] {
  return [...transferList(data.annotations), ...transferList(data.images)];
}

/** The document over `bytes` from its data (the bytes it was parsed from). */
export function lazyDocumentFromData(bytes: Uint8Array, data: LazyDocumentData, opts: ParseOptions = {}): LazyCocoDocument {
  return new LazyCocoDocument({
    bytes, path: opts.path, rootKind: data.rootKind, sections: data.sections,
    categories: data.categories, licenses: data.licenses, info: data.info, parseIssues: data.parseIssues,
  }, AnnotationColumns.fromData(data.annotations), ImageColumns.fromData(data.images), data.rootArray, opts);
}

/** A sink for node/parallelLoad (the scan on a second thread) that makes a lazy document. */
export const lazySink = (bytes: Uint8Array, opts: ParseOptions = {}): DocumentSink => new LazyBuilder(bytes, opts);

/** The length of a document's bytes, without reading them when they are not kept. */
export function byteLengthOf(doc: CocoDocument): number {
  return doc instanceof LazyCocoDocument ? doc.byteLength : doc.bytes.length;
}

/** Whether a document's bytes are in memory (false: a lazy document reading them from disk). */
export function holdsBytes(doc: CocoDocument): boolean {
  return !(doc instanceof LazyCocoDocument) || doc.holdsBytes;
}

/** `parseCoco` for the editor: the same document, its annotations kept as columns. */
export function parseLazy(bytes: Uint8Array, opts: ParseOptions = {}): CocoDocument {
  const b = new LazyBuilder(bytes, opts);
  const p = new Scanner(bytes, opts, b);
  p.run(bytes.length);
  return b.finish(p.sections, p.rootKind, opts.path);
}

/** `parseCocoAsync` for the editor: in slices, the event loop running between them. */
export async function parseLazyAsync(bytes: Uint8Array, opts: ParseAsyncOptions = {}): Promise<CocoDocument> {
  const b = new LazyBuilder(bytes, opts);
  const p = await scanInSlices(bytes, opts, b);
  const doc = b.finish(p.sections, p.rootKind, opts.path);
  opts.onProgress?.(1);
  return doc;
}
