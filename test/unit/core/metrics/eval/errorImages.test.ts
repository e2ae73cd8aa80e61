/**
 * imagesWithErrors (the prediction layer's cross-image walk): which images have a false positive
 * or negative at a threshold and minimum score — worked by hand on four images, and the same
 * answer as the viewer's own rule on evalLayer at every threshold and several score cuts.
 */
import * as assert from 'node:assert/strict';
import { evalLayer, evaluateCoco, imagesWithErrors, type EvalLayer } from '../../../../../src/core/metrics/eval';

const box = (id: number, image_id: number, bbox: number[], iscrowd = 0) => ({ id, image_id, category_id: 1, iscrowd, area: bbox[2] * bbox[3], bbox });
const gt = {
  images: [1, 2, 3, 4].map((id) => ({ id, width: 100, height: 60, file_name: `${id}.jpg` })),
  categories: [{ id: 1, name: 'car' }],
  annotations: [
    box(1, 1, [0, 0, 10, 10]), // image 1: found exactly
    box(2, 2, [0, 0, 10, 10]), // image 2: found only at IoU 0.8 (score 0.7)
    box(3, 3, [0, 0, 10, 10], 1), // image 3: a crowd region, never missed
    box(4, 4, [0, 0, 10, 10]), // image 4: found exactly, plus a low-scoring false positive
  ],
};
const dets = [
  { image_id: 1, category_id: 1, score: 0.9, bbox: [0, 0, 10, 10] },
  { image_id: 2, category_id: 1, score: 0.7, bbox: [0, 0, 10, 8] },
  { image_id: 3, category_id: 1, score: 0.6, bbox: [0, 0, 10, 10] },
  { image_id: 4, category_id: 1, score: 0.9, bbox: [0, 0, 10, 10] },
  { image_id: 4, category_id: 1, score: 0.2, bbox: [60, 40, 10, 10] },
];

/** The viewer's rule (predictionLayer.ts): shown FPs plus labels no shown TP matched. */
function layerErrors(layer: EvalLayer | undefined, t: number, minScore: number): number {
  if (!layer) return 0;
  const fps = layer.detections.filter((d) => d.score >= minScore && d.state[t] === 2).length;
  const fns = layer.labels.filter((l) => !l.ignore && !(l.matchScore[t] >= 0 && l.matchScore[t] >= minScore)).length;
  return fps + fns;
}

describe('imagesWithErrors: images with a false positive or negative', () => {
  const r = evaluateCoco(gt, dets, { iouType: 'bbox' });
  const at = (iou: number) => r.prepared.params.iouThrs.findIndex((v) => Math.abs(v - iou) < 1e-9);

  it('worked by hand: a looser match fails a stricter threshold, a score cut drops a false positive and turns a match into a miss, crowds are never missed', () => {
    assert.deepEqual([...imagesWithErrors(r, at(0.5), 0)].sort(), [4], 'IoU 0.50: only image 4\'s 0.2 false positive');
    assert.deepEqual([...imagesWithErrors(r, at(0.85), 0)].sort(), [2, 4], 'IoU 0.85: image 2\'s 0.8 match is a FP and its label a miss');
    assert.deepEqual([...imagesWithErrors(r, at(0.5), 0.5)].sort(), [], 'score ≥ 0.5: image 4\'s FP hidden');
    assert.deepEqual([...imagesWithErrors(r, at(0.5), 0.8)].sort(), [2], 'score ≥ 0.8: image 2\'s label matched only by a 0.7 is a miss; image 3\'s crowd is not');
  });

  it('the same images as the viewer\'s rule on every image\'s layer, at every threshold and score cut', () => {
    for (let t = 0; t < r.prepared.params.iouThrs.length; t++) {
      for (const s of [0, 0.1, 0.2, 0.3, 0.65, 0.7, 0.75, 0.9, 0.95]) {
        const want = r.prepared.imageIds.filter((_, i) => layerErrors(evalLayer(r, i), t, s) > 0);
        assert.deepEqual([...imagesWithErrors(r, t, s)].sort(), [...want].sort(), `t ${t}, score ${s}`);
      }
    }
  });
});
