import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/segmentation-empty';
const SQ = [[10, 10, 50, 10, 50, 40, 10, 40]];

function text(segs: unknown[]): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: segs.map((s, i) => annotation(10 + i, 1, 1, [10, 10, 40, 30], s === undefined ? {} : { segmentation: s })),
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports [] in an instance-segmentation file at the segmentation', () => {
    const t = text([SQ, SQ, []]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"segmentation": []', '[]'));
    assert.equal(problems[0].annotationId, 12);
    assert.match(problems[0].message, /2 of the 3 annotations/);
  });

  it('counts RLE masks as masks', () => {
    assert.equal(checkText(text([{ size: [480, 640], counts: [307200] }, SQ, []]), RULE).problems.length, 1);
  });

  it('says nothing in a detection file (most segmentations empty or absent) or when all have masks', () => {
    assert.deepEqual(checkText(text([[], [], SQ]), RULE).problems, []);
    assert.deepEqual(checkText(text([undefined, undefined, []]), RULE).problems, []);
    assert.deepEqual(checkText(text([SQ, SQ, SQ]), RULE).problems, []);
  });
});
