import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/bbox-segmentation-mismatch';
// pycocotools: frPyObjects([SQUARE], 480, 640) covers 10 × 10 = 100 pixels.
const SQUARE = [10, 10, 20, 10, 20, 20, 10, 20];

function text(bbox: unknown, extra: Record<string, unknown>): string {
  return cocoText(dataset({
    images: [image(1, { width: 640, height: 480 })],
    annotations: [
      annotation(10, 1, 1, [10, 10, 10, 10], { segmentation: [SQUARE], area: 100 }),
      annotation(11, 1, 1, bbox, extra),
    ],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a box far from the polygons at the bbox', () => {
    const t = text([0, 0, 50, 50], { segmentation: [SQUARE], area: 2500 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"bbox": [0, 0, 50, 50]', '['));
    assert.match(problems[0].message, /bbox \[0, 0, 50, 50\] does not match its polygons, which span \[10, 10, 10, 10\] \(IoU 0\.04\)/);
  });

  it('reports a corner-format box against an RLE', () => {
    // 4 × 5 ones starting at column 2, row 3 of a 480-high image: box [2, 3, 5, 4].
    const counts: number[] = [2 * 480 + 3];
    for (let c = 0; c < 5; c++) counts.push(4, c < 4 ? 476 : 480 * 640 - (2 * 480 + 3) - 4 * 480 - 4);
    const seg = { size: [480, 640], counts };
    assert.equal(checkText(text([2, 3, 7, 7], { iscrowd: 1, segmentation: seg, area: 20 }), RULE).problems.length, 1);
    assert.deepEqual(checkText(text([2, 3, 5, 4], { iscrowd: 1, segmentation: seg, area: 20 }), RULE).problems, []);
  });

  it('says nothing about matching boxes, or a tiny object\'s box 1 px off', () => {
    assert.deepEqual(checkText(text([10, 10, 10, 10], { segmentation: [SQUARE], area: 100 }), RULE).problems, []);
    assert.deepEqual(checkText(text([10, 10, 11, 11], { segmentation: [SQUARE], area: 100 }), RULE).problems, []);
    assert.equal(checkText(text([10, 10, 11, 11], { segmentation: [SQUARE], area: 100 }), RULE, { tolerance: 0 }).problems.length, 1);
  });

  it('recomputes bbox and area together, 2 decimals at most', () => {
    const poly = [10.123, 10.5, 20.456, 10.5, 20.456, 20.5, 10.123, 20.5];
    const t = text([0, 0, 50, 50], { segmentation: [poly], area: 2500 });
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.title, 'Recompute bbox and area from the segmentation');
    const fixed = applyFix(doc, fix);
    // x 10.123 → 10.12, w 10.333 → 10.33; pycocotools covers columns 10..19 and rows 10..19 (100 px).
    assert.equal(fixed, text([10.12, 10.5, 10.33, 10], { segmentation: [poly], area: 100 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
    assert.deepEqual(checkText(fixed, 'coco/area-mismatch').problems, []);
  });

  it('adds the area when it was missing', () => {
    const t = text([0, 0, 50, 50], { segmentation: [SQUARE] });
    const { doc, problems } = checkText(t, RULE);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, text([10, 10, 10, 10], { segmentation: [SQUARE], area: 100 }));
  });
});
