import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/missing-info';

function body(): Record<string, unknown> {
  return { images: [image(1)], annotations: [annotation(1, 1, 1, [1, 2, 3, 4])], categories: [category(1, 'cat')] };
}

describe(RULE, () => {
  it('reports a missing "info" and a missing "licenses" at the top of the file', () => {
    const t = cocoText(body());
    const { doc, problems } = checkText(t, RULE);
    assert.deepEqual(problems.map((p) => p.message), [
      'The "info" section is missing; some importers (older Detectron, CVAT) require it.',
      'The "licenses" section is missing; some importers (older Detectron, CVAT) require it.',
    ]);
    for (const p of problems) assert.deepEqual(problemPosition(doc, p), uniquePositionOf(t, '{\n  "images"'));
  });

  it('is silent when both are present', () => {
    assert.deepEqual(checkText(cocoText(dataset(body())), RULE).problems, []);
  });

  it('inserts "info": {} and "licenses": [] as the first members, in the file\'s style', () => {
    const t = cocoText({ licenses: [], ...body() });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.title, 'Add an empty "info" section');
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, cocoText({ info: {}, licenses: [], ...body() }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);

    const t2 = cocoText({ info: {}, ...body() });
    const c2 = checkText(t2, RULE);
    const fixed2 = applyFix(c2.doc, fixOf(c2.doc, c2.problems[0]));
    assert.equal(fixed2, cocoText({ licenses: [], info: {}, ...body() }));
    assert.deepEqual(checkText(fixed2, RULE).problems, []);
  });

  it('both fixes together, on a one-line file', () => {
    const t = JSON.stringify(body());
    const { doc, problems } = checkText(t, RULE);
    const edits = problems.flatMap((p) => fixOf(doc, p).edits);
    const fixed = applyFix(doc, { title: 'all', edits });
    assert.equal(fixed, '{"info": {}, "licenses": [], ' + t.slice(1));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('says nothing about a file that is not an object', () => {
    assert.deepEqual(checkText('[1, 2]', RULE).problems, []);
  });
});
