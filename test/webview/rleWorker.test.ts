/** RLE masks decoded in a blob: Worker vs on the main thread: same pixels; image switch time with 50 masks. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rleEncodeColumnMajor, rleToString } from '../../src/core/geometry';
import { ARTIFACTS, launch, openEditor, percentile, pixelAt, posted, waitShown, type Harness } from './harness';

const W = 1024;
const H = 768;

/** 3 images, each with 50 elliptical RLE masks (compressed strings). */
function rleDataset(): Buffer {
  const images = [1, 2, 3].map((id) => ({ id, file_name: `rle_${id}.png`, width: W, height: H }));
  const annotations: unknown[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let id = 1;
  for (const img of images) {
    for (let k = 0; k < 50; k++) {
      const cx = 80 + rnd() * (W - 160), cy = 80 + rnd() * (H - 160), rx = 20 + rnd() * 70, ry = 20 + rnd() * 70;
      const mask = new Uint8Array(W * H);
      for (let x = Math.floor(cx - rx); x <= cx + rx; x++) for (let y = Math.floor(cy - ry); y <= cy + ry; y++) {
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) mask[x * H + y] = 1;
      }
      const rle = rleEncodeColumnMajor(mask, H, W);
      annotations.push({ id: id++, image_id: img.id, category_id: 1 + (k % 3), segmentation: { size: [H, W], counts: rleToString(rle.counts as number[]) }, area: 1, bbox: [cx - rx, cy - ry, 2 * rx, 2 * ry], iscrowd: 0 });
    }
  }
  const categories = [1, 2, 3].map((c) => ({ id: c, name: `c${c}` }));
  return Buffer.from(JSON.stringify({ images, annotations, categories }));
}

async function switchTimes(h: Harness, worker: boolean, rounds: number): Promise<number[]> {
  const page: Page = h.page;
  await page.evaluate((on) => { (window as never as { labelscope: { rleWorkerSettings: { enabled: boolean } } }).labelscope.rleWorkerSettings.enabled = on; }, worker);
  const before = (await posted(page)).length;
  let at = await page.evaluate(() => Number(document.body.dataset.shown!.split(':')[0]));
  for (let r = 0; r < rounds; r++) {
    at = (at + 1) % 3;
    await page.keyboard.press(at === 0 ? 'Home' : 'ArrowRight');
    if (at === 0) { await page.keyboard.press('ArrowLeft'); await page.keyboard.press('ArrowLeft'); }
    await waitShown(page, at);
  }
  return (await posted(page)).slice(before)
    .filter((m) => m.t === 'note' && m.method === 'imageShown')
    .map((m) => (m as { params: { ms: number } }).params.ms);
}

describe('RLE decoding in a worker (chromium)', function () {
  this.timeout(120000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('same pixels as the main-thread path; switch time for an image with 50 RLE masks, before/after', async () => {
    const file = path.join(ARTIFACTS, '..', 'rle50.json');
    h = await openEditor(browser, { bytes: rleDataset(), file, source: { find: () => ({ tried: [] }), toSrc: (p) => p } });
    await waitShown(h.page, 0);
    // A pixel of the first mask, drawn by the worker path (the first show used it).
    const ann = h.model.imagePayload(0).annotations[0];
    const [x, y, w, hh] = ann.bbox!;
    const viaWorker = await pixelAt(h.page, x + w / 2, y + hh / 2);
    const usedWorker = await h.page.evaluate(() => typeof Worker === 'function');
    assert.ok(usedWorker);
    assert.ok(viaWorker.overlay[3] > 0, 'the mask is drawn');
    const main = await switchTimes(h, false, 9);
    const work = await switchTimes(h, true, 9);
    await h.page.keyboard.press('ArrowLeft'); // settle on some image and compare a pixel both ways
    const idx = await h.page.evaluate(() => Number(document.body.dataset.shown!.split(':')[0]));
    await waitShown(h.page, idx);
    const a2 = h.model.imagePayload(idx).annotations[3];
    const pt: [number, number] = [a2.bbox![0] + a2.bbox![2] / 2, a2.bbox![1] + a2.bbox![3] / 2];
    const p1 = await pixelAt(h.page, ...pt);
    await switchTimes(h, false, 3);
    let cur = await h.page.evaluate(() => Number(document.body.dataset.shown!.split(':')[0]));
    while (cur !== idx) { await h.page.keyboard.press('ArrowRight'); cur = Math.min(cur + 1, 2); if (cur === 2 && idx !== 2) { await h.page.keyboard.press('ArrowLeft'); await h.page.keyboard.press('ArrowLeft'); cur = 0; } await waitShown(h.page, cur); }
    const p2 = await pixelAt(h.page, ...pt);
    assert.deepEqual(p1.overlay, p2.overlay, 'worker and main thread draw the same pixel');
    const figures = {
      masksPerImage: 50, image: `${W}x${H}`,
      mainThreadMs: { p50: percentile(main, 50), max: Math.max(...main), all: main.map(Math.round) },
      workerMs: { p50: percentile(work, 50), max: Math.max(...work), all: work.map(Math.round) },
    };
    console.log(JSON.stringify(figures));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'rle-worker.json'), JSON.stringify(figures, null, 2));
  });
});
