import { INSTANCE_KINDS } from '../coco/kind';
import { type CocoDocument, type Located } from '../coco/document';
import { segmentationFacts } from '../ruleKit/facts';
import { locate } from '../coco/locate';
import { removeElement } from '../edits/jsonEdits';
import { countsIou } from '../geometry';
import { annotationName, boxIou, finiteBbox, idsOf, maskCounts, maskSourceOf } from '../ruleKit/segmentationShared';
import { allocateColumns } from '../ruleKit/factColumns';
import type { Rule, RuleContext } from '../ruleKit/types';
import { B_NUMERIC, annotationFields } from '../ruleKit/annotationFields';

/** Pairs below this box IoU are never compared mask to mask. */
const BOX_GATE = 0.9;

interface Item {
  entry: Located;
  box: [number, number, number, number];
  counts?: number[] | null; // undefined: not computed yet; null: no usable mask
}

/**
 * Sorts an image's annotation indexes by category slot, then by index (a total order: one
 * answer). Insertion sort for the usual handful: TypedArray#sort with a comparator costs a
 * call per comparison and a copy, ~0.2 s over train2017's 118k images.
 */
function sortByCategory(run: Int32Array, catSlot: Int32Array): void {
  const n = run.length;
  if (n > 32) { run.sort((x, y) => catSlot[x] - catSlot[y] || x - y); return; }
  for (let i = 1; i < n; i++) {
    const x = run[i];
    const cx = catSlot[x];
    let j = i - 1;
    while (j >= 0 && (catSlot[run[j]] > cx || (catSlot[run[j]] === cx && run[j] > x))) { run[j + 1] = run[j]; j--; }
    run[j + 1] = x;
  }
}

