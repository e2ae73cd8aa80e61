import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, positionWithin, problemPosition } from './helpers';

const RULE = 'coco/bbox-non-positive';

function text(bbox: unknown): string {
  return cocoText(dataset({ images: [image(1)], annotations: [annotation(1, 1, 1, [1, 1, 5, 5]), annotation(2, 1, 1, bbox)], categories: [category(1, 'cat')] }));
}

describe(RULE, () => {
  it('reports a zero width at the width', () => {
    const t = text([120, 80, 0, 15]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has a box with width 0: width and height must be positive (COCO boxes are [x, y, width, height]).');
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[120, 80, 0, 15]', '0, 15'));
  });

  it('reports a negative height at the height, and both', () => {
    const t = text([120, 80, 4, -15]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[120, 80, 4, -15]', '-15'));
    assert.match(checkText(text([1, 1, -1, -2]), RULE).problems[0].message, /with width -1 and height -2:/);
  });

  it('positive sizes are clean', () => {
    assert.deepEqual(checkText(text([0, 0, 0.5, 3]), RULE).problems, []);
  });
});
