import assert from 'node:assert/strict';
import {
  candidatePlane, lowResToImageLogits, lowResToImageMask, maskToCoco, polygonsUnionCounts, rankCandidates, resizeBilinear, resizeBilinearWindow,
  samFrame, thresholdLogits,
} from '../../../../src/core/sam';
import { rleDecode, rleFromString, segmentationToRle, rleArea } from '../../../../src/core/geometry';

describe('sam/postprocess: resizing logits', () => {
  it('bilinear with align_corners=False, as torch F.interpolate (2x2 -> 4x4 and 4 -> 2)', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0.,1.],[2.,3.]]]]), (4,4), mode='bilinear', align_corners=False)
    const up = resizeBilinear([0, 1, 2, 3], 2, 2, 2, 4, 4);
    assert.deepEqual(Array.from(up), [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
    assert.deepEqual(Array.from(resizeBilinear([0, 1, 2, 3], 1, 4, 4, 1, 2)), [0.5, 2.5]);
  });

  // Low-res logits that rise linearly along x: logit = (u - 64), u = x_low + 0.5 the continuous
  // coordinate. Bilinear keeps linear ramps, so the mask edge lands where the continuous
  // coordinate in the 1024 frame is 256 — at x = 256 * W / newW in the original, if and only if
  // the padded part of the 1024 frame is cropped off before the last resize.
  const ramp = Float32Array.from({ length: 256 * 256 }, (_, i) => (i % 256) + 0.5 - 64);

  it('SAM 1: crops the padding before resizing to the original (portrait 37 x 51)', () => {
    const f = samFrame(51, 37, 'longest-side'); // newW = 743: the right 281 columns are padding
    const logits = lowResToImageLogits(ramp, 256, f);
    assert.equal(logits.length, 51 * 37);
    const mask = thresholdLogits(logits);
    const edge = (256 * 37) / 743; // 12.75: pixel 12 (centre 12.5) out, 13 (centre 13.5) in
    for (let y = 0; y < 51; y++) {
      for (let x = 0; x < 37; x++) assert.equal(mask[y * 37 + x], x + 0.5 > edge ? 1 : 0, `y${y} x${x}`);
    }
    // Had the padding been kept, the edge would be at 256 * 37 / 1024 = 9.25.
    assert.equal(mask[10], 0);
  });

  it('SAM 2: the image was stretched, so 256² goes straight to H x W', () => {
    const f = samFrame(51, 37, 'stretch');
    const mask = thresholdLogits(lowResToImageLogits(ramp, 256, f));
    const edge = (64 / 256) * 37; // 9.25
    for (let x = 0; x < 37; x++) assert.equal(mask[20 * 37 + x], x + 0.5 > edge ? 1 : 0, `x${x}`);
  });

  it('threshold: logit > 0 is foreground (0 itself is not)', () => {
    assert.deepEqual(Array.from(thresholdLogits([-1, 0, 1e-6, 5])), [0, 0, 1, 1]);
  });

  it('candidatePlane picks one channel of [1, C, S, S] and names a bad index', () => {
    const t = Float32Array.from({ length: 2 * 4 }, (_, i) => i);
    assert.deepEqual(Array.from(candidatePlane(t, 1, 2)), [4, 5, 6, 7]);
    assert.throws(() => candidatePlane(t, 2, 2), /out of range \(2 candidates\)/);
  });
});

describe('sam/postprocess: choosing the candidate', () => {
  it('SAM 1 (4 outputs): index 0 for single-mask prompts, best of 1-3 for multimask', () => {
    const iou = [0.99, 0.5, 0.8, 0.7];
    assert.deepEqual(rankCandidates(iou, false), [0, 2, 3, 1]);
    assert.deepEqual(rankCandidates(iou, true), [2, 3, 1, 0]);
  });
  it('other counts (SAM 2: 3) rank every candidate, ties by index', () => {
    assert.deepEqual(rankCandidates([0.2, 0.9, 0.9], true), [1, 2, 0]);
    assert.deepEqual(rankCandidates([0.4], false), [0]);
  });
});

describe('sam/annotation: mask -> COCO', () => {
  // 9 x 11 mask: a 7 x 9 ring (a 3 x 3 hole) and a separate 2 x 1 blob.
  const h = 9;
  const w = 11;
  const mask = new Uint8Array(h * w);
  for (let y = 1; y < 8; y++) for (let x = 1; x < 8; x++) mask[y * w + x] = 1;
  for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) mask[y * w + x] = 0;
  mask[2 * w + 9] = 1;
  mask[3 * w + 9] = 1;
  const pixels = mask.reduce((a, b) => a + b, 0); // 49 - 9 + 2 = 42

  it('RLE: compressed counts that decode to the mask, pycocotools area and bbox', () => {
    const r = maskToCoco(mask, h, w, 'rle')!;
    assert.ok(!Array.isArray(r.segmentation));
    const seg = r.segmentation as { size: [number, number]; counts: string };
    assert.deepEqual(seg.size, [9, 11]);
    assert.deepEqual(Array.from(rleDecode({ size: seg.size, counts: rleFromString(seg.counts) })), Array.from(mask));
    assert.equal(r.area, 42);
    assert.deepEqual(r.bbox, [1, 1, 9, 7]);
  });

  it('polygons: one per part, the hole bridged so pycocotools rasterizes it empty', () => {
    const r = maskToCoco(mask, h, w, 'polygon')!;
    const polys = r.segmentation as number[][];
    assert.equal(polys.length, 2);
    const back = segmentationToRle(polys, h, w)!;
    assert.deepEqual(Array.from(rleDecode(back)), Array.from(mask));
    assert.equal(r.area, pixels);
    assert.equal(r.area, rleArea(back));
    assert.deepEqual(r.bbox, [1, 1, 9, 7]);
  });

  it('an empty mask gives nothing to write', () => {
    assert.equal(maskToCoco(new Uint8Array(20), 4, 5, 'rle'), undefined);
    assert.equal(maskToCoco(new Uint8Array(20), 4, 5, 'polygon'), undefined);
  });
});

