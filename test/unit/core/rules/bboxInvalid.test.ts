import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, positionWithin, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/bbox-invalid';

function text(bbox: unknown): string {
  return cocoText(dataset({ images: [image(1)], annotations: [annotation(1, 1, 1, [1, 1, 5, 5]), annotation(2, 1, 1, bbox)], categories: [category(1, 'cat')] }));
}

describe(RULE, () => {
  it('reports a wrong length at the bbox', () => {
    const t = text([10, 20, 30]);
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has a bbox of 3 values; COCO boxes are [x, y, width, height].');
    assert.deepEqual(problemPosition(doc, problems[0]), uniquePositionOf(t, '[10, 20, 30]'));
  });

  it('reports null, a string and NaN inside, at the element', () => {
    for (const [bbox, ctx, target, what] of [
      [[10, 20, null, 5], '[10, 20, null, 5]', 'null', 'bbox[2] (width) is null'],
      [[10, '20', 7, 5], '[10, "20", 7, 5]', '"20"', 'bbox[1] (y) is the string "20"'],
      [[10, 20, 7, NaN], '[10, 20, 7, NaN]', 'NaN', 'bbox[3] (height) is NaN'],
    ] as const) {
      const t = text(bbox);
      const { doc, problems } = checkText(t, RULE);
      assert.equal(problems.length, 1, ctx);
      assert.equal(problems[0].message, `Annotation 2: ${what}, not a finite number.`);
      assert.deepEqual(problemPosition(doc, problems[0]), positionWithin(t, ctx, target));
    }
  });

  it('four numbers are clean (negative sizes are another rule\'s); a non-array is wrong-type\'s', () => {
    assert.deepEqual(checkText(text([0, 0.5, 3, -2]), RULE).problems, []);
    assert.deepEqual(checkText(text('1,2,3,4'), RULE).problems, []);
  });
});
