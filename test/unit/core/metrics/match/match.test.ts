import * as assert from 'node:assert/strict';
import { assignOptimal, matchDocuments, pairImages } from '../../../../../src/core/metrics/match';
import { bboxIou } from '../../../../../src/core/geometry/bbox';
import { countsIou } from '../../../../../src/core/geometry/rle';
import { polygonsToRle } from '../../../../../src/core/geometry/polygon';
import { CATS, box, doc, image, poly } from './helpers';

const iou = (a: number[], b: number[]) => bboxIou([a], [b])[0][0];

describe('match engine', () => {
  describe('optimal assignment (greedy and optimal differ)', () => {
    // Boxes of height 10 on one row, so IoU is the overlap of x-intervals over their union:
    //   a1 = x 0..10, a2 = x -2..8, b1 = x 0..9, b2 = x 1..11
    //   IoU(a1,b1) = 9/10 = 0.900   IoU(a1,b2) = 9/11 ≈ 0.818
    //   IoU(a2,b1) = 8/11 ≈ 0.727   IoU(a2,b2) = 7/13 ≈ 0.538
    // With threshold 0.6, greedy (best pair first) takes a1–b1 and then a2–b2 is under the
    // threshold: 1 match. The optimal assignment takes a1–b2 + a2–b1: 2 matches.
    const a1 = [0, 0, 10, 10], a2 = [-2, 0, 10, 10], b1 = [0, 0, 9, 10], b2 = [1, 0, 10, 10];

    it('the hand-worked IoUs are what the geometry computes', () => {
      assert.equal(iou(a1, b1), 0.9);
      assert.equal(iou(a1, b2), 9 / 11);
      assert.equal(iou(a2, b1), 8 / 11);
      assert.equal(iou(a2, b2), 7 / 13);
    });

    it('assignOptimal pairs a1–b2 and a2–b1', () => {
      const A = [a1, a2], B = [b1, b2];
      const pairs = assignOptimal(2, 2, (i, j) => iou(A[i], B[j]), 0.6);
      assert.deepEqual(pairs.map((p) => [p.row, p.col]).sort(), [[0, 1], [1, 0]]);
    });

    it('matchDocuments finds both pairs in an image', () => {
      const A = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 1, a1.map((v, k) => (k === 0 ? v + 5 : v))), box(2, 1, 1, a2.map((v, k) => (k === 0 ? v + 5 : v)))] });
      const B = doc({ images: [image(1)], categories: CATS, annotations: [box(11, 1, 1, b1.map((v, k) => (k === 0 ? v + 5 : v))), box(12, 1, 1, b2.map((v, k) => (k === 0 ? v + 5 : v)))] });
      const m = matchDocuments(A, B, { iouThreshold: 0.6 });
      const im = m.images[0];
      assert.deepEqual(im.pairs.map((p) => [p.a, p.b]).sort(), [[0, 1], [1, 0]]);
      assert.deepEqual([im.onlyA, im.onlyB], [[], []]);
      assert.ok(im.pairs.every((p) => p.by === 'overlap' && p.kind === 'box' && p.sameLabel));
    });
  });

  it('a label conflict: same place, other category, paired in the cross-category pass', () => {
    const A = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 1, [10, 10, 30, 30]), box(2, 1, 3, [60, 60, 20, 20])] });
    const B = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 2, [11, 10, 30, 30]), box(2, 1, 3, [60, 60, 20, 20])] });
    const im = matchDocuments(A, B).images[0];
    const conflict = im.pairs.find((p) => p.a === 0)!;
    assert.equal(conflict.b, 0);
    assert.equal(conflict.by, 'cross-category');
    assert.equal(conflict.sameLabel, false);
    assert.equal(conflict.similarity, iou([10, 10, 30, 30], [11, 10, 30, 30]));
    assert.equal(im.pairs.find((p) => p.a === 1)!.sameLabel, true);
    // Without the second pass the two cars/trucks stay unmatched.
    const strict = matchDocuments(A, B, { crossCategory: false }).images[0];
    assert.deepEqual([strict.onlyA, strict.onlyB], [[0], [0]]);
  });

  it('mask IoU when both have masks, box IoU otherwise', () => {
    // An L-shaped polygon against a square: boxes are equal (box IoU 1), masks are not.
    const L = [[0, 0, 40, 0, 40, 20, 20, 20, 20, 40, 0, 40]];
    const A = doc({ images: [image(1)], categories: CATS, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 40, 40], segmentation: L, area: 1200, iscrowd: 0 }, box(2, 1, 3, [50, 50, 40, 40])] });
    const B = doc({ images: [image(1)], categories: CATS, annotations: [poly(1, 1, 1, [0, 0, 40, 40]), poly(2, 1, 3, [50, 50, 40, 40])] });
    const im = matchDocuments(A, B).images[0];
    const mask = im.pairs.find((p) => p.a === 0)!;
    const expected = countsIou(polygonsToRle(L, 100, 100).counts as number[], polygonsToRle([[0, 0, 40, 0, 40, 40, 0, 40]], 100, 100).counts as number[]);
    assert.equal(mask.kind, 'mask');
    assert.equal(mask.similarity, expected);
    assert.ok(expected > 0.5 && expected < 1);
    const boxPair = im.pairs.find((p) => p.a === 1)!;
    assert.equal(boxPair.kind, 'box');
    assert.equal(boxPair.similarity, 1);
  });

  it('OKS for keypoints (COCO person sigmas), with A as the reference', () => {
    const kp = Array.from({ length: 17 }, (_, k) => [10 + k * 3, 20 + k, 2]).flat();
    const shifted = kp.map((v, k) => (k % 3 === 0 ? v + 1 : v));
    const A = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 3, [0, 0, 80, 80], { keypoints: kp, area: 2000 })] });
    const B = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 3, [0, 0, 80, 80], { keypoints: shifted, area: 2000 })] });
    const p = matchDocuments(A, B).images[0].pairs[0];
    assert.equal(p.kind, 'oks');
    // Every point moved by 1 px: OKS = mean over k of exp(-1 / (2·(2σ_k)²·area)).
    const sig = [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10);
    const want = sig.reduce((s, k) => s + Math.exp(-1 / ((2 * k) ** 2) / (2000 + Number.EPSILON) / 2), 0) / 17;
    assert.ok(Math.abs(p.similarity - want) < 1e-12);
  });

  it('a byte-identical image is paired without measuring anything', () => {
    // No bbox, no segmentation: measuring would give 0 and leave them unmatched.
    const anns = [{ id: 1, image_id: 1, category_id: 1 }, { id: 2, image_id: 1, category_id: 2 }];
    const A = doc({ images: [image(1)], categories: CATS, annotations: anns as never });
    const B = doc({ images: [image(1)], categories: CATS, annotations: anns as never });
    const im = matchDocuments(A, B).images[0];
    assert.equal(im.identical, true);
    assert.deepEqual(im.pairs.map((p) => [p.a, p.b, p.similarity, p.kind]), [[0, 0, 1, 'identical'], [1, 1, 1, 'identical']]);
  });

  it('same ids are paired first whatever their overlap (sameIdsFirst)', () => {
    const A = doc({ images: [image(1)], categories: CATS, annotations: [box(7, 1, 1, [0, 0, 10, 10]), box(8, 1, 1, [50, 50, 10, 10])] });
    const B = doc({ images: [image(1)], categories: CATS, annotations: [box(8, 1, 1, [0, 0, 10, 10]), box(7, 1, 1, [52, 50, 10, 10])] });
    const byOverlap = matchDocuments(A, B).images[0];
    assert.deepEqual(byOverlap.pairs.map((p) => [p.a, p.b]).sort(), [[0, 0], [1, 1]]);
    const byId = matchDocuments(A, B, { sameIdsFirst: true }).images[0];
    assert.deepEqual(byId.pairs.map((p) => [p.a, p.b, p.by]).sort(), [[0, 1, 'id'], [1, 0, 'id']]);
    assert.equal(byId.pairs.find((p) => p.a === 0)!.similarity, 0);
  });

  it('images pair by id, then by file_name (renumbered), then by id alone (renamed)', () => {
    const A = doc({ images: [image(1, 'a.jpg'), image(2, 'b.jpg'), image(3, 'c.jpg'), image(4, 'd.jpg')], categories: CATS, annotations: [] });
    const B = doc({ images: [image(1, 'a.jpg'), image(20, 'b.jpg'), image(3, 'c2.jpg'), image(5, 'e.jpg')], categories: CATS, annotations: [] });
    assert.deepEqual(pairImages(A, B), [
      { a: 0, b: 0, pairedBy: 'id' }, { a: 1, b: 1, pairedBy: 'file_name' }, { a: 2, b: 2, pairedBy: 'id' }, { a: 3 }, { b: 3 },
    ]);
  });

  it('pairs under the threshold stay unmatched', () => {
    const A = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 1, [0, 0, 10, 10])] });
    const B = doc({ images: [image(1)], categories: CATS, annotations: [box(1, 1, 1, [6, 0, 10, 10])] }); // IoU 4/16 = 0.25
    const im = matchDocuments(A, B).images[0];
    assert.deepEqual([im.pairs.length, im.onlyA, im.onlyB], [0, [0], [0]]);
    assert.equal(matchDocuments(A, B, { iouThreshold: 0.2 }).images[0].pairs[0].similarity, 0.25);
  });
});
