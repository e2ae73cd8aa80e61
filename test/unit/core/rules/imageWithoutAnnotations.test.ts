import * as assert from 'node:assert/strict';
import { annotation, category, checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/image-without-annotations';

describe(RULE, () => {
  it('reports the image nothing refers to, at its id', () => {
    const t = cocoText(dataset({
      images: [image(1), image(22), image(3)],
      annotations: [annotation(1, 1, 1, [1, 1, 5, 5]), annotation(2, 3, 1, [1, 1, 5, 5])],
      categories: [category(1, 'cat')],
    }));
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Image 22 ("000022.jpg") has no annotations.');
    assert.equal(problems[0].severity, 'info');
    const at = uniquePositionOf(t, '"id": 22,');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: at.line, character: at.character + '"id": '.length });
  });

  it('every image annotated is clean', () => {
    const t = cocoText(dataset({ images: [image(1)], annotations: [annotation(1, 1, 1, [1, 1, 5, 5])], categories: [category(1, 'cat')] }));
    assert.deepEqual(checkText(t, RULE).problems, []);
  });
});
