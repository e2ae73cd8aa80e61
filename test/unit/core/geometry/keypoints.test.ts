/**
 * Keypoint results without a box: the box and area pycocotools' COCO.loadRes gives them
 * (coco.py, keypoints branch: x0, x1, y0, y1 = min / max of s[0::3] and s[1::3] over every
 * triple; bbox = [x0, y0, x1 - x0, y1 - y0]; area = (x1 - x0) * (y1 - y0)), and where Labelscope
 * uses it: evaluation, the matcher (agreement), the viewer's payload.
 */
import * as assert from 'node:assert/strict';
import { keypointsExtent } from '../../../../src/core/geometry/keypoints';
import { makeMatchObject, oks } from '../../../../src/core/metrics/match';
import { makeMatchObject as makeObject } from '../../../../src/core/metrics/match/objects';
import { evaluateCoco } from '../../../../src/core/metrics/eval';
import { CocoEditorModel } from '../../../../src/editor/editorModel';

describe('keypoint results: the box and area loadRes derives', () => {
  it('min / max over every triple, unlabelled (0, 0) points included, as loadRes slices them', () => {
    // Worked by hand: x = 10, 30, 0 → x0 0, x1 30; y = 20, 5, 0 → y0 0, y1 20.
    assert.deepEqual(keypointsExtent([10, 20, 2, 30, 5, 1, 0, 0, 0]), { bbox: [0, 0, 30, 20], area: 600 });
    // Only labelled points: x 12..40, y 8..50 → [12, 8, 28, 42], area 1176.
    assert.deepEqual(keypointsExtent([12, 50, 0.9, 40, 8, 0.4]), { bbox: [12, 8, 28, 42], area: 28 * 42 });
    // One point: a zero box.
    assert.deepEqual(keypointsExtent([7, 9, 1]), { bbox: [7, 9, 0, 0], area: 0 });
  });

  it('nothing for what loadRes cannot slice into numbers', () => {
    for (const bad of [undefined, [], [1, 2], 'x', [1, 'a', 2], [1, NaN, 2]]) assert.equal(keypointsExtent(bad), undefined);
  });

  it('evaluation: the result gets the derived box and area (area 400: not medium)', () => {
    const gt = {
      images: [{ id: 1, width: 100, height: 100, file_name: 'a.jpg' }],
      categories: [{ id: 1, name: 'p', keypoints: ['a', 'b'], skeleton: [] }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, iscrowd: 0, area: 400, bbox: [10, 10, 20, 20], num_keypoints: 2, keypoints: [10, 10, 2, 30, 30, 2] }],
    };
    const r = evaluateCoco(gt, [{ image_id: 1, category_id: 1, score: 0.9, keypoints: [10, 10, 1, 30, 30, 1] }], { iouType: 'keypoints', kptOksSigmas: [0.5, 0.5] });
    const dt = r.prepared.tasks[0].dts[0];
    assert.deepEqual([dt.bbox, dt.area], [[10, 10, 20, 20], 400]);
    // A perfect match (AP ≈ 1); keypoints have no "small" range, and at area 400 nothing is medium (APm = -1).
    assert.ok(Math.abs(r.stats[0] - 1) < 1e-12 && r.stats[3] === -1, String(r.stats));
  });

  it('the matcher gives a box-less keypoint object its derived extent, and OKS scales by that area', () => {
    const kp = [10, 10, 2, 30, 30, 2];
    const a = makeObject(0, { id: 1, category_id: 1, keypoints: kp, score: 0.9 }, '1', 100, 100);
    assert.deepEqual(a.extent, [10, 10, 20, 20]);
    const b = makeMatchObject(0, { id: 2, category_id: 1, keypoints: [12, 10, 2, 30, 30, 2] }, '1', 100, 100);
    // OKS with a's area 400 (its derived one), sigma 0.1: point 1 is 2 px off, point 2 exact.
    const e = 4 / (2 * 0.1) ** 2 / (400 + Number.EPSILON) / 2;
    assert.equal(oks(a, b, 0.1), (Math.exp(-e) + 1) / 2);
  });

  it('the viewer\'s payload: a keypoint detection without a box gets loadRes\'s box and area; a label without one does not', () => {
    const text = JSON.stringify({
      images: [{ id: 1, width: 100, height: 100, file_name: 'a.jpg' }],
      categories: [{ id: 1, name: 'p', keypoints: ['a', 'b'] }],
      annotations: [
        { image_id: 1, category_id: 1, score: 0.8, keypoints: [12, 50, 0.9, 40, 8, 0.4] },
        { id: 5, image_id: 1, category_id: 1, keypoints: [12, 50, 2, 40, 8, 2] },
      ],
    });
    const model = CocoEditorModel.fromBytes(new TextEncoder().encode(text), 'results.json');
    const [det, label] = model.imagePayload(0).annotations;
    assert.deepEqual([det.bbox, det.area], [[12, 8, 28, 42], 28 * 42]);
    assert.deepEqual([label.bbox, label.area], [null, null]);
  });
});
