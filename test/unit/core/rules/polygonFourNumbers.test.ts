import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/polygon-four-numbers';

function text(segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [annotation(11, 1, 1, [10, 10, 40, 30], { segmentation })],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a 4-number first polygon as read as a box', () => {
    const t = text([[10, 10, 50, 40]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[[10, 10, 50, 40]]', '[10'));
    assert.match(problems[0].message, /polygon 0 has exactly 4 numbers: pycocotools reads .* as a box/);
  });

  it('reports a later 4-number polygon as covering nothing', () => {
    const { problems } = checkText(text([[1, 1, 9, 1, 9, 9], [10, 10, 50, 40]]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /polygon 1 .* cover no pixel/);
  });

  it('says nothing about 8 numbers, and is not echoed by polygon-too-short', () => {
    assert.deepEqual(checkText(text([[10, 10, 50, 10, 50, 40, 10, 40]]), RULE).problems, []);
    assert.deepEqual(checkText(text([[10, 10, 50, 40]]), 'coco/polygon-too-short').problems, []);
  });
});