export const duplicateAnnotation: Rule = {
  id: 'coco/duplicate-annotation',
  defaultSeverity: 'warning',
  usesFacts: true,
  kinds: INSTANCE_KINDS,
  description: 'Two annotations of one image and one category cover the same object (mask IoU ≥ 0.95 by default).',
  why: 'A duplicated object is counted twice: COCOeval matches only one of the two with a detection and scores the other as a miss, capping recall below 1; training sees the object twice (double loss weight, conflicting NMS targets). Exports merged twice, or a shape pasted over itself, are the usual cause.',
  example: { bad: '{"id": 1, "image_id": 3, "category_id": 2, "bbox": [5, 5, 20, 20], …}, {"id": 2, "image_id": 3, "category_id": 2, "bbox": [5, 5, 20, 20], …}', good: '{"id": 1, "image_id": 3, "category_id": 2, "bbox": [5, 5, 20, 20], …}' },
  defaultOptions: { minIou: 0.95 },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _B_NUMERIC = B_NUMERIC;
    const minIou = typeof ctx.options.minIou === 'number' ? ctx.options.minIou : 0.95;
    const doc = ctx.doc;
    const entries = doc.annotationEntries;
    // Group by image + category (ids keep their JSON type: 1 and "1" differ) without an object
    // per annotation: the facts give each image_id a slot; categories get slots here; a counting
    // sort by image slot, then a small sort by category slot inside each image.
    const facts = segmentationFacts(doc);
    const n = facts.count;
    // Category slots and boxes from the shared pass over the annotations (every category_id
    // that is a number or string has a slot there, known to "categories" or not).
    const fields = annotationFields(doc);
    const { boxFlags, x: bx, y: by, w: bw, h: bh } = fields;
    // n-size columns in shared memory: no external-memory-pressure full GC (see factColumns.ts).
    const [catSlot] = allocateColumns(n, ['i32'] as const);
    catSlot.fill(-1);
    const slotCount = new Int32Array(facts.slotW.length + 1);
    for (let a = 0; a < n; a++) {
      const img = facts.imageSlot[a];
      if (img < 0) continue;
      const c = fields.categorySlot[a];
      // finiteBbox: 4 finite numbers, width and height ≥ 0.
      if (c < 0 || (boxFlags[a] & _B_NUMERIC) === 0 || bw[a] < 0 || bh[a] < 0) continue;
      catSlot[a] = c;
      slotCount[img + 1]++;
    }
    for (let s = 1; s < slotCount.length; s++) slotCount[s] += slotCount[s - 1];
    const total = slotCount[slotCount.length - 1];
    // Each annotation's category copied beside it in image order (sequential reads, scattered
    // writes): an image's pairs are then told apart by category on contiguous memory.
    const [byImage, gCat] = allocateColumns(total, ['i32', 'i32'] as const);
    const fill = slotCount.slice(0, slotCount.length - 1);
    for (let a = 0; a < n; a++) {
      const c = catSlot[a];
      if (c < 0) continue;
      const p = fill[facts.imageSlot[a]]++; // file order within an image
      byImage[p] = a; gCat[p] = c;
    }
    const counts = new Map<number, number[] | null>();
    const reported = new Set<number>();
    const group: Item[] = [];
    for (let s = 0; s + 1 < slotCount.length; s++) {
      const lo = slotCount[s], hi = slotCount[s + 1];
      if (hi - lo < 2) continue;
      // Cheap first: checkGroup compares only pairs of one category whose boxes are equal or
      // have a box IoU ≥ BOX_GATE. An image without such a pair has nothing to report.
      if (!hasGatedPair(lo, hi, byImage, gCat, bx, by, bw, bh)) continue;
      // Category slot, then file order: each run is one group, in file order.
      const run = byImage.subarray(lo, hi);
      if (hi - lo > 2) sortByCategory(run, catSlot);
      for (let i = 0; i < run.length;) {
        let j = i + 1;
        while (j < run.length && catSlot[run[j]] === catSlot[run[i]]) j++;
        if (j - i >= 2) {
          group.length = 0;
          for (let k = i; k < j; k++) {
            const a = run[k];
            group.push({ entry: entries[a], box: [bx[a], by[a], bw[a], bh[a]] });
          }
          checkGroup(ctx, group, minIou, reported, counts);
        }
        i = j;
      }
    }
  },
  fix(doc, problem) {
    const d = problem.data as { index?: number; twin?: number; exact?: boolean } | undefined;
    if (!d?.exact || d.index === undefined || d.twin === undefined) return undefined;
    const entries = doc.annotationEntries;
    const a = entries[d.twin];
    const b = entries[d.index];
    if (!a || !b) return undefined;
    const ia = { entry: a, box: finiteBbox((a.value as Record<string, unknown>)?.bbox) };
    const ib = { entry: b, box: finiteBbox((b.value as Record<string, unknown>)?.bbox) };
    if (!ia.box || !ib.box || !isExactTwin(doc, ia as Item, ib as Item)) return undefined;
    return { title: 'Remove this duplicate annotation', edits: [removeElement(doc, entries, d.index)], deletes: true };
  },
};

/**
 * Whether some two of [lo, hi) (annotations byImage[p], categories cat[p]) have one category and
 * equal boxes or a box IoU ≥ BOX_GATE (checkGroup's gate).
 */
function hasGatedPair(lo: number, hi: number, byImage: Int32Array, cat: Int32Array, x: Float64Array, y: Float64Array, w: Float64Array, h: Float64Array): boolean {
  for (let p = lo; p < hi; p++) {
    const c = cat[p];
    let a = -1;
    for (let q = p + 1; q < hi; q++) {
      if (cat[q] !== c) continue;
      if (a < 0) a = byImage[p];
      const b = byImage[q];
      const x0 = x[a], y0 = y[a], w0 = w[a], h0 = h[a];
      const x1 = x[b], y1 = y[b], w1 = w[b], h1 = h[b];
      if (x0 === x1 && y0 === y1 && w0 === w1 && h0 === h1) return true;
      // boxIou's arithmetic (it is symmetric: the sweep's order does not matter).
      const iw = Math.min(x0 + w0, x1 + w1) - Math.max(x0, x1);
      if (!(iw > 0)) continue;
      const ih = Math.min(y0 + h0, y1 + h1) - Math.max(y0, y1);
      if (!(ih > 0)) continue;
      const i = iw * ih;
      if (i / (w0 * h0 + w1 * h1 - i) >= BOX_GATE) return true;
    }
  }
  return false;
}