describe('sam/annotation: polygonsUnionCounts', () => {
  it('equals pycocotools annToRLE (frPyObjects + merge) for overlapping and separate polygons', () => {
    const polys = [[1, 1, 9, 1, 9, 7, 1, 7], [5, 3, 14, 3, 14, 12, 5, 12], [16, 0.5, 19.5, 0.5, 18, 6]];
    const want = segmentationToRle(polys, 13, 21)!;
    assert.deepEqual(polygonsUnionCounts(polys, 13, 21), want.counts);
  });
});

describe('sam/postprocess: the mask upscaled only where it can be foreground', () => {
  /** Seeded low-res logits: blobs of positive logits (radius r cells) on a negative field, plus noise. */
  function blobs(seed: number, count: number, r: number): Float32Array {
    let s = seed >>> 0;
    const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
    const centres = Array.from({ length: count }, () => [rand() * 256, rand() * 256]);
    return Float32Array.from({ length: 256 * 256 }, (_, i) => {
      const x = i % 256, y = (i - x) / 256;
      const d = Math.min(...centres.map(([cx, cy]) => Math.hypot(x - cx, y - cy)));
      return (r - d) * 0.7 + (rand() - 0.5) * 0.3;
    });
  }

  it('a window of the resize has the full resize\'s values there, also from a part of the source', () => {
    const src = Float32Array.from({ length: 9 * 7 }, (_, i) => Math.sin(i * 1.7) * 5);
    const full = resizeBilinear(src, 9, 7, 7, 20, 13);
    const win = resizeBilinearWindow(src, 9, 7, 7, 20, 13, 3, 17, 2, 11);
    for (let y = 3; y < 17; y++) for (let x = 2; x < 11; x++) assert.equal(win[(y - 3) * 9 + x - 2], full[y * 13 + x]);
    // Source rows 1..8, columns 1..6 held as a 6-wide part; the window reads inside them.
    const part = Float32Array.from({ length: 8 * 6 }, (_, i) => src[(1 + Math.floor(i / 6)) * 7 + 1 + (i % 6)]);
    const fromPart = resizeBilinearWindow(part, 9, 7, 6, 20, 13, 4, 19, 3, 12, 1, 1);
    for (let y = 4; y < 19; y++) for (let x = 3; x < 12; x++) assert.equal(fromPart[(y - 4) * 9 + x - 3], full[y * 13 + x]);
  });

  const frames: [number, number, 'longest-side' | 'stretch'][] = [
    [1024, 1024, 'longest-side'], [683, 1024, 'longest-side'], [1500, 2250, 'longest-side'], [51, 37, 'longest-side'],
    [3001, 17, 'longest-side'], [1, 1, 'longest-side'], [683, 1024, 'stretch'], [1500, 2250, 'stretch'], [37, 51, 'stretch'],
  ];
  for (const [h, w, mode] of frames) {
    it(`the same pixels as thresholding the full upscaling: ${w} x ${h}, ${mode}`, () => {
      const f = samFrame(h, w, mode);
      for (const [seed, count, r] of [[1, 1, 6], [2, 3, 20], [3, 1, 0.5], [4, 8, 40], [5, 0, 0]] as const) {
        const low = count ? blobs(seed, count, r) : new Float32Array(256 * 256).fill(-3);
        check(low, `seed ${seed}`);
      }
      // Speckled logits (an untrained decoder's): signs change between most neighbours. And
      // logits so small that a blend of them rounds to 0 in float32 (not foreground).
      let state = 12345;
      const random = () => { state = (state * 1103515245 + 12345) >>> 0; return state / 2 ** 32; };
      check(Float32Array.from({ length: 65536 }, () => random() * 2 - 1), 'speckled');
      check(Float32Array.from({ length: 65536 }, () => (random() < 0.5 ? 1.4e-45 : random() < 0.5 ? -1.4e-45 : 3e-45)), 'subnormal');
      function check(low: Float32Array, what: string): void {
        const expected = thresholdLogits(lowResToImageLogits(low, 256, f));
        const got = lowResToImageMask(low, 256, f);
        assert.equal(got.length, expected.length);
        let diff = 0;
        for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) diff++;
        assert.equal(diff, 0, `${what}: ${diff} pixels differ`);
      }
    });
  }
});
