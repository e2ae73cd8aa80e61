import * as assert from 'node:assert/strict';
import { ruleById } from '../../../../src/core/rules';
import { applyFix, category, checkText, cocoText, dataset, fixOf, image, problemPosition, uniquePositionOf } from './helpers';

const RULE = 'coco/iscrowd-invalid';

function text(second: Record<string, unknown>, pretty = true): string {
  const d = dataset({
    images: [image(1)],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 5, 5], iscrowd: 0 }, { id: 2, image_id: 1, category_id: 1, bbox: [2, 2, 5, 5], ...second }],
    categories: [category(1, 'cat')],
  });
  return pretty ? cocoText(d) : JSON.stringify(d);
}

describe(RULE, () => {
  it('reports a missing iscrowd at the annotation', () => {
    const t = text({ area: 25 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has no "iscrowd"; COCOeval raises KeyError without it.');
    const lines = t.split('\n');
    const idLine = lines.findIndex((l) => l.trim() === '"id": 2,');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: idLine - 1, character: lines[idLine - 1].indexOf('{') });
  });

  it('reports iscrowd 2 at the value, without a fix', () => {
    const t = text({ iscrowd: 2 });
    const { doc, problems } = checkText(t, RULE);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].message, 'Annotation 2 has iscrowd 2; it must be 0 (an object) or 1 (a crowd region).');
    const at = uniquePositionOf(t, '"iscrowd": 2');
    assert.deepEqual(problemPosition(doc, problems[0]), { line: at.line, character: at.character + '"iscrowd": '.length });
    assert.equal(ruleById(RULE)!.fix!(doc, problems[0]), undefined);
  });

  it('0 and 1 are clean', () => {
    assert.deepEqual(checkText(text({ iscrowd: 1 }), RULE).problems, []);
  });

  it('adds "iscrowd": 0 as the last member, multi-line and one-line', () => {
    for (const pretty of [true, false]) {
      const t = text({ area: 25 }, pretty);
      const { doc, problems } = checkText(t, RULE);
      const fix = fixOf(doc, problems[0]);
      assert.equal(fix.title, 'Add "iscrowd": 0');
      const fixed = applyFix(doc, fix);
      // One-line files get the member on the same line, with the editor's ", " separator.
      const expected = pretty ? text({ area: 25, iscrowd: 0 }) : t.replace('"area":25}', '"area":25, "iscrowd": 0}');
      assert.notEqual(expected, t);
      assert.equal(fixed, expected);
      assert.deepEqual(checkText(fixed, RULE).problems, []);
    }
  });

  it('adds "iscrowd": 1 when the segmentation is an RLE', () => {
    const seg = { size: [480, 640], counts: 'PPYo0' };
    const t = text({ segmentation: seg });
    const { doc, problems } = checkText(t, RULE);
    const fix = fixOf(doc, problems[0]);
    assert.match(fix.title, /^Add "iscrowd": 1 /);
    const fixed = applyFix(doc, fix);
    assert.equal(fixed, text({ segmentation: seg, iscrowd: 1 }));
    assert.deepEqual(checkText(fixed, RULE).problems, []);
  });
});
