import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

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
});
