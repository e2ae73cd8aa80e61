/**
 * What kind of COCO file a document is, from its content (the file name only
 * breaks ties): real projects keep instances, keypoints, captions, panoptic,
 * image-info, stuff and results files side by side, and each kind has its own
 * required fields. A JSON that is no COCO file at all says what it looks like.
 *
 * Pure: reads the parsed document, samples at most SAMPLE elements per section.
 */
import { isJsonObject, type CocoDocument, type JsonObject, type Located } from './document';

export const COCO_KINDS = [
  'instances', 'keypoints', 'stuff', 'captions', 'panoptic', 'image-info', 'results', 'results-wrapped', 'not-coco',
] as const;
export type CocoKind = (typeof COCO_KINDS)[number];

/** What each kind is, in a few words (messages, docs, the status bar's tooltip). */
export const KIND_LABEL: Readonly<Record<CocoKind, string>> = {
  instances: 'COCO instances (boxes, masks)',
  keypoints: 'COCO person keypoints',
  stuff: 'COCO stuff segmentation',
  captions: 'COCO captions',
  panoptic: 'COCO panoptic',
  'image-info': 'COCO image info (test-dev: images and categories, no annotations)',
  results: 'COCO results list (detections for COCO.loadRes / COCOeval)',
  'results-wrapped': 'COCO results inside a dataset object (every annotation has a score, none an id)',
  'not-coco': 'not a COCO file',
};

/** Ground-truth kinds whose annotations are objects with boxes (and masks, keypoints). */
export const INSTANCE_KINDS: readonly CocoKind[] = ['instances', 'keypoints', 'stuff'];
/** Ground-truth dataset files: one object with images (and most have categories). */
export const DATASET_KINDS: readonly CocoKind[] = [...INSTANCE_KINDS, 'captions', 'panoptic', 'image-info'];
/** Detections: a list for loadRes, or the same inside a dataset object. */
export const RESULT_KINDS: readonly CocoKind[] = ['results', 'results-wrapped'];
/** Every kind that is a COCO file. */
export const ANY_COCO_KIND: readonly CocoKind[] = [...DATASET_KINDS, ...RESULT_KINDS];
/** Every kind, "not COCO" included (JSON syntax rules). */
export const ALL_KINDS: readonly CocoKind[] = COCO_KINDS;

export interface KindInfo {
  readonly kind: CocoKind;
  /** How it was decided: the content, the file name (content said nothing), or `.labelscope.json`. */
  readonly source: 'content' | 'file-name' | 'config';
  /** For 'not-coco': what the file looks like ("a labelme file"), when recognised. */
  readonly looksLike?: string;
  /** For 'not-coco': what to do about it. */
  readonly advice?: string;
}

const SAMPLE = 200;

function sample(entries: readonly Located[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const e of entries) {
    if (isJsonObject(e.value)) out.push(e.value);
    if (out.length >= SAMPLE) break;
  }
  return out;
}

