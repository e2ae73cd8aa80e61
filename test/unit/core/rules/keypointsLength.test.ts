import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/keypoints-length';

function text(keypoints: unknown, categoryId = 1): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [
      annotation(1, 1, 1, [0, 0, 50, 50], { keypoints: [1, 2, 2, 3, 4, 1], num_keypoints: 2 }),
      annotation(2, 1, categoryId, [0, 0, 50, 50], { keypoints, num_keypoints: 1 }),
    ],
    categories: [category(1, 'person', { keypoints: ['nose', 'eye'], skeleton: [[1, 2]] }), category(2, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports 3 values for a 2-keypoint category at the keypoints', () => {
    const t = text([10, 20, 2]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has 3 keypoint values; category 1 names 2 keypoints, so 6 are expected (x, y, v each).');
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(t, '[10, 20, 2]'));
  });

  it('reports keypoints that are not a list', () => {
    const { problems } = checkText(text(null), RULE);
    assert.deepEqual(problems.map((p) => p.message), ['Annotation 2: "keypoints" is null, not a list of 6 numbers.']);
  });

  it('the right length is clean; categories without keypoint names are not checked', () => {
    assert.deepEqual(checkText(text([10, 20, 2, 0, 0, 0]), RULE).problems, []);
    assert.deepEqual(checkText(text([10, 20, 2], 2), RULE).problems, []);
  });
});
