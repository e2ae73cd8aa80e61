/** The dataset-level rules: category-unused, single-category, category-few-samples, class-imbalance, bbox-size-outlier. */
import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

/** `counts[k]` annotations of category k + 1, with `boxes` overriding some boxes by annotation index. */
function text(names: string[], counts: number[], boxes: Record<number, number[]> = {}): string {
  const annotations: Record<string, unknown>[] = [];
  counts.forEach((n, k) => {
    for (let i = 0; i < n; i++) {
      const id = annotations.length + 1;
      annotations.push(annotation(id, 1, k + 1, boxes[id - 1] ?? [1, 1, 10, 10]));
    }
  });
  return cocoText(dataset({ images: [image(1)], annotations, categories: names.map((n, k) => category(k + 1, n)) }));
}

function idPosition(t: string, id: number, name: string): { line: number; character: number } {
  const lines = t.split('\n');
  const line = lines.findIndex((l, i) => l.trim() === `"id": ${id},` && lines[i + 1]?.trim() === `"name": "${name}",`);
  assert.ok(line > 0, `category ${id} ${name}`);
  return { line, character: lines[line].indexOf(String(id)) };
}

describe('coco/category-unused', () => {
  const RULE = 'coco/category-unused';
  it('reports the category with no annotations at its id', () => {
    const t = text(['cat', 'dgo', 'dog'], [3, 0, 2]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Category "dgo" (id 2) has no annotations.');
    assert.deepEqual(problemPosition(doc, problems[0]), idPosition(t, 2, 'dgo'));
  });
  it('all used is clean', () => assert.deepEqual(checkText(text(['cat', 'dog'], [1, 1]), RULE).problems, []));
});

describe('coco/single-category', () => {
  const RULE = 'coco/single-category';
  it('reports one category at the categories section', () => {
    const t = text(['object'], [4]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'The dataset has only one category, "object" (id 1).');
    const at = uniquePositionOf(t, '"categories": [');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: at.line, character: at.character + '"categories": '.length });
  });
  it('two categories are clean', () => assert.deepEqual(checkText(text(['cat', 'dog'], [1, 1]), RULE).problems, []));
});

describe('coco/category-few-samples', () => {
  const RULE = 'coco/category-few-samples';
  it('reports a category with one annotation (not the unused one)', () => {
    const t = text(['cat', 'dgo', 'dog', 'cow'], [3, 1, 2, 0]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Category "dgo" (id 2) has only 1 annotation; categories with a single annotation are reported (option fewSamples).');
    assert.deepEqual(problemPosition(doc, problems[0]), idPosition(t, 2, 'dgo'));
  });
  it('fewSamples option; more is clean', () => {
    assert.equal(checkText(text(['cat', 'dog'], [3, 2]), RULE, { fewSamples: 2 }).problems.length, 1);
    assert.deepEqual(checkText(text(['cat', 'dog'], [3, 2]), RULE).problems, []);
  });
});

describe('coco/class-imbalance', () => {
  const RULE = 'coco/class-imbalance';
  it('reports once at the categories section with the counts, related to both categories', () => {
    const t = text(['person', 'toaster', 'dog', 'unused'], [102, 2, 10, 0]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Classes are imbalanced: "person" (id 1) has 102 annotations, "toaster" (id 2) only 2 (51× > 50×).');
    const at = uniquePositionOf(t, '"categories": [');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: at.line, character: at.character + '"categories": '.length });
    const rel = problems[0].related!;
    assert.equal(rel.length, 2);
    const p0 = uniquePositionOf(t, '"person"');
    assert.deepEqual(problemPosition(doc, rel[0]), p0);
    assert.deepEqual(problemPosition(doc, rel[1]), uniquePositionOf(t, '"toaster"'));
  });
  it('exactly 50× is clean; the ratio option', () => {
    assert.deepEqual(checkText(text(['person', 'toaster'], [100, 2]), RULE).problems, []);
    assert.equal(checkText(text(['person', 'toaster'], [100, 2]), RULE, { ratio: 10 }).problems.length, 1);
  });
});

describe('coco/bbox-size-outlier', () => {
  const RULE = 'coco/bbox-size-outlier';
  it('reports a box far larger than the rest of its category (log space), related to the category', () => {
    // 30 boxes of 10 × 10 and one of 1000 × 1000: z = 30 / √30 ≈ 5.48 in any space.
    const t = text(['cup', 'plate'], [31, 3], { 17: [0, 0, 1000, 1000] });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message,
      `Annotation 18: box area 1000000 px² is 5.5 σ above the geometric mean of its category's box areas (${Math.round(100 * 1e4 ** (1 / 31))} px², measured on log(area)) for category "cup" (id 1), over 31 boxes.`);
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(t, '[0, 0, 1000, 1000]'));
    assert.deepEqual(problemPosition(doc, problems[0].related![0]), uniquePositionOf(t, '"cup"'));
  });
  it('linear space says so; a sigma above the largest z is clean', () => {
    const t = text(['cup', 'plate'], [31, 3], { 17: [0, 0, 1000, 1000] });
    const linear = checkText(t, RULE, { space: 'linear' }).problems;
    assert.equal(linear.length, 1);
    assert.match(linear[0].message, /5\.5 σ above the mean of its category's box areas \(32355 px², linear\)/);
    assert.deepEqual(checkText(t, RULE, { sigma: 6 }).problems, []);
  });
  it('similar boxes are clean, even when σ is tiny (minFactor)', () => {
    const t = text(['cup'], [40], { 3: [0, 0, 12, 9], 9: [0, 0, 8, 11] });
    assert.deepEqual(checkText(t, RULE).problems, []);
    // Without the factor guard, 88 px² among 100 px² boxes is 5.4 σ away.
    assert.equal(checkText(t, RULE, { minFactor: 1 }).problems.length, 1);
  });
});
