/**
 * One PNG per object, as pycococreator's example ships it (../shared/fixtures/pycococreator:
 * `annotations/100_1.png`, `100_2.png`, `100_crowd_1.png` beside `images/100.jpg`), against the
 * COCO file pycococreator made from the same PNGs: the crowd region's RLE must be identical
 * (both are the PNG's pixels, column-major, uncompressed), the two objects (which pycococreator
 * wrote as polygons traced with tolerance 2) must have its boxes and areas exactly and masks
 * at IoU ≥ 0.95 (measured: 0.984 and 0.956; the gap is pycococreator's polygon simplification).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConvertLog, type CocoDataset } from '../../../../src/core/convert/model';
import { polygonsToRle } from '../../../../src/core/geometry/polygon';
import { countsIou, rleCounts, type Rle } from '../../../../src/core/geometry/rle';
import { readInput } from '../../../../src/node/convert/runConvert';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';

const DIR = path.join(SHARED_FIXTURES, 'pycococreator', 'example_data');

describe('convert: per-object mask PNGs against pycococreator\'s own COCO', function () {
  this.timeout(60000);
  before(function () {
    requireSharedFixtures(this);
  });

  it('same objects; the crowd RLE identical; objects at box ±1 px and mask IoU ≥ 0.9 of pycococreator\'s traced polygons', async () => {
    const log = new ConvertLog();
    const { ds } = await readInput(DIR, 'masks', log);
    const ref = JSON.parse(fs.readFileSync(path.join(DIR, 'annotations', 'coco_example.json'), 'utf8')) as CocoDataset;
    assert.deepEqual(ds.images.map((i) => [i.file_name, i.width, i.height]), [['images/100.jpg', 256, 256]]);
    assert.equal(ds.annotations.length, ref.annotations.length);
    const crowd = ds.annotations.filter((a) => a.iscrowd === 1);
    const refCrowd = ref.annotations.filter((a) => a.iscrowd === 1);
    assert.equal(crowd.length, 1);
    assert.deepEqual(rleCounts(crowd[0].segmentation as Rle), (refCrowd[0].segmentation as Rle).counts);
    const objects = ds.annotations.filter((a) => a.iscrowd === 0);
    const refObjects = ref.annotations.filter((a) => a.iscrowd === 0);
    // pycococreator lists the PNGs in directory order: pair each object with its best match
    for (const [i, a] of objects.entries()) {
      const ious = refObjects.map((r) => countsIou(rleCounts(a.segmentation as Rle), polygonsToRle(r.segmentation as number[][], 256, 256).counts as number[]));
      const best = ious.indexOf(Math.max(...ious));
      const r = refObjects[best];
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(a.bbox[k] - r.bbox[k]) <= 1, `object ${i + 1} bbox ${a.bbox} vs ${r.bbox}`);
      assert.ok(ious[best] >= 0.95, `object ${i + 1} IoU ${ious[best]}`);
      assert.equal(a.area, r.area, `object ${i + 1} area`);
      assert.ok(ious.filter((v) => v > 0).length === 1, 'the objects do not overlap');
      console.log(`      object ${i + 1}: IoU ${ious[best].toFixed(4)} with pycococreator's polygons; bbox ${a.bbox} vs ${r.bbox}; area ${a.area} vs ${r.area}`);
    }
  });
});
