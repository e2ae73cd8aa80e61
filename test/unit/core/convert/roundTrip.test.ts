/**
 * COCO → X → COCO for every target, on data the tests make: every box within 1 px and every
 * mask at IoU ≥ 0.98 where the format holds masks — except objects the report names as
 * deliberately changed (clipped to the image, holes filled), which must be counted there.
 */
import { strict as assert } from 'node:assert';
import { convertDataset, readBack } from '../../../../src/core/convert/convert';
import { TARGETS, target, type TargetFormat } from '../../../../src/core/convert/formats';
import { compareRoundTrip } from '../../../../src/core/convert/roundTrip';
import { clone, makeDataset } from './data';

/** Changes that move geometry on purpose (each must be in the report). */
const DELIBERATE = new Set(['clipped-to-image', 'holes-lost', 'crowd-as-box', 'mask-overlap']);

export const FIGURES: Record<string, unknown> = {};

describe('convert: round trip COCO → X → COCO for every format', () => {
  for (const to of TARGETS as readonly TargetFormat[]) {
    it(`${to}: boxes within 1 px, masks IoU ≥ 0.98 (where held), deliberate losses counted`, function () {
      try { target(to); } catch { this.skip(); }
      const ds = makeDataset();
      const { output, report, log } = convertDataset(clone(ds), to, {}, { from: 'coco', input: 'in', output: 'out' });
      const changedIds = new Set<number>();
      for (const g of log.entries()) if (g.kind === 'changed' && DELIBERATE.has(g.reason)) for (const e of g.examples) if (e.annotationId !== undefined) changedIds.add(e.annotationId);
      const { objects, summary } = compareRoundTrip(clone(ds), readBack(clone(ds), output, to), { masks: target(to).masks });
      assert.equal(summary.missing, 0, `${to}: every object comes back`);
      let minMask = 1, maxShift = 0;
      for (const o of objects) {
        if (changedIds.has(o.annotationId)) continue;
        maxShift = Math.max(maxShift, o.boxShift!);
        assert.ok(o.boxShift! <= 1, `${to}: ann ${o.annotationId} box moved ${o.boxShift} px`);
        if (target(to).masks && o.kind === 'mask') { minMask = Math.min(minMask, o.iou); assert.ok(o.iou >= 0.98, `${to}: ann ${o.annotationId} mask IoU ${o.iou}`); }
      }
      if (target(to).masks) assert.ok(summary.maskObjects >= 5, `${to}: masks compared (${summary.maskObjects})`);
      // every deliberately changed object is in the report's counts
      const reported = report.changed.filter((c) => DELIBERATE.has(c.reason)).reduce((n, c) => n + c.count, 0);
      assert.ok(reported >= changedIds.size, `${to}: ${reported} changes reported`);
      FIGURES[to] = { unchangedMinMaskIou: minMask, unchangedMaxBoxShift: maxShift, meanMaskIou: summary.meanMaskIou, minMaskIou: summary.minMaskIou, changed: changedIds.size };
    });
  }
  after(() => { if (process.env.LABELSCOPE_PRINT_FIGURES) console.log(JSON.stringify(FIGURES, null, 1)); });
});
