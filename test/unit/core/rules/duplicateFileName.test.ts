import * as assert from 'node:assert/strict';
import { checkText, cocoText, dataset, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/duplicate-file-name';

describe(RULE, () => {
  it('reports the second image with a file_name, related to the first', () => {
    const t = cocoText(dataset({ images: [image(1, { file_name: 'a.jpg' }), image(2, { file_name: 'b.jpg' }), image(3, { file_name: 'dir/../a.jpg', height: 481 })] }))
      .replace('"dir/../a.jpg"', '"a.jpg" ');
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    const p = problems[0];
    assert.equal(p.message, 'file_name "a.jpg" is used by image 3 and by image 1 (images[0]).');
    assert.equal(p.severity, 'warning');
    assert.equal(p.imageId, 3);
    assert.deepEqual(problemPosition(doc, p), uniquePositionOf(t, '"a.jpg" '));
    assert.deepEqual(problemPosition(doc, p.related![0]), uniquePositionOf(t, '"a.jpg",'));
  });

  it('distinct file names are clean', () => {
    const t = cocoText(dataset({ images: [image(1, { file_name: 'a.jpg' }), image(2, { file_name: 'A.jpg' })] }));
    assert.deepEqual(checkText(t, RULE).problems, []);
  });
});
