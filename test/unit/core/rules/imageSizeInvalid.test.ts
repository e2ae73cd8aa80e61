import * as assert from 'node:assert/strict';
import { checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/image-size-invalid';

describe(RULE, () => {
  it('reports a zero width and a fractional height at the values', () => {
    const t = cocoText(dataset({ images: [image(1), image(2, { width: 0, height: 480.5 })] }));
    const { doc, problems } = checkText(t, RULE);
    assert.deepEqual(problems.map((p) => p.message), [
      'Image 2 has width 0: it must be a positive whole number of pixels.',
      'Image 2 has height 480.5: it must be a positive whole number of pixels.',
    ]);
    assert.deepEqual(problemPosition(doc, problems[0]), { ...uniquePositionOf(t, '"width": 0,'), character: uniquePositionOf(t, '"width": 0,').character + '"width": '.length });
    assert.deepEqual(problemPosition(doc, problems[1]), { ...uniquePositionOf(t, '480.5'), character: uniquePositionOf(t, '480.5').character });
  });

  it('reports a negative size; missing and string sizes are other rules\'', () => {
    const t = cocoText(dataset({ images: [image(1, { height: -3 }), image(2, { width: '640' }), { id: 3, file_name: 'x.jpg' }] }));
    const { problems } = checkText(t, RULE);
    assert.deepEqual(problems.map((p) => p.message), ['Image 1 has height -3: it must be a positive whole number of pixels.']);
  });

  it('positive integers are clean', () => {
    assert.deepEqual(checkText(cocoText(dataset({ images: [image(1), image(2, { width: 1, height: 1 })] })), RULE).problems, []);
  });
});
