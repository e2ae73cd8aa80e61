import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, positionWithin, problemPosition } from './helpers';

const RULE = 'coco/keypoints-outside-bbox';

function text(keypoints: number[]): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [annotation(7, 1, 1, [100, 100, 50, 80], { keypoints, num_keypoints: 3 })],
    categories: [category(1, 'person', { keypoints: ['nose', 'eye', 'ear'] })],
  }));
}

describe(RULE, () => {
  it('reports the first labeled keypoint outside the box, at its x', () => {
    const kp = [120, 130, 2, 20, 30, 2, 400, 90, 1];
    const t = text(kp);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 7: keypoint 1 at (20, 30) and 1 more lie outside its box [100, 100, 50, 80].');
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[120, 130, 2, 20, 30, 2, 400, 90, 1]', '20, 30'));
  });

  it('unlabeled keypoints (v = 0 at 0, 0) and points within the tolerance are clean', () => {
    assert.deepEqual(checkText(text([120, 130, 2, 0, 0, 0, 150.5, 180, 1]), RULE).problems, []);
    assert.equal(checkText(text([120, 130, 2, 0, 0, 0, 150.5, 180, 1]), RULE, { tolerance: 0 }).problems.length, 1);
  });
});
