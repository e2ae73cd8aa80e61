/**
 * The conversion hub: every format is read into this COCO-shaped dataset and written from it.
 * Plain objects (not the byte-located CocoDocument of the checker): converters build and reshape
 * datasets, they do not edit files in place. What a conversion loses or changes goes into a
 * ConvertLog, which feeds the fidelity report — nothing is dropped without a count.
 */
import type { Rle } from '../geometry/rle';
import { polygonBbox, polygonsMaskArea } from '../geometry/polygon';
import { countsArea, countsToBbox, rleCounts } from '../geometry/rle';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  [extra: string]: unknown;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
  skeleton?: number[][];
  [extra: string]: unknown;
}

/** COCO segmentation: polygons, or one RLE (counts as numbers or pycocotools' string). */
export type Segmentation = number[][] | Rle;

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
  segmentation?: Segmentation;
  keypoints?: number[];
  num_keypoints?: number;
  /** Attributes a source format had (VOC difficult, CVAT attributes, labelme flags …). */
  attributes?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface CocoDataset {
  info?: Record<string, unknown>;
  licenses?: unknown[];
  /** Split of each image id (train/val/test) where the source had splits; COCO writes one file per split. */
  splits?: Map<number, string>;
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

export function emptyDataset(): CocoDataset {
  return { images: [], annotations: [], categories: [] };
}

export function isRle(seg: unknown): seg is Rle {
  return !!seg && typeof seg === 'object' && !Array.isArray(seg) && 'counts' in seg && 'size' in seg;
}

/** Polygons with at least 3 points (6 numbers), the only ones that cover pixels. */
export function usablePolygons(seg: unknown): number[][] {
  if (!Array.isArray(seg)) return [];
  return seg.filter((p): p is number[] => Array.isArray(p) && p.length >= 6 && p.every((v) => typeof v === 'number' && Number.isFinite(v)));
}

/** Box and area of a segmentation, pycocotools-exact for RLE and polygons' mask area. */
export function geometryOf(seg: Segmentation, h: number, w: number): { bbox: [number, number, number, number]; area: number } {
  if (isRle(seg)) {
    const counts = rleCounts(seg);
    return { bbox: countsToBbox(counts, seg.size[0], seg.size[1]), area: countsArea(counts) };
  }
  const polys = usablePolygons(seg);
  if (polys.length === 0) return { bbox: [0, 0, 0, 0], area: 0 };
  return { bbox: polygonBbox(polys), area: h > 0 && w > 0 ? polygonsMaskArea(polys, h, w) : 0 };
}

/** Rounds to `digits` decimals without float noise (1.0000000001 → 1), and never `-0`. */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}

// ---------------------------------------------------------------------------------------------
// The loss / change log

export type LogKind = 'dropped' | 'changed' | 'lost-field' | 'note';

export interface LogEntry {
  kind: LogKind;
  /** A stable reason code (`crowd-skipped`, `multipart-split` …) the report groups by. */
  reason: string;
  message: string;
  file?: string;
  imageId?: number;
  annotationId?: number;
  category?: string;
}

export interface LogGroup {
  kind: LogKind;
  reason: string;
  count: number;
  /** The first few entries, for the report (the count is always complete). */
  examples: LogEntry[];
}

const EXAMPLES_PER_REASON = 20;

/** Counts every entry by kind + reason; keeps the first few of each as examples. */
export class ConvertLog {
  /** Groups in the order their first entry came (the report's order). */
  private readonly groups: LogGroup[] = [];
  private readonly byKind = new Map<LogKind, Map<string, LogGroup>>();
  /** Objects written per category name (a writer counts what it put out). */
  readonly written = new Map<string, number>();

  add(entry: LogEntry, count = 1): void {
    const g = this.group(entry.kind, entry.reason);
    g.count += count;
    if (g.examples.length < EXAMPLES_PER_REASON) g.examples.push(entry);
  }

