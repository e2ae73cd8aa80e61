import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';
import { rleArea, rleEncode, rleIou, rleToBbox, segmentationToRle, type Rle } from '../../../../src/core/geometry';

// Real files made by pycococreator (see /work/shared/README.md): 256x256, one PNG per instance.
const dir = join(SHARED_FIXTURES, 'pycococreator/example_data/annotations');

async function pngMask(file: string): Promise<Rle> {
  const { data, info } = await sharp(join(dir, file)).raw().toBuffer({ resolveWithObject: true });
  const m = new Uint8Array(info.width * info.height);
  for (let p = 0; p < m.length; p++) m[p] = data[p * info.channels] ? 1 : 0;
  return rleEncode(m, info.height, info.width);
}

describe('geometry: pycococreator example (real PNG masks + COCO file)', () => {
  let coco: any;
  const masks: Record<string, Rle> = {};
  before(async function () {
    requireSharedFixtures(this);
    coco = JSON.parse(readFileSync(join(dir, 'coco_example.json'), 'utf8'));
    for (const f of ['100_1.png', '100_2.png', '100_crowd_1.png']) masks[f] = await pngMask(f);
  });

  /** The PNG whose mask overlaps the annotation's segmentation best. */
  function bestPng(seg: Rle): [string, number] {
    let best: [string, number] = ['', -1];
    for (const [f, m] of Object.entries(masks)) {
      const iou = rleIou([seg], [m], [0])[0][0];
      if (iou > best[1]) best = [f, iou];
    }
    return best;
  }

  it('polygon objects: rasterized polygons match their PNG masks; area/bbox fields equal the PNG', () => {
    const objs = coco.annotations.filter((a: any) => !a.iscrowd);
    assert.equal(objs.length, 2);
    for (const a of objs) {
      const img = coco.images.find((i: any) => i.id === a.image_id);
      const seg = segmentationToRle(a.segmentation, img.height, img.width)!;
      assert.ok(seg, 'polygons decode');
      const [file, iou] = bestPng(seg);
      assert.ok(file.startsWith('100_') && !file.includes('crowd'));
      assert.ok(iou >= 0.95, `IoU ${iou}`);
      const png = masks[file];
      // pycococreator wrote area/bbox from the mask itself
      assert.equal(a.area, rleArea(png));
      assert.deepEqual(a.bbox, rleToBbox(png));
      // the polygons (pixel-edge midpoints) rasterize a little smaller: within 3 %
      assert.ok(Math.abs(rleArea(seg) - a.area) / a.area < 0.03, `${rleArea(seg)} vs ${a.area}`);
    }
  });

  it('crowd RLE equals its PNG exactly, and we detect that its area/bbox disagree with it', () => {
    const a = coco.annotations.find((x: any) => x.iscrowd);
    const seg = segmentationToRle(a.segmentation, 256, 256)!;
    assert.ok(seg);
    assert.deepEqual(seg.counts, masks['100_crowd_1.png'].counts);
    assert.equal(rleArea(seg), 34073);
    assert.deepEqual(rleToBbox(seg), [0, 0, 209, 199]);
    // the file says area 31463, bbox [0, 5, 256, 251]: the defect to report
    assert.notEqual(a.area, rleArea(seg));
    assert.notDeepEqual(a.bbox, rleToBbox(seg));
  });
});
