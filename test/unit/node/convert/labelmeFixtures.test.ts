/**
 * Against labelme's own converters' output in ../shared/fixtures/labelme: labelme → COCO gives
 * the objects, categories and boxes (±1 px) of labelme2coco's annotations.json and masks at
 * IoU ≥ 0.95; labelme rectangles → VOC give labelme2voc's XML boxes (±1 px: VOC is 1-based,
 * labelme2voc writes the 0-based float corners as they are).
 * labelme2coco's quirks, allowed for: ids from 0, `_background_` as category 0, boxes and areas
 * from a PIL-rasterized mask.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ConvertLog, type CocoDataset } from '../../../../src/core/convert/model';
import { compareRoundTrip } from '../../../../src/core/convert/roundTrip';
import { readInput, runConvert } from '../../../../src/node/convert/runConvert';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';

const LABELME = path.join(SHARED_FIXTURES, 'labelme');

export const LABELME_FIGURES: Record<string, unknown> = {};

describe('convert: labelme fixtures against labelme\'s own converters', function () {
  this.timeout(60000);
  before(function () {
    requireSharedFixtures(this);
  });

  it('labelme → COCO matches labelme2coco: same objects and categories, boxes within 1 px, masks IoU ≥ 0.95', async () => {
    const log = new ConvertLog();
    const { ds, from } = await readInput(path.join(LABELME, 'instance_segmentation', 'data_annotated'), undefined, log);
    assert.equal(from, 'labelme');
    const ref = JSON.parse(fs.readFileSync(path.join(LABELME, 'instance_segmentation', 'data_dataset_coco', 'annotations.json'), 'utf8')) as CocoDataset;
    // labelme2coco: images are JPEGImages/<name>; categories from labels.txt (ours: by name)
    const refUsed = new Set(ref.annotations.map((a) => ref.categories.find((c) => c.id === a.category_id)!.name));
    assert.deepEqual(new Set(ds.categories.map((c) => c.name)), refUsed);
    assert.equal(ds.annotations.length, ref.annotations.length);
    const dir = path.join(LABELME, 'instance_segmentation', 'data_annotated');
    const ignored = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
      .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).shapes).filter((s: { label: string }) => s.label === '__ignore__').length;
    assert.ok(ignored > 0);
    assert.equal(log.count('dropped', 'labelme-ignore'), ignored, 'the __ignore__ shapes are skipped and counted, as labelme2coco skips them');
    const { objects, summary } = compareRoundTrip(ref, ds);
    assert.equal(summary.missing, 0);
    assert.equal(summary.extraObjects, 0);
    for (const o of objects) {
      assert.equal(o.kind, 'mask');
      assert.ok(o.iou >= 0.95, `ann ${o.annotationId} IoU ${o.iou}`);
      assert.ok(o.boxShift! <= 1, `ann ${o.annotationId} box ${o.boxShift}`);
    }
    assert.ok(ds.annotations.every((a) => a.id > 0), 'our ids start at 1');
    LABELME_FIGURES.labelme2coco = { objects: summary.objects, meanMaskIou: summary.meanMaskIou, minMaskIou: summary.minMaskIou, maxBoxShiftPx: summary.maxBoxShiftPx };
  });

  it('labelme rectangles → VOC match labelme2voc\'s XML (same objects, boxes within 1 px)', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-voc-'));
    try {
      const r = await runConvert({ input: path.join(LABELME, 'bbox_detection', 'data_annotated'), output: path.join(out, 'voc'), to: 'voc', force: true });
      assert.equal(r.from, 'labelme');
      const parser = new XMLParser({ isArray: (n) => n === 'object' });
      const refDir = path.join(LABELME, 'bbox_detection', 'data_dataset_voc', 'Annotations');
      let maxDiff = 0, n = 0;
      for (const f of fs.readdirSync(refDir)) {
        const ref = parser.parse(fs.readFileSync(path.join(refDir, f), 'utf8')).annotation;
        const ours = parser.parse(fs.readFileSync(path.join(out, 'voc', 'Annotations', f), 'utf8')).annotation;
        assert.equal(ours.filename, ref.filename);
        assert.equal(ours.size.width, ref.size.width);
        assert.equal(ours.size.height, ref.size.height);
        assert.equal(ours.object.length, ref.object.length, f);
        ref.object.forEach((o: { name: string; bndbox: Record<string, number> }, i: number) => {
          assert.equal(ours.object[i].name, o.name);
          for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
            const d = Math.abs(ours.object[i].bndbox[k] - o.bndbox[k]);
            maxDiff = Math.max(maxDiff, d);
            assert.ok(d <= 1, `${f} object ${i} ${k}: ${ours.object[i].bndbox[k]} vs ${o.bndbox[k]}`);
          }
          n++;
        });
      }
      assert.ok(fs.statSync(path.join(out, 'voc', 'JPEGImages', '2011_000003.jpg')).isFile());
      LABELME_FIGURES.labelme2voc = { objects: n, maxCornerDiffPx: maxDiff };
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('labelme primitives (v5): every shape type read; the mask crop lands where labelme draws it', async () => {
    const log = new ConvertLog();
    const { ds } = await readInput(path.join(LABELME, 'primitives'), 'labelme', log);
    const byCat = (n: string) => ds.annotations.filter((a) => ds.categories.find((c) => c.id === a.category_id)!.name === n);
    assert.equal(byCat('rectangle').length, 2);
    assert.deepEqual(byCat('rectangle')[0].bbox, [32, 35, 100, 100]);
    const oct = byCat('octagon')[0];
    assert.ok(oct.segmentation && !Array.isArray(oct.segmentation), 'mask shape → RLE');
    assert.ok(oct.bbox[0] >= 417 && oct.bbox[0] + oct.bbox[2] <= 517, `octagon box ${oct.bbox}`);
    assert.equal(byCat('point')[0].keypoints!.slice(0, 2).join(), '345,174');
    assert.equal(log.count('changed', 'no-area-shape'), 3, 'point, line and linestrip: counted');
  });

  after(() => { if (process.env.LABELSCOPE_PRINT_FIGURES) console.log(JSON.stringify(LABELME_FIGURES)); });
});

describe('convert: labelme2voc\'s SegmentationObject/Class PNGs read as mask PNGs', function () {
  this.timeout(60000);
  before(function () { requireSharedFixtures(this); });
  // labelme2voc paints PIL-rasterized polygons (edge pixels in, later objects over earlier ones);
  // labelme2coco's polygons are compared through pycocotools' rasterization: one object differs
  // by ~7% (see ../shared/README.md), so the floor here is 0.9 and the mean is reported.
  it('give labelme2coco\'s objects: same classes, every object back, masks IoU ≥ 0.9 (mean ≥ 0.95)', async () => {
    const log = new ConvertLog();
    const { ds, from } = await readInput(path.join(LABELME, 'instance_segmentation', 'data_dataset_voc'), undefined, log);
    assert.equal(from, 'masks');
    const ref = JSON.parse(fs.readFileSync(path.join(LABELME, 'instance_segmentation', 'data_dataset_coco', 'annotations.json'), 'utf8')) as CocoDataset;
    const { summary } = compareRoundTrip(ref, ds);
    assert.equal(summary.missing, 0, JSON.stringify(summary.worst.slice(0, 3)));
    assert.ok(summary.minMaskIou! >= 0.9, `min IoU ${summary.minMaskIou}`);
    assert.ok(summary.meanMaskIou! >= 0.95, `mean IoU ${summary.meanMaskIou}`);
    LABELME_FIGURES.labelme2vocPngs = { objects: summary.objects, meanMaskIou: summary.meanMaskIou, minMaskIou: summary.minMaskIou };
    if (process.env.LABELSCOPE_PRINT_FIGURES) console.log(JSON.stringify(LABELME_FIGURES.labelme2vocPngs));
  });
});
