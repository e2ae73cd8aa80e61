/**
 * What the webview is sent about the edited file: the categories with their counts, the init
 * payload, an image's info and an image's annotations with their geometry packed in typed arrays.
 */
import type { IdKey, JsonObject } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { keypointsExtent, rleCounts, segmentationKind, segmentationToRle } from '../core/geometry';
import { idOf } from '../core/ruleKit/schema';
import type { AnnotationInfo, CategoryInfo, GeometryKind, ImageGeometry, ImageInfo, ImagePayload, InitPayload } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import type { ImageSource } from './editTypes';
import { bboxOf, num } from './jsonValues';

export function categories(state: AnnotationState): CategoryInfo[] {
  // The base's counts once per base; each edit only moves the annotations it touched (sent after
  // every edit: a walk over 860k annotations would hold the extension host's thread each time).
  const counts = new Map(state.columns.countsByCategory());
  const add = (c: IdKey | undefined, d: number) => { if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + d); };
  const cols = state.columns;
  const nBase = cols.length;
  for (const [i, ov] of state.overrides) {
    if (i >= nBase || !cols.isObject(i)) continue;
    const was = idOf(cols.categoryId(i));
    const now = ov.deleted ? undefined : ov.categoryId ?? was;
    if (was !== now) { add(was, -1); add(now, 1); }
  }
  state.added.forEach((v, k) => {
    const ov = state.overrides.get(nBase + k);
    if (ov?.deleted || !isJsonObject(v)) return;
    add(ov?.categoryId ?? idOf(v.category_id), 1);
  });
  const out: CategoryInfo[] = [];
  state.base.categoryEntries.forEach((e, i) => {
    if (!isJsonObject(e.value)) return;
    const id = idOf(e.value.id);
    if (id === undefined) return;
    const kp = e.value.keypoints;
    const sk = e.value.skeleton;
    out.push({
      id,
      name: typeof e.value.name === 'string' ? e.value.name : String(id),
      ...(typeof e.value.supercategory === 'string' ? { supercategory: e.value.supercategory } : {}),
      count: counts.get(id) ?? 0,
      colorIndex: i,
      ...(Array.isArray(kp) ? { keypoints: kp.map(String) } : {}),
      ...(Array.isArray(sk) ? { skeleton: sk.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => Number.isInteger(x))) } : {}),
    });
  });
  return out;
}

export function initPayload(state: AnnotationState, fileName: string, generation: number, imageIndex = 0, readonly = false): InitPayload {
  return {
    fileName,
    imageCount: state.imageCount,
    annotationCount: state.annotationCount(),
    categories: categories(state),
    imageIndex: Math.max(0, Math.min(imageIndex, state.imageCount - 1)),
    readonly,
    generation,
  };
}

export function imageInfo(state: AnnotationState, index: number, source?: ImageSource): ImageInfo {
  const e = state.base.imageEntries[index];
  if (!e) throw new Error(`No image at index ${index} (the file has ${state.imageCount})`);
  const v = isJsonObject(e.value) ? e.value : {};
  const fileName = typeof v.file_name === 'string' ? v.file_name : '';
  const info: ImageInfo = {
    index,
    id: idOf(v.id) ?? index,
    fileName,
    width: num(v.width) ?? 0,
    height: num(v.height) ?? 0,
  };
  if (source) {
    const found = fileName ? source.find(fileName) : { tried: [] };
    if (found.path) info.src = source.toSrc(found.path);
    else info.tried = found.tried;
  }
  return info;
}

export function imagePayload(state: AnnotationState, index: number, source?: ImageSource): ImagePayload {
  const image = imageInfo(state, index, source);
  const base = state.base;
  const idKey = idOf((base.imageEntries[index].value as JsonObject | undefined)?.id);
  const located: { index: number }[] = idKey === undefined ? [] : [...base.annotationsOfImage(idKey)];
  const nBase = base.annotationEntries.length;
  state.added.forEach((v, k) => { if (idKey !== undefined && idOf(v.image_id) === idKey) located.push({ index: nBase + k }); });
  const annotations: AnnotationInfo[] = [];
  const ringStart: number[] = [0];
  const coordStart: number[] = [0];
  const coords: number[] = [];
  const rleStart: number[] = [0];
  const rleSize: number[] = [];
  const counts: number[] = [];
  const H = image.height;
  const W = image.width;
  for (const entry of located) {
    const a = state.annotation(entry.index);
    if (!a || a.ov?.deleted) continue;
    const v = a.value;
    const seg = a.ov?.segmentation ?? v.segmentation;
    const kind = seg === undefined ? undefined : segmentationKind(seg);
    let gk: GeometryKind;
    let rh = 0;
    let rw = 0;
    if (kind === 'polygons') {
      gk = 'polygons';
      for (const ring of seg as number[][]) {
        for (const x of ring) coords.push(x);
        coordStart.push(coords.length);
      }
    } else if (kind === 'rle' || kind === 'compressed-rle' || kind === 'rle-list' || kind === 'boxes') {
      const rle = segmentationToRle(seg, H, W);
      if (rle) {
        gk = 'rle';
        [rh, rw] = rle.size;
        for (const c of rleCounts(rle)) counts.push(c);
      } else gk = 'invalid';
    } else {
      gk = bboxOf(v.bbox) ? 'box' : 'invalid';
    }
    ringStart.push(coordStart.length - 1);
    rleStart.push(counts.length);
    rleSize.push(rh, rw);
    // A keypoint detection (results file) has no box: loadRes's, from its keypoints' extent.
    const derived = !a.ov?.bbox && !bboxOf(v.bbox) && typeof v.score === 'number' ? keypointsExtent(v.keypoints) : undefined;
    const bbox = a.ov?.bbox ?? bboxOf(v.bbox) ?? derived?.bbox;
    annotations.push({
      id: idOf(v.id) ?? `#${entry.index}`,
      index: entry.index,
      categoryId: a.ov?.categoryId ?? idOf(v.category_id) ?? '',
      bbox: bbox ? [...bbox] : null,
      area: a.ov?.area ?? num(v.area) ?? derived?.area ?? null,
      iscrowd: v.iscrowd === 1 || v.iscrowd === true,
      kind: gk,
      ...(a.ov?.keypoints ? { keypoints: [...a.ov.keypoints] } : Array.isArray(v.keypoints) && v.keypoints.every((x) => typeof x === 'number') ? { keypoints: v.keypoints as number[] } : {}),
    });
  }
  const geometry: ImageGeometry = {
    ringStart: Uint32Array.from(ringStart),
    coordStart: Uint32Array.from(coordStart),
    coords: Float32Array.from(coords),
    rleStart: Uint32Array.from(rleStart),
    rleSize: Uint32Array.from(rleSize),
    counts: Uint32Array.from(counts),
  };
  return { image, annotations, geometry, version: state.version };
}