  dropped(reason: string, message: string, at: Omit<LogEntry, 'kind' | 'reason' | 'message'> = {}): void {
    this.record('dropped', reason, message, at);
  }
  changed(reason: string, message: string, at: Omit<LogEntry, 'kind' | 'reason' | 'message'> = {}): void {
    this.record('changed', reason, message, at);
  }
  lostField(field: string, message: string, at: Omit<LogEntry, 'kind' | 'reason' | 'message'> = {}): void {
    this.record('lost-field', field, message, at);
  }
  note(reason: string, message: string, at: Omit<LogEntry, 'kind' | 'reason' | 'message'> = {}): void {
    this.record('note', reason, message, at);
  }

  /** One entry; its object is built only while examples are still kept (a writer logs per object). */
  private record(kind: LogKind, reason: string, message: string, at: Omit<LogEntry, 'kind' | 'reason' | 'message'>): void {
    const g = this.group(kind, reason);
    g.count++;
    if (g.examples.length < EXAMPLES_PER_REASON) g.examples.push({ kind, reason, message, ...at });
  }

  private group(kind: LogKind, reason: string): LogGroup {
    let byReason = this.byKind.get(kind);
    if (!byReason) this.byKind.set(kind, (byReason = new Map()));
    let g = byReason.get(reason);
    if (!g) {
      g = { kind, reason, count: 0, examples: [] };
      byReason.set(reason, g);
      this.groups.push(g);
    }
    return g;
  }
  countWritten(category: string, n = 1): void {
    this.written.set(category, (this.written.get(category) ?? 0) + n);
  }

  count(kind: LogKind, reason?: string): number {
    let n = 0;
    for (const g of this.groups) if (g.kind === kind && (reason === undefined || g.reason === reason)) n += g.count;
    return n;
  }

  entries(): LogGroup[] {
    return [...this.groups];
  }
}

// ---------------------------------------------------------------------------------------------
// Files in and out: formats see a tree of files, never the disk

/** A decoded raster (PNG) as the node layer hands it over: row-major, `channels` bytes a pixel. */
export interface Raster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** What a reader may look at: the input's files by forward-slash path relative to its root. */
export interface SourceTree {
  /** Every file under the root (forward slashes, relative). */
  list(): string[];
  text(path: string): string;
  bytes(path: string): Uint8Array;
  /** Size of an image file (read from its header by the node layer), when known. */
  imageSize(path: string): { width: number; height: number } | undefined;
  /**
   * A COCO file's top level, where the tree can do better than `JSON.parse(text(path))`: a
   * file too big for one string (V8 caps strings at ~512 MiB) is parsed from its bytes with the
   * checker's scanner (only `info` and COCO's arrays are kept). Throws an Error naming the file
   * (and line) when it is not JSON.
   */
  json?(path: string): unknown;
  /**
   * Any JSON file parsed, a file too big for one string from its bytes (jsonFromBytes). Throws
   * an Error naming the file (and line and column) when it is not JSON.
   */
  jsonValue?(path: string): unknown;
}

/** One file a writer produces, relative to the output root. */
export interface OutputFile {
  path: string;
  data: string | Uint8Array;
}

/** Where a writer wants an image placed (when images are copied / linked into its layout). */
export interface ImagePlacement {
  imageId: number;
  /** The image's file_name as the dataset had it. */
  fileName: string;
  /** Path in the output tree. */
  target: string;
}

export interface WriteResult {
  files: OutputFile[];
  images: ImagePlacement[];
}

/** A tree over files held in memory (round trips, tests). */
export function memoryTree(files: Iterable<OutputFile>, sizes: Map<string, { width: number; height: number }> = new Map()): SourceTree {
  const map = new Map<string, string | Uint8Array>();
  for (const f of files) map.set(f.path, f.data);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    list: () => [...map.keys()],
    text(p) {
      const d = map.get(p);
      if (d === undefined) throw new Error(`no such file: ${p}`);
      return typeof d === 'string' ? d : decoder.decode(d);
    },
    bytes(p) {
      const d = map.get(p);
      if (d === undefined) throw new Error(`no such file: ${p}`);
      return typeof d === 'string' ? encoder.encode(d) : d;
    },
    imageSize: (p) => sizes.get(p) ?? sizes.get(basename(p)),
  };
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function stem(p: string): string {
  const b = basename(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? b : b.slice(0, i);
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '' && p !== '.').join('/').replace(/\/+/g, '/');
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.gif', '.tif', '.tiff', '.webp', '.dng', '.mpo', '.pfm', '.heic'];

export function isImagePath(p: string): boolean {
  const l = p.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => l.endsWith(e));
}

