import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/area-bbox-mismatch';

function text(...anns: Record<string, unknown>[]): string {
  return cocoText(dataset({ images: [image(1)], annotations: anns, categories: [category(1, 'cat')] }));
}

describe(RULE, () => {
  it('a box-only annotation whose area is the whole image: found at its area, fixed to w × h', () => {
    const t = text(
      annotation(1, 1, 1, [10, 20, 30, 40], { area: 1200, segmentation: [] }),
      annotation(2, 1, 1, [10, 20, 30, 40], { area: 307200, segmentation: [] }),
    );
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"area": 307200', '307200'));
    assert.equal(problems[0].severity, 'warning');
    assert.match(problems[0].message, /Annotation 2: area 307200 is larger than its box \(30 × 40 = 1200\)/);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.match(fixed, /"area": 1200,\n\s+"segmentation": \[\]\n/);
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('without a mask, an area well below w × h (and no segmentation at all) is reported; within 10% it is not', () => {
    const t = text(
      annotation(1, 1, 1, [10, 20, 30, 40], { area: 600 }),
      annotation(2, 1, 1, [10, 20, 30, 40], { area: 1150 }),
    );
    const { problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /Annotation 1 has no mask and area 600, but its box is 30 × 40 = 1200 \(-50%\)/);
  });

  it('with a mask, a smaller area is the mask\'s business (area-mismatch); only an area above the box is reported, fixed from the mask', () => {
    const square = [[10, 20, 40, 20, 40, 60, 10, 60]];
    const t = text(
      annotation(1, 1, 1, [10, 20, 30, 40], { area: 600, segmentation: square }),
      annotation(2, 1, 1, [10, 20, 30, 40], { area: 5000, segmentation: square }),
    );
    const { doc, problems } = checkText(t, RULE);
    assert.deepEqual(problems.map((p) => p.annotationId), [2]);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /Recompute area from the segmentation \(1200\)/);
  });
});
