import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/bbox-tiny';

function text(bbox: unknown): string {
  return cocoText(dataset({ images: [image(1)], annotations: [annotation(1, 1, 1, [1, 1, 5, 5]), annotation(2, 1, 1, bbox)], categories: [category(1, 'cat')] }));
}

describe(RULE, () => {
  it('reports a sub-pixel box at its bbox', () => {
    const t = text([310, 42, 0.4, 12]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has a tiny box (0.4 × 12 px, smaller than 1 px).');
    assert.equal(problems[0].severity, 'warning');
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(t, '[310, 42, 0.4, 12]'));
  });

  it('minSize option', () => {
    assert.equal(checkText(text([310, 42, 4, 12]), RULE, { minSize: 5 }).problems.length, 1);
    assert.deepEqual(checkText(text([310, 42, 5, 12]), RULE, { minSize: 5 }).problems, []);
  });

  it('1 px and more is clean; zero sizes are bbox-non-positive\'s', () => {
    assert.deepEqual(checkText(text([310, 42, 1, 1]), RULE).problems, []);
    assert.deepEqual(checkText(text([310, 42, 0, 12]), RULE).problems, []);
  });
});
