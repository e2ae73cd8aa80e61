import * as assert from 'node:assert/strict';
import { rleToString } from '../../../../src/core/geometry';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/area-mismatch';
// pycocotools: frPyObjects([SQUARE], 480, 640) covers 10 × 10 = 100 pixels.
const SQUARE = [10, 10, 20, 10, 20, 20, 10, 20];
// A 40 × 30 rectangle: shoelace 1200, well above the "tiny" threshold.
const RECT = [100, 100, 140, 100, 140, 130, 100, 130];

function text(extra: Record<string, unknown>): string {
  return cocoText(dataset({
    images: [image(1, { width: 640, height: 480 })],
    annotations: [
      annotation(10, 1, 1, [10, 10, 10, 10], { segmentation: [SQUARE], area: 100 }),
      annotation(11, 1, 1, [10, 10, 10, 10], extra),
    ],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports an area 4× the mask at the area value', () => {
    const t = text({ segmentation: [SQUARE], area: 400 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"area": 400', '400'));
    assert.match(problems[0].message, /area is 400 but its polygon mask .* covers 100 px \(\+300%\)/);
  });

  it('tolerates 10% and 2 px by default; options tighten it', () => {
    assert.deepEqual(checkText(text({ segmentation: [RECT], area: 1200 }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [RECT], area: 1300 }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [SQUARE], area: 102 }), RULE).problems, []);
    assert.equal(checkText(text({ segmentation: [RECT], area: 1400 }), RULE).problems.length, 1);
    assert.equal(checkText(text({ segmentation: [RECT], area: 1300 }), RULE, { relTolerance: 0.01 }).problems.length, 1);
  });

  it('decides on the rasterized area when the shoelace sum is misleading (overlapping polygons)', () => {
    // Shoelace sums to 2400 (counted twice); pycocotools' merged mask is 1200.
    assert.deepEqual(checkText(text({ segmentation: [RECT, RECT], area: 1200 }), RULE).problems, []);
    assert.equal(checkText(text({ segmentation: [RECT, RECT], area: 2400 }), RULE).problems.length, 1);
  });

  it('compares an RLE area exactly', () => {
    // 4 × 5 mask, 7 pixels set.
    const seg = { size: [480, 640], counts: rleToString([10, 7, 307183]) };
    assert.equal(checkText(text({ iscrowd: 1, segmentation: seg, area: 30 }), RULE).problems.length, 1);
    assert.deepEqual(checkText(text({ iscrowd: 1, segmentation: seg, area: 7 }), RULE).problems, []);
  });

  it('leaves missing / non-positive areas and broken segmentations to other rules', () => {
    assert.deepEqual(checkText(text({ segmentation: [SQUARE] }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [SQUARE], area: 0 }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [[10, 10, 20, 10, 20]], area: 400 }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [[10, 10, 20, NaN, 20, 20]], area: 400 }), RULE).problems, []);
  });

  it('recomputes the area from the segmentation', () => {
    const t = text({ segmentation: [SQUARE], area: 400 });
    const { doc, problems } = checkText(t, RULE);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, text({ segmentation: [SQUARE], area: 100 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });
});
