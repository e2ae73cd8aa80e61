import * as assert from 'node:assert/strict';
import { category, checkText, cocoText, dataset, problemPosition } from './helpers';

const RULE = 'coco/category-ids-not-contiguous';

function idLine(t: string, id: number): { line: number; character: number } {
  const lines = t.split('\n');
  const line = lines.findIndex((l, i) => l.trim() === `"id": ${id},` && lines[i + 1].includes('"name"'));
  assert.ok(line > 0);
  return { line, character: lines[line].indexOf(String(id)) };
}

describe(RULE, () => {
  it('reports labelme\'s _background_ category 0, once, at its id', () => {
    const t = cocoText(dataset({ categories: [category(0, '_background_'), category(1, 'cat'), category(2, 'dog')] }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Category ids are not 1..3: category 0 ("_background_": labelme\'s background class?) is outside that range (ids: 0, 1, 2). Tools that map ids to class indices will disagree.');
    assert.equal(problems[0].severity, 'info');
    assert.deepEqual(problemPosition(doc, problems[0]), idLine(t, 0));
  });

  it('reports a gap at the first id past N', () => {
    const t = cocoText(dataset({ categories: [category(1, 'a'), category(5, 'b'), category(7, 'c')] }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^Category ids are not 1\.\.3: category 5 is outside that range \(ids: 1, 5, 7\)/);
    assert.deepEqual(problemPosition(doc, problems[0]), idLine(t, 5));
  });

  it('1..N in any order is clean', () => {
    const t = cocoText(dataset({ categories: [category(2, 'a'), category(3, 'b'), category(1, 'c')] }));
    assert.deepEqual(checkText(t, RULE).problems, []);
  });
});
