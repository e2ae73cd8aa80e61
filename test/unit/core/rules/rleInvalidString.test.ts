import * as assert from 'node:assert/strict';
import { rleToString } from '../../../../src/core/geometry';
import { checkText, positionWithin, problemPosition, textWithRleCounts } from './helpers';

const RULE = 'coco/rle-invalid-string';

describe(RULE, () => {
  it('reports a character outside the alphabet, at the counts', () => {
    const t = textWithRleCounts('34{5');
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"counts": "34{5"', '"34'));
    assert.match(problems[0].message, /character 2 is "\{"/);
  });

  it('reports a b\'…\' wrapper left over from Python bytes', () => {
    assert.equal(checkText(textWithRleCounts(`b'${rleToString([3, 4, 13])}'`), RULE).problems.length, 1);
  });

  it('reports a negative decoded count and a cut-off last number', () => {
    // 'M' is the single group 29: sign bit set, so it decodes to -3.
    const neg = checkText(textWithRleCounts('M'), RULE).problems;
    assert.equal(neg.length, 1);
    assert.match(neg[0].message, /decodes to -3/);
    // 'P' is 0x20: the continuation bit with nothing after it.
    assert.match(checkText(textWithRleCounts('3P'), RULE).problems[0].message, /cut off/);
  });

  it('says nothing about strings pycocotools wrote, or counts lists', () => {
    assert.deepEqual(checkText(textWithRleCounts(rleToString([3, 4, 13])), RULE).problems, []);
    assert.deepEqual(checkText(textWithRleCounts(rleToString([0, 200000, 5, 100, 7])), RULE).problems, []);
    assert.deepEqual(checkText(textWithRleCounts([3, 4, 13]), RULE).problems, []);
  });
});
