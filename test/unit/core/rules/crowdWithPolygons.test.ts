import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/crowd-with-polygons';

function text(iscrowd: unknown, segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [
      annotation(10, 1, 1, [1, 1, 9, 9], { segmentation: [[1, 1, 10, 1, 10, 10]] }),
      annotation(11, 1, 1, [10, 10, 40, 30], { iscrowd, segmentation }),
    ],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports iscrowd 1 with polygons at the iscrowd value', () => {
    const t = text(1, [[10, 10, 50, 10, 50, 40]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"iscrowd": 1', '1'));
    assert.equal(problems[0].annotationId, 11);
  });

  it('says nothing about crowd RLE or non-crowd polygons', () => {
    assert.deepEqual(checkText(text(1, { size: [480, 640], counts: [307200] }), RULE).problems, []);
    assert.deepEqual(checkText(text(0, [[10, 10, 50, 10, 50, 40]]), RULE).problems, []);
  });
});