/** Builds categories by name, in first-seen order, ids from 1. */
export class CategoryTable {
  readonly categories: CocoCategory[] = [];
  private readonly byName = new Map<string, CocoCategory>();

  constructor(initial: CocoCategory[] = []) {
    for (const c of initial) this.add(c);
  }

  add(c: CocoCategory): CocoCategory {
    const existing = this.byName.get(c.name);
    if (existing) return existing;
    this.categories.push(c);
    this.byName.set(c.name, c);
    return c;
  }

  idOf(name: string): number {
    const found = this.byName.get(name);
    if (found) return found.id;
    const id = this.categories.reduce((m, c) => Math.max(m, c.id), 0) + 1;
    this.add({ id, name });
    return id;
  }

  get(name: string): CocoCategory | undefined {
    return this.byName.get(name);
  }
}

/** Assembles a dataset annotation by annotation: ids from 1, bbox/area computed when absent. */
export class DatasetBuilder {
  readonly dataset: CocoDataset = emptyDataset();
  readonly cats: CategoryTable;
  private nextAnnotationId = 1;
  private readonly imagesByName = new Map<string, CocoImage>();

  constructor(categories: CocoCategory[] = []) {
    this.cats = new CategoryTable(categories);
    this.dataset.categories = this.cats.categories;
  }

  image(fileName: string, width: number, height: number, extra: Record<string, unknown> = {}): CocoImage {
    const existing = this.imagesByName.get(fileName);
    if (existing) return existing;
    const img: CocoImage = { id: this.dataset.images.length + 1, file_name: fileName, width, height, ...extra };
    this.dataset.images.push(img);
    this.imagesByName.set(fileName, img);
    return img;
  }

  annotation(
    img: CocoImage,
    categoryName: string,
    shape: { segmentation?: Segmentation; bbox?: [number, number, number, number]; iscrowd?: 0 | 1; keypoints?: number[] },
    extra: { attributes?: Record<string, unknown>; [k: string]: unknown } = {},
  ): CocoAnnotation {
    const geo = shape.segmentation ? geometryOf(shape.segmentation, img.height, img.width) : undefined;
    const bbox = shape.bbox ?? geo?.bbox ?? [0, 0, 0, 0];
    const ann: CocoAnnotation = {
      id: this.nextAnnotationId++,
      image_id: img.id,
      category_id: this.cats.idOf(categoryName),
      bbox: [round(bbox[0]), round(bbox[1]), round(bbox[2]), round(bbox[3])],
      area: round(geo && (shape.segmentation && (isRle(shape.segmentation) || usablePolygons(shape.segmentation).length > 0)) ? geo.area : bbox[2] * bbox[3]),
      iscrowd: shape.iscrowd ?? 0,
    };
    if (shape.segmentation) ann.segmentation = shape.segmentation;
    if (shape.keypoints) {
      ann.keypoints = shape.keypoints;
      let n = 0;
      for (let i = 2; i < shape.keypoints.length; i += 3) if (shape.keypoints[i] > 0) n++;
      ann.num_keypoints = n;
    }
    for (const [k, v] of Object.entries(extra)) if (v !== undefined && !(k === 'attributes' && Object.keys(v as object).length === 0)) ann[k] = v;
    this.dataset.annotations.push(ann);
    return ann;
  }
}

/** The category name of every category id. */
export function categoryNames(ds: CocoDataset): Map<number, string> {
  return new Map(ds.categories.map((c) => [c.id, c.name]));
}

/** Annotations grouped by image id, in dataset order. */
export function annotationsByImage(ds: CocoDataset): Map<number, CocoAnnotation[]> {
  const m = new Map<number, CocoAnnotation[]>();
  for (const a of ds.annotations) {
    let l = m.get(a.image_id);
    if (!l) m.set(a.image_id, (l = []));
    l.push(a);
  }
  return m;
}
