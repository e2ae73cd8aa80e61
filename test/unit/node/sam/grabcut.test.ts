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
 * as a fourth: 0.793 too, so not added). The three margins were adopted
 * (DEFAULT_VARIANTS) and then measured here once.
 *
 * Here, one box at a time: 0.681 before (one run), 0.712 now; per object before -> now:
 * 2011_000003 person 0.78 -> 0.78, person 0.67 -> 0.65, bottle 0.91 -> 0.91; 2011_000006 person
 * 0.76 -> 0.76, person 0.32 -> 0.55, person 0.42 -> 0.59, chair 0.96 -> 0.89, person 0.82 ->
 * 0.82, sofa 0.33 -> 0.33; 2011_000025 bus 0.85 -> 0.85, bus 0.73 -> 0.77, car 0.65 -> 0.65.
 * All boxes of an image together (Segment Boxes; the smaller box keeps a contested pixel):
 * 0.687 before, 0.724 now.
 * The issue aimed at 0.8 and it is not met: GrabCut takes the overlapping people in a person's
 * box and the people on the sofa. The assertions sit just under the measured means, so a
 * regression in the crop/scale/threshold/selection code fails; they do not claim 0.8.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { grabCutBox, readRgb } from '../../../../src/node/sam';
import { extentFit, grabCutBoxes } from '../../../../src/node/sam/grabcut';
import { iou, LABELME_DATA as DATA, labelmeAvailable, labelmeObjects as objects } from './labelmeObjects';

describe('node/sam: GrabCut fallback on real photographs (labelme examples)', function () {
  this.timeout(900000); // 36 GrabCuts (3 per box) take ~30 s on a quiet machine and minutes on a loaded one
  before(function () {
    if (!labelmeAvailable()) {
      console.log(`    (skipped: ${DATA} is absent; ../shared sits beside the repo in CI; set LABELSCOPE_SHARED_DIR to point elsewhere)`);
      this.skip();
    }
  });

  it('box -> mask IoU against the labelme polygon of that object: mean >= 0.7 (measured 0.712)', async () => {
    const scores: { name: string; iou: number }[] = [];
    for (const o of await objects()) scores.push({ name: `${o.file} ${o.label}`, iou: iou(await grabCutBox(o.img, o.box), o.truth) });
    const mean = scores.reduce((a, s) => a + s.iou, 0) / scores.length;
    const min = Math.min(...scores.map((s) => s.iou));
    console.log(`      GrabCut fallback on ${scores.length} objects: mean IoU ${mean.toFixed(3)}, min ${min.toFixed(3)} (${scores.map((s) => `${s.name} ${s.iou.toFixed(2)}`).join('; ')})`);
    assert.ok(scores.length >= 5);
    assert.ok(mean >= 0.7, `mean IoU ${mean.toFixed(3)} is below 0.7`);
  });

  it('all boxes of an image together (Segment Boxes): masks do not overlap, the sofa loses the people on it (measured mean 0.724)', async () => {
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
    assert.ok(mean >= 0.7, `mean IoU ${mean.toFixed(3)} is below 0.7`);
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
