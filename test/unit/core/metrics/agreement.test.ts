import * as assert from 'node:assert/strict';
import { cohensKappa, computeAgreement, formatAgreementMarkdown, formatAgreementText } from '../../../../src/core/metrics/agreement';
import { parseCoco } from '../../../../src/core/coco/parse';
import { CATS, box, doc, image, poly, type Ann } from './match/helpers';

describe('agreement', () => {
  describe("Cohen's kappa, worked by hand", () => {
    // Labels of 10 matched pairs (rows: annotator A, columns: annotator B):
    //
    //              B: car  truck  person | row
    //   A: car          4      1       0 |  5
    //      truck        1      2       0 |  3
    //      person       0      0       2 |  2
    //   column          5      3       2 | 10
    //
    //   p_o = (4 + 2 + 2) / 10 = 0.8
    //   p_e = (5·5 + 3·3 + 2·2) / 10² = 0.38
    //   κ   = (0.8 − 0.38) / (1 − 0.38) = 0.42 / 0.62 = 0.677419…
    const table = [[4, 1, 0], [1, 2, 0], [0, 0, 2]];
    const labelPairs: [number, number][] = [];
    table.forEach((row, i) => row.forEach((n, j) => { for (let k = 0; k < n; k++) labelPairs.push([i + 1, j + 1]); }));

    it('from the table', () => {
      const k = cohensKappa(table);
      assert.equal(k.pairs, 10);
      assert.ok(Math.abs(k.observed! - 0.8) < 1e-12);
      assert.ok(Math.abs(k.expected! - 0.38) < 1e-12);
      assert.ok(Math.abs(k.kappa! - 0.42 / 0.62) < 1e-12);
    });

    it('from two files whose 10 objects overlap exactly but carry those labels', () => {
      const a: Ann[] = [], b: Ann[] = [];
      labelPairs.forEach(([ca, cb], k) => {
        const bb = [(k % 5) * 20, Math.floor(k / 5) * 20, 15, 15];
        a.push(box(k + 1, 1, ca, bb));
        b.push(box(k + 1, 1, cb, bb));
      });
      const r = computeAgreement(doc({ images: [image(1)], categories: CATS, annotations: a }), doc({ images: [image(1)], categories: CATS, annotations: b }));
      assert.equal(r.kappa.pairs, 10);
      assert.ok(Math.abs(r.kappa.kappa! - 0.42 / 0.62) < 1e-12);
      assert.deepEqual(r.confusion.labels, ['car', 'truck', 'person', 'unmatched']);
      assert.deepEqual(r.confusion.rows, [[4, 1, 0, 0], [1, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]);
      assert.equal(r.conflictsByType.mismatching_label, 2);
      // car: TP 4 of 5 in A and 5 in B → precision 0.8, recall 0.8
      const car = r.perClass.find((c) => c.name === 'car')!;
      assert.deepEqual([car.tp, car.fp, car.fn, car.precision, car.recall], [4, 1, 1, 0.8, 0.8]);
      assert.equal(r.overall.f1, 0.8);
    });
  });

  it('a file against itself: kappa 1, F1 1, no conflicts', () => {
    const c = {
      images: [image(1), image(2, 'b.jpg', 200, 100)], categories: CATS,
      annotations: [
        poly(1, 1, 1, [10, 10, 30, 30]), box(2, 1, 2, [50, 50, 20, 20], { attributes: { occluded: true } }),
        box(3, 2, 3, [0, 0, 50, 80], { keypoints: [10, 10, 2, 20, 20, 1, 0, 0, 0] }), poly(4, 2, 1, [100, 10, 40, 40]),
        box(5, 2, 99, [150, 50, 20, 20]), // a category in neither list still agrees with itself
      ],
    };
    const r = computeAgreement(doc(c), doc(c));
    assert.equal(r.kappa.kappa, 1);
    assert.equal(r.kappa.pairs, 5);
    assert.equal(r.overall.f1, 1);
    assert.equal(r.overall.precision, 1);
    assert.equal(r.overall.recall, 1);
    assert.equal(r.overall.meanIou, 1);
    assert.equal(r.overall.meanDice, 1);
    assert.deepEqual(r.conflicts, []);
    assert.ok(r.perImage.every((i) => i.score === 0));
    assert.equal(r.images.identical, 2);
    // The same objects in another order (nothing byte-identical per image): still perfect.
    const shuffled = { ...c, annotations: [...c.annotations].reverse().map((a) => ({ ...a, id: a.id + 100 })) };
    const r2 = computeAgreement(doc(c), doc(shuffled));
    assert.deepEqual([r2.kappa.kappa, r2.overall.f1, r2.conflicts.length, r2.images.identical], [1, 1, 0, 0]);
  });

  it('CVAT-like conflicts: missing, extra, low overlap, mismatching attributes; score sorts images', () => {
    const A = doc({ images: [image(1), image(2)], categories: CATS, annotations: [
      box(1, 1, 1, [0, 0, 20, 20]),                                       // missing in B
      box(2, 1, 1, [40, 40, 20, 20]),                                     // low overlap: IoU 0.6
      box(3, 1, 3, [70, 70, 20, 20], { attributes: { occluded: false } }), // attributes differ
      box(4, 2, 1, [10, 10, 20, 20]),                                     // image 2 agrees
    ] });
    const B = doc({ images: [image(1), image(2)], categories: CATS, annotations: [
      box(2, 1, 1, [40, 45, 20, 20]),                                     // IoU 300/500 = 0.6
      box(3, 1, 3, [70, 70, 20, 20], { attributes: { occluded: true } }),
      box(5, 1, 2, [0, 70, 10, 10]),                                      // extra
      box(4, 2, 1, [10, 10, 20, 20]),
    ] });
    const r = computeAgreement(A, B);
    assert.deepEqual(r.conflicts.map((c) => [c.type, c.severity, c.annotationA, c.annotationB]), [
      ['missing_annotation', 'error', 1, undefined],
      ['extra_annotation', 'error', undefined, 5],
      ['low_overlap', 'warning', 2, 2],
      ['mismatching_attributes', 'warning', 3, 3],
    ]);
    assert.equal(r.conflicts[2].similarity, 0.6);
    assert.deepEqual(r.conflicts[3].attributes, ['occluded']);
    assert.equal(r.conflicts[0].imageEntryB, 0);
    // image 1: 3 + 3 objects, no strict agreement at all → score 1; image 2 agrees → 0.
    assert.deepEqual(r.perImage.map((i) => [i.imageId, i.score]), [[1, 1], [2, 0]]);
    assert.deepEqual(r.confusion.rows, [[2, 0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
    assert.equal(r.overall.tp, 3);
    assert.deepEqual([r.overall.precision, r.overall.recall], [0.75, 0.75]);
    assert.ok(Math.abs(r.overall.meanIou! - (0.6 + 1 + 1) / 3) < 1e-12);
    const text = formatAgreementText(r, 'a.json', 'b.json');
    assert.match(text, /missing_annotation 1, extra_annotation 1, mismatching_label 0, low_overlap 1, mismatching_attributes 1/);
    assert.match(formatAgreementMarkdown(r), /\| car \| 2 \| 0 \| 0 \| 1 \|/);
  });

  it("image-level labels (annotations without geometry) get their own kappa", () => {
    const lab = (id: number, img: number, cat: number) => ({ id, image_id: img, category_id: cat });
    const A = doc({ images: [image(1), image(2), image(3), image(4)], categories: CATS, annotations: [lab(1, 1, 1), lab(2, 2, 1), lab(3, 3, 2), lab(4, 4, 2)] as never });
    const B = doc({ images: [image(1), image(2), image(3), image(4)], categories: CATS, annotations: [lab(1, 1, 1), lab(2, 2, 2), lab(3, 3, 2), lab(4, 4, 2)] as never });
    const r = computeAgreement(A, B);
    // table [[1,1],[0,2]]: p_o = 3/4, p_e = (2·1 + 2·3)/16 = 0.5, κ = 0.5
    assert.equal(r.imageLabelKappa!.pairs, 4);
    assert.equal(r.imageLabelKappa!.kappa, 0.5);
    assert.equal(r.overall.countA, 0);
    assert.deepEqual(r.conflicts, []);
  });

  it('malformed elements are compared without a crash', () => {
    const enc = (anns: string) => parseCoco(new TextEncoder().encode(`{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}], "categories": [{"id": 1, "name": "car"}], "annotations": [${anns}]}`));
    const r = computeAgreement(enc('{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}, 3, null'), enc('{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, "x", 5]}, null'));
    assert.equal(r.overall.countA, 1);
    assert.deepEqual(r.conflicts.map((c) => c.type), ['missing_annotation', 'extra_annotation']);
  });
});
