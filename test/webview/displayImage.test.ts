/**
 * Converted images in the viewer: a 16-bit TIFF of 10000 × 300 reaches the webview as an
 * 8192 × 246 PNG (node/displayImage, the real sharp conversion), stretched back to the
 * original pixel size, so overlays stay in the JSON's image coordinates.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { DisplayImages } from '../../src/node/displayImage';
import { categoryColor } from '../../src/shared/protocol';
import { hexRgb, launch, openEditor, pixelAt, screenshot, waitShown, type Harness } from './harness';

const W = 10000, H = 300;
/** The white rectangle drawn into the image, and the box annotation over it. */
const RECT = { x: 7000, y: 80, w: 1200, h: 140 };

describe('webview: converted (TIFF, downscaled) images keep image coordinates (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness | undefined;
  let dir: string;
  before(async () => {
    browser = await launch();
    dir = fs.mkdtempSync(path.join(tmpdir(), 'labelscope-wv-display-'));
    // 16-bit grey, black with a white rectangle at RECT (values scaled to 8 bits on conversion).
    const px = new Uint16Array(W * H);
    for (let y = RECT.y; y < RECT.y + RECT.h; y++) px.fill(0xffff, y * W + RECT.x, y * W + RECT.x + RECT.w);
    await sharp(px, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').tiff({ compression: 'deflate' }).toFile(path.join(dir, 'strip16.tif'));
    await sharp(path.join(dir, 'strip16.tif')).metadata().then((m) => assert.equal(m.depth, 'ushort'));
    const { x, y, w, h: rh } = RECT;
    fs.writeFileSync(path.join(dir, 'instances_strip.json'), JSON.stringify({
      images: [
        { id: 1, file_name: 'strip16.tif', width: W, height: H },
        { id: 2, file_name: 'broken.tif', width: 100, height: 100 },
        // No width/height in the JSON: the file's pixel size, not the converted bitmap's.
        { id: 3, file_name: 'strip16.tif' },
      ],
      categories: [{ id: 1, name: 'rect' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [x, y, w, rh], area: w * rh, iscrowd: 0, segmentation: [[x, y, x + w, y, x + w, y + rh, x, y + rh]] }],
    }, null, 2));
    fs.writeFileSync(path.join(dir, 'broken.tif'), 'not a tiff');
  });
  after(async () => { await browser?.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  afterEach(async () => { await h?.close(); h = undefined; });

  it('the box over the rectangle lands on the rectangle of the drawn (converted, downscaled) image', async () => {
    const file = path.join(dir, 'instances_strip.json');
    const display = new DisplayImages({ cacheDir: path.join(dir, 'cache') });
    let converted: Awaited<ReturnType<DisplayImages['prepare']>> | undefined;
    const dataUrl = (p: string) => `data:image/png;base64,${fs.readFileSync(p).toString('base64')}`;
    h = await openEditor(browser, {
      file,
      source: { find: (n) => ({ path: fs.existsSync(path.join(dir, n)) ? path.join(dir, n) : undefined, tried: [path.join(dir, n)] }), toSrc: () => 'data:,' },
      session: {
        displayImage: async (p) => {
          const d = await display.prepare(p);
          if (d.converted) converted = d;
          return { src: dataUrl(d.path), width: d.width, height: d.height, converted: d.converted ? d.reasons.join(', ') : undefined };
        },
      },
    });
    await waitShown(h.page, 0);
    assert.ok(converted, 'converted');
    assert.deepEqual([converted.width, converted.height, converted.displayWidth, converted.displayHeight], [W, H, 8192, 246]);
    const drawn = await h.page.evaluate(() => {
      const v = (window as never as { labelscope: { viewer: { image?: HTMLImageElement; imageW: number; imageH: number; zoom: number } } }).labelscope.viewer;
      return { natural: [v.image?.naturalWidth, v.image?.naturalHeight], image: [v.imageW, v.imageH], zoom: v.zoom };
    });
    assert.deepEqual(drawn.natural, [8192, 246], 'the webview got the downscaled bitmap');
    assert.deepEqual(drawn.image, [W, H], 'drawn at the original pixel size');
    assert.match(await h.page.getAttribute('span.file', 'title') ?? '', /shown converted \(tiff, too large, ushort samples\)/);

    const color = hexRgb(categoryColor(0));
    const { x, y, w, h: rh } = RECT;
    // 4 screen pixels inside / outside each edge, in image units.
    const d = 4 / drawn.zoom;
    const cx = x + w / 2, cy = y + rh / 2;
    for (const [px, py, where] of [[cx, cy, 'centre'], [x + d, cy, 'left edge'], [x + w - d, cy, 'right edge'], [cx, y + d, 'top edge'], [cx, y + rh - d, 'bottom edge']] as const) {
      const p = await pixelAt(h.page, px, py);
      assert.ok(p.image[0] > 200 && p.image[1] > 200 && p.image[2] > 200, `${where} (${px.toFixed(0)}, ${py.toFixed(0)}): the image's white rectangle (${p.image.join(',')})`);
      assert.ok(p.overlay[3] > 0, `${where}: the box's overlay (${p.overlay.join(',')})`);
    }
    for (const [px, py, where] of [[x - d, cy, 'left of'], [x + w + d, cy, 'right of'], [cx, y - d, 'above'], [cx, y + rh + d, 'below']] as const) {
      const p = await pixelAt(h.page, px, py);
      assert.ok(p.image[0] < 40 && p.image[1] < 40 && p.image[2] < 40, `${where} the rectangle (${px.toFixed(0)}, ${py.toFixed(0)}): black image (${p.image.join(',')})`);
      assert.equal(p.overlay[3], 0, `${where}: no overlay`);
    }
    // The outline sits on the rectangle's left edge (x = 7000), in the category color.
    const edge = await pixelAt(h.page, x, cy);
    assert.ok(edge.overlay[3] >= 200 && edge.overlay.slice(0, 3).every((v, i) => Math.abs(v - color[i]) <= 3), `outline at x=${x}: ${edge.overlay.join(',')}`);
    await screenshot(h.page, 'converted-tiff-overlay.png');

    // A file the converter can't read: the missing-image placeholder with the reason.
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 1);
    const text = await h.page.textContent('.missing') ?? '';
    assert.match(text, /Image can't be shown: broken\.tif/);
    assert.match(text, /Can't read broken\.tif/);
    assert.equal(await h.page.isVisible('.missing'), true);
    await screenshot(h.page, 'converted-failed.png');

    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 2);
    const size = await h.page.evaluate(() => {
      const v = (window as never as { labelscope: { viewer: { imageW: number; imageH: number } } }).labelscope.viewer;
      return [v.imageW, v.imageH];
    });
    assert.deepEqual(size, [W, H], 'the original pixel size when the JSON has none');
  });
});
