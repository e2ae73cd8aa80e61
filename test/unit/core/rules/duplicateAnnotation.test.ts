import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin } from './helpers';

const RULE = 'coco/duplicate-annotation';
const RECT = [100, 100, 140, 100, 140, 130, 100, 130];

function text(anns: Record<string, unknown>[]): string {
  return cocoText(dataset({
    images: [image(1), image(2)],
    annotations: anns,
    categories: [category(1, 'cat'), category(2, 'dog')],
  }));
}

const other = annotation(5, 1, 1, [300, 300, 20, 20], { segmentation: [[300, 300, 320, 300, 320, 320, 300, 320]], area: 400 });
const a = annotation(10, 1, 1, [100, 100, 40, 30], { segmentation: [RECT], area: 1200 });
const twin = annotation(11, 1, 1, [100, 100, 40, 30], { segmentation: [RECT], area: 1200 });

describe(RULE, () => {
  it('reports an exact twin at its id, with the first as related information', () => {
    const t = text([other, a, twin]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"id": 11', '11'));
    assert.equal(problems[0].annotationId, 11);
    assert.match(problems[0].message, /duplicates annotation 10 exactly/);
    const rel = problems[0].related![0];
    assert.deepEqual(doc.lines.positionAt(rel.start), positionWithin(t, '"id": 10', '10'));
  });

  it('removes the exact duplicate', () => {
    const t = text([other, a, twin]);
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.title, 'Remove this duplicate annotation');
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text([other, a]));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('reports near-duplicates by mask IoU, without a fix', () => {
    const near = annotation(11, 1, 1, [100, 100, 40.5, 30], { segmentation: [[100, 100, 140.5, 100, 140.5, 130, 100, 130]], area: 1215 });
    const { doc, problems } = checkText(text([a, near]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /mask IoU 0\.9[5-9]\d/);
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });

  it('says nothing about other categories, other images, or masks that differ inside one box', () => {
    assert.deepEqual(checkText(text([a, { ...twin, category_id: 2 }]), RULE).problems, []);
    assert.deepEqual(checkText(text([a, { ...twin, image_id: 2 }]), RULE).problems, []);
    // Same box, complementary triangles: box IoU 1, mask IoU ~0.
    const upper = annotation(12, 1, 1, [100, 100, 40, 30], { segmentation: [[100, 100, 140, 100, 140, 130]], area: 600 });
    const lower = annotation(13, 1, 1, [100, 100, 40, 30], { segmentation: [[100, 100, 140, 130, 100, 130]], area: 600 });
    assert.deepEqual(checkText(text([upper, lower]), RULE).problems, []);
  });

  it('compares boxes when a detection file has no masks, and reports each copy once', () => {
    const b1 = annotation(20, 1, 1, [10, 10, 50, 50], { area: 2500 });
    const b2 = annotation(21, 1, 1, [10, 10, 50, 50], { area: 2500 });
    const b3 = annotation(22, 1, 1, [10, 10, 50, 50], { area: 2500 });
    const { doc, problems } = checkText(text([b1, b2, b3]), RULE);
    assert.deepEqual(problems.map((p) => p.annotationId), [21, 22]);
    // Removing both copies at once (fix-all) leaves the first.
    const edits = problems.flatMap((p) => fixOf(doc, p).edits);
    const fixed = applyFix(doc, { title: 'all', edits });
    assert.equal(fixed, text([b1]));
  });
});

describe(`${RULE}: categories interleaved within an image`, () => {
  it('pairs twins of each category in file order, whatever order the categories come in', () => {
    // One image, categories 2 1 2 1 1 2: each category's twins are found, each reported at its later twin.
    const dog = (id: number) => annotation(id, 1, 2, [100, 100, 40, 30], { segmentation: [RECT], area: 1200 });
    const cat = (id: number) => annotation(id, 1, 1, [100, 100, 40, 30], { segmentation: [RECT], area: 1200 });
    const { problems } = checkText(text([dog(1), cat(2), dog(3), cat(4), cat(5), dog(6), other]), RULE);
    assert.deepEqual(problems.map((p) => p.annotationId), [3, 4, 5, 6]);
    assert.ok(problems.every((p) => /duplicates annotation (1|2) exactly/.test(p.message)), problems.map((p) => p.message).join('\n'));
  });
});

describe(`${RULE}: the box gate on the shared columns`, () => {
  it('pairs only one image + category (1 and "1" differ, unknown ids count), boxes equal or IoU ≥ 0.9', () => {
    const box = (id: number, categoryId: unknown, bbox: number[], imageId = 1) => ({ ...annotation(id, imageId, 1, bbox, { area: bbox[2] * bbox[3] }), category_id: categoryId });
    const anns = [
      box(1, 1, [10, 10, 100, 100]),
      box(2, 2, [10, 10, 100, 100]), // another category
      box(3, '1', [10, 10, 100, 100]), // a string id is another category
      box(4, 7, [10, 10, 100, 100]), // no category 7: still grouped by its id
      box(5, 1, [300, 300, 50, 50]), // far away
      box(6, 1, [10, 10, 100, 100], 2), // another image
      box(7, 7, [11, 11, 100, 100]), // IoU 0.96 with 4
      box(8, 1, [10, 10, 100, 96]), // IoU 0.96 with 1
      box(9, '1', [15, 15, 100, 100]), // IoU 0.82 with 3: below the gate
      box(10, 2, [10, 10, 100, 100]), // twin of 2
    ];
    const { problems } = checkText(text(anns), RULE);
    assert.deepEqual(problems.map((p) => p.annotationId), [7, 8, 10]);
  });
});
