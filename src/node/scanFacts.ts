/**
 * The rules' segmentation facts for the CLI check (ParallelLoadOptions.ruleFacts), made on two
 * threads: the facts (core/ruleKit/facts.ts) plus coco/area-mismatch's rasterized areas, in
 * columns of shared memory that the scan worker and the main thread fill chunk by chunk.
 *
 * - Once its scan is done, and while the main thread still parses, the worker parses the images,
 *   allocates the columns and posts them (a FactsTable), then takes chunks of annotations in file
 *   order: it parses each annotation from the bytes (dropped right after) and writes its facts.
 * - The worker reads the usual polygon annotation's image_id, area and polygons (or an RLE
 *   segmentation's keys) straight from the bytes (polygonReader.ts) and parses the others whole.
 * - When the first rule asks for the facts, the main thread takes the chunks still free. It has
 *   the parsed annotations, so a chunk costs it less than it costs the worker. Then it waits for
 *   the worker's chunks in progress, redoes the elements that did not parse into an object (the
 *   reader is exact on valid JSON, not a validator), and gives the annotations whose image id no
 *   image has their slots in one in-order pass (SLOT_DEFERRED).
 * - A chunk is taken by compare-and-swap on its owner slot, so each is done exactly once.
 *
 * Exactness: each annotation's facts depend only on its value and the images, and both threads
 * feed SegmentationFactsBuilder the same values (the worker parses each element it does not read
 * with the same DocumentBuilder.parseValue; addPolygons and add share one arithmetic), so the
 * columns are the same whichever thread did which chunk;
 * the only order-dependent part, the slots of unknown image ids, is done in order at the end. The
 * main thread first checks that the element ranges match its document.
 */
import type { ParseIssue } from '../core/coco/document';
import { ROOT_ARRAY_KEY } from '../core/coco/document';
import { DocumentBuilder } from '../core/coco/parse';
import { flatPolygonsMaskArea, polygonsMaskArea } from '../core/geometry';
import { allocateFactColumns, SegmentationFactsBuilder, type FactColumnSet } from '../core/ruleKit/facts';
import { PolygonReader, SegmentationShape } from './polygonReader';
import { Op } from './parallelLoadProtocol';

/** Element ranges of one array section, growing. */
export class RangeList {
  starts = new Float64Array(1024);
  ends = new Float64Array(1024);
  nf = new Uint8Array(1024);
  length = 0;

  push(start: number, end: number, nf: boolean): void {
    if (this.length === this.starts.length) {
      const size = this.length * 2;
      const s = new Float64Array(size), e = new Float64Array(size), f = new Uint8Array(size);
      s.set(this.starts); e.set(this.ends); f.set(this.nf);
      this.starts = s; this.ends = e; this.nf = f;
    }
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.nf[this.length] = nf ? 1 : 0;
    this.length++;
  }
}

/**
 * Which elements end up in the document's images and annotations lists: DocumentBuilder's
 * list bookkeeping (`member`, `element`), without parsing anything.
 */
export class SectionRanges {
  images = new RangeList();
  annotations = new RangeList();
  /** The top level is an array (a results list): its elements are the annotations. */
  rootArray = false;
  private target: RangeList | undefined;

  member(key: string): void {
    if (key === ROOT_ARRAY_KEY) { this.target = this.annotations = new RangeList(); this.rootArray = true; return; }
    // A repeated section key starts its list again, as DocumentBuilder does (the last one wins).
    if (key === 'images') this.target = this.images = new RangeList();
    else if (key === 'annotations') this.target = this.annotations = new RangeList();
    else if (key === 'categories' || key === 'licenses') this.target = undefined;
  }

  element(start: number, end: number, nf: boolean): void {
    this.target?.push(start, end, nf);
  }

  /** The sink calls of one posted batch (parallelLoadWorker's [op, a, b] triples). */
  replay(ops: Float64Array, n: number, extras: readonly unknown[]): void {
    for (let k = 0; k < n; k += 3) {
      const op = ops[k] as Op;
      if (op === Op.Member) this.member(extras[ops[k + 1]] as string);
      else if (op === Op.Element || op === Op.ElementNf) this.element(ops[k + 1], ops[k + 2], op === Op.ElementNf);
    }
  }
}

/** Annotations per chunk: ~10 ms of the worker's time on train2017, the longest the main thread waits for the last one. */
export const FACTS_CHUNK = 1024;

/** Who took a chunk (FactsTable.owner). */
export const enum ChunkOwner { Free = 0, Worker = 1, Main = 2 }

/** Int32 slots of FactsTable.control. */
export const FACTS_DONE = 0; // chunks done (both threads)
export const FACTS_FAILED = 1; // worker → main: 1 when the worker failed on a chunk it took (the main thread then computes them all)
export const FACTS_SLOTS = 2;

/**
 * For tests: which chunks each thread may take. 'worker': all by the worker, 'main': all by the
 * main thread, 'alternate': even chunks by the worker, odd ones by the main thread. Unset: any
 * free chunk, by whichever thread gets there first.
 */
export type FactsSplit = 'worker' | 'main' | 'alternate';

