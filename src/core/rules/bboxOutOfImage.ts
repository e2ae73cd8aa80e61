import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { isJsonObject, type JsonObject } from '../coco/document';
import { B_NUMERIC, SLOT_SIZE, boxFacts } from '../ruleKit/boxFacts';
import { segmentationFacts } from '../ruleKit/facts';
import { locate } from '../coco/locate';
import { replaceRange } from '../edits/jsonEdits';
import type { ByteEdit } from '../problems';
import { imageSizes, isNumericBbox } from '../ruleKit/datasetStats';
import { idOf } from '../ruleKit/schema';
import { clipAnnotationFix, polygonsLeaveImage } from '../ruleKit/clipToImage';
import type { Rule } from '../ruleKit/types';

/** Float noise allowed on top of the tolerance (600.3 + 39.7 is 640.0000000000001). */
const EPS = 1e-6;

/** Digits after the point in a JSON number token ("12.50" → 2, "1e-3" → 3). */
function decimalsOf(token: string): number {
  const m = /^-?\d*(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token.trim());
  if (!m) return 0;
  return Math.max(0, (m[1]?.length ?? 0) - Number(m[2] ?? 0));
}

/** `v` rounded down to `decimals` places (at least 2, at most 10), printed without trailing zeros. */
function formatDown(v: number, decimals: number): string {
  const d = Math.min(Math.max(decimals, 2), 10);
  const f = 10 ** d;
  const r = Math.floor(v * f + 1e-7) / f;
  const s = String(Number(r.toFixed(d)));
  return s === '-0' ? '0' : s;
}

export const bboxOutOfImage: Rule = {
  id: 'coco/bbox-out-of-image',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A bbox extends beyond its image by more than `tolerance` pixels (default 1).',
  why: 'Converters clip or reject such boxes differently: Ultralytics drops labels with normalized coordinates outside 0..1 as corrupt, albumentations raises "Expected x_max to be in [0, 1]", and detectron2 clips them, so the same dataset trains on different boxes in each tool.',
  example: { bad: '"width": 640, … "bbox": [600, 10, 60, 20]', good: '"width": 640, … "bbox": [600, 10, 40, 20]' },
  defaultOptions: { tolerance: 1 },
  check(ctx) {
    const tol = typeof ctx.options.tolerance === 'number' ? ctx.options.tolerance : 1;
    // The shared box facts: numeric boxes, and imageSizes per image slot, without re-reading each annotation.
    const doc = ctx.doc;
    const seg = segmentationFacts(doc);
    const box = boxFacts(doc);
    const _B_NUMERIC = B_NUMERIC, _SLOT_SIZE = SLOT_SIZE;
    const entries = doc.annotationEntries;
    const keyCount = seg.imageKeyCount;
    for (let a = 0; a < box.count; a++) {
      if ((box.flags[a] & _B_NUMERIC) === 0) continue;
      const slot = seg.imageSlot[a];
      if (slot < 0 || slot >= keyCount || (box.slotFlags[slot] & _SLOT_SIZE) === 0) continue;
      const W = box.slotSize[2 * slot];
      const H = box.slotSize[2 * slot + 1];
      const x = box.x[a], y = box.y[a], w = box.w[a], h = box.h[a];
      if (w <= 0 || h <= 0) continue; // coco/bbox-non-positive
      const over = Math.max(-x, -y, x + w - W, y + h - H);
      if (!(over > tol + EPS)) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const bbox = value.bbox as number[];
      const imageId = idOf(value.image_id);
      const size = { width: W, height: H };
      const sides: string[] = [];
      if (-x > tol + EPS) sides.push('left');
      if (-y > tol + EPS) sides.push('top');
      if (x + w - size.width > tol + EPS) sides.push('right');
      if (y + h - size.height > tol + EPS) sides.push('bottom');
      ctx.report({
        message: `${annotationName(value, entry.index)}: box [${bbox.join(', ')}] leaves image ${JSON.stringify(imageId)} (${size.width} × ${size.height}) by ${Number(over.toFixed(2))} px at the ${sides.join(' and ')}.`,
        at: ctx.place('annotations', entry, ['bbox']),
        annotationId: idOf(value.id),
        imageId,
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const index = (problem.data as { index?: number } | undefined)?.index;
    const entry = index === undefined ? undefined : doc.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    // When the polygons leave the image too, clipping only the box would leave them
    // disagreeing (coco/bbox-segmentation-mismatch): clip the polygons and derive the box.
    if (polygonsLeaveImage(doc, entry.value)) return clipAnnotationFix(doc, index);
    const bbox = entry.value.bbox;
    const imageId = idOf(entry.value.image_id);
    const size = imageId === undefined ? undefined : imageSizes(doc).get(imageId);
    if (!isNumericBbox(bbox) || !size) return undefined;
    const [x, y, w, h] = bbox;
    const x1 = Math.max(0, x), y1 = Math.max(0, y);
    const x2 = Math.min(size.width, x + w), y2 = Math.min(size.height, y + h);
    if (!(x2 > x1 && y2 > y1)) return undefined; // wholly outside: nothing left to keep
    const ranges = [0, 1, 2, 3].map((k) => locate(doc, entry, ['bbox', k]));
    if (ranges.some((r) => !r)) return undefined;
    const tokens = ranges.map((r) => new TextDecoder().decode(doc.bytes.subarray(r!.start, r!.end)));
    const decimals = Math.max(...tokens.map(decimalsOf));
    const next = [x1, y1, x2 - x1, y2 - y1];
    const edits: ByteEdit[] = [];
    next.forEach((v, k) => {
      if (v === bbox[k]) return;
      edits.push(replaceRange(ranges[k]!, formatDown(v, decimals)));
    });
    if (edits.length === 0) return undefined;
    return { title: `Clip the box to the image (${size.width} × ${size.height}); "area" is left as it is`, edits };
  },
};
