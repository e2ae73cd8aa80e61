import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/rle-size-mismatch';

function text(size: unknown): string {
  return cocoText(dataset({
    images: [image(1, { width: 640, height: 480 })],
    annotations: [annotation(11, 1, 1, [0, 0, 1, 1], { iscrowd: 1, segmentation: { size, counts: [307199, 1] } })],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a [width, height] size at the size value', () => {
    const t = text([640, 480]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"size": [640, 480]', '[640'));
    assert.match(problems[0].message, /must be \[height, width\] = \[480, 640\] \(it looks like \[width, height\]\)/);
  });

  it('reports another image\'s size', () => {
    const { problems } = checkText(text([300, 400]), RULE);
    assert.equal(problems.length, 1);
    assert.doesNotMatch(problems[0].message, /looks like/);
  });

  it('says nothing about [height, width]', () => {
    assert.deepEqual(checkText(text([480, 640]), RULE).problems, []);
  });
});
