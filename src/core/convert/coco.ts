/**
 * COCO instances JSON ↔ the hub. Reading is lenient (what can't be used is dropped with a
 * count and a reason); writing renumbers annotation ids from 1 when any is 0 or repeated
 * (COCOeval takes id 0 as "unmatched"), and writes one file per split when the dataset has splits.
 */
import { parseCoco } from '../coco/parse';
import { ARRAY_SECTIONS } from '../coco/document';
import { segmentationKind } from '../geometry/segmentation';
import { rleMerge, type Rle } from '../geometry/rle';
import { ConvertLog, type CocoAnnotation, type CocoCategory, type CocoDataset, type CocoImage, type OutputFile, type SourceTree, type WriteResult, basename, geometryOf, round, stem } from './model';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads one parsed COCO object. `file` names the source in log entries. */
export function cocoFromJson(root: unknown, log: ConvertLog, file = 'annotations.json'): CocoDataset {
  if (!isObj(root)) throw new Error(`${file}: not a COCO file (the top level is not an object)`);
  const ds: CocoDataset = { images: [], annotations: [], categories: [] };
  if (isObj(root.info)) ds.info = root.info;
  if (Array.isArray(root.licenses)) ds.licenses = root.licenses;
  const imageIds = new Map<number, CocoImage>();
  for (const v of Array.isArray(root.images) ? root.images : []) {
    if (!isObj(v) || !isNum(v.id) || typeof v.file_name !== 'string') {
      log.dropped('image-invalid', 'An image without a numeric id or a file_name was skipped.', { file });
      continue;
    }
    const img = v as CocoImage;
    if (!isNum(img.width) || !isNum(img.height)) log.note('image-size-missing', `Image ${img.id} has no width/height; formats with normalized coordinates need it.`, { file, imageId: img.id });
    imageIds.set(img.id, img);
    ds.images.push(img);
  }
  const catIds = new Set<number>();
  for (const v of Array.isArray(root.categories) ? root.categories : []) {
    if (!isObj(v) || !isNum(v.id) || typeof v.name !== 'string') {
      log.dropped('category-invalid', 'A category without a numeric id or a name was skipped.', { file });
      continue;
    }
    catIds.add(v.id);
    ds.categories.push(v as CocoCategory);
  }
  for (const v of Array.isArray(root.annotations) ? root.annotations : []) {
    if (!isObj(v)) { log.dropped('annotation-invalid', 'An annotation that is not an object was skipped.', { file }); continue; }
    const a = v as CocoAnnotation;
    const at = { file, annotationId: isNum(a.id) ? a.id : undefined, imageId: isNum(a.image_id) ? a.image_id : undefined };
    const img = isNum(a.image_id) ? imageIds.get(a.image_id) : undefined;
    if (!img) { log.dropped('unknown-image', `Annotation ${a.id} refers to image ${String(a.image_id)}, which is not in "images".`, at); continue; }
    if (!isNum(a.category_id) || !catIds.has(a.category_id)) { log.dropped('unknown-category', `Annotation ${a.id} has category ${String(a.category_id)}, which is not in "categories".`, at); continue; }
    const hasSeg = a.segmentation !== undefined && !(Array.isArray(a.segmentation) && a.segmentation.length === 0);
    if (hasSeg) {
      const kind = segmentationKind(a.segmentation);
      if (kind === 'rle-list') {
        // A list of uncompressed RLEs (some exporters): pycocotools merges them; so do we.
        const list = a.segmentation as unknown as Rle[];
        a.segmentation = rleMerge(list);
        if (list.length > 1) log.note('rle-list-merged', `Annotation ${a.id}: its list of ${list.length} RLEs was merged into one (as pycocotools does).`, at);
      } else if (kind === 'invalid' || kind === 'boxes') {
        log.changed('segmentation-invalid', `Annotation ${a.id}: its segmentation is malformed and was left out (the box is kept).`, at);
        delete a.segmentation;
      }
    } else if (a.segmentation !== undefined) {
      delete a.segmentation;
    }
    if (!Array.isArray(a.bbox) || a.bbox.length !== 4 || !a.bbox.every(isNum)) {
      if (a.segmentation && img.width > 0) {
        a.bbox = geometryOf(a.segmentation, img.height, img.width).bbox.map((x) => round(x)) as CocoAnnotation['bbox'];
        log.changed('bbox-recomputed', `Annotation ${a.id} had no valid bbox; it was computed from the segmentation.`, at);
      } else { log.dropped('bbox-invalid', `Annotation ${a.id} has neither a valid bbox nor a segmentation.`, at); continue; }
    }
    if (a.iscrowd !== 1) a.iscrowd = 0;
    if (!isNum(a.area)) a.area = a.segmentation ? geometryOf(a.segmentation, img.height, img.width).area : a.bbox[2] * a.bbox[3];
    ds.annotations.push(a);
  }
  return ds;
}