/** The original sweep over one image + category group (items in file order). */
function checkGroup(ctx: RuleContext, items: Item[], minIou: number, reported: Set<number>, cache: Map<number, number[] | null>): void {
  const doc = ctx.doc;
  // Sweep by left edge: only boxes that overlap in x are paired at all.
  const order = items.length === 2 ? items : [...items].sort((a, b) => a.box[0] - b.box[0]);
  for (let i = 0; i < order.length; i++) {
    const a = order[i];
    const right = a.box[0] + a.box[2];
    for (let j = i + 1; j < order.length && order[j].box[0] <= right; j++) {
      const b = order[j];
      const boxIouAB = sameBox(a.box, b.box) ? 1 : boxIou(a.box, b.box);
      if (!(boxIouAB >= BOX_GATE)) continue;
      const [first, second] = a.entry.index < b.entry.index ? [a, b] : [b, a];
      if (reported.has(second.entry.index)) continue;
      const sim = similarity(doc, first, second, boxIouAB, cache);
      if (!sim || sim.iou < minIou) continue;
      reported.add(second.entry.index);
      const exact = isExactTwin(doc, first, second);
      const ann = second.entry.value as Record<string, unknown>;
      const twin = first.entry.value as Record<string, unknown>;
      const twinPlace = ctx.place('annotations', first.entry, ['id']);
      ctx.report({
        message: exact
          ? `${annotationName(ann, second.entry.index)} duplicates ${annotationName(twin, first.entry.index).replace(/^The a|^A/, 'a')} exactly (same image, category, bbox and segmentation).`
          : `${annotationName(ann, second.entry.index)} covers the same object as ${annotationName(twin, first.entry.index).replace(/^The a|^A/, 'a')} (same image and category, ${sim.by} IoU ${sim.iou.toFixed(3)}).`,
        at: ctx.place('annotations', second.entry, ['id']),
        ...idsOf(ann),
        related: [{ message: `The annotation it duplicates (${twin.id !== undefined ? `id ${JSON.stringify(twin.id)}` : `index ${first.entry.index}`})`, ...twinPlace }],
        data: { index: second.entry.index, twin: first.entry.index, exact },
      });
    }
  }
}

function sameBox(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Mask IoU when both masks are usable (rasterized once per annotation, on demand); box IoU when neither has one. */
function similarity(doc: CocoDocument, a: Item, b: Item, boxIouAB: number, cache: Map<number, number[] | null>): { iou: number; by: 'mask' | 'box' } | undefined {
  const ca = countsOf(doc, a, cache);
  const cb = countsOf(doc, b, cache);
  if (ca === null && cb === null) return { iou: boxIouAB, by: 'box' };
  if (ca === null || cb === null || ca.length === 0 || cb.length === 0) return undefined;
  let sa = 0, sb = 0;
  for (let k = 0; k < ca.length; k++) sa += ca[k];
  for (let k = 0; k < cb.length; k++) sb += cb[k];
  if (sa !== sb) return undefined; // masks of different sizes
  return { iou: countsIou(ca, cb), by: 'mask' };
}

function countsOf(doc: CocoDocument, item: Item, cache: Map<number, number[] | null>): number[] | null {
  const cached = cache.get(item.entry.index);
  if (cached !== undefined) return cached;
  if (item.counts !== undefined) return item.counts;
  const ann = item.entry.value as Record<string, unknown>;
  const src = maskSourceOf(doc, ann);
  if (!src) {
    const seg = ann.segmentation;
    // No segmentation at all (a detection file): compare boxes. A broken one: don't guess.
    item.counts = seg === undefined || (Array.isArray(seg) && seg.length === 0) ? null : [];
  } else {
    try {
      item.counts = maskCounts(src);
    } catch {
      item.counts = [];
    }
  }
  cache.set(item.entry.index, item.counts);
  return item.counts;
}

/** Same bbox numbers and byte-identical segmentation text. */
function isExactTwin(doc: CocoDocument, a: Item, b: Item): boolean {
  if (!sameBox(a.box, b.box)) return false;
  const ra = locate(doc, a.entry, ['segmentation']);
  const rb = locate(doc, b.entry, ['segmentation']);
  if (!ra || !rb) return !ra && !rb;
  if (ra.end - ra.start !== rb.end - rb.start) return false;
  const bytes = doc.bytes;
  for (let k = 0; k < ra.end - ra.start; k++) if (bytes[ra.start + k] !== bytes[rb.start + k]) return false;
  return true;
}
