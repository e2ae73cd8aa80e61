/** `labelscope segment` end to end: tiny SAM models, real files, the written COCO file byte by byte. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { main, type CliIo } from '../../../../src/cli/main';
import { rleDecode, rleFromString, segmentationToRle } from '../../../../src/core/geometry';
import { tinySam1Decoder, tinySam1Encoder } from './tinySamModels';

interface Run { code: number; stdout: string; stderr: string }
async function cli(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('CLI: labelscope segment', function () {
  this.timeout(120000);
  let dir: string;
  let input: string;
  let enc: string;
  let dec: string;
  const polygonAnn = '{"id": 3, "image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0, "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-segment-'));
    fs.mkdirSync(path.join(dir, 'imgs'));
    // A grey 151 x 97 image with a red 40 x 30 block at (50, 30), for the fallback too.
    await sharp({ create: { width: 151, height: 97, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([{ input: { create: { width: 40, height: 30, channels: 3, background: { r: 220, g: 20, b: 20 } } }, left: 50, top: 30 }])
      .png().toFile(path.join(dir, 'imgs', 'a.png'));
    enc = path.join(dir, 'enc.onnx');
    dec = path.join(dir, 'dec.onnx');
    fs.writeFileSync(enc, tinySam1Encoder());
    fs.writeFileSync(dec, tinySam1Decoder());
    input = path.join(dir, 'in.json');
    fs.writeFileSync(input, `{
  "images": [
    {"id": 1, "file_name": "a.png", "width": 151, "height": 97},
    {"id": 2, "file_name": "missing.png", "width": 10, "height": 10}
  ],
  "annotations": [
    {"id": 1, "image_id": 1, "category_id": 1, "bbox": [50, 30, 40, 30], "area": 1200, "iscrowd": 0},
    {
      "id": 2,
      "image_id": 1,
      "category_id": 1,
      "bbox": [10, 10, 20, 15],
      "segmentation": [],
      "iscrowd": 0
    },
    ${polygonAnn},
    {"id": 4, "image_id": 1, "category_id": 1, "bbox": [0, 0, 9, 9], "iscrowd": 1, "segmentation": []},
    {"id": 5, "image_id": 2, "category_id": 1, "bbox": [1, 1, 3, 3]}
  ],
  "categories": [{"id": 1, "name": "thing"}]
}
`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('SAM: box-only annotations get the box mask as polygons and pycocotools area; the rest of the file is untouched', async () => {
    const out = path.join(dir, 'out.json');
    const r = await cli(['segment', input, out, '--images', path.join(dir, 'imgs'), '--encoder', enc, '--decoder', dec]);
    assert.equal(r.code, 1, r.stderr + r.stdout); // annotation 5's image is missing
    assert.match(r.stdout, /segmented 2 of 3 box-only annotations with enc\.onnx \(SAM 1, CPU\); skipped 1\./);
    assert.match(r.stdout, /Skipped annotation 5: image file missing\.png not found \(tried .*missing\.png/);
    assert.match(r.stderr, /segmenting 3\/3/);
    const text = fs.readFileSync(out, 'utf8');
    const json = JSON.parse(text);
    const [a1, a2] = json.annotations;
    assert.deepEqual(a1.bbox, [50, 30, 40, 30]);
    assert.equal(a1.area, 1200);
    assert.deepEqual(Array.from(rleDecode(segmentationToRle(a1.segmentation, 97, 151)!)).reduce((s: number, v) => s + v, 0), 1200);
    assert.equal(a2.area, 300);
    assert.ok(Array.isArray(a2.segmentation) && a2.segmentation.length === 1);
    // Minimal edits: the untouched annotations and images keep their bytes and layout.
    assert.ok(text.includes(polygonAnn));
    assert.ok(text.includes('{"id": 4, "image_id": 1, "category_id": 1, "bbox": [0, 0, 9, 9], "iscrowd": 1, "segmentation": []}'));
    assert.ok(text.startsWith(fs.readFileSync(input, 'utf8').slice(0, fs.readFileSync(input, 'utf8').indexOf('"annotations"'))));
    assert.match(text, /"bbox": \[50, 30, 40, 30\], "area": 1200, "iscrowd": 0, "segmentation": \[\[/); // one-line object stays one line
    assert.match(text, /\n {6}"segmentation": \[\[[^\n]*\]\],\n {6}"iscrowd": 0,\n {6}"area": 300\n/); // multi-line: replaced in place, area added
  });

  it('--format rle writes pycocotools compressed RLE of the image size', async () => {
    const out = path.join(dir, 'out-rle.json');
    const r = await cli(['segment', input, out, '--images', path.join(dir, 'imgs'), '--encoder', enc, '--decoder', dec, '--format', 'rle']);
    assert.equal(r.code, 1);
    const a1 = JSON.parse(fs.readFileSync(out, 'utf8')).annotations[0];
    assert.deepEqual(a1.segmentation.size, [97, 151]);
    const mask = rleDecode({ size: [97, 151], counts: rleFromString(a1.segmentation.counts) });
    assert.equal(mask[45 * 151 + 70], 1);
    assert.equal(mask[20 * 151 + 70], 0);
    assert.equal(a1.area, 1200);
  });

  it('no model: the GrabCut fallback, said so; the red block is found', async () => {
    const out = path.join(dir, 'out-fallback.json');
    const r = await cli(['segment', input, out, '--images', path.join(dir, 'imgs'), '--format', 'rle']);
    assert.match(r.stderr, /no model given .*using the GrabCut fallback/);
    assert.match(r.stdout, /with GrabCut fallback \(no SAM model\)/);
    const a1 = JSON.parse(fs.readFileSync(out, 'utf8')).annotations[0];
    const mask = rleDecode({ size: [97, 151], counts: rleFromString(a1.segmentation.counts) });
    let inside = 0;
    for (let y = 30; y < 60; y++) for (let x = 50; x < 90; x++) inside += mask[y * 151 + x];
    assert.ok(inside / 1200 > 0.9, `${inside} of 1200 box pixels`);
  });

  it('bad command lines and models exit 2 with the reason', async () => {
    const out = path.join(dir, 'never.json');
    let r = await cli(['segment', input]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs an input and an output COCO file/);
    r = await cli(['segment', input, out, '--encoder', enc]);
    assert.match(r.stderr, /--encoder and --decoder go together/);
    r = await cli(['segment', input, out, '--format', 'svg']);
    assert.match(r.stderr, /--format must be one of polygon, rle/);
    r = await cli(['segment', input, out, '--model', 'mobile_sam', '--models-dir', path.join(dir, 'none')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /model "mobile_sam" is not in .*none .*installed: none/);
    r = await cli(['segment', input, out, '--encoder', dec, '--decoder', dec]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /dec\.onnx is not a SAM image encoder/);
    r = await cli(['segment', input, input, '--encoder', enc, '--decoder', dec]);
    assert.match(r.stderr, /the output must be another file than the input/);
    assert.equal(fs.existsSync(out), false);
  });
});
