import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition } from './helpers';

const RULE = 'coco/annotation-unknown-category';

function text(catIds: number[]): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: catIds.map((c, k) => annotation(k + 1, 1, c, [k, k, 10, 10])),
    categories: [category(1, 'cat'), category(2, 'dog')],
  }));
}

describe(`${RULE} fix`, () => {
  it('reports at the category_id', () => {
    const t = text([1, 4, 2]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const lines = t.split('\n');
    const line = lines.findIndex((l) => l.trim() === '"category_id": 4,');
    assert.deepEqual(problemPosition(doc, problems[0]), { line, character: lines[line].indexOf('4') });
  });

  for (const [name, ids, kept] of [
    ['in the middle', [1, 4, 2], [[1, 1], [3, 2]]],
    ['first', [4, 1, 2], [[2, 1], [3, 2]]],
    ['last', [1, 2, 4], [[1, 1], [2, 2]]],
    ['the only one', [4], []],
  ] as const) {
    it(`drops the annotation (${name})`, () => {
      const { doc, problems } = checkText(text([...ids]), RULE);
      const fix = fixOf(doc, problems[0]);
      assert.match(fix.title, /^Delete annotation \d+$/);
      const fixed = applyFix(doc, fix);
      const expected = cocoText(dataset({
        images: [image(1)],
        annotations: kept.map(([id, c]) => annotation(id, 1, c, [id - 1, id - 1, 10, 10])),
        categories: [category(1, 'cat'), category(2, 'dog')],
      }));
      if (kept.length > 0) assert.equal(fixed, expected);
      else assert.equal(fixed.replace(/\s+/g, ''), expected.replace(/\s+/g, ''));
      assert.deepEqual(checkText(fixed, RULE).problems, []);
    });
  }
});
