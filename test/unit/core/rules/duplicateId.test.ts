import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image } from './helpers';

const RULE = 'coco/duplicate-id';

function text(ids: number[], imageIds = [1, 2]): string {
  return cocoText(dataset({
    images: imageIds.map((id) => image(id)),
    annotations: ids.map((id, k) => annotation(id, 1, 1, [k, k, 10, 10])),
    categories: [category(1, 'cat')],
  }));
}

describe(`${RULE} fix`, () => {
  it('renumbers the later duplicate annotation to max(id) + 1, one edit', () => {
    const t = text([4, 9, 4, 2]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.edits.length, 1);
    assert.equal(fix.title, 'Renumber this annotation to 10 (an id no other annotation has)');
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text([4, 9, 10, 2]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('fix-all over several duplicates gives distinct ids', () => {
    const t = text([1, 1, 1, 2, 2]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 3);
    const fixed = applyFix(doc, { title: 'all', edits: problems.flatMap((p) => fixOf(doc, p).edits) });
    assert.equal(fixed, text([1, 3, 4, 2, 5]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('offers no fix for duplicate image or category ids (renumbering would orphan references)', () => {
    const { doc, problems } = checkText(text([1, 2], [1, 1]), RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].imageId, 1);
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });
});

describe(`${RULE} ids of every shape`, () => {
  it('pairs each repeat with the first element of the same id: small, huge, fractional, string and -0 ids', () => {
    // Ids far past the annotation count (and past 2^32) are kept apart from the small ones; "5" is not 5; -0 is 0.
    const ids: unknown[] = [5, '5', 3_000_000, 5, 2 ** 33, 1.5, '5', 2 ** 33, 0, 3_000_000, 1.5, -0, 7];
    const t = cocoText(dataset({
      images: [image(1)],
      annotations: ids.map((id, k) => ({ ...annotation(k + 1, 1, 1, [k, k, 10, 10]), id })),
      categories: [category(1, 'cat')],
    })).replace(/"id": 0,(?![\s\S]*"id": 0,)/, '"id": -0,'); // the last 0 only
    assert.equal(t.split('"id": -0,').length, 2);
    const { problems } = checkText(t, RULE);
    const pairs = problems.map((p) => { const d = p.data as { firstIndex: number; index: number }; return [d.firstIndex, d.index]; });
    assert.deepEqual(pairs, [[0, 3], [1, 6], [4, 7], [2, 9], [5, 10], [8, 11]]);
  });
});
