/**
 * The viewer's edit operations turned into edits (validated, not yet applied): delete, change
 * category, move/resize a box (its polygons and keypoints go with it), edit polygons, create a
 * shape or a mask; and a check's fix as an edit of the base bytes (refused for other bytes).
 */
import type { IdKey, JsonObject } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import type { Fingerprint } from '../core/edits/fingerprint';
import { round2 } from '../core/edits/jsonEdits';
import { keepUntouched } from '../core/edits/numberEdits';
import { polygonBbox, segmentationKind } from '../core/geometry';
import type { ByteEdit } from '../core/problems';
import { idOf } from '../core/ruleKit/schema';
import type { EditOp } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { fingerprintOf, parseDocument, sharedAlloc, type LoadOptions } from './documentBytes';
import type { AnnOverride, AnnotationEdit, BaseEdit, CreateEdit } from './editTypes';
import { boxPolygon, cleanPolygons, fitKeypoints, fitPolygons, polygonFields, type Box } from './geometryEdits';
import { bboxOf, keypointsOf, num } from './jsonValues';

/** A fix computed from other bytes than the viewer holds. */
export const STALE_FIX = 'The fix was computed for another version of the file: it was not applied. The file is being checked again.';

/** Validates an op and turns it into an edit (not yet applied); a string says why not. */
export function prepareEdit(state: AnnotationState, op: EditOp): AnnotationEdit | CreateEdit | string {
  if (op.op === 'create') return prepareCreate(state, op);
  if (op.op === 'createMask') return prepareCreateMask(state, op);
  const a = state.annotation(op.annotationIndex);
  if (!a) return `No annotation at index ${op.annotationIndex}`;
  if (a.ov?.deleted) return 'The annotation was deleted';
  const before = a.ov;
  const cur: AnnOverride = { ...before };
  const name = `annotation ${String(idOf(a.value.id) ?? op.annotationIndex)}`;
  switch (op.op) {
    case 'delete':
      return { label: `Delete ${name}`, annotationIndex: op.annotationIndex, before, after: { ...cur, deleted: true } };
    case 'setCategory': {
      if (!state.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
      return { label: `Change category of ${name}`, annotationIndex: op.annotationIndex, before, after: { ...cur, categoryId: op.categoryId } };
    }
    case 'setBbox': {
      const b = op.bbox;
      if (!Array.isArray(b) || b.length !== 4 || !b.every((x) => Number.isFinite(x)) || b[2] < 0 || b[3] < 0) return 'Invalid box';
      const bbox = b.map(round2) as Box;
      const seg = cur.segmentation ?? a.value.segmentation;
      const kind = seg === undefined ? undefined : segmentationKind(seg);
      if (kind === 'rle' || kind === 'compressed-rle' || kind === 'rle-list') {
        return `${name[0].toUpperCase()}${name.slice(1)} is an RLE mask: the viewer does not move or resize masks (only polygons and plain boxes). Edit it in the JSON text or re-draw it as a polygon.`;
      }
      if (kind === 'polygons') {
        // The polygons (and labeled keypoints) go with the box: moved, and scaled from the old box into the new one.
        const polys = seg as number[][];
        const from = cur.bbox ?? bboxOf(a.value.bbox) ?? polygonBbox(polys);
        const moved = from[2] === bbox[2] && from[3] === bbox[3];
        const after = withKeypoints(a.value, withPolygons(state, a.value, cur, fitPolygons(polys, from, bbox)), from, bbox);
        // An axis the box did not move along keeps the box's numbers as written (as the polygon's).
        const oldBox = cur.bbox ?? bboxOf(a.value.bbox);
        if (oldBox && after.bbox) after.bbox = keepUnmovedAxes(oldBox, after.bbox);
        return { label: `${moved ? 'Move' : 'Resize'} ${name}`, annotationIndex: op.annotationIndex, before, after };
      }
      const from = cur.bbox ?? bboxOf(a.value.bbox);
      const after: AnnOverride = from ? withKeypoints(a.value, { ...cur, bbox }, from, bbox) : { ...cur, bbox };
      const hasSeg = seg !== undefined && !(Array.isArray(seg) && seg.length === 0);
      if (!hasSeg) after.area = Math.round(bbox[2] * bbox[3] * 100) / 100;
      return { label: `Move box of ${name}`, annotationIndex: op.annotationIndex, before, after };
    }
    case 'setPolygons': {
      const seg = cur.segmentation ?? a.value.segmentation;
      if (seg !== undefined && segmentationKind(seg) !== 'polygons' && !(Array.isArray(seg) && seg.length === 0)) return `${name} is not a polygon annotation`;
      const cleaned = cleanPolygons(op.polygons);
      if (typeof cleaned === 'string') return cleaned;
      // Vertices the user did not move keep their exact value (the webview sends float32, rounded).
      const polys = keepUntouched(Array.isArray(seg) && segmentationKind(seg) === 'polygons' ? seg as number[][] : undefined, cleaned);
      const after = withPolygons(state, a.value, cur, polys);
      // An unchanged extent keeps the box as written.
      const oldBox = cur.bbox ?? bboxOf(a.value.bbox);
      if (oldBox && after.bbox && after.bbox.every((x, i) => round2(x) === round2(oldBox[i]))) after.bbox = oldBox;
      return { label: op.label ?? `Edit polygon of ${name}`, annotationIndex: op.annotationIndex, before, after };
    }
  }
}

/** `next` with the start and length of each axis taken from `old` where they round to the same. */
function keepUnmovedAxes(old: Box, next: Box): Box {
  const out: Box = [...next];
  for (const axis of [0, 1]) {
    if (round2(old[axis]) === round2(next[axis]) && round2(old[axis + 2]) === round2(next[axis + 2])) {
      out[axis] = old[axis];
      out[axis + 2] = old[axis + 2];
    }
  }
  return out;
}

/** Height and width of the image an annotation belongs to (0, 0 when unknown). */
function imageSizeOf(state: AnnotationState, v: JsonObject): [number, number] {
  const i = state.imageIndexOfId(idOf(v.image_id) as IdKey);
  if (i === undefined) return [0, 0];
  const img = state.base.imageEntries[i].value;
  return isJsonObject(img) ? [num(img.height) ?? 0, num(img.width) ?? 0] : [0, 0];
}

/**
 * The labeled keypoints moved / scaled from box `from` into `to` (as the polygons are), when the
 * annotation has keypoints and one of them moves; else the override as it is.
 */
function withKeypoints(v: JsonObject, ov: AnnOverride, from: Box, to: Box): AnnOverride {
  const kp = ov.keypoints ?? keypointsOf(v.keypoints);
  if (!kp) return ov;
  const moved = fitKeypoints(kp, from, to);
  if (moved.every((x, i) => x === kp[i])) return ov;
  return { ...ov, keypoints: moved };
}

/** An override with new polygons, their extent as bbox and pycocotools' mask area. */
function withPolygons(state: AnnotationState, v: JsonObject, cur: AnnOverride, polys: number[][]): AnnOverride {
  const [h, w] = imageSizeOf(state, v);
  const { bbox, area } = polygonFields(polys, h, w);
  return { ...cur, segmentation: polys, bbox, area };
}

function nextAnnotationId(state: AnnotationState): number {
  let max = 0;
  // From the columns (nothing parsed), then the annotations created here.
  const c = state.columns;
  for (let i = 0; i < c.length; i++) { const id = c.id(i); if (typeof id === 'number' && Number.isFinite(id) && id > max) max = id; }
  for (const v of state.added) if (typeof v.id === 'number' && Number.isFinite(v.id) && v.id > max) max = v.id;
  return Math.floor(max) + 1;
}

function prepareCreate(state: AnnotationState, op: Extract<EditOp, { op: 'create' }>): CreateEdit | string {
  const img = state.base.imageEntries[op.imageIndex];
  if (!img || !isJsonObject(img.value)) return `No image at index ${op.imageIndex}`;
  const imageId = idOf(img.value.id);
  if (imageId === undefined) return 'The image has no id';
  if (!state.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
  let polys = cleanPolygons(op.polygons);
  if (typeof polys === 'string') return polys;
  if (op.shape === 'box') {
    // A box is written as its 4-corner polygon, so instance-segmentation files stay consistent.
    const b = polygonBbox(polys);
    polys = [boxPolygon(b)];
  }
  const H = num(img.value.height) ?? 0;
  const W = num(img.value.width) ?? 0;
  const { bbox, area } = polygonFields(polys, H, W);
  if (bbox[2] <= 0 || bbox[3] <= 0) return 'The shape is empty';
  const id = nextAnnotationId(state);
  const value: JsonObject = { id, image_id: imageId, category_id: op.categoryId, segmentation: polys, area, bbox, iscrowd: 0 };
  return { kind: 'create', label: `Add ${op.shape} annotation ${id}`, annotationIndex: state.nextIndex, value };
}

function prepareCreateMask(state: AnnotationState, op: Extract<EditOp, { op: 'createMask' }>): CreateEdit | string {
  const img = state.base.imageEntries[op.imageIndex];
  if (!img || !isJsonObject(img.value)) return `No image at index ${op.imageIndex}`;
  const imageId = idOf(img.value.id);
  if (imageId === undefined) return 'The image has no id';
  if (!state.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
  const [h, w] = op.segmentation.size;
  if (!(h > 0 && w > 0) || typeof op.segmentation.counts !== 'string') return 'The mask is not a valid RLE';
  if (!(op.area > 0) || !(op.bbox[2] > 0 && op.bbox[3] > 0)) return 'The mask is empty';
  const id = nextAnnotationId(state);
  const value: JsonObject = {
    id, image_id: imageId, category_id: op.categoryId,
    segmentation: { size: [h, w], counts: op.segmentation.counts }, area: op.area, bbox: op.bbox.map(round2), iscrowd: 0,
  };
  return { kind: 'create', label: `Add mask annotation ${id}`, annotationIndex: state.nextIndex, value };
}

/**
 * A quick fix's byte edits (ranges of the base bytes) as an edit of the base.
 * A string says why not (there are unsaved annotation edits: the ranges would be off; or the
 * fix was computed from other bytes).
 */
export async function prepareBaseEdit(state: AnnotationState, fileName: string, label: string, edits: readonly ByteEdit[], from: Fingerprint | undefined, parse?: LoadOptions['parse']): Promise<BaseEdit | string> {
  if (state.isDirtyVsBase) return 'Save (or undo) the edits made in the viewer first: the fix was computed for the file as checked.';
  // Offsets are only meaningful in the bytes they were computed from: same length is not enough.
  if (from === undefined || from !== fingerprintOf(state.base)) return STALE_FIX;
  const len = state.base.bytes.length;
  if (edits.some((e) => e.start < 0 || e.end > len || e.start > e.end)) return STALE_FIX;
  const sorted = [...edits].sort((a, b) => a.start - b.start).map((e) => ({ start: e.start, end: e.end, newText: e.newText }));
  // The fixed bytes become the base: in shared memory, as the file was read (checks get them without a copy).
  const bytes = applyByteEdits(state.base.bytes, sorted, sharedAlloc);
  const after = await parseDocument(bytes, fileName, { parse });
  return { kind: 'base', label, edits: sorted, from, before: state.base, after };
}
