/**
 * RLE masks: decoded in a blob: Worker or on the main thread, cropped to their extent: the same
 * pixels both ways, and the pixels the full-image decode gave (image edges, runs across columns,
 * crowd hatching). Switch-time figures: rle.bench.ts (npm run bench:viewer).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rleEncodeColumnMajor, rleToString } from '../../src/core/geometry';
import { categoryColor } from '../../src/shared/protocol';
import { ARTIFACTS, hexRgb, launch, openEditor, pixelAt, screenshot, waitShown, type Harness } from './harness';
import { rleDataset, switchTimes } from './rleData';

type Lab = { labelscope: { rleWorkerSettings: { enabled: boolean; batches: number }; viewer: {
  zoom: number; panX: number; panY: number; overlayCanvas: HTMLCanvasElement; opts: { fillOpacity: number };
  setView(z: number, x: number, y: number): void; invalidateOverlays(): void; renderNow(): void; fit(n?: boolean): void;
} } };

const setWorker = (page: Page, on: boolean) => page.evaluate((v) => { (window as never as Lab).labelscope.rleWorkerSettings.enabled = v; }, on);
const batches = (page: Page) => page.evaluate(() => (window as never as Lab).labelscope.rleWorkerSettings.batches);

// ------------------------------------------------------------------ small masks, checked pixel by pixel
const SW = 64;
const SH = 48;

interface TestMask { name: string; bits: Uint8Array; crowd: boolean; colorIndex: number }

/** Column-major h × w bits of the pixels where f(x, y). */
function maskOf(f: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(SW * SH);
  for (let x = 0; x < SW; x++) for (let y = 0; y < SH; y++) if (f(x, y)) m[x * SH + y] = 1;
  return m;
}

const MASKS: TestMask[] = [
  // In the bottom-right corner: its box ends on the image's last row and column (a notch on top-left).
  { name: 'corner', colorIndex: 0, crowd: false, bits: maskOf((x, y) => x >= SW - 6 && y >= SH - 4 && !(x === SW - 6 && y === SH - 4)) },
  // One run from column 10 row 30 to column 14 row 5: columns 10–14, every row of the box.
  { name: 'columns', colorIndex: 1, crowd: false, bits: maskOf((x, y) => { const p = x * SH + y; return p >= 10 * SH + 30 && p <= 14 * SH + 5; }) },
  // A crowd blob inside: hatching in image coordinates, several runs per column.
  { name: 'crowd', colorIndex: 2, crowd: true, bits: maskOf((x, y) => ((x - 33) / 8) ** 2 + ((y - 21) / 9) ** 2 <= 1 && !(x === 33 && y > 14 && y < 20)) },
];