/** COCO files in a tree: the given one, or every instances/annotations JSON in it (one per split). */
export function readCoco(tree: SourceTree, log: ConvertLog, parse: (text: string, file: string) => unknown = defaultParse): CocoDataset {
  const files = tree.list().filter((p) => p.toLowerCase().endsWith('.json'));
  if (files.length === 0) throw new Error('no COCO JSON file found');
  const load = (file: string) => (tree.json ? tree.json(file) : parse(tree.text(file), file));
  if (files.length === 1) return cocoFromJson(load(files[0]), log, files[0]);
  // several splits: merge, renumbering ids so they stay unique
  const out: CocoDataset = { images: [], annotations: [], categories: [], splits: new Map() };
  const catByName = new Map<string, CocoCategory>();
  let used = 0;
  for (const file of files.sort()) {
    const root = load(file) as Record<string, unknown>;
    if (!root || typeof root !== 'object' || !Array.isArray(root.images)) { log.note('not-coco', `${file} has no "images" array; skipped.`, { file }); continue; }
    used++;
    const ds = cocoFromJson(root, log, file);
    const split = splitName(file);
    const catMap = new Map<number, number>();
    for (const c of ds.categories) {
      let target = catByName.get(c.name);
      if (!target) { target = { ...c, id: out.categories.length + 1 }; catByName.set(c.name, target); out.categories.push(target); }
      catMap.set(c.id, target.id);
    }
    const imgMap = new Map<number, number>();
    for (const img of ds.images) {
      const id = out.images.length + 1;
      imgMap.set(img.id, id);
      out.images.push({ ...img, id });
      out.splits!.set(id, split);
    }
    for (const a of ds.annotations) out.annotations.push({ ...a, id: out.annotations.length + 1, image_id: imgMap.get(a.image_id)!, category_id: catMap.get(a.category_id)! });
    out.info ??= ds.info;
    out.licenses ??= ds.licenses;
  }
  if (used === 0) throw new Error('no COCO JSON file (with an "images" array) found');
  if (used > 1) log.note('coco-splits-merged', `${used} COCO files were read as splits; ids were renumbered.`);
  else out.splits = undefined;
  return out;
}

/** `instances_train2017.json` → `train2017`; `val.json` → `val`. */
export function splitName(file: string): string {
  return stem(basename(file)).replace(/^(instances|annotations|person_keypoints)_/, '').replace(/\.coco$/, '') || 'all';
}

function defaultParse(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

/**
 * A COCO file's top level from its bytes, with the checker's own scanner (core/coco/parse): one
 * pass over the bytes, then each element of images / annotations / categories / licenses parsed
 * on its own, so no string of the whole file is ever made. For files over V8's string limit
 * (~512 MiB), where `JSON.parse(text)` cannot run. Keys other than those and `info` are not kept.
 */
export function cocoRootFromBytes(bytes: Uint8Array, file: string): unknown {
  const doc = parseCoco(bytes, { path: file });
  const bad = doc.parseIssues.find((p) => p.rule === 'coco/invalid-json');
  if (bad) {
    const pos = doc.lines.positionAt(bad.start);
    throw new Error(`${file}:${pos.line + 1}:${pos.character + 1}: not valid JSON (${bad.message}${bad.jsonPath ? ` at ${bad.jsonPath}` : ''})`);
  }
  if (doc.rootKind !== 'object') return doc.rootKind === 'array' ? [] : null;
  const root: Record<string, unknown> = {};
  if (doc.infoEntry) root.info = doc.info;
  for (const name of ARRAY_SECTIONS) if (doc.sections.has(name)) root[name] = doc.entries(name).map((e) => e.value);
  return root;
}

/** Annotation ids that are 0 or repeated are renumbered 1… (in order); the change is logged. */
export function ensureAnnotationIds(ds: CocoDataset, log: ConvertLog): void {
  const seen = new Set<number>();
  let bad = false;
  for (const a of ds.annotations) {
    if (!(a.id > 0) || seen.has(a.id) || !Number.isInteger(a.id)) { bad = true; break; }
    seen.add(a.id);
  }
  if (!bad) return;
  ds.annotations.forEach((a, i) => { a.id = i + 1; });
  log.changed('annotation-ids-renumbered', 'Annotation ids were 0 or repeated; all were renumbered from 1 (COCOeval treats id 0 as unmatched).', {}) ;
}

/** The COCO JSON text(s): one file, or one per split (`instances_<split>.json`). */
export function writeCoco(ds: CocoDataset, log: ConvertLog, fileName = 'annotations.json'): WriteResult {
  ensureAnnotationIds(ds, log);
  const names = categoryNameMap(ds);
  for (const a of ds.annotations) log.countWritten(names.get(a.category_id) ?? String(a.category_id));
  const splitValues = ds.splits ? new Set(ds.splits.values()) : new Set<string>();
  const files: OutputFile[] = [];
  if (splitValues.size <= 1) {
    files.push({ path: fileName, data: stringify(ds, ds.images, ds.annotations) });
  } else {
    for (const split of [...splitValues].sort()) {
      const images = ds.images.filter((i) => ds.splits!.get(i.id) === split);
      const ids = new Set(images.map((i) => i.id));
      files.push({ path: `instances_${split}.json`, data: stringify(ds, images, ds.annotations.filter((a) => ids.has(a.image_id))) });
    }
  }
  return { files, images: ds.images.map((i) => ({ imageId: i.id, fileName: i.file_name, target: i.file_name })) };
}

function stringify(ds: CocoDataset, images: CocoImage[], annotations: CocoAnnotation[]): string {
  const out: Record<string, unknown> = {};
  if (ds.info) out.info = ds.info;
  if (ds.licenses) out.licenses = ds.licenses;
  out.images = images;
  out.annotations = annotations;
  out.categories = ds.categories;
  return JSON.stringify(out);
}

function categoryNameMap(ds: CocoDataset): Map<number, string> {
  return new Map(ds.categories.map((c) => [c.id, c.name]));
}
