/**
 * The viewer's Segment tool (issue 15) in headless Chromium, against the real session and the real
 * host handlers (registerSamHandlers). The SAM model is a stand-in segmenter that returns a 40×40
 * square around the first click, so the preview and the added annotation are known to the pixel.
 */
// viewerHandlers reaches `vscode` (samService's error type): the mock stands in, as in the host tests.
import '../host/setup';
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { registerSamHandlers, type SamChannel } from '../../src/extension/sam/viewerHandlers';
import type { SamPromptPoint } from '../../src/shared/samProtocol';
import type { Envelope } from '../../src/shared/protocol';
import { launch, openEditor, posted, screenshot, toScreen, waitShown, type Harness } from './harness';

const W = 320, H = 240;

/** Stand-in for SamService: "segments" a 40×40 square centred on the first positive point. */
function fakeSam(prompts: { points: SamPromptPoint[] }[]) {
  const segmenter = {
    segment: async (_file: string, prompt: { points: SamPromptPoint[] }) => {
      prompts.push({ points: prompt.points });
      const p = prompt.points[0];
      const mask = new Uint8Array(W * H);
      for (let y = Math.round(p.y) - 20; y < Math.round(p.y) + 20; y++) for (let x = Math.round(p.x) - 20; x < Math.round(p.x) + 20; x++) mask[y * W + x] = 1;
      return { mask, width: W, height: H, candidate: 0, ranking: [0, 1, 2], iou: 0.93, lowRes: new Float32Array(256 * 256), timings: { decodeMs: 1, postMs: 0, cacheHit: true } };
    },
    prefetch: async () => undefined,
  };
  return {
    modelFiles: () => ({ encoder: 'e.onnx', decoder: 'd.onnx' }),
    masker: async () => ({ masker: { fallback: false, label: 'Test SAM' }, segmenter }),
    update: () => undefined,
  };
}

/** The Segment layer's pixel (RGBA) at image point (x, y). */
const uiPixel = (h: Harness, x: number, y: number) => h.page.evaluate(([ix, iy]) => {
  const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
  const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
  return [...v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data];
}, [x, y] as const);

const requests = async (h: Harness, method: string) => (await posted(h.page)).filter((m): m is Extract<Envelope, { t: 'req' }> => m.t === 'req' && m.method === method);

describe('webview: Segment tool (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('s picks the tool; a click sends samSegment and draws the preview; Enter sends samAccept and adds the annotation', async () => {
    h = await openEditor(browser);
    const prompts: { points: SamPromptPoint[] }[] = [];
    registerSamHandlers(h.session.channel as unknown as SamChannel, fakeSam(prompts) as never, {
      imagePath: () => '/images/scene_001.png',
      createAnnotation: (i, c, f) => h.session.createMaskAnnotation(i, c, f),
    });
    await waitShown(h.page, 0);
    const before = h.model.annotationCount();
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('s');
    await h.page.waitForFunction(() => document.body.dataset.tool === 'segment');
    await h.page.waitForFunction(() => /Segment with Test SAM/.test(document.querySelector('.status')?.textContent ?? ''));
    // Nothing drawn yet where the mask will be.
    assert.equal((await uiPixel(h, 250, 60))[3], 0);
    const [sx, sy] = await toScreen(h.page, 250, 60);
    await h.page.mouse.click(sx, sy);
    await h.page.waitForFunction(() => /candidate 1 of 3, predicted IoU 0\.93, 1600 px/.test(document.querySelector('.status')?.textContent ?? ''));
    const seg = await requests(h, 'samSegment');
    assert.equal(seg.length, 1);
    const p = (seg[0].params as { imageIndex: number; points: SamPromptPoint[] });
    assert.equal(p.imageIndex, 0);
    assert.equal(p.points.length, 1);
    assert.ok(Math.abs(p.points[0].x - 250) <= 1 && Math.abs(p.points[0].y - 60) <= 1 && p.points[0].positive, JSON.stringify(p.points));
    await h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
    // The preview: the theme's blue, translucent, inside the square (away from the click's marker); nothing outside.
    const inside = await uiPixel(h, 262, 72);
    assert.ok(inside[3] > 60 && inside[2] > inside[0], `preview pixel ${inside}`);
    assert.equal((await uiPixel(h, 200, 60))[3], 0, 'outside the mask');
    await screenshot(h.page, 'segment-preview.png');
    await h.page.keyboard.press('Enter');
    // The host's model gains the annotation (the status line says so only until the re-check's
    // own status replaces it, so the test waits on the model, not on that transient text).
    const deadline = Date.now() + 30000;
    while (h.model.annotationCount() !== before + 1) {
      if (Date.now() > deadline) assert.fail(`no annotation added within 30 s (status: ${await h.page.locator('.status').textContent()})`);
      await new Promise((r) => setImmediate(r));
    }
    const acc = await requests(h, 'samAccept');
    assert.equal(acc.length, 1);
    assert.deepEqual({ ...(acc[0].params as object), categoryId: undefined }, { imageIndex: 0, categoryId: undefined, format: 'polygon' });
    assert.equal(h.model.annotationCount(), before + 1, 'one annotation added');
    const added = h.model.imagePayload(0, { find: () => ({ tried: [] }), toSrc: () => '' }).annotations.at(-1)!;
    assert.deepEqual(added.bbox, [230, 40, 40, 40]);
    assert.equal(added.area, 1600);
    assert.equal(h.edits.length, 1, 'one undoable edit');
    // The preview is gone once the webview has the answer.
    await h.page.waitForFunction(([ix, iy]) => {
      const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
      const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
      return v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data[3] === 0;
    }, [262, 72] as const);
  });
});
