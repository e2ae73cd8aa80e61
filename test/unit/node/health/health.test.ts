/**
 * Image health on real files the test writes with sharp: a truncated JPEG, a PNG whose declared
 * size is wrong, EXIF orientation 6, a CMYK JPEG, a 16-bit PNG, a decompression bomb (a tiny PNG
 * whose header declares 100,000 × 100,000), an all-black image, a path that leaves the dataset.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { parseCoco } from '../../../../src/core/coco/parse';
import { applyByteEdits } from '../../../../src/core/edits/applyByteEdits';
import { checkImageHealth, escapeReason } from '../../../../src/node/health/check';
import { createProbePool, type ProbePool } from '../../../../src/node/health/pool';
import { imageHealthRules } from '../../../../src/node/health/rules';
import { brightnessAndEntropy, edgeStd } from '../../../../src/node/health/scores';

/** Seeded noise: a busy, sharp, colourful picture. */
function noise(w: number, h: number, seed = 1, channels = 3): Buffer {
  const b = Buffer.alloc(w * h * channels);
  let s = seed;
  for (let i = 0; i < b.length; i++) { s = (s * 1103515245 + 12345) >>> 0; b[i] = s >>> 24; }
  return b;
}
const raw = (w: number, h: number, channels: 1 | 3 | 4 = 3) => ({ raw: { width: w, height: h, channels } });

/** A 1 × 1 PNG whose IHDR says width × height (CRC fixed up): a decompression bomb's header. */
function bombPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf: Buffer) => { let c = 0xffffffff; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 0; // 8-bit grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(2))), chunk('IEND', Buffer.alloc(0))]);
}

