import * as assert from 'node:assert/strict';
import { checkDocument } from '../../../../src/core/check';
import { clipPolygonToRect } from '../../../../src/core/ruleKit/clipToImage';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, parseText, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/polygon-outside-image';

function text(segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1, { width: 640, height: 480 })],
    annotations: [annotation(11, 1, 1, [600, 10, 40, 30], { segmentation })],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a point beyond the right edge at its polygon', () => {
    const t = text([[600, 10, 645, 10, 620, 40]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[[600, 10, 645, 10, 620, 40]]', '[600'));
    assert.match(problems[0].message, /point \(645, 10\), 5 px outside its 640×480 image/);
  });

  it('reports negative and too-low points', () => {
    assert.equal(checkText(text([[10, -3, 20, 10, 15, 20]]), RULE).problems.length, 1);
    assert.equal(checkText(text([[10, 10, 20, 10, 15, 485]]), RULE).problems.length, 1);
  });

  it('accepts points on the border and within the 1 px tolerance', () => {
    assert.deepEqual(checkText(text([[600, 0, 640, 0, 620, 480]]), RULE).problems, []);
    assert.deepEqual(checkText(text([[600, -1, 641, 10, 620, 480.5]]), RULE).problems, []);
    assert.equal(checkText(text([[600, 10, 640.5, 10, 620, 40]]), RULE, { tolerance: 0 }).problems.length, 1);
  });

  it('fix: clips the polygon to the image and recomputes bbox and area from it', () => {
    const t = cocoText(dataset({
      images: [image(1, { width: 640, height: 480 })],
      annotations: [annotation(11, 1, 1, [600, 10, 60, 40], { segmentation: [[600, 10, 660, 10, 660, 50, 600, 50]], area: 2400 })],
      categories: [category(1, 'cat')],
    }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /Clip the polygons to the image \(640 × 480\)/);
    const fixed = applyFix(doc, fix);
    // Only the three values change; a 40 × 40 axis-aligned square covers 1600 pixels in pycocotools.
    assert.equal(fixed, t
      .replace('[[600, 10, 660, 10, 660, 50, 600, 50]]', '[[600, 10, 640, 10, 640, 50, 600, 50]]')
      .replace('[600, 10, 60, 40]', '[600, 10, 40, 40]')
      .replace('"area": 2400', '"area": 1600'));
    const after = checkDocument(parseText(fixed), { only: [RULE, 'coco/bbox-out-of-image', 'coco/bbox-segmentation-mismatch', 'coco/area-mismatch'] });
    assert.deepEqual(after.problems.map((p) => p.rule), []);
  });

  it('clipPolygonToRect: a triangle over a corner keeps the part inside', () => {
    // Right triangle (90,90)-(110,90)-(90,110) over the corner (100,100) of a 100×100 image.
    const clipped = clipPolygonToRect([90, 90, 110, 90, 90, 110], 100, 100);
    const xs = clipped.filter((_, k) => k % 2 === 0), ys = clipped.filter((_, k) => k % 2 === 1);
    assert.ok(Math.max(...xs) <= 100 && Math.max(...ys) <= 100);
    assert.deepEqual(clipped, [90, 90, 100, 90, 100, 100, 90, 100]);
    assert.deepEqual(clipPolygonToRect([200, 200, 210, 200, 205, 210], 100, 100), []);
  });
});
