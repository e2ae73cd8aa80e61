import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { applyFix, checkText, fixOf, positionWithin, problemPosition, textWithSegmentation } from './helpers';

const RULE = 'coco/polygon-zero-area';
const GOOD = [10, 10, 50, 10, 50, 40, 10, 40];

describe(RULE, () => {
  it('reports a collinear polygon at that polygon', () => {
    const t = textWithSegmentation([GOOD, [10, 10, 20, 20, 30, 30]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[10, 10, 20, 20, 30, 30]', '['));
    assert.match(problems[0].message, /polygon 1 has zero area/);
  });

  it('reports repeated points and float collinear points', () => {
    assert.equal(checkText(textWithSegmentation([[5, 5, 5, 5, 5, 5]]), RULE).problems.length, 1);
    assert.equal(checkText(textWithSegmentation([[0.1, 0.2, 0.3, 0.6, 0.5, 1.0]]), RULE).problems.length, 1);
  });

  it('says nothing about a triangle, a bow-tie (zero shoelace, not collinear), a thin sliver, or NaN coordinates', () => {
    assert.deepEqual(checkText(textWithSegmentation([[0, 0, 10, 10, 10, 0, 0, 10]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 20, 20, 30, 10]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([[0, 0, 100, 0, 100, 0.5]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 20, 20, NaN, 30]]), RULE).problems, []);
  });

  it('drops the zero-area polygon', () => {
    const t = textWithSegmentation([GOOD, [10, 10, 20, 20, 30, 30]]);
    const { doc, problems } = checkText(t, RULE);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, textWithSegmentation([GOOD]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('offers no fix for the only polygon', () => {
    const { doc, problems } = checkText(textWithSegmentation([[10, 10, 20, 20, 30, 30]]), RULE);
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });
});
