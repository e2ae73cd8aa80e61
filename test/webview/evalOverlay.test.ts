/** The evaluation overlay (issue 12) in the viewer, in headless Chromium: TP / FP / FN boxes in theme colours, legend, `e` toggles, toolbar button. */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DARK, hexRgb, launch, openEditor, screenshot, waitShown, type Harness } from './harness';
import type { Id } from '../../src/shared/protocol';

/** The UI layer's pixel (RGBA) at image point (x, y). */
const uiPixel = (h: Harness, x: number, y: number) => h.page.evaluate(([ix, iy]) => {
  const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
  const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
  return [...v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data];
}, [x, y] as const);
const frame = (h: Harness) => h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
const near = (px: number[], rgb: number[]) => px[3] > 200 && px.slice(0, 3).every((c, i) => Math.abs(c - rgb[i]) <= 12);
const legendText = (h: Harness) => h.page.evaluate(() => { const l = document.querySelector<HTMLElement>('.eval-legend'); return l && !l.hidden ? l.textContent : null; });

// A theme with its own test colours: the overlay must take them, not the fallbacks.
const THEME = `${DARK} body { --vscode-testing-iconPassed:#10e010; --vscode-testing-iconFailed:#e01010; --vscode-editorWarning-foreground:#1060f0; }`;

describe('webview: evaluation overlay (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('draws TP, FP and FN of the shown image in the theme colours with a legend; e hides and shows it; the toolbar button asks the host to evaluate', async () => {
    const asked: Id[] = [];
    let evaluate = 0;
    h = await openEditor(browser, {
      theme: THEME,
      session: {
        evalOverlay: (imageId) => {
          asked.push(imageId);
          return imageId === 2 ? { iou: 0.5, items: [
            { kind: 'tp', bbox: [10, 10, 50, 50], categoryId: 1, score: 0.9 },
            { kind: 'fp', bbox: [100, 20, 40, 40], categoryId: 1, score: 0.4 },
            { kind: 'fn', bbox: [200, 150, 60, 40], categoryId: 1 },
          ] } : { iou: 0.5, items: [] };
        },
        evaluatePredictions: () => { evaluate++; },
      },
    });
    await waitShown(h.page, 0);
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('j');
    await waitShown(h.page, 1);
    await h.page.waitForFunction(() => /TP 1.*FP 1.*FN 1/.test(document.querySelector('.eval-legend')?.textContent ?? ''));
    await frame(h);
    assert.deepEqual(asked.slice(0, 2), [1, 2], 'asked per shown image, by image id');
    assert.ok(near(await uiPixel(h, 10, 35), hexRgb('#10e010')), `TP left edge ${await uiPixel(h, 10, 35)}`);
    assert.ok(near(await uiPixel(h, 100, 40), hexRgb('#e01010')), `FP left edge ${await uiPixel(h, 100, 40)}`);
    // The FN outline is dashed: its phase follows the zoom (the stage's size), so any of the edge's first pixels.
    const fnEdge = await Promise.all([151, 152, 153, 154, 155].map((y) => uiPixel(h, 200, y)));
    assert.ok(fnEdge.some((p) => near(p, hexRgb('#1060f0'))), `FN left edge (dash) ${fnEdge.join(' / ')}`);
    assert.equal((await uiPixel(h, 35, 35))[3], 0, 'boxes are outlines');
    assert.match((await legendText(h)) ?? '', /IoU 0\.50/);
    await screenshot(h.page, 'eval-overlay.png');

    await h.page.keyboard.press('e');
    await frame(h);
    assert.equal((await uiPixel(h, 10, 35))[3], 0, 'e hides it');
    assert.equal(await legendText(h), null, 'and its legend');
    await h.page.keyboard.press('e');
    await frame(h);
    assert.ok(near(await uiPixel(h, 10, 35), hexRgb('#10e010')), 'e shows it again');

    // The next image has nothing to draw: the last image's boxes are gone.
    await h.page.keyboard.press('j');
    await waitShown(h.page, 2);
    await h.page.waitForFunction(() => /TP 0.*FP 0.*FN 0/.test(document.querySelector('.eval-legend')?.textContent ?? ''));
    await frame(h);
    assert.equal((await uiPixel(h, 10, 35))[3], 0, 'overlay belongs to its image');

    // A narrow toolbar keeps it behind ⋯.
    if (await h.page.isVisible('vscode-button.more-btn')) await h.page.click('vscode-button.more-btn');
    await h.page.getByRole('button', { name: 'Evaluate Predictions…' }).click();
    for (let k = 0; k < 50 && evaluate === 0; k++) await frame(h);
    assert.equal(evaluate, 1, 'toolbar button reaches the host');
  });
});
