/**
 * From a ground-truth COCO object and a results list to per-image evaluation tasks, exactly as
 * pycocotools' `COCO.loadRes` + `COCOeval._prepare` build `_gts` / `_dts`:
 *
 * - images and categories: sorted unique ids of the ground truth (`params.imgIds/catIds`);
 * - ground truth: `ignore` is *overwritten* by `iscrowd` (and, for keypoints, `num_keypoints == 0`);
 * - results (`loadRes`): ids 1…n in list order; the branch is chosen by the FIRST result:
 *   a non-empty `bbox` -> area = w·h of the bbox for every result (a missing segmentation becomes
 *   the box polygon); else `segmentation` -> area and (missing) bbox from the mask; else
 *   `keypoints` -> area and bbox from the keypoints' extent (zeros included);
 * - results on categories outside the ground truth are dropped (as `getAnnIds(catIds=…)` does);
 *   results on images outside it make pycocotools refuse the file: here they are dropped and
 *   reported.
 * Per image, annotations and results keep file order (COCO's `imgToAnns`).
 */
import { isFiniteBbox } from '../../geometry/bbox';
import { countsToBbox, rleArea } from '../../geometry/rle';
import { segmentationKind, segmentationToRle } from '../../geometry/segmentation';
import { polygonBbox } from '../../geometry/polygon';
import { rleFromString } from '../../geometry/rleString';
import { keypointsExtent } from '../../geometry/keypoints';
import { defaultParams, type EvalParams, type IouType, type ParamOverrides } from './params';
import { ProblemSink, type EvalProblem, type EvalRuleId } from './problems';

export type ImageId = number | string;

export interface EvalGt {
  id: number;
  /** Index in the ground truth's `annotations`. */
  index: number;
  catIdx: number;
  bbox: number[];
  area: number;
  iscrowd: number;
  /** COCOeval's `gt['ignore']` after _prepare (iscrowd, or no keypoints). */
  ignore: boolean;
  segmentation?: unknown;
  keypoints?: number[];
}

export interface EvalDt {
  /** loadRes id: position in the results list + 1. */
  id: number;
  catIdx: number;
  score: number;
  bbox: number[];
  area: number;
  segmentation?: unknown;
  keypoints?: number[];
}

/** Everything one image contributes: what a worker needs, nothing more. */
export interface ImageTask {
  imageIdx: number;
  /** Position of the image in the ground truth's `images`. */
  imageIndex: number;
  height: number;
  width: number;
  gts: EvalGt[];
  dts: EvalDt[];
}

export interface PreparedEval {
  params: EvalParams;
  imageIds: ImageId[];
  catIds: number[];
  categoryNames: string[];
  /** One per image, in `imageIds` order. */
  tasks: ImageTask[];
  problems: EvalProblem[];
  omittedProblems: Partial<Record<EvalRuleId, number>>;
  counts: { gt: number; results: number; resultsUsed: number };
}

/** The parts of a COCO file the evaluation reads (a CocoDocument's arrays or parsed JSON). */
export interface CocoLike {
  images: readonly unknown[];
  annotations: readonly unknown[];
  categories: readonly unknown[];
}

