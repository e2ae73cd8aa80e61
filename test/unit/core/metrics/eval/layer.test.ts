/**
 * The viewer's prediction layer (evalLayer): states, matched labels and IoUs at every threshold,
 * worked by hand on one image, and mask outlines traced on the mask's box.
 */
import * as assert from 'node:assert/strict';
import { evalLayer, evaluateCoco, rleOutline } from '../../../../../src/core/metrics/eval';
import { rleEncodeColumnMajor } from '../../../../../src/core/geometry';

const gt = {
  images: [{ id: 1, width: 100, height: 60, file_name: 'a.jpg' }],
  categories: [{ id: 1, name: 'car' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, iscrowd: 0, area: 100, bbox: [0, 0, 10, 10] },
    { id: 2, image_id: 1, category_id: 1, iscrowd: 0, area: 100, bbox: [20, 0, 10, 10] },
  ],
};

describe('evalLayer: the viewer\'s prediction layer', () => {
  it('every threshold: TP / FP states, the matched label, its IoU, and the score that matched each label', () => {
    // d1 on label 1 (IoU 1), d2 on label 2 (box [20, 0, 10, 8]: IoU 80 / 100 = 0.8), d3 on nothing.
    const r = evaluateCoco(gt, [
      { image_id: 1, category_id: 1, score: 0.9, bbox: [0, 0, 10, 10] },
      { image_id: 1, category_id: 1, score: 0.8, bbox: [20, 0, 10, 8] },
      { image_id: 1, category_id: 1, score: 0.3, bbox: [50, 40, 5, 5] },
    ], { iouType: 'bbox' });
    const layer = evalLayer(r, 0)!;
    assert.deepEqual(layer.iouThrs.map((t) => t.toFixed(2)), ['0.50', '0.55', '0.60', '0.65', '0.70', '0.75', '0.80', '0.85', '0.90', '0.95']);
    const [d1, d2, d3] = layer.detections;
    assert.deepEqual([d1.id, d2.id, d3.id], [1, 2, 3]);
    assert.deepEqual(d1.state, new Array(10).fill(1));
    assert.deepEqual(d1.iou, new Array(10).fill(1));
    // 0.8 ≥ thresholds 0.50 … 0.80 (7 of them): a TP of label 2; above: an FP whose best IoU is 0.8.
    assert.deepEqual(d2.state, [1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    assert.deepEqual(d2.matched, [2, 2, 2, 2, 2, 2, 2, null, null, null]);
    assert.ok(d2.iou.every((v) => Math.abs(v - 0.8) < 1e-12));
    assert.deepEqual([d3.state, d3.iou], [new Array(10).fill(2), new Array(10).fill(0)]);
    const [l1, l2] = layer.labels;
    assert.deepEqual(l1.matchScore, new Array(10).fill(0.9));
    assert.deepEqual(l2.matchScore, [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, -1, -1, -1]);
    assert.equal(d1.rings, undefined, 'bbox evaluation: boxes only');
  });

  it('segm: detections and labels carry outlines; an RLE mask is traced on its box', () => {
    const bits = new Uint8Array(60 * 100);
    for (let x = 20; x < 30; x++) for (let y = 0; y < 10; y++) bits[x * 60 + y] = 1;
    const counts = rleEncodeColumnMajor(bits, 60, 100).counts as number[];
    // The traced outline of a 10 × 10 square at (20, 0): pixel edges, as pycocotools rasterizes them back.
    assert.deepEqual(rleOutline({ size: [60, 100], counts }).map((r) => {
      const xs = r.filter((_, k) => k % 2 === 0), ys = r.filter((_, k) => k % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    }), [[20, 0, 30, 10]]);
    const segGt = { ...gt, annotations: gt.annotations.map((a) => ({ ...a, segmentation: [[a.bbox[0], a.bbox[1], a.bbox[0] + 10, a.bbox[1], a.bbox[0] + 10, a.bbox[1] + 10, a.bbox[0], a.bbox[1] + 10]] })) };
    const r = evaluateCoco(segGt, [{ image_id: 1, category_id: 1, score: 0.7, segmentation: { size: [60, 100], counts } }], { iouType: 'segm' });
    const layer = evalLayer(r, 0)!;
    assert.equal(layer.detections.length, 1);
    assert.equal(layer.detections[0].rings!.length, 1);
    assert.deepEqual(layer.detections[0].state[0], 1);
    assert.deepEqual(layer.labels.map((l) => l.rings!.length), [1, 1]);
  });
});
