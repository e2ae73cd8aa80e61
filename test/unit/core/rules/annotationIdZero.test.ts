import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition } from './helpers';

const RULE = 'coco/annotation-id-zero';

function text(ids: number[]): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: ids.map((id, k) => annotation(id, 1, 1, [k, k, 10, 10])),
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports annotation id 0 at its id', () => {
    const t = text([3, 0, 7]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation id 0: COCOeval takes id 0 for "unmatched", so this box never counts as found and AP drops.');
    assert.equal(problems[0].severity, 'warning');
    const line = t.split('\n').findIndex((l) => l.trim() === '"id": 0,');
    assert.ok(line > 0);
    assert.deepEqual(problemPosition(doc, problems[0]), { line, character: t.split('\n')[line].indexOf('0') });
  });

  it('ids from 1 are clean; image and category id 0 are not this rule\'s', () => {
    assert.deepEqual(checkText(text([1, 2, 3]), RULE).problems, []);
    const t = cocoText(dataset({ images: [image(0)], annotations: [annotation(1, 0, 0, [1, 1, 2, 2])], categories: [category(0, '_background_')] }));
    assert.deepEqual(checkText(t, RULE).problems, []);
  });

  it('gives the annotation max(id) + 1 in one edit', () => {
    const t = text([3, 0, 7]);
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.edits.length, 1);
    assert.match(fix.title, /Change the id to 8/);
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text([3, 8, 7]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('fix-all with several id-0 annotations gives distinct new ids, also with coco/duplicate-id fixes', () => {
    const t = text([0, 5, 0, 5]);
    const zero = checkText(t, RULE);
    const dup = checkText(t, 'coco/duplicate-id');
    assert.equal(zero.problems.length, 2);
    assert.equal(dup.problems.length, 2); // the second 0 and the second 5
    // The second 0 is fixed by both rules; keep the id-zero fix there (as fix-all keeps the first of overlapping edits).
    const edits = [...zero.problems.flatMap((p) => fixOf(zero.doc, p).edits),
      ...dup.problems.filter((p) => p.annotationId === 5).flatMap((p) => fixOf(dup.doc, p).edits)];
    const fixed = applyFix(zero.doc, { title: 'all', edits });
    assert.equal(fixed, text([6, 5, 7, 9]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
    assert.deepEqual(checkText(fixed, 'coco/duplicate-id').problems, []);
  });
});
