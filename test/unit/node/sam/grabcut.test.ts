/**
 * The GrabCut fallback on real photographs: labelme's own examples (PASCAL VOC 2011 images with
 * labelme polygons, ../shared/fixtures/labelme). Each object's box (the extent of its polygons)
 * is the prompt; the mask is compared with the polygons rasterized the pycocotools way.
 * Measured here (printed): mean and min IoU over the 12 objects. Measured 0.70 mean, 0.33 min
 * (the issue aimed at 0.8: GrabCut takes the overlapping people in a person's box and loses
 * the low-contrast sofa). The assertion sits just under the measured mean, so a regression in
 * the crop/scale/threshold code fails; it does not claim the 0.8 target.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rleDecode, segmentationToRle } from '../../../../src/core/geometry';
import { grabCutBox, readRgb } from '../../../../src/node/sam';
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
  this.timeout(120000);
  before(function () {
    if (!existsSync(DATA)) {
      console.log(`    (skipped: ${DATA} is absent; ../shared sits beside the repo in CI; set LABELSCOPE_SHARED_DIR to point elsewhere)`);
      this.skip();
    }
  });

  it('box -> mask IoU against the labelme polygon of that object: mean >= 0.65 (measured 0.70)', async () => {
    const scores: { name: string; iou: number }[] = [];
    for (const file of readdirSync(DATA).filter((f) => f.endsWith('.json')).sort()) {
      const lm = JSON.parse(readFileSync(path.join(DATA, file), 'utf8')) as { shapes: Shape[]; imagePath: string; imageWidth: number; imageHeight: number };
      const img = await readRgb(path.join(DATA, path.basename(lm.imagePath)));
      assert.deepEqual([img.width, img.height], [lm.imageWidth, lm.imageHeight]);
      for (const inst of instances(lm.shapes)) {
        const xs = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 0));
        const ys = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 1));
        const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
        const truth = rleDecode(segmentationToRle(inst.polygons, img.height, img.width)!);
        const mask = await grabCutBox(img, box);
        scores.push({ name: `${file} ${inst.label}`, iou: iou(mask, truth) });
      }
    }
    const mean = scores.reduce((a, s) => a + s.iou, 0) / scores.length;
    const min = Math.min(...scores.map((s) => s.iou));
    console.log(`      GrabCut fallback on ${scores.length} objects: mean IoU ${mean.toFixed(3)}, min ${min.toFixed(3)} (${scores.map((s) => `${s.name} ${s.iou.toFixed(2)}`).join('; ')})`);
    assert.ok(scores.length >= 5);
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
