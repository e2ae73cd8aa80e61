/** Diff mode (issue 13) in the viewer, in headless Chromium: old / new outlines of an image's changes, ] / [ walk them. */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { hexRgb, launch, openEditor, screenshot, waitShown, type Harness } from './harness';

/** The UI layer's pixel (RGBA) at image point (x, y). */
const uiPixel = (h: Harness, x: number, y: number) => h.page.evaluate(([ix, iy]) => {
  const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
  const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
  return [...v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data];
}, [x, y] as const);
const frame = (h: Harness) => h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
const near = (px: number[], rgb: number[]) => px[3] > 200 && px.slice(0, 3).every((c, i) => Math.abs(c - rgb[i]) <= 12);

describe('webview: diff mode (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('draws added solid and removed dashed in the git colours; ] selects (fills) a change; an empty list ends it', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    h.session.showDiff(1, [
      { kind: 'added', new: { bbox: [10, 10, 50, 50] }, label: 'added car' },
      { kind: 'removed', old: { bbox: [200, 150, 60, 40] }, label: 'removed person' },
    ]);
    // It moves to the diff's image.
    await waitShown(h.page, 1);
    await h.page.waitForFunction(() => /Diff: 2 changes/.test(document.querySelector('.status')?.textContent ?? ''));
    await frame(h);
    assert.ok(near(await uiPixel(h, 10, 35), hexRgb('#81b88b')), `added outline ${await uiPixel(h, 10, 35)}`);
    assert.ok(near(await uiPixel(h, 201, 150), hexRgb('#c74e39')), `removed outline ${await uiPixel(h, 201, 150)}`);
    assert.equal((await uiPixel(h, 35, 35))[3], 0, 'not filled until selected');
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press(']');
    await h.page.waitForFunction(() => /Change 1 of 2: added car/.test(document.querySelector('.status')?.textContent ?? ''));
    await frame(h);
    assert.ok((await uiPixel(h, 35, 35))[3] > 0, 'the selected change is filled');
    await screenshot(h.page, 'diff-mode.png');
    await h.page.keyboard.press('[');
    await h.page.waitForFunction(() => /Change 2 of 2: removed person/.test(document.querySelector('.status')?.textContent ?? ''));
    h.session.showDiff(1, []);
    await h.page.waitForFunction(() => !(window as never as { labelscope: { viewer: { diffOverlay?: unknown } } }).labelscope.viewer.diffOverlay);
    await frame(h);
    assert.equal((await uiPixel(h, 10, 35))[3], 0, 'gone');
  });
});
