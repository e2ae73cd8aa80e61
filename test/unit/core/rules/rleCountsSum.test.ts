import * as assert from 'node:assert/strict';
import { rleToString } from '../../../../src/core/geometry';
import { checkText, positionWithin, problemPosition, textWithRleCounts } from './helpers';

const RULE = 'coco/rle-counts-sum';

describe(RULE, () => {
  it('reports counts that fall short of h*w, at the counts', () => {
    const t = textWithRleCounts([3, 4, 5]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"counts": [3, 4, 5]', '[3'));
    assert.match(problems[0].message, /sum to 12, but size \[4, 5\] needs exactly 20 \(8 pixels short\)/);
  });

  it('reports a compressed string whose counts overshoot', () => {
    const { problems } = checkText(textWithRleCounts(rleToString([3, 4, 20])), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /sum to 27, .*\(7 pixels too many\)/);
  });

  it('reports a negative run length', () => {
    const { problems } = checkText(textWithRleCounts([-1, 21]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /counts\[0\] is -1/);
  });

  it('says nothing about exact sums, and leaves undecodable strings to rle-invalid-string', () => {
    assert.deepEqual(checkText(textWithRleCounts([3, 4, 13]), RULE).problems, []);
    assert.deepEqual(checkText(textWithRleCounts(rleToString([3, 4, 13])), RULE).problems, []);
    assert.deepEqual(checkText(textWithRleCounts('3{'), RULE).problems, []);
  });
});
