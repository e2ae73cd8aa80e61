/**
 * The structural rules of the foundation: each finds its defect at the place
 * an editor would show, and stays silent on the clean twin.
 */
import * as assert from 'node:assert/strict';
import { checkDocument } from '../../../../src/core/check';
import { ALL_RULES, STRUCTURAL_RULE_IDS } from '../../../../src/core/rules';
import { checkText, cocoText, parseText, problemPosition, uniquePositionOf } from './helpers';

function clean(): Record<string, unknown> {
  return {
    info: { description: 'test' },
    licenses: [],
    images: [
      { id: 1, file_name: 'a.png', width: 10, height: 10 },
      { id: 2, file_name: 'b.png', width: 10, height: 10 },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0, segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]] },
      { id: 2, image_id: 2, category_id: 2, bbox: [2, 2, 3, 3], area: 9, iscrowd: 0, segmentation: [[2, 2, 5, 2, 5, 5, 2, 5]] },
    ],
    categories: [
      { id: 1, name: 'cat', supercategory: 'animal' },
      { id: 2, name: 'dog', supercategory: 'animal' },
    ],
  };
}

const STRUCTURAL = STRUCTURAL_RULE_IDS;

describe('structural rules', () => {
  it('every structural rule id names a registered rule', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    for (const id of STRUCTURAL) assert.ok(ids.has(id), id);
  });

  it('the clean file gives no structural problem', () => {
    const doc = parseText(cocoText(clean()));
    const { problems } = checkDocument(doc, { only: STRUCTURAL });
    assert.deepEqual(problems.map((p) => `${p.rule}: ${p.message}`), []);
  });

  it('coco/invalid-json: a missing comma, at its line and column', () => {
    const text = cocoText(clean()).replace('"file_name": "b.png"', '"file_name": "b.png" "oops": 1');
    const { doc, problems } = checkText(text, 'coco/invalid-json');
    assert.equal(problems.length, 1);
    const at = problemPosition(doc, problems[0]);
    assert.deepEqual(at, uniquePositionOf(text, '"oops"'));
    assert.equal(problems[0].severity, 'error');
  });

  it('coco/invalid-json: a truncated file is one error, not a crash', () => {
    const full = cocoText(clean());
    const text = full.slice(0, full.indexOf('"categories"') + 20);
    const { problems } = checkText(text, 'coco/invalid-json');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /end/i);
  });

  it('coco/non-finite-number: a bare NaN in a bbox, with its JSON path', () => {
    const c = clean();
    (c.annotations as any[])[1].bbox = [2, 2, NaN, 3];
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/non-finite-number');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].jsonPath, '$.annotations[1].bbox[2]');
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(text, 'NaN'));
    // The model holds a real NaN, so box rules see a number that is not finite.
    assert.ok(Number.isNaN((doc.annotations[1].bbox as number[])[2]));
  });

  it('coco/root-not-object: a top-level array', () => {
    const { problems } = checkText('[\n  {"id": 1}\n]\n', 'coco/root-not-object');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /array/);
    assert.equal(checkText(cocoText(clean()), 'coco/root-not-object').problems.length, 0);
  });

  it('coco/missing-section: each of the three sections', () => {
    const c = clean();
    delete c.categories;
    const { problems } = checkText(cocoText(c), 'coco/missing-section');
    assert.deepEqual(problems.map((p) => p.message), ['The "categories" section is missing.']);
  });

  it('coco/section-wrong-type: annotations as an object, info as a list', () => {
    const c = clean();
    c.annotations = {};
    c.info = [];
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/section-wrong-type');
    assert.equal(problems.length, 1, 'info is coco/optional-section-wrong-type\'s (nothing reads it)');
    const optional = checkText(text, 'coco/optional-section-wrong-type').problems;
    assert.deepEqual(optional.map((p) => [p.severity, p.jsonPath]), [['warning', '$.info']]);
    const ann = problems.find((p) => p.message.startsWith('"annotations"'))!;
    assert.deepEqual(problemPosition(doc, ann), (() => { const p = uniquePositionOf(text, '"annotations": {}'); return { line: p.line, character: p.character + '"annotations": '.length }; })());
  });

  it('coco/element-not-object: a number among images', () => {
    const c = clean();
    (c.images as unknown[]).push(7);
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/element-not-object');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].jsonPath, '$.images[2]');
    assert.equal(doc.lines.positionAt(problems[0].start).line, text.split('\n').findIndex((l) => l.trim() === '7'));
  });

  it('coco/missing-field: an annotation without image_id points at the annotation', () => {
    const c = clean();
    delete (c.annotations as any[])[1].image_id;
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/missing-field');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /annotation \(id 2\) has no "image_id"/);
    assert.equal(problems[0].annotationId, 2);
    assert.equal(problems[0].jsonPath, '$.annotations[1]');
    assert.equal(doc.lines.positionAt(problems[0].start).line, doc.lines.positionAt(doc.annotationEntries[1].start).line);
  });

  it('coco/wrong-type: a string id and a string width', () => {
    const c = clean();
    (c.annotations as any[])[0].id = '17';
    (c.images as any[])[1].width = '640';
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/wrong-type');
    assert.equal(problems.length, 2);
    const id = problems.find((p) => p.jsonPath === '$.annotations[0].id')!;
    assert.match(id.message, /ids must be JSON integers/);
    assert.deepEqual(problemPosition(doc, id), (() => { const p = uniquePositionOf(text, '"17"'); return p; })());
    const width = problems.find((p) => p.jsonPath === '$.images[1].width')!;
    assert.match(width.message, /number written as a string/);
  });

  it('coco/wrong-type: null where a number belongs; NaN is left to non-finite-number', () => {
    const c = clean();
    (c.annotations as any[])[0].area = null;
    (c.annotations as any[])[1].area = NaN;
    const { problems } = checkText(cocoText(c), 'coco/wrong-type');
    assert.deepEqual(problems.map((p) => p.jsonPath), ['$.annotations[0].area']);
    assert.match(problems[0].message, /found null/);
  });

  it('coco/duplicate-id: the second annotation with id 1, related to the first', () => {
    const c = clean();
    (c.annotations as any[])[1].id = 1;
    const text = cocoText(c);
    const { doc, problems } = checkText(text, 'coco/duplicate-id');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].jsonPath, '$.annotations[1].id');
    assert.equal(problems[0].related?.[0].jsonPath, '$.annotations[0].id');
    assert.equal(doc.lines.positionAt(problems[0].related![0].start).line, doc.lines.positionAt(doc.annotationEntries[0].start).line + 1);
  });

  it('coco/annotation-unknown-image and coco/annotation-unknown-category', () => {
    const c = clean();
    (c.annotations as any[])[0].image_id = 42;
    (c.annotations as any[])[1].category_id = 9;
    const text = cocoText(c);
    const img = checkText(text, 'coco/annotation-unknown-image');
    assert.deepEqual(img.problems.map((p) => [p.jsonPath, p.imageId, p.annotationId]), [['$.annotations[0].image_id', 42, 1]]);
    assert.deepEqual(problemPosition(img.doc, img.problems[0]), (() => { const p = uniquePositionOf(text, '"image_id": 42'); return { line: p.line, character: p.character + '"image_id": '.length }; })());
    const cat = checkText(text, 'coco/annotation-unknown-category');
    assert.deepEqual(cat.problems.map((p) => [p.jsonPath, p.categoryId]), [['$.annotations[1].category_id', 9]]);
  });

  it('a string image_id still matches nothing numeric: reported as unknown image', () => {
    const c = clean();
    (c.annotations as any[])[0].image_id = '1';
    const { problems } = checkText(cocoText(c), 'coco/annotation-unknown-image');
    assert.equal(problems.length, 1);
  });

  it('coco/image-file-missing: asks the file access it is given, silent without one', () => {
    const doc = parseText(cocoText(clean()));
    const tried: string[] = [];
    const files = { imageExists: (name: string) => { tried.push(name); return { found: name === 'a.png', tried: [`images/${name}`] }; } };
    const { problems } = checkDocument(doc, { only: ['coco/image-file-missing'], files });
    assert.deepEqual(tried, ['a.png', 'b.png']);
    assert.deepEqual(problems.map((p) => [p.jsonPath, p.imageId]), [['$.images[1].file_name', 2]]);
    assert.match(problems[0].message, /"b\.png" not found; tried images\/b\.png/);
    assert.equal(checkDocument(doc, { only: ['coco/image-file-missing'] }).problems.length, 0);
  });

  it('config: a rule can be switched off or given another severity', () => {
    const c = clean();
    (c.annotations as any[])[0].image_id = 42;
    const doc = parseText(cocoText(c));
    assert.equal(checkDocument(doc, { only: ['coco/annotation-unknown-image'], config: { rules: { 'coco/annotation-unknown-image': 'off' } } }).problems.length, 0);
    const warn = checkDocument(doc, { only: ['coco/annotation-unknown-image'], config: { rules: { 'coco/annotation-unknown-image': 'warning' } } });
    assert.equal(warn.problems[0].severity, 'warning');
    assert.equal(warn.summary.errors, 0);
    assert.equal(warn.summary.warnings, 1);
  });

  it('a rule that crashes is reported, and the other rules still run', () => {
    const doc = parseText(cocoText(clean()));
    const boom = { id: 'coco/boom', defaultSeverity: 'error' as const, description: '', why: '', check() { throw new Error('kaput'); } };
    const ok = { id: 'coco/ok', defaultSeverity: 'info' as const, description: '', why: '', check(ctx: any) { ctx.report({ message: 'hi', at: ctx.sectionPlace() }); } };
    const { problems } = checkDocument(doc, { rules: [boom, ok] });
    assert.deepEqual(problems.map((p) => p.rule).sort(), ['coco/ok', 'labelscope/internal-error']);
  });
});