export interface PrepareOptions extends ParamOverrides {
  iouType: IouType;
  /** JSON path of the results array in the detections file: `$` for a results list, `$.annotations` for a COCO file. */
  resultsPath?: string;
  /** Problems kept per rule (the rest are counted). */
  problemCap?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
/** Python truthiness of a JSON value. */
const truthy = (v: unknown): boolean => !!v && !(Array.isArray(v) && v.length === 0) && !(isObj(v) && Object.keys(v).length === 0);

function sortIds<T extends ImageId>(ids: T[]): T[] {
  return ids.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

export function prepareEval(gt: CocoLike, results: readonly unknown[], opts: PrepareOptions): PreparedEval {
  const params = defaultParams(opts.iouType, opts);
  const sink = new ProblemSink(opts.problemCap);
  const kp = opts.iouType === 'keypoints';

  // Images: COCO.imgs is a dict, the last duplicate wins.
  const imageById = new Map<ImageId, Obj>();
  const imageIndexById = new Map<ImageId, number>();
  gt.images.forEach((img, i) => {
    if (isObj(img) && (isNum(img.id) || typeof img.id === 'string')) { imageById.set(img.id, img); imageIndexById.set(img.id, i); }
  });
  const imageIds = sortIds([...imageById.keys()]);
  const imageIdx = new Map<ImageId, number>(imageIds.map((id, i) => [id, i]));

  const catById = new Map<number, Obj>();
  for (const c of gt.categories) if (isObj(c) && isNum(c.id)) catById.set(c.id, c);
  const catIds = [...catById.keys()].sort((a, b) => a - b);
  const catIdx = new Map<number, number>(catIds.map((id, i) => [id, i]));
  const categoryNames = catIds.map((id) => String(catById.get(id)?.name ?? id));

  const tasks: ImageTask[] = imageIds.map((id, i) => {
    const img = imageById.get(id)!;
    return { imageIdx: i, imageIndex: imageIndexById.get(id)!, height: isNum(img.height) ? img.height : 0, width: isNum(img.width) ? img.width : 0, gts: [], dts: [] };
  });

  let gtCount = 0;
  gt.annotations.forEach((a, index) => {
    if (!isObj(a)) return;
    const ii = imageIdx.get(a.image_id as ImageId);
    const ci = isNum(a.category_id) ? catIdx.get(a.category_id) : undefined;
    if (ii === undefined || ci === undefined) return; // getAnnIds(imgIds, catIds) never returns it
    const place = { file: 'gt' as const, section: 'annotations' as const, index, jsonPath: `$.annotations[${index}]`, imageId: a.image_id as ImageId, annotationId: a.id as number, categoryId: a.category_id as number };
    const missing = (field: string, used: string) =>
      sink.add({ ...place, rule: 'eval/gt-field-missing', severity: 'warning', message: `annotation ${String(a.id)} has no "${field}" (pycocotools raises KeyError); ${used} was used` });
    let iscrowd = 0;
    if (!('iscrowd' in a)) missing('iscrowd', '0');
    else iscrowd = truthy(a.iscrowd) ? (isNum(a.iscrowd) ? Math.trunc(a.iscrowd) || 1 : 1) : 0;
    const bbox = isFiniteBbox(a.bbox) ? a.bbox.slice() : isNumArray(a.bbox) && a.bbox.length === 4 ? a.bbox.slice() : [0, 0, 0, 0];
    let area: number;
    if (isNum(a.area)) area = a.area;
    else { area = bbox[2] * bbox[3]; missing('area', 'the bbox area'); }
    let ignore = iscrowd !== 0;
    let keypoints: number[] | undefined;
    if (kp) {
      keypoints = isNumArray(a.keypoints) && a.keypoints.length === 3 * params.kptOksSigmas.length ? a.keypoints : undefined;
      let nk = a.num_keypoints;
      if (!isNum(nk)) {
        nk = keypoints ? countVisible(keypoints) : 0;
        missing('num_keypoints', `the visible count (${nk})`);
      }
      if (!keypoints) { ignore = true; missing('keypoints', `nothing (it is ignored); ${params.kptOksSigmas.length} keypoints expected`); }
      ignore = nk === 0 || ignore;
    }
    const id = isNum(a.id) ? a.id : Number.NaN;
    if (id === 0) sink.add({ ...place, jsonPath: `${place.jsonPath}.id`, rule: 'eval/gt-id-zero', severity: 'warning', message: 'annotation id 0 can never be a true positive in pycocotools COCOeval (cocoapi#664): a detection matched to it counts as a false positive. Renumber the ids from 1.' });
    if (truthy(a.ignore) && !iscrowd) sink.add({ ...place, jsonPath: `${place.jsonPath}.ignore`, rule: 'eval/gt-ignore-unused', severity: 'info', message: `annotation ${String(a.id)} has "ignore": ${JSON.stringify(a.ignore)} but COCOeval overwrites ignore with iscrowd (0): it still counts as an object to find` });
    if (iscrowd) sink.add({ ...place, jsonPath: `${place.jsonPath}.iscrowd`, rule: 'eval/gt-crowd-region', severity: 'info', message: `annotation ${String(a.id)} is iscrowd: 1, an ignore region for COCOeval: detections on it count neither way and it is never missed${segmentationKind(a.segmentation) === 'polygons' ? ' (a polygon marked crowd: often an export that meant a plain mask)' : ''}` });
    tasks[ii].gts.push({ id, index, catIdx: ci, bbox, area, iscrowd, ignore, segmentation: a.segmentation, keypoints });
    gtCount++;
  });

  // COCO itself has ~1% crowd regions; many more means an export marked plain masks as crowd
  // (CVAT and Datumaro write every RLE mask with iscrowd: 1), and COCOeval ignores them all.
  const crowds = sink.count('eval/gt-crowd-region');
  if (gtCount > 0 && crowds / gtCount > 0.05) {
    sink.add({ rule: 'eval/gt-crowd-region', severity: 'warning', file: 'gt', section: 'annotations', index: -1, jsonPath: '$.annotations', message: `${crowds} of ${gtCount} labels (${((100 * crowds) / gtCount).toFixed(1)}%) are iscrowd: 1, so COCOeval treats them as ignore regions: they are never missed and detections on them never count (COCO has about 1%; CVAT and Datumaro exports mark RLE masks as crowd). If they are ordinary objects, set iscrowd: 0.` });
  }

  let used = 0;
  const resultsPath = opts.resultsPath ?? '$';
  const section = resultsPath === '$' ? 'results' as const : 'annotations' as const;
  if (results.length === 0) {
    sink.add({ rule: 'eval/no-results', severity: 'warning', message: 'the results are empty (pycocotools raises IndexError in loadRes); every ground truth is missed', file: 'dt', section, index: -1, jsonPath: resultsPath });
  }
  const first = results[0];
  const branch: 'bbox' | 'segm' | 'keypoints' | 'none' = !isObj(first)
    ? 'none'
    : 'bbox' in first && !(Array.isArray(first.bbox) && first.bbox.length === 0)
      ? 'bbox'
      : 'segmentation' in first ? 'segm' : 'keypoints' in first ? 'keypoints' : 'none';
  const perImageCat = new Map<number, number>();
  results.forEach((r, index) => {
    const place = { file: 'dt' as const, section, index, jsonPath: `${resultsPath}[${index}]` };
    const invalid = (why: string) => sink.add({ ...place, rule: 'eval/result-invalid', severity: 'error', message: `result ${index}: ${why} (pycocotools raises); left out` });
    if (!isObj(r)) return invalid('not an object');
    const ii = imageIdx.get(r.image_id as ImageId);
    if (ii === undefined) {
      sink.add({ ...place, rule: 'eval/result-unknown-image', severity: 'error', imageId: r.image_id as ImageId, message: `result ${index} is on image_id ${JSON.stringify(r.image_id)}, which the ground truth does not have: pycocotools' loadRes refuses the whole file ("Results do not correspond to current coco set"); left out here` });
      return;
    }
    const ci = isNum(r.category_id) ? catIdx.get(r.category_id) : undefined;
    if (ci === undefined) {
      sink.add({ ...place, rule: 'eval/result-unknown-category', severity: 'warning', imageId: r.image_id as ImageId, categoryId: r.category_id as number, message: `result ${index} has category_id ${JSON.stringify(r.category_id)}, which the ground truth does not have: COCOeval silently leaves it out` });
      return;
    }
    if (!isNum(r.score)) return invalid('no numeric "score"');
    const task = tasks[ii];
    let bbox: number[] | undefined;
    let area: number;
    let segmentation = r.segmentation;
    let keypoints: number[] | undefined = isNumArray(r.keypoints) ? r.keypoints : undefined;
    if (branch === 'bbox') {
      if (!isNumArray(r.bbox) || r.bbox.length !== 4) return invalid('no [x, y, w, h] "bbox" although the first result has one (loadRes takes every area from the bbox)');
      bbox = r.bbox;
      const [x1, y1] = bbox;
      const x2 = bbox[0] + bbox[2];
      const y2 = bbox[1] + bbox[3];
      if (!('segmentation' in r)) segmentation = [[x1, y1, x1, y2, x2, y2, x2, y1]];
      area = bbox[2] * bbox[3];
      if (opts.iouType === 'segm' && 'segmentation' in r) checkBboxAgainstMask(sink, place, index, bbox, r.segmentation, task, r.image_id as ImageId);
    } else if (branch === 'segm') {
      const rle = segmentationToRle(r.segmentation, task.height, task.width);
      if (!rle) return invalid('no usable "segmentation"');
      area = rleArea(rle);
      bbox = isNumArray(r.bbox) && r.bbox.length === 4 ? r.bbox : countsToBbox(typeof rle.counts === 'string' ? rleFromString(rle.counts) : rle.counts, rle.size[0], rle.size[1]);
    } else if (branch === 'keypoints') {
      const extent = keypoints ? keypointsExtent(keypoints) : undefined;
      if (!extent) return invalid('no "keypoints"');
      ({ area, bbox } = extent);
    } else return invalid('none of bbox, segmentation or keypoints in the first result');
    if (opts.iouType === 'segm' && segmentationKind(segmentation) === 'invalid') return invalid('a segmentation that is not a polygon list or an RLE of the image size');
    if (kp && (!keypoints || keypoints.length !== 3 * params.kptOksSigmas.length)) return invalid(`no "keypoints" with ${params.kptOksSigmas.length} (x, y, v) triples`);
    if (!kp) keypoints = undefined;
    if (opts.iouType !== 'segm') segmentation = undefined;
    task.dts.push({ id: index + 1, catIdx: ci, score: r.score, bbox, area, segmentation, keypoints });
    const key = ci * imageIds.length + ii;
    perImageCat.set(key, (perImageCat.get(key) ?? 0) + 1);
    used++;
  });

  const maxDet = params.maxDets[params.maxDets.length - 1];
  for (const [key, n] of perImageCat) {
    if (n <= maxDet) continue;
    const ii = key % imageIds.length;
    const ci = (key - ii) / imageIds.length;
    sink.add({ rule: 'eval/too-many-detections', severity: 'info', file: 'dt', section, index: -1, jsonPath: resultsPath, imageId: imageIds[ii], categoryId: catIds[ci], message: `${n} results of category ${catIds[ci]} on image ${String(imageIds[ii])}: COCOeval keeps the ${maxDet} highest-scoring` });
  }

  const omittedProblems: Partial<Record<EvalRuleId, number>> = {};
  for (const [rule, n] of sink.omitted) omittedProblems[rule] = n;
  return { params, imageIds, catIds, categoryNames, tasks, problems: sink.problems, omittedProblems, counts: { gt: gtCount, results: results.length, resultsUsed: used } };
}

function countVisible(kps: number[]): number {
  let n = 0;
  for (let k = 2; k < kps.length; k += 3) if (kps[k] > 0) n++;
  return n;
}

/** The result's own box against the box of its mask; loadRes keeps the bbox's area. */
function checkBboxAgainstMask(sink: ProblemSink, place: Omit<EvalProblem, 'rule' | 'severity' | 'message'>, index: number, bbox: number[], seg: unknown, task: ImageTask, imageId: ImageId): void {
  let maskBox: number[] | undefined;
  const kind = segmentationKind(seg);
  if (kind === 'polygons') maskBox = polygonBbox(seg as number[][]);
  else if (kind === 'compressed-rle' || kind === 'rle' || kind === 'rle-list') {
    const rle = segmentationToRle(seg, task.height, task.width);
    if (rle) maskBox = countsToBbox(rle.counts as number[], rle.size[0], rle.size[1]);
  }
  if (!maskBox || (maskBox[2] === 0 && maskBox[3] === 0)) return;
  const iou = boxIou(bbox, maskBox);
  if (iou >= 0.9) return;
  sink.add({ ...place, jsonPath: `${place.jsonPath}.bbox`, imageId, rule: 'eval/result-bbox-mask-mismatch', severity: 'warning', message: `result ${index}: bbox [${bbox.map((v) => +v.toFixed(2)).join(', ')}] disagrees with its mask's box [${maskBox.map((v) => +v.toFixed(2)).join(', ')}] (IoU ${iou.toFixed(2)}): loadRes takes the area ${+(bbox[2] * bbox[3]).toFixed(2)} from the bbox, so the small/medium/large bucket follows the bbox` });
}

function boxIou(a: number[], b: number[]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}
