/**
 * RLE benchmark (npm run bench:viewer): image switch time for a 1024×768 image with 50 RLE masks,
 * masks decoded in the blob Worker and on the main thread, in headless Chromium (software raster).
 * Figures in test-artifacts/webview/rle-worker.json. A measurement, not a speed test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, launch, openEditor, percentile, waitShown, type Harness } from './harness';
import { RLE_H, RLE_W, rleDataset, switchTimes } from './rleData';

describe('RLE masks: image switch time (chromium, --disable-gpu)', function () {
  this.timeout(300000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await h?.close(); await browser?.close(); });

  it('switch time for an image with 50 RLE masks, worker and main thread', async () => {
    const rounds = Number(process.env.RLE_BENCH_ROUNDS ?? 21);
    const file = path.join(ARTIFACTS, '..', 'rle50.json');
    h = await openEditor(browser, { bytes: rleDataset(), file, source: { find: () => ({ tried: [] }), toSrc: (p) => p } });
    await waitShown(h.page, 0);
    await switchTimes(h.page, true, 3); // warm-up
    const main = await switchTimes(h.page, false, rounds);
    const work = await switchTimes(h.page, true, rounds);
    const figures = {
      masksPerImage: 50, image: `${RLE_W}x${RLE_H}`, rounds,
      mainThreadMs: { p50: percentile(main, 50), p95: percentile(main, 95), max: Math.max(...main), all: main.map(Math.round) },
      workerMs: { p50: percentile(work, 50), p95: percentile(work, 95), max: Math.max(...work), all: work.map(Math.round) },
    };
    console.log(JSON.stringify(figures));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'rle-worker.json'), JSON.stringify(figures, null, 2));
    assert.ok(main.length === rounds && work.length === rounds, 'every switch was measured');
  });
});
