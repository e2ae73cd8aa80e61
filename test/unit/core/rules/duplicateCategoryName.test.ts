import * as assert from 'node:assert/strict';
import { category, checkText, cocoText, dataset, problemPosition } from './helpers';

const RULE = 'coco/duplicate-category-name';

describe(RULE, () => {
  it('reports the second category with a name, related to the first', () => {
    const t = cocoText(dataset({ categories: [category(1, 'car'), category(2, 'bus'), category(3, 'car', { supercategory: 'twin' })] }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const p = problems[0];
    assert.equal(p.message, 'Category name "car" is used twice: category 3 and category 1 (categories[0]).');
    assert.equal(p.severity, 'error');
    assert.equal(p.categoryId, 3);
    const lines = t.split('\n');
    const expected = lines.findIndex((l, i) => l.includes('"name": "car"') && lines[i + 1].includes('"twin"'));
    assert.deepEqual(problemPosition(doc, p), { line: expected, character: lines[expected].indexOf('"car"') });
    const firstLine = lines.findIndex((l) => l.includes('"name": "car"'));
    assert.deepEqual(problemPosition(doc, p.related![0]), { line: firstLine, character: lines[firstLine].indexOf('"car"') });
    assert.ok(firstLine < expected);
  });

  it('names differing in case are different names; distinct names are clean', () => {
    const t = cocoText(dataset({ categories: [category(1, 'car'), category(2, 'Car'), category(3, 'bus')] }));
    assert.deepEqual(checkText(t, RULE).problems, []);
  });
});
