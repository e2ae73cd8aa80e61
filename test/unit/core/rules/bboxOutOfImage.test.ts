import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/bbox-out-of-image';

function text(bbox: unknown, width = 640, pretty: 'coco' | 'python' = 'coco'): string {
  const d = dataset({
    images: [image(1, { width, height: 480 })],
    annotations: [annotation(10, 1, 1, [5, 5, 20, 20]), annotation(11, 1, 1, bbox)],
    categories: [category(1, 'cat')],
  });
  return pretty === 'coco' ? cocoText(d) : JSON.stringify(d, null, 2);
}

describe(RULE, () => {
  it('reports a box that leaves the image on the right, at its bbox', () => {
    const t = text([600.5, 10, 60, 20]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(t, '[600.5, 10, 60, 20]'));
    assert.equal(problems[0].message, 'Annotation 11: box [600.5, 10, 60, 20] leaves image 1 (640 × 480) by 20.5 px at the right.');
    assert.equal(problems[0].annotationId, 11);
  });

  it('reports negative x and y too', () => {
    const { problems } = checkText(text([-3, -2, 10, 10]), RULE);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /by 3 px at the left and top\.$/);
  });

  it('accepts boxes inside the image and within the tolerance', () => {
    assert.deepEqual(checkText(text([600, 10, 40, 20]), RULE).problems, []);
    assert.deepEqual(checkText(text([-1, 0, 641, 480]), RULE).problems, []);
    assert.equal(checkText(text([-1, 0, 641, 480]), RULE, { tolerance: 0 }).problems.length, 1);
  });

  it('clips the box element by element, keeping the file\'s number style', () => {
    const t = text([600.5, -4, 60, 20]);
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /Clip the box to the image \(640 × 480\); "area" is left as it is/);
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text([600.5, 0, 39.5, 16]));
    assert.deepEqual(checkText(fixed, RULE, { tolerance: 0 }).problems, []);
  });

  it('clips a multi-line bbox (json.dump indent=2) without reformatting it', () => {
    const t = text([630.25, 10, 30.125, 20], 640, 'python');
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, text([630.25, 10, 9.75, 20], 640, 'python'));
    assert.deepEqual(checkText(fixed, RULE, { tolerance: 0 }).problems, []);
  });

  it('rounds a clipped size down to the file\'s precision', () => {
    const t = text([600.333, 0, 50, 10]);
    const { doc, problems } = checkText(t, RULE);
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, text([600.333, 0, 39.667, 10]));
    assert.deepEqual(checkText(fixed, RULE, { tolerance: 0 }).problems, []);
  });

  it('offers no fix for a box wholly outside the image', () => {
    const { doc, problems } = checkText(text([700, 10, 20, 20]), RULE);
    assert.equal(problems.length, 1);
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });

  it('fix: when the polygons leave the image too, clips them and derives the box from them', () => {
    const t = cocoText(dataset({
      images: [image(1, { width: 320, height: 240 })],
      annotations: [annotation(13, 1, 1, [290, 200, 50, 50], { segmentation: [[290, 200, 340, 200, 340, 250, 290, 250]], area: 2500 })],
      categories: [category(1, 'box')],
    }));
    const { doc, problems } = checkText(t, 'coco/bbox-out-of-image');
    assert.equal(problems.length, 1);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /Clip the polygons/);
    assert.equal(applyFix(doc, fix), t
      .replace('[[290, 200, 340, 200, 340, 250, 290, 250]]', '[[290, 200, 320, 200, 320, 240, 290, 240]]')
      .replace('[290, 200, 50, 50]', '[290, 200, 30, 40]')
      .replace('"area": 2500', '"area": 1200'));
  });
});
