/**
 * The GrabCut fallback on real photographs: labelme's own examples (PASCAL VOC 2011 images with
 * labelme polygons, ../shared/fixtures/labelme). Each object's box (the extent of its polygons)
 * is the prompt; the mask is compared with the polygons rasterized the pycocotools way.
 * Measured here (printed): mean and min IoU over the 12 objects. GrabCut is seeded per box, so
 * the figures are exact run to run. One box at a time: 0.681 mean, 0.317 min (0.683 without the
 * largest-part + fill-holes clean-up; the unseeded code measured 0.699 ± the seed's noise). All
 * boxes of an image together (Segment Boxes; the smaller box keeps a contested pixel): 0.687
 * mean; the sofa 0.33 → 0.66, one person 0.32 → 0.17. The issue aimed at 0.8 and it is not met:
 * GrabCut takes the overlapping people in a person's box. The assertions sit just under the
 * measured means, so a regression in the crop/scale/threshold code fails; they do not claim 0.8.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rleDecode, segmentationToRle } from '../../../../src/core/geometry';
import { grabCutBox, readRgb } from '../../../../src/node/sam';
import { grabCutBoxes } from '../../../../src/node/sam/grabcut';
import { SHARED_FIXTURES_DIR } from './sharedDir';

const DATA = path.join(SHARED_FIXTURES_DIR, 'labelme', 'instance_segmentation', 'data_annotated');

interface Shape { label: string; group_id: number | null; shape_type: string; points: [number, number][] }

/** labelme instances: shapes with the same label and group_id are one object; no group_id: each its own. */
function instances(shapes: Shape[]): { label: string; polygons: number[][] }[] {
  const out = new Map<string, { label: string; polygons: number[][] }>();
  shapes.forEach((s, i) => {
    if (s.shape_type !== 'polygon' || s.label.startsWith('__')) return;
    const key = s.group_id === null ? `#${i}` : `${s.label}/${s.group_id}`;
    const inst = out.get(key) ?? { label: s.label, polygons: [] };
    inst.polygons.push(s.points.flat());
    out.set(key, inst);
  });
  return [...out.values()];
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) { if (a[i] && b[i]) inter++; if (a[i] || b[i]) union++; }
  return union ? inter / union : 1;
}

describe('node/sam: GrabCut fallback on real photographs (labelme examples)', function () {
  this.timeout(300000); // 12 GrabCuts take 10 s on a quiet machine and over a minute on a loaded one
  before(function () {
    if (!existsSync(DATA)) {
      console.log(`    (skipped: ${DATA} is absent; ../shared sits beside the repo in CI; set LABELSCOPE_SHARED_DIR to point elsewhere)`);
      this.skip();
    }
  });

  /** Every labelme object as { image, box, truth mask }. */
  async function objects() {
    const out: { file: string; img: Awaited<ReturnType<typeof readRgb>>; label: string; box: number[]; truth: Uint8Array }[] = [];
    for (const file of readdirSync(DATA).filter((f) => f.endsWith('.json')).sort()) {
      const lm = JSON.parse(readFileSync(path.join(DATA, file), 'utf8')) as { shapes: Shape[]; imagePath: string; imageWidth: number; imageHeight: number };
      const img = await readRgb(path.join(DATA, path.basename(lm.imagePath)));
      assert.deepEqual([img.width, img.height], [lm.imageWidth, lm.imageHeight]);
      for (const inst of instances(lm.shapes)) {
        const xs = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 0));
        const ys = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 1));
        const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
        const truth = rleDecode(segmentationToRle(inst.polygons, img.height, img.width)!);
        out.push({ file, img, label: inst.label, box, truth });
      }
    }
    return out;
  }

  it('box -> mask IoU against the labelme polygon of that object: mean >= 0.65 (measured 0.681)', async () => {
    const scores: { name: string; iou: number }[] = [];
    for (const o of await objects()) scores.push({ name: `${o.file} ${o.label}`, iou: iou(await grabCutBox(o.img, o.box), o.truth) });
    const mean = scores.reduce((a, s) => a + s.iou, 0) / scores.length;
    const min = Math.min(...scores.map((s) => s.iou));
    console.log(`      GrabCut fallback on ${scores.length} objects: mean IoU ${mean.toFixed(3)}, min ${min.toFixed(3)} (${scores.map((s) => `${s.name} ${s.iou.toFixed(2)}`).join('; ')})`);
    assert.ok(scores.length >= 5);
    assert.ok(mean >= 0.65, `mean IoU ${mean.toFixed(3)} is below 0.65`);
  });

  it('all boxes of an image together (Segment Boxes): masks do not overlap, the sofa loses the people on it (measured mean 0.687)', async () => {
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
    assert.ok(mean >= 0.65, `mean IoU ${mean.toFixed(3)} is below 0.65`);
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
});
