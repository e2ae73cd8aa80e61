/**
 * The GrabCut fallback on real photographs: labelme's own examples (PASCAL VOC 2011 images with
 * labelme polygons, ../shared/fixtures/labelme). Each object's box (the extent of its polygons)
 * is the prompt; the mask is compared with the polygons rasterized the pycocotools way.
 * GrabCut is seeded per box, so the figures are exact run to run.
 *
 * How the settings were chosen without tuning on these 12 objects: candidates were compared on
 * other labelme photos with labelme polygons — labelme's examples/tutorial/apc2016_obj3 and
 * examples/video_annotation/data_annotated 00000100-00000104 (19 objects; GPL data, not
 * committed: bench/samGrabcut.ts runs on any such folder). Mean IoU there: one run, margin 0.25:
 * 0.755; iterations 3 / 10: 0.756 / 0.717; margin 0.1 / 0.5: 0.710 / 0.690; a 2 px opening +
 * closing: 0.755; Lab colour models: 0.734; keeping the part that best fits the box instead of
 * the largest: 0.755; Lempitsky's tight-box "pinpointing" (an untouched box side gets its most
 * object-like pixel as certain object): 0.720; three margins (0.25, 0.1, 0.5), keeping the mask
 * whose extent best fits the box: 0.793 (Lab as a fourth, or the box centre as a positive point
 * as a fourth: 0.793 too, so not added). The three margins were adopted (DEFAULT_VARIANTS).
 *
 * Then (second round, same held-out photos): a Gaussian blur of the crop before GrabCut. One run,
 * margin 0.25: 0.755 unblurred, 0.763 / 0.806 / 0.802 with a 3 / 5 / 7 px kernel. As candidates:
 * three margins all blurred 0.855, all unblurred 0.793, both kinds (six runs) 0.855, the 0.25 run
 * blurred and 0.1 / 0.5 unblurred 0.819 (three runs, adopted). The whole box when no candidate's
 * extent covers half the box (MIN_EXTENT_FIT; a track in two video frames came back empty): 0.858
 * with the adopted runs (0.793 -> 0.833 with the old ones). Tried and not kept: a morphological
 * opening/closing scaled to the box (1-4% of its short side: +-0.002); the cores of the image's
 * other, smaller boxes as certain background (the chair in front of the sofa has the sofa's
 * fabric, so the sofa lost its own colour: 0.794 -> 0.758 together); a pixel two masks claim going
 * to the box it is more central in (0.794 -> 0.689 together). Those settings were then measured
 * here once.
 *
 * Here, one box at a time, per object before -> now (IoU): 2011_000003 person 0.77 -> 0.77,
 * person 0.65 -> 0.65, bottle 0.91 -> 0.88; 2011_000006 person 0.76 -> 0.66, person 0.55 -> 0.55,
 * person 0.59 -> 0.59, chair 0.89 -> 0.95, person 0.82 -> 0.82, sofa 0.33 -> 0.30; 2011_000025 bus
 * 0.85 -> 0.86, bus 0.77 -> 0.77, car 0.65 -> 0.87. Mean 0.712 -> 0.723 (the first stop's one
 * run: 0.681). All boxes of an image together (Segment Boxes; the smaller box keeps a contested
 * pixel): 0.724 -> 0.735 (car 0.65 -> 0.87, sofa 0.70 -> 0.63, the left person on it
 * 0.61 -> 0.59, bus 0.85 -> 0.87, bottle 0.91 -> 0.88; the rest within 0.01).
 * Held-out photos, for comparison: one box at a time 0.793 -> 0.858, together 0.794 -> 0.869.
 * The issue aimed at 0.8 and it is not met here: GrabCut takes the overlapping people in a
 * person's box and the people on the sofa (colour models cannot tell one person from the next).
 * The assertions sit just under the measured means, so a regression in the crop/scale/threshold/
 * selection code fails; they do not claim 0.8.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { grabCutBox, readRgb } from '../../../../src/node/sam';
import { chooseMask, extentFit, grabCutBoxes, type RgbPixels } from '../../../../src/node/sam/grabcut';
import { iou, LABELME_DATA as DATA, labelmeAvailable, labelmeObjects as objects } from './labelmeObjects';

describe('node/sam: GrabCut fallback on real photographs (labelme examples)', function () {
  this.timeout(900000); // 36 GrabCuts (3 per box) take ~30 s on a quiet machine and minutes on a loaded one
  before(function () {
    if (!labelmeAvailable()) {
      console.log(`    (skipped: ${DATA} is absent; ../shared sits beside the repo in CI; set LABELSCOPE_SHARED_DIR to point elsewhere)`);
      this.skip();
    }
  });

  it('box -> mask IoU against the labelme polygon of that object: mean >= 0.71 (measured 0.723)', async () => {
    const scores: { name: string; iou: number }[] = [];
    for (const o of await objects()) scores.push({ name: `${o.file} ${o.label}`, iou: iou(await grabCutBox(o.img, o.box), o.truth) });
    const mean = scores.reduce((a, s) => a + s.iou, 0) / scores.length;
    const min = Math.min(...scores.map((s) => s.iou));
    console.log(`      GrabCut fallback on ${scores.length} objects: mean IoU ${mean.toFixed(3)}, min ${min.toFixed(3)} (${scores.map((s) => `${s.name} ${s.iou.toFixed(2)}`).join('; ')})`);
    assert.ok(scores.length >= 5);
    assert.ok(mean >= 0.71, `mean IoU ${mean.toFixed(3)} is below 0.71`);
    // The car at the image's right edge: unblurred GrabCut kept a fragment of it (0.65).
    const car = scores.find((s) => s.name === '2011_000025.json car')!;
    assert.ok(car.iou > 0.8, `car ${car.iou.toFixed(3)}`);
  });

  it('all boxes of an image together (Segment Boxes): masks do not overlap, the sofa loses the people on it (measured mean 0.735)', async () => {
    const all = await objects();
    const scores: number[] = [];
    for (const file of [...new Set(all.map((o) => o.file))]) {
      const objs = all.filter((o) => o.file === file);
      const masks = await grabCutBoxes(objs[0].img, objs.map((o) => o.box));
      for (let p = 0; p < masks[0].length; p++) assert.ok(masks.reduce((n, m) => n + m[p], 0) <= 1, `pixel ${p} of ${file} is in two masks`);
      objs.forEach((o, k) => {
        scores.push(iou(masks[k], o.truth));
        if (o.label === 'sofa') {
          assert.ok(iou(masks[k], o.truth) > 0.6, `sofa ${iou(masks[k], o.truth).toFixed(3)}`);
        }
      });
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    console.log(`      GrabCut fallback, boxes of an image together: mean IoU ${mean.toFixed(3)} over ${scores.length} objects`);
    assert.ok(mean >= 0.72, `mean IoU ${mean.toFixed(3)} is below 0.72`);
  });

  it('a positive point inside and a negative point change the mask where they are', async () => {
    const img = await readRgb(path.join(DATA, '2011_000003.jpg'));
    const box = [100, 50, 200, 250];
    const withHints = await grabCutBox(img, box, { points: [{ x: 200, y: 175, positive: true }, { x: 110, y: 60, positive: false }] });
    assert.equal(withHints[175 * img.width + 200], 1);
    assert.equal(withHints[60 * img.width + 110], 0);
    // Nothing outside the box.
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
      if (x < 100 || x >= 300 || y < 50 || y >= 300) assert.equal(withHints[y * img.width + x], 0);
    }
  });

  it('extentFit: the IoU of the mask\'s extent with the box (1 for a mask touching all four sides, 0 for none)', () => {
    const w = 10;
    const mask = new Uint8Array(w * 8);
    assert.equal(extentFit(mask, w, [2, 1, 8, 7]), 0);
    mask[1 * w + 2] = 1; mask[6 * w + 7] = 1; // opposite corners of the box
    assert.equal(extentFit(mask, w, [2, 1, 8, 7]), 1);
    mask[6 * w + 7] = 0; mask[3 * w + 4] = 1; // extent 3 x 3 of the 6 x 6 box
    assert.equal(extentFit(mask, w, [2, 1, 8, 7]), 9 / 36);
  });
});

describe('node/sam: GrabCut fallback on made images', function () {
  this.timeout(120000);
  const W = 120, H = 90;
  const box = [30, 20, 60, 50]; // x 30..89, y 20..69
  const rect = [30, 20, 90, 70] as const;
  const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

  it('a uniform image (nothing to find): GrabCut finds nothing, so the whole box is the mask; minExtentFit 0 gives GrabCut\'s empty answer', async () => {
    const grey: RgbPixels = { data: new Uint8Array(W * H * 3).fill(128), width: W, height: H };
    const mask = await grabCutBox(grey, box);
    assert.equal(count(mask), 60 * 50);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      assert.equal(mask[y * W + x], x >= 30 && x < 90 && y >= 20 && y < 70 ? 1 : 0, `pixel ${x},${y}`);
    }
    assert.equal(count(await grabCutBox(grey, box, { minExtentFit: 0 })), 0);
    // A negative point must stay outside the mask, so the whole box is never returned with points;
    // here nothing is left to be object (OpenCV threw a bare number on this before).
    assert.equal(count(await grabCutBox(grey, box, { points: [{ x: 60, y: 45, positive: false }] })), 0);
  });

  it('a noisy red disk on a noisy blue ground: the mask is the disk (IoU >= 0.97), blurred or not', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const data = new Uint8Array(W * H * 3);
    const truth = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const inside = (x + 0.5 - 60) ** 2 + (y + 0.5 - 45) ** 2 < 25 ** 2;
      truth[y * W + x] = inside ? 1 : 0;
      const colour = inside ? [200, 60, 50] : [60, 90, 190];
      const grain = (random() - 0.5) * 160; // texture shared by the channels, plus noise per channel
      for (let c = 0; c < 3; c++) data[3 * (y * W + x) + c] = Math.max(0, Math.min(255, colour[c] + grain + (random() - 0.5) * 60));
    }
    const img: RgbPixels = { data, width: W, height: H };
    for (const opts of [{}, { blur: 0, variants: [] }, { variants: [] }]) {
      const mask = await grabCutBox(img, [35, 20, 50, 50], opts);
      const score = iou(mask, truth);
      assert.ok(score >= 0.97, `${JSON.stringify(opts)}: IoU ${score.toFixed(4)}`);
    }
  });

  it('chooseMask: the candidate whose extent best fits the box (the first of equals); the whole box when none covers minFit of it', () => {
    const mask = (cells: [number, number][]) => { const m = new Uint8Array(W * H); for (const [x, y] of cells) m[y * W + x] = 1; return m; };
    const corner = mask([[30, 20]]); // extent 1 x 1
    const half = mask([[30, 20], [59, 69]]); // extent 30 x 50: half the box
    const full = mask([[30, 20], [89, 69]]); // opposite corners: the whole extent
    assert.equal(chooseMask([corner, half, full], W, rect, 0.5), full);
    assert.equal(chooseMask([half, mask([[31, 20], [60, 69]])], W, rect, 0.5), half);
    assert.equal(chooseMask([corner, half], W, rect, 0.5), half); // exactly minFit is enough
    const whole = chooseMask([corner], W, rect, 0.5);
    assert.equal(count(whole), 60 * 50);
    assert.equal(whole[20 * W + 30], 1);
    assert.equal(whole[69 * W + 89], 1);
    assert.equal(whole[70 * W + 89], 0);
    assert.equal(chooseMask([corner], W, rect, 0), corner);
  });
});
