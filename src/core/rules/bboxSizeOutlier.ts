import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { B_WH_NUMBERS, boxFacts } from '../ruleKit/boxFacts';
import { categoryCounts, categoryLabel } from '../ruleKit/datasetStats';
import { idOf } from '../ruleKit/schema';
import { allocateColumns } from '../ruleKit/factColumns';
import type { Rule } from '../ruleKit/types';
import { annotationFields } from '../ruleKit/annotationFields';

function fmtArea(a: number): string {
  return a >= 100 ? String(Math.round(a)) : String(Number(a.toPrecision(3)));
}

export const bboxSizeOutlier: Rule = {
  id: 'coco/bbox-size-outlier',
  defaultSeverity: 'info',
  usesFacts: true,
  kinds: INSTANCE_KINDS,
  description: 'A box\'s area is more than `sigma` standard deviations (default 5) from the mean of its category, on log(area) by default (option space: "log" | "linear"), and at least `minFactor` (default 2) times larger or smaller.',
  why: 'A box far larger or smaller than every other box of its class is usually a wrong label or a box in the wrong units (normalized or [x1, y1, x2, y2] coordinates); it skews anchor statistics and is learned as a real example. Datumaro\'s validator flags it as "far from label mean".',
  example: { bad: '"category_id": 3, "bbox": [0, 0, 1920, 1080]  (other "cup" boxes are ~40 × 40)', good: '"category_id": 3, "bbox": [812, 400, 42, 38]' },
  // minFactor: also at least this many times larger or smaller than the category's center, so that
  // near-identical boxes (σ close to 0, e.g. exported templates) do not make 88 px² an outlier of 100 px².
  defaultOptions: { sigma: 5, space: 'log', minFactor: 2 },
  check(ctx) {
    const doc = ctx.doc;
    const sigma = typeof ctx.options.sigma === 'number' ? ctx.options.sigma : 5;
    const log = ctx.options.space !== 'linear';
    const minFactor = typeof ctx.options.minFactor === 'number' && ctx.options.minFactor >= 1 ? ctx.options.minFactor : 1;
    const rows = categoryCounts(doc);
    if (rows.length === 0) return;
    const entries = doc.annotationEntries;
    const n = entries.length;
    // n-size columns in shared memory: no external-memory-pressure full GC (see factColumns.ts).
    const [vals, slots] = allocateColumns(n, ['f64', 'i32'] as const);
    slots.fill(-1);
    const count = new Float64Array(rows.length);
    const sum = new Float64Array(rows.length);
    // Width and height from the shared box facts (4-element boxes whose w and h are numbers).
    const box = boxFacts(doc);
    const { categorySlot, categoryKeyCount: known } = annotationFields(doc);
    const _B_WH_NUMBERS = B_WH_NUMBERS;
    for (let i = 0; i < n; i++) {
      if ((box.flags[i] & _B_WH_NUMBERS) === 0) continue;
      const w = box.w[i], h = box.h[i];
      if (!(w > 0) || !(h > 0) || !Number.isFinite(w * h)) continue;
      // The shared pass's category slots: slot k below categoryKeyCount is categoryCounts' row k.
      const slot = categorySlot[i];
      if (slot < 0 || slot >= known) continue;
      const v = log ? Math.log(w * h) : w * h;
      vals[i] = v; slots[i] = slot;
      count[slot]++; sum[slot] += v;
    }
    const mean = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) mean[k] = count[k] > 0 ? sum[k] / count[k] : 0;
    const sq = new Float64Array(rows.length);
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      if (s < 0) continue;
      const d = vals[i] - mean[s];
      sq[s] += d * d;
    }
    const std = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) std[k] = count[k] > 1 ? Math.sqrt(sq[k] / count[k]) : 0;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      if (s < 0 || !(std[s] > 0)) continue;
      const z = (vals[i] - mean[s]) / std[s];
      if (!(Math.abs(z) > sigma)) continue;
      const area = log ? Math.exp(vals[i]) : vals[i];
      const centerArea = log ? Math.exp(mean[s]) : mean[s];
      if (area < centerArea * minFactor && area * minFactor > centerArea) continue;
      const row = rows[s];
      const value = entries[i].value as Record<string, unknown>;
      const center = log ? `the geometric mean of its category's box areas (${fmtArea(Math.exp(mean[s]))} px², measured on log(area))` : `the mean of its category's box areas (${fmtArea(mean[s])} px², linear)`;
      ctx.report({
        message: `${annotationName(value, entries[i].index)}: box area ${fmtArea(area)} px² is ${Math.abs(z).toFixed(1)} σ ${z > 0 ? 'above' : 'below'} ${center} for category ${categoryLabel(row)}, over ${count[s]} boxes.`,
        at: ctx.place('annotations', entries[i], ['bbox']),
        annotationId: idOf(value.id),
        categoryId: row.id,
        related: [{ message: `Category ${categoryLabel(row)}`, ...ctx.place('categories', doc.categoryEntries[row.index], ['name']) }],
        data: { z, space: log ? 'log' : 'linear' },
      });
    }
  },
};
