/**
 * The tracer on real masks made by other tools (../shared/fixtures): pycococreator's per-object
 * PNGs and labelme2voc's SegmentationObject / SegmentationClass PNGs (each object id and each
 * class a mask of its own). maskToPolygons must give d3-contour's polygons, vertex for vertex,
 * and the YOLO writer's RLE tracing the polygons d3 gave it before, with the same hole verdict.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { maskToPolygons } from '../../../../src/core/geometry/contours';
import { rleEncode } from '../../../../src/core/geometry/rle';
import { rleToPolygons } from '../../../../src/core/convert/shapes';
import { maskToPolygonsD3 } from '../../core/geometry/d3Contours';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';

/** Every label of a PNG (grey or palette index; 0 = background, 255 = VOC's border) as its own mask. */
async function labelMasks(file: string): Promise<{ label: number; mask: Uint8Array; h: number; w: number }[]> {
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  // palette PNGs: sharp expands them to RGB; channel 0 still separates labelme2voc's colours
  const labels = [...new Set(data)].filter((v) => v !== 0).sort((a, b) => a - b);
  return labels.map((label) => ({ label, h: info.height, w: info.width, mask: Uint8Array.from(data, (v) => (v === label ? 1 : 0)) }));
}

describe('geometry: the tracer on masks made by other tools', function () {
  this.timeout(120000);
  before(function () {
    requireSharedFixtures(this);
  });

  it('pycococreator and labelme2voc masks: d3-contour\'s polygons, vertex for vertex', async () => {
    const files = [
      ...['100_1.png', '100_2.png', '100_crowd_1.png'].map((f) => path.join(SHARED_FIXTURES, 'pycococreator', 'example_data', 'annotations', f)),
      ...['SegmentationObject', 'SegmentationClass'].flatMap((d) => {
        const dir = path.join(SHARED_FIXTURES, 'labelme', 'instance_segmentation', 'data_dataset_voc', d);
        return fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().map((f) => path.join(dir, f));
      }),
    ];
    let masks = 0, withHoles = 0;
    for (const file of files) {
      for (const { label, mask, h, w } of await labelMasks(file)) {
        const what = `${path.basename(path.dirname(file))}/${path.basename(file)} label ${label}`;
        for (const opts of [{}, { holes: 'bridge' as const }, { tolerance: 1 }]) assert.deepEqual(maskToPolygons(mask, h, w, opts), maskToPolygonsD3(mask, h, w, opts), `${what} ${JSON.stringify(opts)}`);
        const traced = rleToPolygons(rleEncode(mask, h, w));
        assert.ok(traced.polygons.length > 0, what);
        assert.deepEqual(traced.polygons, maskToPolygonsD3(mask, h, w), what);
        if (traced.holesFilled) withHoles++;
        masks++;
      }
    }
    assert.ok(masks >= 12, `${masks} masks traced`);
    assert.ok(withHoles >= 1, `${withHoles} of them with holes`);
  });
});
