import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { applyFix, checkText, fixOf, positionWithin, problemPosition, textWithSegmentation } from './helpers';

const RULE = 'coco/polygon-too-short';
const GOOD = [10, 10, 50, 10, 50, 40, 10, 40];

describe(RULE, () => {
  it('reports a polygon of fewer than 6 numbers at that polygon', () => {
    const t = textWithSegmentation([GOOD, [5, 5, 6, 6, 7]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[5, 5, 6, 6, 7]]', '['));
    assert.match(problems[0].message, /polygon 1 has 5 numbers/);
  });

  it('says nothing about 6+ numbers, and leaves 4 numbers to polygon-four-numbers', () => {
    assert.deepEqual(checkText(textWithSegmentation([GOOD, [1, 1, 5, 1, 5, 5]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([GOOD, [1, 1, 5, 5]]), RULE).problems, []);
  });

  it('drops the degenerate polygon', () => {
    const t = textWithSegmentation([[5, 5], GOOD]);
    const { doc, problems } = checkText(t, RULE);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, textWithSegmentation([GOOD]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('drops a last polygon with its comma', () => {
    const t = textWithSegmentation([GOOD, [5, 5, 6, 6]].concat([[1, 2]]));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, textWithSegmentation([GOOD, [5, 5, 6, 6]]));
  });

  it('offers no fix when no usable polygon would remain', () => {
    const t = textWithSegmentation([[5, 5, 6, 6, 7], [1, 2]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 2);
    for (const p of problems) assert.equal(ruleById(RULE)!.fix!(doc, p), undefined);
  });

  it('still reports a short polygon holding NaN (its length is the defect; the NaN is non-finite-number\'s)', () => {
    // [NaN, 1] is still too short: its length is the defect, the NaN is non-finite-number's.
    const { problems } = checkText(textWithSegmentation([GOOD, [NaN, 1]]), RULE);
    assert.equal(problems.length, 1);
  });
});
