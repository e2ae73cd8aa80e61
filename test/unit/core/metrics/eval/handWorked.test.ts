/** Small cases whose numbers are worked out by hand, one COCOeval rule each. */
import * as assert from 'node:assert/strict';
import { evaluateCoco, type EvalResult } from '../../../../../src/core/metrics/eval';

type Box = [number, number, number, number];
const image = (id: number) => ({ id, width: 640, height: 480, file_name: `${id}.jpg` });
const gtAnn = (id: number, bbox: Box, extra: Record<string, unknown> = {}) => ({ id, image_id: 1, category_id: 1, bbox, area: bbox[2] * bbox[3], iscrowd: 0, ...extra });
const det = (bbox: Box, score: number, extra: Record<string, unknown> = {}) => ({ image_id: 1, category_id: 1, bbox, score, ...extra });
const cats = [{ id: 1, name: 'thing' }];
function run(anns: object[], dets: object[], opts: { maxDets?: number[] } = {}): EvalResult {
  return evaluateCoco({ images: [image(1)], annotations: anns, categories: cats }, dets, { iouType: 'bbox', ...opts });
}
const stat = (r: EvalResult, key: string) => r.summary.find((s) => s.key === key)!.value;

describe('COCOeval by hand', () => {
  it('two objects, three detections: TP, FP, TP gives AP = (51·1 + 50·⅔) / 101', () => {
    const r = run(
      [gtAnn(1, [0, 0, 50, 50]), gtAnn(2, [100, 100, 50, 50])],
      [det([0, 0, 50, 50], 0.9), det([300, 300, 50, 50], 0.8), det([100, 100, 50, 50], 0.7)],
    );
    // precision after each detection 1, ½, ⅔ -> made monotone 1, ⅔, ⅔; recall ½, ½, 1.
    // Recall points 0.00…0.50 (51 of them) read precision 1, 0.51…1.00 (50) read ⅔; the same at every IoU.
    const expected = (51 * 1 + 50 * (2 / (1 + 2 + 2.220446049250313e-16))) / 101;
    assert.ok(Math.abs(stat(r, 'AP') - expected) < 1e-12, `${stat(r, 'AP')} vs ${expected}`);
    assert.equal(stat(r, 'AR1'), 0.5);
    assert.equal(stat(r, 'AR100'), 1);
    assert.equal(stat(r, 'APl'), -1); // 2500 px² boxes are medium: no large ground truth
  });

  it('a crowd region absorbs detections: neither true nor false positive, never missed', () => {
    const r = run(
      [gtAnn(1, [0, 0, 50, 50]), gtAnn(2, [200, 200, 100, 100], { iscrowd: 1 })],
      [det([0, 0, 50, 50], 0.9), det([210, 210, 20, 20], 0.95), det([250, 250, 30, 30], 0.99)],
    );
    // Both detections on the crowd are ignored: precision 1 (less np.spacing(1)) at every recall.
    assert.ok(Math.abs(stat(r, 'AP') - 1) < 1e-15);
    assert.equal(stat(r, 'AR100'), 1);
    assert.ok(r.problems.some((p) => p.rule === 'eval/gt-crowd-region' && p.annotationId === 2));
  });

  it('ignore: 1 without iscrowd is overwritten: the object still counts (and is reported)', () => {
    const r = run([gtAnn(1, [0, 0, 50, 50], { ignore: 1 })], []);
    assert.equal(stat(r, 'AR100'), 0);
    assert.ok(r.problems.some((p) => p.rule === 'eval/gt-ignore-unused'));
  });

  it('area ranges are inclusive on the stored area: exactly 32² is small AND medium, 96² medium AND large', () => {
    const small = run([gtAnn(1, [0, 0, 10, 10], { area: 32 ** 2 })], [det([0, 0, 10, 10], 0.5)]);
    assert.equal(stat(small, 'ARs'), 1);
    assert.equal(stat(small, 'ARm'), 1);
    assert.equal(stat(small, 'ARl'), -1);
    const large = run([gtAnn(1, [0, 0, 96, 96])], [det([0, 0, 96, 96], 0.5)]);
    assert.deepEqual([stat(large, 'ARs'), stat(large, 'ARm'), stat(large, 'ARl')], [-1, 1, 1]);
  });

  it('a ground truth with id 0 can never be a true positive (cocoapi#664), and says so', () => {
    const zero = run([gtAnn(0, [0, 0, 50, 50])], [det([0, 0, 50, 50], 0.9)]);
    const one = run([gtAnn(1, [0, 0, 50, 50])], [det([0, 0, 50, 50], 0.9)]);
    assert.equal(stat(zero, 'AP'), 0);
    assert.equal(stat(zero, 'AR100'), 0);
    assert.ok(stat(one, 'AP') > 0.99);
    const p = zero.problems.find((x) => x.rule === 'eval/gt-id-zero');
    assert.ok(p && p.file === 'gt' && p.jsonPath === '$.annotations[0].id');
  });

  it('maxDets truncation: the 101st detection by score is never seen', () => {
    const dets = Array.from({ length: 100 }, (_, i) => det([400 + i, 400, 10, 10], 0.9));
    dets.push(det([0, 0, 50, 50], 0.1));
    const r = run([gtAnn(1, [0, 0, 50, 50])], dets);
    assert.equal(stat(r, 'AR100'), 0);
    assert.ok(r.problems.some((p) => p.rule === 'eval/too-many-detections' && /101 results/.test(p.message)));
    const fewer = run([gtAnn(1, [0, 0, 50, 50])], dets.slice(1));
    assert.equal(stat(fewer, 'AR100'), 1);
  });

  it('score ties keep file order (numpy mergesort): the first tied detection matches first', () => {
    // A overlaps the object at IoU 0.64, B at 1.0; both score 0.5, A first in the file.
    const r = run([gtAnn(1, [0, 0, 100, 100])], [det([0, 0, 80, 80], 0.5), det([0, 0, 100, 100], 0.5)]);
    const e = r.evals[0];
    assert.deepEqual([...e.dtIds], [1, 2]);
    const D = 2;
    assert.equal(e.matchAll[0 * D + 0], 0); // IoU .50: A takes it
    assert.equal(e.matchAll[0 * D + 1], -1);
    assert.equal(e.matchAll[3 * D + 0], -1); // IoU .65: A can't, B takes it
    assert.equal(e.matchAll[3 * D + 1], 0);
    const swapped = run([gtAnn(1, [0, 0, 100, 100])], [det([0, 0, 100, 100], 0.5), det([0, 0, 80, 80], 0.5)]);
    assert.ok(stat(swapped, 'AP') > stat(r, 'AP'));
  });

  it('results on unknown images or categories, or without a score, are left out and reported', () => {
    const r = run([gtAnn(1, [0, 0, 50, 50])], [det([0, 0, 50, 50], 0.9), { ...det([0, 0, 5, 5], 0.9), image_id: 99 }, { ...det([0, 0, 5, 5], 0.9), category_id: 7 }, { image_id: 1, category_id: 1, bbox: [0, 0, 5, 5] }]);
    assert.equal(r.counts.resultsUsed, 1);
    assert.deepEqual(r.problems.filter((p) => p.file === 'dt').map((p) => [p.rule, p.jsonPath]), [
      ['eval/result-unknown-image', '$[1]'], ['eval/result-unknown-category', '$[2]'], ['eval/result-invalid', '$[3]'],
    ]);
    assert.ok(stat(r, 'AP') > 0.99);
  });

  it('summary lines are laid out like summarize() prints them', () => {
    const r = run([gtAnn(1, [0, 0, 50, 50])], [det([0, 0, 50, 50], 0.9)]);
    assert.equal(r.summary[0].line, ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000');
    assert.equal(r.summary[3].line, ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000');
    assert.equal(r.summary[6].line, ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000');
  });
});

describe('loadRes semantics and the problems beside the numbers', () => {
  const segGt = {
    images: [{ id: 1, width: 40, height: 40, file_name: 'a.png' }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[0, 0, 20, 0, 20, 20, 0, 20]], area: 400, bbox: [0, 0, 20, 20], iscrowd: 0 }],
    categories: cats,
  };
  // A 20x20 mask at the origin as uncompressed RLE (column-major: 20 columns of 20 ones then 20 zeros).
  const mask = { size: [40, 40], counts: [...Array.from({ length: 20 }, (_, i) => (i === 0 ? [0, 20] : [20, 20])).flat(), 20 * 40 + 20] };

  it('the first result decides the branch: with a bbox, the area is the bbox area even for segm (and a disagreeing bbox is reported)', () => {
    const withBox = evaluateCoco(segGt, [{ image_id: 1, category_id: 1, segmentation: mask, bbox: [0, 0, 40, 40], score: 0.9 }], { iouType: 'segm' });
    const maskOnly = evaluateCoco(segGt, [{ image_id: 1, category_id: 1, segmentation: mask, score: 0.9 }], { iouType: 'segm' });
    // Same mask, IoU 1 either way; only the stored area differs: 1600 from the bbox, 400 from the mask.
    assert.equal(stat(withBox, 'AP'), stat(maskOnly, 'AP'));
    assert.ok(withBox.problems.some((p) => p.rule === 'eval/result-bbox-mask-mismatch' && p.jsonPath === '$[0].bbox'));
    assert.ok(!maskOnly.problems.some((p) => p.rule === 'eval/result-bbox-mask-mismatch'));
    const dtArea = (r: typeof withBox) => r.prepared.tasks[0].dts[0].area;
    assert.equal(dtArea(withBox), 1600);
    assert.equal(dtArea(maskOnly), 400);
  });

  it('result ids are positions + 1; empty results evaluate to 0 with a warning (pycocotools raises)', () => {
    const r = run([gtAnn(1, [0, 0, 50, 50])], [det([100, 100, 5, 5], 0.2), det([0, 0, 50, 50], 0.9)]);
    assert.deepEqual([...r.evals[0].dtIds], [2, 1]);
    const empty = run([gtAnn(1, [0, 0, 50, 50])], []);
    assert.equal(stat(empty, 'AP'), 0);
    assert.ok(empty.problems.some((p) => p.rule === 'eval/no-results'));
  });

  it('many crowd labels (the CVAT/Datumaro export trap) get a file-level warning', () => {
    const anns = [gtAnn(1, [0, 0, 50, 50], { iscrowd: 1 }), gtAnn(2, [100, 0, 50, 50], { iscrowd: 1 }), gtAnn(3, [200, 0, 50, 50])];
    const r = run(anns, [det([0, 0, 50, 50], 0.9)]);
    const w = r.problems.find((p) => p.rule === 'eval/gt-crowd-region' && p.severity === 'warning');
    assert.ok(w && /2 of 3 labels/.test(w.message));
    assert.equal(stat(r, 'AR100'), 0); // the one ordinary label was never found; the crowd hit counts neither way
  });
});
