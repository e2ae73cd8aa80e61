import * as assert from 'node:assert/strict';
import { checkText, positionWithin, problemPosition, textWithSegmentation } from './helpers';

const RULE = 'coco/polygon-odd-length';

describe(RULE, () => {
  it('reports an odd count at the polygon', () => {
    const t = textWithSegmentation([[1, 1, 9, 1, 9, 9], [10, 10, 50, 10, 50, 40, 10]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[10, 10, 50, 10, 50, 40, 10]', '['));
    assert.match(problems[0].message, /polygon 1 has 7 numbers/);
  });

  it('says nothing about even counts, and leaves 5 numbers to polygon-too-short', () => {
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 50, 10, 50, 40, 10, 40]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 50, 10, 50]]), RULE).problems, []);
    assert.equal(checkText(textWithSegmentation([[10, 10, 50, 10, 50]]), 'coco/polygon-too-short').problems.length, 1);
  });
});
