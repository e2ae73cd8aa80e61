/** PR / F1 curves, the confusion matrix and the label hints on a scene built to show each. */
import * as assert from 'node:assert/strict';
import { evaluateCoco } from '../../../../../src/core/metrics/eval';

type Box = [number, number, number, number];
const cats = [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }];
const gt = (id: number, category_id: number, bbox: Box) => ({ id, image_id: 1, category_id, bbox, area: bbox[2] * bbox[3], iscrowd: 0 });
const det = (category_id: number, bbox: Box, score: number) => ({ image_id: 1, category_id, bbox, score });

describe('evaluation analysis (beyond pycocotools)', () => {
  const res = evaluateCoco(
    {
      images: [{ id: 1, width: 1000, height: 1000, file_name: 'a.jpg' }],
      annotations: [
        gt(1, 1, [0, 0, 100, 100]), // found: cat/cat
        gt(2, 1, [200, 0, 100, 100]), // labelled cat, detected as dog at IoU 0.96: wrong class?
        gt(3, 2, [400, 0, 100, 100]), // detected at IoU ~0.33: badly placed?
        gt(4, 2, [600, 600, 100, 100]), // never detected
      ],
      categories: cats,
    },
    [
      det(1, [0, 0, 100, 100], 0.95),
      det(2, [202, 0, 100, 98], 0.9),
      det(2, [450, 0, 100, 100], 0.8),
      det(1, [800, 100, 50, 50], 0.85), // nothing there: missing label?
      det(2, [900, 900, 50, 50], 0.1), // below every threshold
    ],
    { iouType: 'bbox' },
  );
  const a = res.analysis;

  it('confusion matrix at IoU 0.5: rows = labels, columns = detections, last row/column = unmatched', () => {
    assert.deepEqual(a.confusion!.labels, ['cat', 'dog', 'unmatched']);
    assert.deepEqual(a.confusion!.cells, [
      [1, 1, 0], // cat labels: one found as cat, one found as dog
      [0, 0, 2], // dog labels: neither found (the loose box is below 0.5)
      [1, 1, 0], // detections on nothing: a cat (800,100) and the loose dog box
    ]);
  });

  it('label hints: missing label, wrong class, badly placed box, each with the detection score', () => {
    const hints = a.hints.map((h) => [h.rule, h.jsonPath, h.score]);
    assert.deepEqual(hints.sort(), [
      ['eval/hint-badly-placed', '$.annotations[2].bbox', 0.8],
      ['eval/hint-missing-label', '$.images[0]', 0.85],
      ['eval/hint-wrong-class', '$.annotations[1].category_id', 0.9],
    ].sort());
    assert.ok(a.hints.every((h) => h.file === 'gt' && h.severity === 'info'));
    assert.ok(res.problems.some((p) => p.rule === 'eval/hint-missing-label'));
  });

  it('PR curve per class at IoU 0.5 and the best F1 threshold', () => {
    const cat = a.curves.find((c) => c.name === 'cat')!;
    assert.equal(cat.precision.length, 101);
    // cat: TP (0.95), FP (0.85); two cat labels -> best F1 at 0.95: P 1, R ½, F1 ⅔.
    assert.deepEqual(cat.best, { score: 0.95, precision: 1, recall: 0.5, f1: 2 / 3 });
    assert.deepEqual(cat.f1.map((p) => p.score), [0.95, 0.85]);
    const dog = a.curves.find((c) => c.name === 'dog')!;
    assert.equal(dog.best, undefined); // no dog label was found
  });
});
