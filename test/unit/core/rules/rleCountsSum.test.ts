import * as assert from 'node:assert/strict';
import { rleToString } from '../../../../src/core/geometry';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/rle-counts-sum';

function text(counts: unknown): string {
  return cocoText(dataset({
    images: [image(1, { width: 5, height: 4 })],
    annotations: [annotation(11, 1, 1, [0, 0, 2, 2], { iscrowd: 1, segmentation: { size: [4, 5], counts } })],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports counts that fall short of h*w, at the counts', () => {
    const t = text([3, 4, 5]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"counts": [3, 4, 5]', '[3'));
    assert.match(problems[0].message, /sum to 12, but size \[4, 5\] needs exactly 20 \(8 pixels short\)/);
  });

  it('reports a compressed string whose counts overshoot', () => {
    const { problems } = checkText(text(rleToString([3, 4, 20])), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /sum to 27, .*\(7 pixels too many\)/);
  });

  it('reports a negative run length', () => {
    const { problems } = checkText(text([-1, 21]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /counts\[0\] is -1/);
  });

  it('says nothing about exact sums, and leaves undecodable strings to rle-invalid-string', () => {
    assert.deepEqual(checkText(text([3, 4, 13]), RULE).problems, []);
    assert.deepEqual(checkText(text(rleToString([3, 4, 13])), RULE).problems, []);
    assert.deepEqual(checkText(text('3{'), RULE).problems, []);
  });
});