function extent(bits: Uint8Array): [number, number, number, number] {
  let x0 = SW, y0 = SH, x1 = -1, y1 = -1;
  for (let x = 0; x < SW; x++) for (let y = 0; y < SH; y++) if (bits[x * SH + y]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** 2 images with the same 3 masks (one shown through the worker, one through the main thread). */
function smallDataset(): Buffer {
  const images = [1, 2].map((id) => ({ id, file_name: `m_${id}.png`, width: SW, height: SH }));
  let id = 1;
  const annotations = images.flatMap((img) => MASKS.map((m) => ({
    id: id++, image_id: img.id, category_id: m.colorIndex + 1,
    segmentation: { size: [SH, SW], counts: rleToString(rleEncodeColumnMajor(m.bits, SH, SW).counts as number[]) },
    area: m.bits.reduce((a, b) => a + b, 0), bbox: extent(m.bits), iscrowd: m.crowd ? 1 : 0,
  })));
  const categories = MASKS.map((m) => ({ id: m.colorIndex + 1, name: m.name }));
  return Buffer.from(JSON.stringify({ images, annotations, categories }));
}

/**
 * The overlay pixel of image pixel (x, y) as the full-image decode drew it: the outline (a set pixel
 * on the image's edge or next to an unset one) opaque, else the fill at the fill opacity (crowd:
 * 1.6 × it, over the hatching's alpha), else nothing.
 */
function expected(x: number, y: number, opacity: number): { rgb: number[]; a: number } | null {
  for (const m of MASKS) {
    const at = (i: number, j: number) => i >= 0 && j >= 0 && i < SW && j < SH && m.bits[i * SH + j] === 1;
    if (!at(x, y)) continue;
    const rgb = hexRgb(categoryColor(m.colorIndex));
    const edge = x === 0 || y === 0 || x === SW - 1 || y === SH - 1 || !at(x - 1, y) || !at(x + 1, y) || !at(x, y - 1) || !at(x, y + 1);
    if (edge) return { rgb, a: 255 };
    const fa = m.crowd ? (((x + y) % 8) < 3 ? 255 : 70) : 255;
    return { rgb, a: fa * (m.crowd ? Math.min(1, opacity * 1.6) : opacity) };
  }
  return null;
}

/**
 * Reads the overlay layer over the image (and 3 px past it) and compares every device pixel whose
 * centre falls clearly inside one image pixel with `expected`. Returns how many were compared.
 */
async function checkOverlay(page: Page, what: string): Promise<number> {
  const got = await page.evaluate(([w, h]) => {
    const v = (window as never as Lab).labelscope.viewer;
    const x1 = Math.min(v.overlayCanvas.width, Math.ceil((w + 3) * v.zoom + v.panX));
    const y1 = Math.min(v.overlayCanvas.height, Math.ceil((h + 3) * v.zoom + v.panY));
    const x0 = Math.max(0, Math.floor(v.panX - 3 * v.zoom));
    const y0 = Math.max(0, Math.floor(v.panY - 3 * v.zoom));
    const d = v.overlayCanvas.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0);
    let bin = '';
    for (let k = 0; k < d.data.length; k += 0x8000) bin += String.fromCharCode(...d.data.subarray(k, k + 0x8000));
    return { x0, y0, w: d.width, h: d.height, data: btoa(bin), zoom: v.zoom, panX: v.panX, panY: v.panY, opacity: v.opts.fillOpacity };
  }, [SW, SH] as const);
  const data = Buffer.from(got.data, 'base64');
  let n = 0;
  const bad: string[] = [];
  for (let j = 0; j < got.h; j++) {
    for (let i = 0; i < got.w; i++) {
      const fx = (got.x0 + i + 0.5 - got.panX) / got.zoom;
      const fy = (got.y0 + j + 0.5 - got.panY) / got.zoom;
      // Centres on a pixel boundary may round either way.
      if (Math.abs(fx - Math.round(fx)) < 0.02 || Math.abs(fy - Math.round(fy)) < 0.02) continue;
      const x = Math.floor(fx), y = Math.floor(fy);
      const o = 4 * (j * got.w + i);
      const px = [...data.subarray(o, o + 4)];
      const e = expected(x, y, got.opacity);
      n++;
      const ok = e === null ? px[3] === 0
        : Math.abs(px[3] - e.a) <= 1.5 && px.slice(0, 3).every((c, k) => Math.abs(c - e.rgb[k]) <= (e.a < 100 ? 6 : 3));
      if (!ok && bad.length < 10) bad.push(`(${x}, ${y}): got ${px.join(',')}, expected ${e ? `${e.rgb.join(',')},${e.a.toFixed(1)}` : 'nothing'}`);
    }
  }
  assert.deepEqual(bad, [], `${what}: overlay pixels differ from the full-image decode`);
  assert.ok(n > SW * SH, `${what}: compared ${n} pixels`);
  return n;
}

async function checkBothViews(page: Page, what: string): Promise<void> {
  // The fitted view (a fractional zoom and pan: nearest-neighbour scaling of the box bitmaps)…
  await checkOverlay(page, `${what}, fitted`);
  // …and 1:1 at the origin: one device pixel per image pixel.
  await page.evaluate(() => { const v = (window as never as Lab).labelscope.viewer; v.setView(1, 0, 0); v.invalidateOverlays(); v.renderNow(); });
  await checkOverlay(page, `${what}, 1:1`);
  await page.evaluate(() => { const v = (window as never as Lab).labelscope.viewer; v.fit(false); v.invalidateOverlays(); v.renderNow(); });
}

describe('RLE masks: worker and main thread, cropped to their extent (chromium)', function () {
  this.timeout(120000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('a mask in the bottom-right corner, one spanning several columns and a crowd mask: the full-image pixels, worker and main thread', async () => {
    h = await openEditor(browser, { bytes: smallDataset(), file: path.join(ARTIFACTS, '..', 'masks-small.json'), source: { find: () => ({ tried: [] }), toSrc: (p) => p } });
    await waitShown(h.page, 0);
    assert.equal(await batches(h.page), 1, 'image 1 went through the worker');
    // The boxes the host sent match the masks' extents (the test data is what it says).
    const p0 = h.model.imagePayload(0);
    assert.deepEqual(p0.annotations.map((a) => a.bbox), [[SW - 6, SH - 4, 6, 4], [10, 0, 5, SH], [25, 12, 17, 19]]);
    await checkBothViews(h.page, 'worker');
    await screenshot(h.page, 'rle-cropped.png');
    await setWorker(h.page, false);
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 1);
    assert.equal(await batches(h.page), 1, 'image 2 decoded on the main thread');
    await checkBothViews(h.page, 'main thread');
    // Hit-testing reads the cropped bits: inside the corner mask, in its notch, in the column run's box but not the run.
    const hit = (x: number, y: number) => h.page.evaluate(([ix, iy]) => (window as never as { labelscope: { viewer: { hitTest(x: number, y: number): { id: number } | null } } }).labelscope.viewer.hitTest(ix, iy)?.id ?? null, [x, y] as const);
    assert.equal(await hit(SW - 0.5, SH - 0.5), 4);
    assert.equal(await hit(SW - 5.5, SH - 3.5), null);
    assert.equal(await hit(10.5, 35.5), 5);
    assert.equal(await hit(10.5, 10.5), null);
    assert.equal(await hit(12.5, 0.5), 5);
    assert.equal(await hit(14.5, 6.5), null);
  });

  it('same pixels from the worker and the main thread (50 masks on 1024×768)', async () => {
    h = await openEditor(browser, { bytes: rleDataset(), file: path.join(ARTIFACTS, '..', 'rle50.json'), source: { find: () => ({ tried: [] }), toSrc: (p) => p } });
    await waitShown(h.page, 0);
    assert.ok(await batches(h.page) >= 1, 'the first image went through the worker');
    const ann = h.model.imagePayload(0).annotations[0];
    const [x, y, w, hh] = ann.bbox!;
    assert.ok((await pixelAt(h.page, x + w / 2, y + hh / 2)).overlay[3] > 0, 'the mask is drawn');
    // Image 2 through the worker, then through the main thread: the same overlay pixels.
    await switchTimes(h.page, true, 1); // to image 2
    const pts = h.model.imagePayload(1).annotations.slice(0, 12).flatMap((a) => {
      const [bx, by, bw, bh] = a.bbox!;
      return [[bx + bw / 2, by + bh / 2], [bx + 1, by + bh / 2], [bx + bw / 2, by + 1], [bx + bw - 1, by + bh - 1]] as [number, number][];
    });
    const read = async () => Promise.all(pts.map(async ([px, py]) => (await pixelAt(h.page, px, py)).overlay));
    const viaWorker = await read();
    const n = await batches(h.page);
    await switchTimes(h.page, false, 4); // 2, 1, 0, and back to 1
    assert.equal(await batches(h.page), n, 'the main thread decoded those');
    assert.deepEqual(await read(), viaWorker, 'worker and main thread draw the same pixels');
  });
});
