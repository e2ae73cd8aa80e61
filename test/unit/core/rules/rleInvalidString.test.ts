import * as assert from 'node:assert/strict';
import { rleToString } from '../../../../src/core/geometry';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/rle-invalid-string';

function text(counts: unknown): string {
  return cocoText(dataset({
    images: [image(1, { width: 5, height: 4 })],
    annotations: [annotation(11, 1, 1, [0, 0, 2, 2], { iscrowd: 1, segmentation: { size: [4, 5], counts } })],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a character outside the alphabet, at the counts', () => {
    const t = text('34{5');
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"counts": "34{5"', '"34'));
    assert.match(problems[0].message, /character 2 is "\{"/);
  });

  it('reports a b\'…\' wrapper left over from Python bytes', () => {
    assert.equal(checkText(text(`b'${rleToString([3, 4, 13])}'`), RULE).problems.length, 1);
  });

  it('reports a negative decoded count and a cut-off last number', () => {
    // 'M' is the single group 29: sign bit set, so it decodes to -3.
    const neg = checkText(text('M'), RULE).problems;
    assert.equal(neg.length, 1);
    assert.match(neg[0].message, /decodes to -3/);
    // 'P' is 0x20: the continuation bit with nothing after it.
    assert.match(checkText(text('3P'), RULE).problems[0].message, /cut off/);
  });

  it('says nothing about strings pycocotools wrote, or counts lists', () => {
    assert.deepEqual(checkText(text(rleToString([3, 4, 13])), RULE).problems, []);
    assert.deepEqual(checkText(text(rleToString([0, 200000, 5, 100, 7])), RULE).problems, []);
    assert.deepEqual(checkText(text([3, 4, 13]), RULE).problems, []);
  });
});
