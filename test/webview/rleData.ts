/** The RLE dataset and image-switch measurement shared by rleWorker.test.ts and rle.bench.ts. */
import type { Page } from 'playwright-core';
import { rleEncodeColumnMajor, rleToString } from '../../src/core/geometry';
import { posted, waitShown } from './harness';

export const RLE_W = 1024;
export const RLE_H = 768;

/** 3 images, each with 50 elliptical RLE masks (compressed strings). */
export function rleDataset(): Buffer {
  const W = RLE_W;
  const H = RLE_H;
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

/** Switches image `rounds` times, back and forth over the 3 images (worker on or off); the webview's own imageShown times (ms). */
export async function switchTimes(page: Page, worker: boolean, rounds: number): Promise<number[]> {
  await page.evaluate((on) => { (window as never as { labelscope: { rleWorkerSettings: { enabled: boolean } } }).labelscope.rleWorkerSettings.enabled = on; }, worker);
  const before = (await posted(page)).length;
  let at = await page.evaluate(() => Number(document.body.dataset.shown!.split(':')[0]));
  let dir = at === 2 ? -1 : 1;
  for (let r = 0; r < rounds; r++) {
    if (at + dir < 0 || at + dir > 2) dir = -dir;
    at += dir;
    await page.keyboard.press(dir > 0 ? 'ArrowRight' : 'ArrowLeft');
    await waitShown(page, at);
  }
  return (await posted(page)).slice(before)
    .filter((m) => m.t === 'note' && m.method === 'imageShown')
    .map((m) => (m as { params: { ms: number } }).params.ms);
}
