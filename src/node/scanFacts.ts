/**
 * The scan worker's second job for the CLI check (ParallelLoadOptions.ruleFacts): once the scan
 * is done, and while the main thread still parses, the worker parses the images and annotations
 * itself, one element at a time (each dropped right after), and computes the rules' segmentation
 * facts (core/ruleKit/facts.ts) plus coco/area-mismatch's rasterized areas into shared memory.
 * The main thread then takes them instead of computing them (~2–4 s of a train2017 check).
 *
 * Exactness: the worker sees the very sink calls the main thread replays (mirrored from the
 * posted batches), parses each element with the same DocumentBuilder.parseValue, and feeds the
 * same SegmentationFactsBuilder in the same order, so the columns are those computeFacts would
 * make. The main thread still checks that the element ranges match its document before using them.
 */
import type { ParseIssue } from '../core/coco/document';
import { ROOT_ARRAY_KEY } from '../core/coco/document';
import { DocumentBuilder } from '../core/coco/parse';
import { polygonsMaskArea } from '../core/geometry';
import { SegmentationFactsBuilder, type SegmentationFacts } from '../core/ruleKit/facts';
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

export interface ScanFacts {
  facts: SegmentationFacts;
  /** Start offsets of the image and annotation elements the facts were made from (the main thread compares them with its document's). */
  imageStarts: Float64Array;
  annotationStarts: Float64Array;
}

/**
 * Parses the images and annotations of `ranges` one by one and builds their facts. Undefined
 * when `stop` says so (checked every few thousand annotations).
 */
export function computeScanFacts(bytes: Uint8Array, ranges: SectionRanges, maxDepth: number | undefined, stop: () => boolean): ScanFacts | undefined {
  // Issues found here are the main thread's to report: this builder's are dropped.
  const parser = new DocumentBuilder(bytes, { maxDepth });
  const { images, annotations } = ranges;
  const imageValues: { value: unknown }[] = new Array(images.length);
  for (let i = 0; i < images.length; i++) {
    imageValues[i] = { value: parser.parseValue(images.starts[i], images.ends[i], [], 2, images.nf[i] === 1) };
  }
  const n = annotations.length;
  const builder = new SegmentationFactsBuilder(imageValues, n, { polygonMaskArea: polygonsMaskArea });
  const depthAbove = ranges.rootArray ? 1 : 2;
  const { starts, ends, nf } = annotations;
  for (let a = 0; a < n; a++) {
    if ((a & 4095) === 0 && stop()) return undefined;
    builder.add(a, parser.parseValue(starts[a], ends[a], [], depthAbove, nf[a] === 1));
    dropIssues(parser.issues);
  }
  return { facts: builder.finish(), imageStarts: images.starts.slice(0, images.length), annotationStarts: starts.slice(0, n) };
}

function dropIssues(issues: ParseIssue[]): void {
  if (issues.length > 0) issues.length = 0;
}

/** Whether `facts` were made from exactly these image and annotation elements. */
export function sameElements(scan: Pick<ScanFacts, 'imageStarts' | 'annotationStarts'>, images: readonly { start: number }[], annotations: readonly { start: number }[]): boolean {
  const { imageStarts, annotationStarts } = scan;
  if (imageStarts.length !== images.length || annotationStarts.length !== annotations.length) return false;
  for (let i = 0; i < images.length; i++) if (imageStarts[i] !== images[i].start) return false;
  for (let a = 0; a < annotations.length; a++) if (annotationStarts[a] !== annotations[a].start) return false;
  return true;
}