/** The shared columns and their chunks, as the worker posts them. */
export interface FactsTable {
  columns: FactColumnSet;
  /** Annotations per chunk (FACTS_CHUNK; tests make it small). */
  chunkSize: number;
  /** Per chunk: a ChunkOwner, set by compare-and-swap. */
  owner: Int32Array;
  /** FACTS_* slots. */
  control: Int32Array;
  /** Start offsets of the image and annotation elements the worker works from (the main thread compares them with its document's). */
  imageStarts: Float64Array;
  annotationStarts: Float64Array;
}

function mayTake(split: FactsSplit | undefined, me: ChunkOwner, chunk: number): boolean {
  if (split === undefined) return true;
  if (split === 'alternate') return (chunk % 2 === 0) === (me === ChunkOwner.Worker);
  return split === 'worker' ? me === ChunkOwner.Worker : me === ChunkOwner.Main;
}

/**
 * Takes the free chunks `split` allows `me`, in file order, and calls `work(from, to)` on each
 * one's annotation range; stops early when `stop` says so (checked between chunks).
 */
export function takeChunks(table: FactsTable, me: ChunkOwner, split: FactsSplit | undefined, work: (from: number, to: number) => void, stop: () => boolean = () => false): void {
  const { owner, control, chunkSize } = table;
  const n = table.columns.kind.length;
  for (let c = 0; c < owner.length; c++) {
    if (!mayTake(split, me, c) || Atomics.load(owner, c) !== ChunkOwner.Free) continue;
    if (stop()) return;
    if (Atomics.compareExchange(owner, c, ChunkOwner.Free, me) !== ChunkOwner.Free) continue;
    work(c * chunkSize, Math.min(n, (c + 1) * chunkSize));
    Atomics.add(control, FACTS_DONE, 1);
    Atomics.notify(control, FACTS_DONE);
  }
}

/** The worker's side: the table, and how it fills a chunk from the bytes. */
export interface WorkerFacts {
  table: FactsTable;
  fill(from: number, to: number): void;
}

/**
 * Parses the images of `ranges`, allocates the shared columns for its annotations, and returns
 * them with the worker's chunk filler (each annotation parsed from the bytes, then dropped).
 */
export function startScanFacts(bytes: Uint8Array, ranges: SectionRanges, maxDepth: number | undefined, chunkSize = FACTS_CHUNK): WorkerFacts {
  // Issues found here are the main thread's to report: this builder's are dropped.
  const parser = new DocumentBuilder(bytes, { maxDepth });
  const { images, annotations } = ranges;
  const reader = new PolygonReader(bytes, (start, end) => parser.decode(start, end));
  // The builder looks at each image's id, width and height only: read from the bytes, the rest parsed whole.
  const imageValues: { value: unknown }[] = new Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const nf = images.nf[i] === 1;
    imageValues[i] = { value: !nf && reader.readImage(images.starts[i], images.ends[i]) ? reader.image : parser.parseValue(images.starts[i], images.ends[i], [], 2, nf) };
  }
  dropIssues(parser.issues);
  const n = annotations.length;
  const columns = allocateFactColumns(n, true);
  const builder = new SegmentationFactsBuilder(imageValues, n, { polygonMaskArea: polygonsMaskArea, flatPolygonMaskArea: flatPolygonsMaskArea, columns, deferUnknownImages: true });
  const chunks = Math.ceil(n / chunkSize);
  const table: FactsTable = {
    columns,
    chunkSize,
    owner: new Int32Array(new SharedArrayBuffer(Math.max(4, chunks * 4)), 0, chunks),
    control: new Int32Array(new SharedArrayBuffer(FACTS_SLOTS * 4)),
    imageStarts: images.starts.slice(0, images.length),
    annotationStarts: annotations.starts.slice(0, n),
  };
  const depthAbove = ranges.rootArray ? 1 : 2;
  const { starts, ends, nf } = annotations;
  return {
    table,
    fill(from, to) {
      for (let a = from; a < to; a++) {
        // The usual polygon or RLE annotation read from the bytes (polygonReader.ts), the rest parsed whole.
        if (nf[a] === 0 && reader.read(starts[a], ends[a])) {
          if (reader.shape === SegmentationShape.Polygons) builder.addPolygons(a, reader.imageId, reader.area, reader.coords, reader.ends, reader.np);
          else builder.addSegmentationObject(a, reader.imageId, reader.shape === SegmentationShape.Rle);
        } else {
          builder.add(a, parser.parseValue(starts[a], ends[a], [], depthAbove, nf[a] === 1));
          dropIssues(parser.issues);
        }
      }
    },
  };
}

function dropIssues(issues: ParseIssue[]): void {
  if (issues.length > 0) issues.length = 0;
}

/** Whether `facts` were made from exactly these image and annotation elements. */
export function sameElements(scan: Pick<FactsTable, 'imageStarts' | 'annotationStarts'>, images: readonly { start: number }[], annotations: readonly { start: number }[]): boolean {
  const { imageStarts, annotationStarts } = scan;
  if (imageStarts.length !== images.length || annotationStarts.length !== annotations.length) return false;
  for (let i = 0; i < images.length; i++) if (imageStarts[i] !== images[i].start) return false;
  for (let a = 0; a < annotations.length; a++) if (annotationStarts[a] !== annotations[a].start) return false;
  return true;
}