describe('image health', function () {
  this.timeout(60000);
  let dir: string, cocoFile: string, text: string, pool: ProbePool;
  const images: Record<string, { w: number; h: number }> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-health-'));
    const img = path.join(dir, 'images');
    fs.mkdirSync(img);
    const put = async (name: string, buf: Buffer, w: number, h: number) => { fs.writeFileSync(path.join(img, name), buf); images[name] = { w, h }; };
    await put('good.jpg', await sharp(noise(64, 48), raw(64, 48)).jpeg({ quality: 95 }).toBuffer(), 64, 48);
    const full = await sharp(noise(64, 48, 2), raw(64, 48)).jpeg().toBuffer();
    await put('truncated.jpg', full.subarray(0, Math.floor(full.length * 0.6)), 64, 48);
    await put('wrongsize.png', await sharp(noise(80, 60, 3), raw(80, 60)).png().toBuffer(), 100, 100);
    await put('exif6.jpg', await sharp(noise(64, 48, 4), raw(64, 48)).jpeg().withMetadata({ orientation: 6 }).toBuffer(), 64, 48);
    await put('cmyk.jpg', await sharp(noise(64, 48, 5), raw(64, 48)).toColourspace('cmyk').jpeg().toBuffer(), 64, 48);
    await put('deep.png', await sharp(noise(64, 48, 6), raw(64, 48)).toColourspace('rgb16').png().toBuffer(), 64, 48);
    await put('bomb.png', bombPng(100000, 100000), 100000, 100000);
    await put('black.png', await sharp(Buffer.alloc(64 * 64 * 3), raw(64, 64)).png().toBuffer(), 64, 64);
    images['../../outside.jpg'] = { w: 10, h: 10 };
    const coco = {
      images: Object.entries(images).map(([file_name, s], k) => ({ id: k + 1, file_name, width: s.w, height: s.h })),
      annotations: [],
      categories: [{ id: 1, name: 'thing' }],
    };
    text = JSON.stringify(coco, null, 2);
    cocoFile = path.join(dir, 'instances_test.json');
    fs.writeFileSync(cocoFile, text);
    pool = await createProbePool(2);
  });
  after(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (cacheDir?: string) => checkImageHealth(parseCoco(new TextEncoder().encode(text), { path: cocoFile }), cocoFile, { imageRoot: 'images', pool, cacheDir });
  const byFile = (problems: { rule: string; message: string }[], name: string) => problems.filter((p) => p.message.includes(JSON.stringify(name))).map((p) => p.rule).sort();

  it('runs in worker threads', () => {
    assert.equal(pool.inWorkers, true);
  });

  it('reports each defect on its image with the expected rule', async () => {
    const { problems } = await run();
    assert.deepEqual(byFile(problems, 'good.jpg'), []);
    assert.deepEqual(byFile(problems, 'truncated.jpg'), ['coco/image-unreadable']);
    assert.match(problems.find((p) => p.rule === 'coco/image-unreadable')!.message, /premature end of JPEG/i);
    assert.deepEqual(byFile(problems, 'wrongsize.png'), ['coco/image-size-mismatch']);
    assert.deepEqual(byFile(problems, 'exif6.jpg'), ['coco/image-exif-orientation']);
    assert.match(problems.find((p) => p.rule === 'coco/image-exif-orientation')!.message, /declared 64 × 48 matches the stored pixels, so loaders that apply EXIF .* see a 48 × 64 image/);
    assert.deepEqual(byFile(problems, 'cmyk.jpg'), ['coco/image-color-mode']);
    assert.match(problems.find((p) => p.message.includes('cmyk.jpg'))!.message, /is not plain 8-bit RGB: CMYK \(jpeg\)/);
    assert.deepEqual(byFile(problems, 'deep.png'), ['coco/image-color-mode']);
    assert.match(problems.find((p) => p.message.includes('deep.png'))!.message, /is not plain 8-bit RGB: 16 bits per channel \(png\)/);
    assert.deepEqual(byFile(problems, 'bomb.png'), ['coco/image-too-large']);
    assert.match(problems.find((p) => p.rule === 'coco/image-too-large')!.message, /100000 × 100000 = 10000 Mpx is above the limit of 268 Mpx \(not decoded\)/);
    assert.deepEqual(byFile(problems, 'black.png'), ['coco/image-dark', 'coco/image-low-information']);
    assert.deepEqual(byFile(problems, '../../outside.jpg'), ['coco/image-path-escapes']);
    for (const p of problems) assert.match(p.jsonPath, /^\$\.images\[\d+\]/);
  });

  it('the size fix writes the file\'s size into width and height', async () => {
    const { problems } = await run();
    const p = problems.find((x) => x.rule === 'coco/image-size-mismatch')!;
    assert.match(p.message, /declared 100 × 100, but the file is 80 × 60/);
    const doc = parseCoco(new TextEncoder().encode(text), { path: cocoFile });
    const rule = imageHealthRules({ probes: new Map(), escaping: new Map(), colourDataset: true }).find((r) => r.id === p.rule)!;
    const fix = rule.fix!(doc, p)!;
    const fixed = JSON.parse(new TextDecoder().decode(applyByteEdits(doc.bytes, fix.edits)));
    const image = fixed.images.find((i: { file_name: string }) => i.file_name === 'wrongsize.png');
    assert.deepEqual([image.width, image.height], [80, 60]);
  });

  it('a second run reads the probes from the disk cache; a changed file is probed again', async () => {
    const cacheDir = path.join(dir, 'cache');
    const first = await run(cacheDir);
    assert.equal(first.cached, 0);
    const second = await run(cacheDir);
    assert.equal(second.cached, second.images.length);
    assert.deepEqual(second.problems.map((p) => p.message), first.problems.map((p) => p.message));
    fs.writeFileSync(path.join(dir, 'images', 'good.jpg'), await sharp(Buffer.alloc(64 * 48 * 3), raw(64, 48)).jpeg().toBuffer());
    const third = await run(cacheDir);
    assert.equal(third.cached, second.images.length - 1);
    assert.ok(byFile(third.problems, 'good.jpg').includes('coco/image-dark'));
  });

  it('refuses names that leave the dataset', () => {
    assert.equal(escapeReason('a/b.jpg', '/data'), undefined);
    assert.match(escapeReason('/etc/passwd', '/data')!, /absolute/);
    assert.match(escapeReason('../../x.jpg', '/data/images')!, /leaves/);
    assert.match(escapeReason('C:\\x.jpg', '/data')!, /absolute/);
  });

  it('scores: brightness, entropy and edges by hand', () => {
    // Constant RGB (100, 150, 200): brightness √(0.241·100² + 0.691·150² + 0.068·200²) / 255 = 0.56391;
    // each channel one value: entropy = log₂ 3
    const px = Buffer.alloc(10 * 10 * 3);
    for (let i = 0; i < px.length; i += 3) { px[i] = 100; px[i + 1] = 150; px[i + 2] = 200; }
    const r = brightnessAndEntropy(px, 3);
    assert.ok(Math.abs(r.p99 - 0.56391) < 2e-4 && Math.abs(r.p5 - 0.56391) < 2e-4, `${r.p99} ${r.p5}`);
    assert.ok(Math.abs(r.entropy - Math.log2(3)) < 1e-12);
    // 3 × 3, centre 10: FIND_EDGES gives 80 in the centre, borders copied (0): σ = √(6400/9 − (80/9)²)
    const g = new Uint8Array(9); g[4] = 10;
    assert.ok(Math.abs(edgeStd(g, 3, 3) - Math.sqrt(6400 / 9 - (80 / 9) ** 2)) < 1e-12);
  });
});
