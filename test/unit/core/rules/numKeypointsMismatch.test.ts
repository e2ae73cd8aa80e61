import * as assert from 'node:assert/strict';
import { annotation, applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/num-keypoints-mismatch';

function text(extra: Record<string, unknown>): string {
  return cocoText(dataset({
    images: [image(1)],
    annotations: [
      annotation(1, 1, 1, [0, 0, 50, 50], { keypoints: [1, 2, 2, 3, 4, 1, 0, 0, 0], num_keypoints: 2 }),
      annotation(2, 1, 1, [0, 0, 50, 50], { keypoints: [10, 20, 2, 0, 0, 0, 30, 31, 1], ...extra }),
    ],
    categories: [category(1, 'person', { keypoints: ['nose', 'eye', 'ear'] })],
  }));
}

describe(RULE, () => {
  it('reports a wrong count at num_keypoints, and fixes it', () => {
    const t = text({ num_keypoints: 3 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has num_keypoints 3 but 2 keypoints are labeled (visibility > 0).');
    const at = uniquePositionOf(t, '"num_keypoints": 3');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: at.line, character: at.character + '"num_keypoints": '.length });
    const fix = fixOf(doc, problems[0]);
    assert.equal(fix.title, 'Set num_keypoints to 2');
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text({ num_keypoints: 2 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('reports a missing num_keypoints at the annotation, and adds it', () => {
    const t = text({ area: 100 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has keypoints but no "num_keypoints" (2 are visible); COCOeval reads it.');
    const lines = t.split('\n');
    const idLine = lines.findIndex((l) => l.trim() === '"id": 2,');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: idLine - 1, character: lines[idLine - 1].indexOf('{') });
    const fixed = applyFix(doc, fixOf(doc, problems[0]));
    assert.equal(fixed, text({ area: 100, num_keypoints: 2 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });

  it('a right count is clean', () => {
    assert.deepEqual(checkText(text({ num_keypoints: 2 }), RULE).problems, []);
  });
});