const has = (o: JsonObject, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const share = (list: readonly JsonObject[], test: (o: JsonObject) => boolean) => list.length === 0 ? 0 : list.filter(test).length / list.length;

/** What a file name says about its kind (COCO's own names: `captions_val2017.json`, `image_info_test-dev2017.json` …). */
export function kindFromFileName(path: string | undefined): CocoKind | undefined {
  if (!path) return undefined;
  const name = path.split(/[\\/]/).pop()!.toLowerCase();
  if (name.startsWith('person_keypoints')) return 'keypoints';
  if (name.startsWith('captions')) return 'captions';
  if (name.startsWith('panoptic')) return 'panoptic';
  if (name.startsWith('image_info')) return 'image-info';
  if (name.startsWith('stuff')) return 'stuff';
  if (name.startsWith('instances')) return 'instances';
  if (/(^|[_.-])(results?|detections?|dets|preds?|predictions)([_.-]|$)/.test(name)) return 'results';
  return undefined;
}

function notCoco(looksLike: string | undefined, advice?: string): KindInfo {
  return { kind: 'not-coco', source: 'content', ...(looksLike ? { looksLike } : {}), ...(advice ? { advice } : {}) };
}

const isDetection = (o: JsonObject) => has(o, 'image_id') && (has(o, 'bbox') || has(o, 'segmentation') || has(o, 'keypoints') || has(o, 'caption') || has(o, 'score'));

function arrayKind(doc: CocoDocument): KindInfo {
  const els = sample(doc.annotationEntries);
  if (doc.annotationEntries.length === 0) return { kind: 'results', source: 'content' };
  if (els.length > 0 && share(els, isDetection) >= 0.5) return { kind: 'results', source: 'content' };
  const first = els[0];
  if (first) {
    if (has(first, 'data') && (has(first, 'annotations') || has(first, 'predictions'))) {
      return notCoco('a Label Studio export (tasks with "data" and "annotations")', 'export it from Label Studio as "COCO" instead, or convert it to COCO first');
    }
    if (has(first, 'image') && Array.isArray(first.annotations)) {
      return notCoco('a CreateML annotation file (images with "annotations" of label and coordinates)', 'convert it to COCO first');
    }
    if (has(first, 'file_name') && has(first, 'id')) {
      return notCoco('a bare list of COCO images', 'put it under "images" in an object with "annotations" and "categories"');
    }
  }
  return notCoco(undefined);
}

function objectNotCoco(doc: CocoDocument): KindInfo | undefined {
  const s = doc.sections;
  if (s.has('images') || s.has('annotations') || s.has('categories')) return undefined;
  if (s.has('shapes') && (s.has('imagePath') || s.has('imageData'))) {
    return notCoco('a labelme file (one image with "shapes")', "convert labelme folders to COCO with labelme's labelme2coco.py");
  }
  if (s.has('annotation')) return notCoco('a Pascal VOC annotation converted to JSON ("annotation" with "object")', 'convert VOC XML to COCO first');
  if (s.has('items')) return notCoco('a Datumaro / CVAT JSON export ("items")', 'export from CVAT as "COCO 1.0" instead');
  if (s.has('data') && s.has('annotations') === false && (s.has('predictions') || s.has('id'))) {
    return notCoco('a Label Studio task', 'export it from Label Studio as "COCO" instead');
  }
  if (s.has('rules') || s.has('imageRoot') || s.has('maxProblemsPerRule') || s.has('kinds')) {
    return notCoco('a Labelscope config (.labelscope.json)', 'it configures the checks; it is not checked as a dataset');
  }
  return notCoco(undefined, 'a COCO file is an object with "images", "annotations" and "categories"');
}

/** Datumaro writes `categories` as an object with `label` — not COCO even though the key matches. */
function isDatumaro(doc: CocoDocument): boolean {
  return doc.sections.has('items') && doc.sections.get('categories')?.kind === 'object';
}

/** The kind of `doc` from its content, the file name breaking ties. */
export function detectKind(doc: CocoDocument, fileName: string | undefined = doc.path): KindInfo {
  const byName = kindFromFileName(fileName);
  if (doc.rootKind === 'array') return arrayKind(doc);
  if (doc.rootKind !== 'object') return doc.rootKind === undefined && byName ? { kind: byName, source: 'file-name' } : notCoco(undefined);
  if (isDatumaro(doc)) return notCoco('a Datumaro / CVAT JSON export ("items")', 'export from CVAT as "COCO 1.0" instead');
  const other = objectNotCoco(doc);
  if (other) return other;

  const annotations = doc.sections.get('annotations');
  const anns = sample(doc.annotationEntries);
  const cats = sample(doc.categoryEntries);
  if (!annotations) {
    // test-dev style: images and categories only. A file named like a kind with annotations lost them.
    if (byName && byName !== 'image-info' && byName !== 'results') return { kind: byName, source: 'file-name' };
    return { kind: 'image-info', source: 'content' };
  }
  if (anns.length > 0) {
    if (share(anns, (a) => has(a, 'segments_info')) >= 0.5) return { kind: 'panoptic', source: 'content' };
    if (share(anns, (a) => has(a, 'caption') && !has(a, 'bbox') && !has(a, 'segmentation')) >= 0.5) return { kind: 'captions', source: 'content' };
    if (anns.every((a) => has(a, 'score') && !has(a, 'id'))) return { kind: 'results-wrapped', source: 'content' };
  } else if (byName === 'captions' || byName === 'panoptic') {
    return { kind: byName, source: 'file-name' };
  }
  if (cats.some((c) => has(c, 'isthing')) && anns.length === 0 && byName === undefined) return { kind: 'panoptic', source: 'content' };
  if (cats.some((c) => Array.isArray(c.keypoints) && c.keypoints.length > 0)) return { kind: 'keypoints', source: 'content' };
  if (byName === 'stuff' || (cats.length > 0 && cats.every((c) => typeof c.id === 'number' && c.id >= 92 && c.id <= 183))) {
    return { kind: 'stuff', source: byName === 'stuff' ? 'file-name' : 'content' };
  }
  return { kind: 'instances', source: 'content' };
}

const assigned = new WeakMap<CocoDocument, KindInfo>();

/** Fixes the kind of `doc` (a `.labelscope.json` override, or the detected one) for every rule. */
export function assignKind(doc: CocoDocument, info: KindInfo): void {
  assigned.set(doc, info);
}

/** The kind of `doc`: assigned by the check run, else detected (and remembered). */
export function kindOf(doc: CocoDocument): KindInfo {
  let info = assigned.get(doc);
  if (!info) { info = detectKind(doc); assigned.set(doc, info); }
  return info;
}

export function isCocoKind(value: unknown): value is CocoKind {
  return typeof value === 'string' && (COCO_KINDS as readonly string[]).includes(value);
}
