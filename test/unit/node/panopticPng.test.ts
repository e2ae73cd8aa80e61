/**
 * Panoptic PNGs, written here with sharp (colour = id: R + 256·G + 256²·B), checked
 * through the checkFile pipeline: a clean twin, and PNG/JSON disagreements at their line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { checkFile } from '../../../src/node/checkFile';
import { segmentsOfRgb } from '../../../src/node/panopticPng';
import { cocoText, positionOf } from '../core/rules/helpers';

const W = 40, H = 30;
const PERSON = 3 + 256 * 2 + 65536 * 1; // colour (3, 2, 1)
const SKY = 200;

/** A PNG with `PERSON` in [5, 5, 10, 8] (80 px) and `SKY` in rows 20..29 (400 px); the rest void. */
async function writePng(file: string, extra?: { id: number; x: number; y: number }, size: { w: number; h: number } = { w: W, h: H }): Promise<void> {
  const data = Buffer.alloc(size.w * size.h * 3);
  const paint = (id: number, x0: number, y0: number, w: number, h: number) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) {
      const p = (y * size.w + x) * 3;
      data[p] = id % 256; data[p + 1] = Math.floor(id / 256) % 256; data[p + 2] = Math.floor(id / 65536);
    }
  };
  paint(PERSON, 5, 5, 10, 8);
  paint(SKY, 0, 20, W, 10);
  if (extra) paint(extra.id, extra.x, extra.y, 1, 1);
  await sharp(data, { raw: { width: size.w, height: size.h, channels: 3 } }).png().toFile(file);
}

function panoptic(segments: Record<string, unknown>[][]) {
  return {
    info: {}, licenses: [],
    images: segments.map((_, i) => ({ id: i + 1, file_name: `${i + 1}.jpg`, width: W, height: H })),
    annotations: segments.map((segments_info, i) => ({ image_id: i + 1, file_name: `${i + 1}.png`, segments_info })),
    categories: [
      { id: 1, name: 'person', supercategory: 'person', isthing: 1 },
      { id: 2, name: 'sky', supercategory: 'sky', isthing: 0 },
    ],
  };
}
const person = (extra: Record<string, unknown> = {}) => ({ id: PERSON, category_id: 1, iscrowd: 0, bbox: [5, 5, 10, 8], area: 80, ...extra });
const sky = (extra: Record<string, unknown> = {}) => ({ id: SKY, category_id: 2, iscrowd: 0, bbox: [0, 20, W, 10], area: 400, ...extra });

describe('panoptic PNGs (checkFile pipeline, sharp)', function () {
  this.timeout(30000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-panoptic-'));
    fs.mkdirSync(path.join(dir, 'panoptic_val'));
    await writePng(path.join(dir, 'panoptic_val', '1.png'));
    await writePng(path.join(dir, 'panoptic_val', '2.png'), { id: 77, x: 30, y: 2 });
    for (const n of ['1.jpg', '2.jpg']) fs.writeFileSync(path.join(dir, n), '');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('segment ids from colours as panopticapi\'s rgb2id, with pixel counts and boxes', () => {
    const data = new Uint8Array([3, 2, 1, 3, 2, 1, 0, 0, 0, 0, 0, 0, 3, 2, 1, 9, 0, 0]);
    const segs = segmentsOfRgb(data, 3, 2, 3);
    assert.deepEqual([...segs.entries()], [[PERSON, { area: 3, bbox: [0, 0, 2, 2] }], [9, { area: 1, bbox: [2, 1, 1, 1] }]]);
  });

  it('the clean twin: no errors and no PNG warnings', async () => {
    const file = path.join(dir, 'panoptic_val.json');
    fs.writeFileSync(file, cocoText(panoptic([[person(), sky()], [person(), sky(), { id: 77, category_id: 1, iscrowd: 0, bbox: [30, 2, 1, 1], area: 1 }]])));
    const { problems, summary } = await checkFile(file);
    assert.equal(summary.kind, 'panoptic');
    assert.deepEqual(problems.filter((p) => p.severity === 'error' || p.rule.includes('png')).map((p) => `${p.rule}: ${p.message}`), []);
  });

  it('listed segments absent from the PNG, PNG segments not listed, stale area and bbox, a missing PNG: each at its line', async () => {
    const file = path.join(dir, 'panoptic_val.json');
    const doc = panoptic([[person({ area: 90 }), sky(), { id: 555, category_id: 1, iscrowd: 0, bbox: [0, 0, 1, 1], area: 1 }], [person(), sky({ bbox: [0, 18, W, 12] })], [person()]]);
    const text = cocoText(doc);
    fs.writeFileSync(file, text);
    const { problems, doc: parsed } = await checkFile(file);
    const at = (rule: string) => problems.filter((p) => p.rule === rule).map((p) => parsed.lines.positionAt(p.start).line);
    assert.deepEqual(at('coco/panoptic-png-segments-mismatch'), [positionOf(text, '"id": 555').line, positionOf(text, '"segments_info"', 1).line]);
    assert.deepEqual(at('coco/panoptic-segment-png-area'), [positionOf(text, '"area": 90').line, positionOf(text, `"bbox": [0, 18, ${W}, 12]`).line]);
    assert.deepEqual(at('coco/panoptic-png-missing'), [positionOf(text, '"file_name": "3.png"').line]);
    const unlisted = problems.find((p) => p.rule === 'coco/panoptic-png-segments-mismatch' && p.message.includes('not listed'))!;
    assert.match(unlisted.message, /"2\.png" holds 1 segment not listed in segments_info: 77 \(colour \(77, 0, 0\), 1 px\)/);
    assert.match(problems.find((p) => p.rule === 'coco/panoptic-segment-png-area')!.message, /area is 90 but the PNG has 80 px of it/);
  });

  it('a PNG of another size than its image: one error at file_name, naming both sizes (and a swap)', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'size-'));
    fs.mkdirSync(path.join(sub, 'panoptic_val'));
    // 1.png: the image's 40 × 30; 2.png: 40 × 34 (a taller copy); 3.png: 30 × 40 (rotated).
    await writePng(path.join(sub, 'panoptic_val', '1.png'));
    await writePng(path.join(sub, 'panoptic_val', '2.png'), undefined, { w: W, h: H + 4 });
    await writePng(path.join(sub, 'panoptic_val', '3.png'), undefined, { w: H, h: W });
    const file = path.join(sub, 'panoptic_val.json');
    const text = cocoText(panoptic([[person(), sky()], [person(), sky()], [person()]]));
    fs.writeFileSync(file, text);
    const { problems, doc: parsed } = await checkFile(file);
    const size = problems.filter((p) => p.rule === 'coco/panoptic-png-size-mismatch');
    assert.deepEqual(size.map((p) => parsed.lines.positionAt(p.start).line), [positionOf(text, '"file_name": "2.png"').line, positionOf(text, '"file_name": "3.png"').line]);
    assert.equal(size[0].severity, 'error');
    assert.equal(size[0].message, `Panoptic PNG "2.png" is 40 × 34 but image 2 is 40 × 30: its segments label the wrong pixels.`);
    assert.match(size[1].message, /is 30 × 40 but image 3 is 40 × 30 \(width and height swapped: an EXIF-rotated image\?\)/);
  });
});
