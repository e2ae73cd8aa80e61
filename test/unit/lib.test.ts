/** dist/core.js: the library users require from their own scripts, built and loaded as they would. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'sample', 'annotations', 'instances_sample.json');

describe('library dist/core.js', function () {
  this.timeout(60000);
  let lib: any;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-lib-'));
    // The same options esbuild.mjs uses for dist/core.js, into a temp folder.
    await build({ entryPoints: [path.join(ROOT, 'src/lib.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: path.join(dir, 'core.js'), external: ['vscode', 'sharp', 'onnxruntime-node'], logLevel: 'silent' });
    const src = fs.readFileSync(path.join(dir, 'core.js'), 'utf8');
    assert.ok(!/require\(["']vscode["']\)/.test(src), 'the library must not need vscode');
    lib = require(path.join(dir, 'core.js'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exports the documented functions', () => {
    for (const name of ['loadCoco', 'loadCocoSync', 'parseCoco', 'rleEncode', 'rleDecode', 'rleToString', 'rleFromString', 'rleArea', 'rleToBbox', 'polygonsToRle', 'rleMerge', 'rleIou', 'bboxIou', 'rleFromBbox', 'segmentationToRle', 'polygonArea', 'polygonBbox', 'maskToPolygons', 'checkDocument']) {
      assert.equal(typeof lib[name], 'function', `${name} is not exported`);
    }
  });

  it('loads the sample and answers pycocotools-style questions about it', async () => {
    const doc = await lib.loadCoco(SAMPLE);
    assert.equal(doc.images.length, 5);
    assert.equal(doc.categories.length, 4);
    const ann = doc.annotations[0];
    const img = doc.imageById(ann.image_id);
    assert.equal(img.file_name, 'scene_001.png');
    // A 90×70 axis-aligned rectangle polygon: pycocotools gives area 6300 and the same box.
    const rle = lib.polygonsToRle(ann.segmentation, img.height, img.width);
    assert.equal(lib.rleArea(rle), 6300);
    assert.deepEqual(lib.rleToBbox(rle), [30, 40, 90, 70]);
    assert.deepEqual(doc.annotationsOfImage(1).map((e: any) => e.value.id), [1, 2, 3, 13]);
  });

  it('round-trips a mask through the compressed string', () => {
    // 3×3 plus sign, row-major.
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 1, 0, 1, 0]);
    const rle = lib.rleEncode(mask, 3, 3);
    assert.deepEqual(rle.counts, [1, 1, 1, 3, 1, 1, 1]);
    const s = lib.rleToString(rle.counts);
    assert.equal(s, '11120N0');
    assert.deepEqual(lib.rleFromString(s), rle.counts);
    assert.deepEqual(Array.from(lib.rleDecode({ size: [3, 3], counts: s })), Array.from(mask));
  });

  it('loadCoco names the path when the file cannot be read', async () => {
    await assert.rejects(lib.loadCoco(path.join(dir, 'nope.json')), /nope\.json/);
  });
});
