import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/segmentation-flat-list';

function text(segmentation: unknown): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [
      annotation(10, 1, 1, [1, 1, 9, 9], { segmentation: [[1, 1, 10, 1, 10, 10]] }),
      annotation(11, 1, 1, [10, 10, 40, 30], { segmentation }),
    ],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports a flat list at the segmentation value', () => {
    const t = text([10, 10, 50, 10, 50, 40]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"segmentation": [10, 10, 50, 10, 50, 40]', '[10'));
    assert.equal(problems[0].annotationId, 11);
    assert.match(problems[0].message, /flat list of 6 numbers/);
  });

  it('says nothing about nested polygons', () => {
    assert.deepEqual(checkText(text([[10, 10, 50, 10, 50, 40]]), RULE).problems, []);
  });

  it('is the only rule that reports a flat list (no odd-length / too-short echo)', () => {
    const t = text([10, 10, 50, 10, 50, 40, 7]);
    assert.equal(checkText(t, RULE).problems.length, 1);
    for (const other of ['coco/polygon-odd-length', 'coco/polygon-too-short', 'coco/polygon-four-numbers', 'coco/polygon-zero-area']) {
      assert.deepEqual(checkText(t, other).problems, [], other);
    }
  });

  it('wraps the list with two one-character insertions', () => {
    const t = text([10, 10, 50, 10, 50, 40]);
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.edits.length, 2);
    assert.ok(fix.edits.every((e) => e.start === e.end && e.newText.length === 1));
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text([[10, 10, 50, 10, 50, 40]]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });
});
