import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, positionWithin, uniquePositionOf } from './helpers';

const RULE = 'coco/area-invalid';
// pycocotools: frPyObjects([SQUARE], 480, 640) covers 10 × 10 = 100 pixels.
const SQUARE = [10, 10, 20, 10, 20, 20, 10, 20];

function text(extra: Record<string, unknown>): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [
      annotation(10, 1, 1, [10, 10, 10, 10], { segmentation: [SQUARE], area: 100 }),
      annotation(11, 1, 1, [10, 10, 10, 10], extra),
    ],
    categories: [category(1, 'cat')],
  }));
}

describe(RULE, () => {
  it('reports area 0 at the area value', () => {
    const t = text({ segmentation: [SQUARE], area: 0 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '"area": 0', '0'));
    assert.equal(problems[0].annotationId, 11);
  });

  it('reports a missing area at the annotation', () => {
    const t = text({ segmentation: [SQUARE] });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, '{\n      "id": 11', '{'));
    assert.match(problems[0].message, /has no "area"/);
  });

  it('says nothing about positive areas, NaN (non-finite-number) or strings (wrong-type)', () => {
    assert.deepEqual(checkText(text({ segmentation: [SQUARE], area: 100 }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [SQUARE], area: NaN }), RULE).problems, []);
    assert.deepEqual(checkText(text({ segmentation: [SQUARE], area: '100' }), RULE).problems, []);
  });

  it('replaces a negative area with the mask area', () => {
    const t = text({ segmentation: [SQUARE], area: -5.5 });
    uniquePositionOf(t, '-5.5');
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /Set area to 100 \(computed from the segmentation\)/);
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text({ segmentation: [SQUARE], area: 100 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('adds a missing area as the last property, from the bbox when there is no mask', () => {
    const t = text({});
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /from the bbox/);
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text({ area: 100 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('offers no fix when neither mask nor box gives an area', () => {
    const t = cocoText(dataset({ images: [image(1)], annotations: [annotation(11, 1, 1, [10, 10, 0, 0], { area: 0 })], categories: [category(1, 'cat')] }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });
});
