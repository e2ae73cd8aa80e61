import * as assert from 'node:assert/strict';
import { checkText, positionWithin, problemPosition, textWithSegmentation } from './helpers';

const RULE = 'coco/polygon-four-numbers';

describe(RULE, () => {
  it('reports a 4-number first polygon as read as a box', () => {
    const t = textWithSegmentation([[10, 10, 50, 40]]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '[[10, 10, 50, 40]]', '[10'));
    assert.match(problems[0].message, /polygon 0 has exactly 4 numbers: pycocotools reads .* as a box/);
  });

  it('reports a later 4-number polygon as covering nothing', () => {
    const { problems } = checkText(textWithSegmentation([[1, 1, 9, 1, 9, 9], [10, 10, 50, 40]]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /polygon 1 .* cover no pixel/);
  });

  it('says nothing about 8 numbers, and is not echoed by polygon-too-short', () => {
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 50, 10, 50, 40, 10, 40]]), RULE).problems, []);
    assert.deepEqual(checkText(textWithSegmentation([[10, 10, 50, 40]]), 'coco/polygon-too-short').problems, []);
  });
});
