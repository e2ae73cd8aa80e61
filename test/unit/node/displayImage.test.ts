/** Images for the image view: TIFF / 16-bit / huge files converted with sharp, cached on disk. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { DisplayImages, conversionReasons, displaySize } from '../../../src/node/displayImage';

describe('display images (sharp)', function () {
  this.timeout(30000);
  let dir: string;
  let cacheDir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'labelscope-display-'));
    cacheDir = path.join(dir, 'cache');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a 16-bit TIFF becomes an 8-bit sRGB PNG of the same size (values scaled, not clipped); the second call is a cache hit', async () => {
    const w = 300, h = 200;
    const px = new Uint16Array(w * h * 3);
    // Left half 0x8080 (→ 128 in 8 bits), right half 0xFFFF (→ 255), blue 0x4040 (→ 64).
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = x < w / 2 ? 0x8080 : 0xffff; px[i + 1] = 0x8080; px[i + 2] = 0x4040;
    }
    const file = path.join(dir, 'scan16.tif');
    // deflate: sharp's default TIFF compression (jpeg) would write 8 bits.
    await sharp(px, { raw: { width: w, height: h, channels: 3 } }).toColourspace('rgb16').tiff({ compression: 'deflate' }).toFile(file);
    const src = await sharp(file).metadata();
    assert.equal(src.format, 'tiff');
    assert.equal(src.depth, 'ushort', 'the test image is 16-bit');

    const d = new DisplayImages({ cacheDir });
    const t0 = performance.now();
    const r = await d.prepare(file);
    const ms = performance.now() - t0;
    assert.equal(r.converted, true);
    assert.ok(r.path.startsWith(cacheDir), r.path);
    assert.deepEqual([r.width, r.height, r.displayWidth, r.displayHeight], [w, h, w, h]);
    assert.ok(r.reasons.includes('tiff'), r.reasons.join());
    const out = await sharp(r.path).metadata();
    assert.equal(out.format, 'png');
    assert.equal(out.depth, 'uchar', '8 bits per channel');
    assert.equal(out.space, 'srgb');
    assert.deepEqual([out.width, out.height], [w, h]);
    // PNG IHDR: bit depth byte at offset 24.
    assert.equal(fs.readFileSync(r.path)[24], 8, 'PNG bit depth 8');
    const { data } = await sharp(r.path).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data.subarray(0, 3)], [128, 128, 64], 'left pixel');
    const right = ((h - 1) * w + (w - 1)) * 3;
    assert.deepEqual([...data.subarray(right, right + 3)], [255, 128, 64], 'right pixel');
    assert.equal(d.made, 1);
    console.log(`      16-bit TIFF ${w}×${h}: converted in ${ms.toFixed(0)} ms`);

    const t1 = performance.now();
    const again = await d.prepare(file);
    assert.deepEqual(again, r);
    assert.equal(d.made, 1, 'no second conversion (memory)');
    // A new instance (VS Code restarted): the disk cache answers.
    const d2 = new DisplayImages({ cacheDir });
    const fromDisk = await d2.prepare(file);
    assert.deepEqual(fromDisk, r);
    assert.equal(d2.made, 0, 'no second conversion (disk cache)');
    console.log(`      cache hits in ${(performance.now() - t1).toFixed(1)} ms`);

    // The file changes (mtime / size): converted again.
    await sharp(px, { raw: { width: w, height: h, channels: 3 } }).toColourspace('rgb16').tiff({ compression: 'lzw' }).toFile(file);
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(file, t, t);
    const changed = await d2.prepare(file);
    assert.equal(d2.made, 1);
    assert.notEqual(changed.path, r.path);
  });

  it('a 10000×200 PNG is downscaled to 8192 on the longest side; the original size is kept for the viewer', async () => {
    const file = path.join(dir, 'wide.png');
    await sharp({ create: { width: 10000, height: 200, channels: 3, background: '#336699' } }).png().toFile(file);
    const d = new DisplayImages({ cacheDir });
    const t0 = performance.now();
    const r = await d.prepare(file);
    const ms = performance.now() - t0;
    assert.equal(r.converted, true);
    assert.deepEqual(r.reasons, ['too large']);
    assert.deepEqual([r.width, r.height], [10000, 200], 'original pixel size');
    assert.deepEqual([r.displayWidth, r.displayHeight], [8192, 164]);
    const out = await sharp(r.path).metadata();
    assert.equal(out.format, 'png');
    assert.equal(out.depth, 'uchar');
    assert.deepEqual([out.width, out.height], [8192, 164]);
    const { data } = await sharp(r.path).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data.subarray(0, 3)], [0x33, 0x66, 0x99]);
    console.log(`      10000×200 PNG: converted in ${ms.toFixed(0)} ms`);
    const again = await d.prepare(file);
    assert.equal(again.path, r.path);
    assert.equal(d.made, 1, 'cache hit');
  });

  it('browser-friendly files within the limits go as they are; concurrent calls share one conversion', async () => {
    const file = path.join(dir, 'small.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).jpeg().toFile(file);
    const d = new DisplayImages({ cacheDir, concurrency: 1 });
    const r = await d.prepare(file);
    assert.deepEqual(r, { path: file, converted: false, width: 64, height: 48, displayWidth: 64, displayHeight: 48, reasons: [] });
    const tif = path.join(dir, 'small.tiff');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).tiff().toFile(tif);
    const [a, b] = await Promise.all([d.prepare(tif), d.prepare(tif)]);
    assert.equal(a, b);
    assert.equal(d.made, 1);
  });

  it('an EXIF-rotated JPEG is converted without rotating (the stored pixel grid); CMYK becomes sRGB', async () => {
    const file = path.join(dir, 'rotated.jpg');
    await sharp({ create: { width: 80, height: 40, channels: 3, background: '#ff0000' } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
    const d = new DisplayImages({ cacheDir });
    const r = await d.prepare(file);
    assert.ok(r.converted && r.reasons.includes('exif orientation'), r.reasons.join());
    const out = await sharp(r.path).metadata();
    assert.deepEqual([out.width, out.height, out.orientation], [80, 40, undefined], 'stored grid, no orientation tag');
    const cmyk = path.join(dir, 'cmyk.jpg');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#00ff00' } }).toColourspace('cmyk').jpeg().toFile(cmyk);
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const c = await d.prepare(cmyk);
    assert.ok(c.converted && c.reasons.includes('cmyk'), c.reasons.join());
    const cm = await sharp(c.path).metadata();
    assert.equal(cm.space, 'srgb');
    assert.equal(cm.channels, 3);
  });

  it('a file sharp cannot read is refused with the reason', async () => {
    const file = path.join(dir, 'broken.tif');
    fs.writeFileSync(file, 'not a tiff');
    const d = new DisplayImages({ cacheDir });
    await assert.rejects(d.prepare(file), /broken\.tif/);
  });

  it('limits: reasons and display sizes', () => {
    assert.deepEqual(conversionReasons('a.png', { format: 'png', width: 8192, height: 7000, depth: 'ushort' }), [], '16-bit PNG: browsers show it');
    assert.deepEqual(conversionReasons('a.jpg', { format: 'jpeg', width: 8193, height: 10 }), ['too large']);
    assert.deepEqual(conversionReasons('a.tif', { format: 'tiff', width: 10, height: 10, depth: 'ushort' }), ['tiff', 'ushort samples']);
    assert.deepEqual(displaySize(10000, 200), [8192, 164]);
    assert.deepEqual(displaySize(9000, 9000), [8000, 8000], '64 MP at most');
    assert.deepEqual(displaySize(640, 480), [640, 480]);
  });
});
