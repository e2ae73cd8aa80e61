/**
 * The format table: what each target name reads and writes, whether it holds masks, and how an
 * input is recognized from its paths and contents. Every conversion goes through COCO.
 */
import { readCoco, writeCoco } from './coco';
import type { ConvertLog, CocoDataset, SourceTree, WriteResult } from './model';
import { readCvat, writeCvat } from './cvat';
import { readLabelme, writeLabelme } from './labelme';
import { readLabelStudio, writeLabelStudio } from './labelStudio';
import { readMasks, writeMasks } from './masks';
import { readVoc, writeVoc } from './voc';
import type { TracedMasks } from './shapes';
import { readYolo, writeYolo, type CrowdMode, type MultipartMode } from './yolo';

export const TARGETS = ['coco', 'yolo', 'yolo-seg', 'yolo-pose', 'voc', 'labelme', 'cvat', 'labelstudio', 'masks'] as const;
export type TargetFormat = (typeof TARGETS)[number];
/** Source formats: a YOLO tree is read the same whatever its task. */
export type SourceFormat = 'coco' | 'yolo' | 'voc' | 'labelme' | 'cvat' | 'labelstudio' | 'masks';
export const SOURCES: SourceFormat[] = ['coco', 'yolo', 'voc', 'labelme', 'cvat', 'labelstudio', 'masks'];

export interface WriteOptions {
  multipart?: MultipartMode;
  crowd?: CrowdMode;
  /** Absolute output root (YOLO's data.yaml `path`). */
  datasetRoot?: string;
  /**
   * RLE masks traced by worker threads, by annotation object (a Map will do); the YOLO writer
   * traces any it is not given itself, so the output is the same either way.
   */
  traced?: TracedMasks;
}

export interface FormatInfo {
  /** Holds masks (polygons or rasters), so round-trip mask IoU is meaningful. */
  masks: boolean;
  /** Images are placed into the output layout by default (YOLO needs labels beside images). */
  placesImages: boolean;
  /** The format a target's output is read back with. */
  source: SourceFormat;
  write(ds: CocoDataset, log: ConvertLog, opts: WriteOptions): WriteResult;
}

type Reader = (tree: SourceTree, log: ConvertLog) => CocoDataset;
const readers = new Map<SourceFormat, Reader>();
const writers = new Map<TargetFormat, FormatInfo>();

export function registerFormat(source: SourceFormat, read: Reader, targets: [TargetFormat, FormatInfo][]): void {
  readers.set(source, read);
  for (const [t, info] of targets) writers.set(t, info);
}

registerFormat('coco', (tree, log) => readCoco(tree, log), [
  ['coco', { masks: true, placesImages: false, source: 'coco', write: (ds, log) => writeCoco(ds, log) }],
]);
registerFormat('yolo', readYolo, [
  ['yolo', { masks: false, placesImages: true, source: 'yolo', write: (ds, log, o) => writeYolo(ds, log, { ...o, task: 'detect' }) }],
  ['yolo-seg', { masks: true, placesImages: true, source: 'yolo', write: (ds, log, o) => writeYolo(ds, log, { ...o, task: 'segment' }) }],
  ['yolo-pose', { masks: false, placesImages: true, source: 'yolo', write: (ds, log, o) => writeYolo(ds, log, { ...o, task: 'pose' }) }],
]);

registerFormat('labelme', readLabelme, [
  ['labelme', { masks: true, placesImages: true, source: 'labelme', write: (ds, log) => writeLabelme(ds, log) }],
]);
registerFormat('voc', readVoc, [
  ['voc', { masks: true, placesImages: true, source: 'voc', write: (ds, log) => writeVoc(ds, log) }],
]);

registerFormat('cvat', readCvat, [
  ['cvat', { masks: true, placesImages: false, source: 'cvat', write: (ds, log) => writeCvat(ds, log) }],
]);
registerFormat('labelstudio', readLabelStudio, [
  ['labelstudio', { masks: true, placesImages: false, source: 'labelstudio', write: (ds, log) => writeLabelStudio(ds, log) }],
]);
registerFormat('masks', readMasks, [
  ['masks', { masks: true, placesImages: false, source: 'masks', write: (ds, log) => writeMasks(ds, log) }],
]);

export function reader(format: SourceFormat): Reader {
  const r = readers.get(format);
  if (!r) throw new Error(`reading ${format} is not supported`);
  return r;
}

export function target(format: TargetFormat): FormatInfo {
  const w = writers.get(format);
  if (!w) throw new Error(`writing ${format} is not supported`);
  return w;
}

export function isTarget(s: string): s is TargetFormat {
  return (TARGETS as readonly string[]).includes(s);
}

export function isSource(s: string): s is SourceFormat {
  return (SOURCES as readonly string[]).includes(s) || s === 'yolo-seg' || s === 'yolo-pose';
}

/** `yolo-seg` / `yolo-pose` given as a source mean the YOLO reader. */
export function sourceOf(s: string): SourceFormat {
  return s.startsWith('yolo') ? 'yolo' : (s as SourceFormat);
}

/**
 * Recognizes the input format from its file names and a peek at contents (`peek` reads the first
 * few KB of a file). Returns undefined when it is none of them.
 */
export function detectFormat(paths: string[], peek: (path: string) => string): SourceFormat | undefined {
  const lower = paths.map((p) => p.toLowerCase());
  const has = (re: RegExp) => lower.some((p) => re.test(p));
  const jsons = paths.filter((p) => p.toLowerCase().endsWith('.json'));
  const xmls = paths.filter((p) => p.toLowerCase().endsWith('.xml'));
  if (has(/(^|\/)data\.ya?ml$/) || (has(/(^|\/)labels\/.*\.txt$/) && has(/(^|\/)images\//))) return 'yolo';
  for (const x of xmls.slice(0, 3)) {
    const head = peek(x);
    if (/<annotations[\s>]/.test(head) && /<version>\s*1\.1/.test(head)) return 'cvat';
    if (/<annotation[\s>]/.test(head) && /<bndbox>|<size>|<object>/.test(head)) return 'voc';
    if (/<annotations[\s>]/.test(head)) return 'cvat';
  }
  if (has(/(^|\/)annotations\/[^/]+\.xml$/)) return 'voc';
  // labelme2voc's instance output: SegmentationClass/Object PNGs without XML
  if (has(/(^|\/)segmentation(class|object)\/[^/]+\.png$/)) return 'masks';
  for (const j of jsons.slice(0, 5)) {
    const head = peek(j).trimStart();
    if (/"shapes"\s*:/.test(head) && /"imagePath"|"version"/.test(head)) return 'labelme';
    if (head.startsWith('[') && /"(annotations|predictions|data)"\s*:/.test(head)) return 'labelstudio';
    if (head.startsWith('{') && /"(images|annotations|categories)"\s*:/.test(head)) return 'coco';
  }
  if (jsons.length > 0) {
    const head = peek(jsons[0]).trimStart();
    if (/"shapes"\s*:/.test(head)) return 'labelme';
    if (head.startsWith('{')) return 'coco';
  }
  if (has(/\.png$/) && (has(/(^|\/)(masks?|semantic|instances?|segmentation\w*)\//) || has(/(^|\/)classes\.json$/))) return 'masks';
  return undefined;
}
