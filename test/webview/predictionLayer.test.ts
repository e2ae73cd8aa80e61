/**
 * The prediction layer (issue 12) in headless Chromium, from a real evaluation of the sample:
 * predictions drawn dashed over the labels in the theme's TP / FP colours, missed labels haloed,
 * the IoU threshold and the score slider re-colour at once, `.` walks the errors, hovering a
 * prediction shows its score and IoU, a segm prediction is drawn as its mask's outline, and the
 * walk goes on across images (file order, images without errors skipped, the same IoU and score)
 * and says when there are no more.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { evalLayer, evalOverlay, evaluateCoco, imagesWithErrors, type IouType } from '../../src/core/metrics/eval';
import { rleEncodeColumnMajor, rleToString } from '../../src/core/geometry';
import { DARK, SAMPLE, hexRgb, launch, openEditor, screenshot, toScreen, waitShown, type Harness } from './harness';

const THEME = `${DARK} body { --vscode-testing-iconPassed:#10e010; --vscode-testing-iconFailed:#e01010; --vscode-editorWarning-foreground:#1060f0; }`;
const TP = hexRgb('#10e010'), FP = hexRgb('#e01010'), FN = hexRgb('#1060f0');

const uiPixel = (h: Harness, x: number, y: number) => h.page.evaluate(([ix, iy]) => {
  const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
  const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
  return [...v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data];
}, [x, y] as const);
const frame = (h: Harness) => h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
const near = (px: number[], rgb: number[], tol = 12) => px.slice(0, 3).every((c, i) => Math.abs(c - rgb[i]) <= tol);
/** Along a vertical edge x from y0 to y1: how many pixels are in `rgb` and how many are empty (the dash's gaps). */
async function edge(h: Harness, x: number, y0: number, y1: number, rgb: number[]) {
  let on = 0, gap = 0;
  for (let y = y0; y <= y1; y += 1) {
    const px = await uiPixel(h, x, y);
    if (px[3] > 200 && near(px, rgb)) on++;
    else if (px[3] === 0) gap++;
  }
  return { on, gap };
}
const counts = (h: Harness) => h.page.evaluate(() => document.querySelector('.eval-controls .eval-counts')?.textContent ?? null);
const status = (h: Harness) => h.page.evaluate(() => document.querySelector('.status')?.textContent ?? '');

function hooks(dets: unknown[], iouType: IouType) {
  const gt = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
  const result = evaluateCoco(gt, dets, { iouType });
  return {
    evalOverlay: (imageId: number | string) => {
      const idx = result.prepared.imageIds.indexOf(imageId);
      return idx < 0 ? undefined : { iou: 0.5, items: evalOverlay(result, idx, 0.5), layer: evalLayer(result, idx) };
    },
    // What the host answers from (src/extension/eval/evalPanel.ts errorImagesFor).
    evalErrorImages: (t: number, minScore: number) => imagesWithErrors(result, t, minScore),
  };
}

describe('webview: the prediction layer (chromium)', function () {
  this.timeout(90000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('dashed TP / FP predictions, haloed misses; IoU choice and score slider re-colour at once; . walks the errors; hover shows score and IoU', async () => {
    // Image 1 of the sample has labels 1 (box, [30, 40, 90, 70]), 2 (ball, [165, 75, 90, 90]), 3 (cone) and 13 (box).
    const dets = [
      { image_id: 1, category_id: 1, score: 0.9, bbox: [30, 40, 90, 70] }, // label 1, IoU 1
      { image_id: 1, category_id: 2, score: 0.6, bbox: [10, 150, 40, 40] }, // nothing there
      { image_id: 1, category_id: 2, score: 0.4, bbox: [185, 75, 90, 90] }, // label 2, IoU 6300 / 9900 = 0.636
    ];
    h = await openEditor(browser, { theme: THEME, session: hooks(dets, 'bbox') });
    await waitShown(h.page, 0);
    await h.page.waitForFunction(() => !document.querySelector<HTMLElement>('.eval-controls')?.hidden);
    await frame(h);
    assert.equal(await counts(h), 'TP 2 · FP 1 · FN 2');
    const tpEdge = await edge(h, 30, 42, 108, TP);
    assert.ok(tpEdge.on > 10 && tpEdge.gap > 5, `TP prediction dashed in the TP colour: ${JSON.stringify(tpEdge)}`);
    const fpEdge = await edge(h, 10, 152, 188, FP);
    assert.ok(fpEdge.on > 5 && fpEdge.gap > 3, `FP prediction dashed in the FP colour: ${JSON.stringify(fpEdge)}`);
    assert.ok((await edge(h, 185, 77, 163, TP)).on > 10, 'the 0.636 match is a TP at IoU 0.50');
    const halo = await uiPixel(h, 140, 180); // label 3's left edge: a miss
    assert.ok(halo[3] > 100 && near(halo, FN, 20), `missed label haloed in the FN colour: ${halo}`);
    assert.equal((await uiPixel(h, 75, 75))[3], 0, 'outlines only');
    await screenshot(h.page, 'prediction-layer.png');

    // IoU 0.75: the 0.636 match becomes a false positive, label 2 a miss.
    await h.page.selectOption('.eval-controls select', { label: '0.75' });
    await frame(h);
    assert.equal(await counts(h), 'TP 1 · FP 2 · FN 3');
    assert.ok((await edge(h, 185, 77, 163, FP)).on > 10, 'now in the FP colour');
    // Minimum score 0.5: the 0.4 prediction is hidden and not counted.
    await h.page.locator('.eval-controls input[type=range]').fill('0.5');
    await frame(h);
    assert.equal(await counts(h), 'TP 1 · FP 1 · FN 3');
    assert.equal((await edge(h, 185, 77, 163, FP)).on, 0, 'hidden under the score');

    // . walks the false positives (most confident first), then the misses.
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('.');
    assert.match(await status(h), /^1 of 4: false positive ball, score 0\.60, best IoU 0\.00 \(under 0\.75\)/);
    await frame(h);
    const walked = await edge(h, 10, 152, 188, FP);
    await h.page.keyboard.press('.');
    assert.match(await status(h), /^2 of 4: missed label \d+ \(/);
    assert.ok(walked.on > 5, 'the walked FP is drawn');
    const title = await h.page.locator('.eval-controls .eval-walk').nth(1).getAttribute('title');
    assert.equal(title, 'Next false positive / false negative, on to later images (.)', 'the key is in the button title');

    // Hover the TP prediction: its score and the IoU of its match.
    const [sx, sy] = await toScreen(h.page, 60, 60);
    await h.page.mouse.move(sx, sy);
    await h.page.waitForFunction(() => !document.querySelector<HTMLElement>('.eval-hover')?.hidden);
    assert.equal(await h.page.locator('.eval-hover').textContent(), 'box · score 0.90 · TP: IoU 1.00 with label 1 (at IoU 0.75)');
  });

  it('on an image whose file is missing, the prediction controls sit below the banner, never over it', async () => {
    // Image 5 of the sample (scene_005_missing.png) has no file: the banner shows above the canvas.
    const dets = [{ image_id: 5, category_id: 1, score: 0.9, bbox: [10, 10, 50, 50] }];
    h = await openEditor(browser, { theme: THEME, session: hooks(dets, 'bbox'), state: { imageIndex: 4, zoom: null, panX: 0, panY: 0, hiddenCategories: [], fillOpacity: 0.45, outlineOnly: false } });
    await waitShown(h.page, 4);
    await h.page.waitForFunction(() => !document.querySelector<HTMLElement>('.eval-controls')?.hidden && !document.querySelector<HTMLElement>('.missing')?.hidden);
    const boxes = () => h.page.evaluate(() => ['.missing', '.eval-controls'].map((sel) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    }));
    await h.page.waitForFunction(() => {
      const [b, c] = ['.missing', '.eval-controls'].map((sel) => document.querySelector(sel)!.getBoundingClientRect());
      return c.top >= b.bottom;
    }, undefined, { timeout: 5000 }).catch(() => undefined);
    const [banner, controls] = await boxes();
    assert.ok(controls.top >= banner.bottom, `the controls (top ${controls.top}) start below the banner (bottom ${banner.bottom})`);
    await screenshot(h.page, 'prediction-layer-missing-image.png');
    // Dismissed: the controls go back to the top of the stage.
    await h.page.click('.missing .missing-close');
    await h.page.waitForFunction((b) => document.querySelector('.eval-controls')!.getBoundingClientRect().top < b, banner.bottom);
  });

  it('a segm prediction is drawn as its mask\'s outline, not its box', async () => {
    // A right triangle in the top-left of label 1's box: (30, 40) – (90, 40) – (30, 100) as an RLE mask.
    const H = 240, W = 320;
    const bits = new Uint8Array(H * W);
    for (let x = 30; x < 90; x++) for (let y = 40; y < 100; y++) if ((x - 30) + (y - 40) < 60) bits[x * H + y] = 1;
    const seg = { size: [H, W], counts: rleToString(rleEncodeColumnMajor(bits, H, W).counts as number[]) };
    h = await openEditor(browser, { theme: THEME, session: hooks([{ image_id: 1, category_id: 1, score: 0.8, segmentation: seg }], 'segm') });
    await waitShown(h.page, 0);
    await h.page.waitForFunction(() => !document.querySelector<HTMLElement>('.eval-controls')?.hidden);
    await frame(h);
    // Its left edge (x = 30, rows 42…98) is drawn; the box's far corner (89, 99) is not (the hypotenuse cuts it off).
    const left = await edge(h, 30, 42, 98, TP);
    const leftFp = await edge(h, 30, 42, 98, FP);
    assert.ok(left.on + leftFp.on > 10, `the mask's left edge is drawn: ${JSON.stringify([left, leftFp])}`);
    assert.equal((await uiPixel(h, 89, 99))[3], 0, 'not the box');
    // Along the hypotenuse (x + y = 130): drawn, dashed.
    let drawn = 0;
    for (let x = 36; x <= 84; x += 2) if ((await uiPixel(h, x, 130 - x))[3] > 100) drawn++;
    assert.ok(drawn >= 8, `the mask's diagonal is drawn: ${drawn} of 25 samples`);
    await screenshot(h.page, 'prediction-layer-segm.png');
  });

  it('. past the last error goes on to the next image with errors (skipping those without), , back to the previous one\'s last; the IoU and score stay; the end is said', async () => {
    // Sample images (file order): 1 labels 1, 2, 3, 13; 2 labels 4, 5; 3 label 6 (crowd), 7; 4 labels 8, 9, 10, 3 (+ 12, unknown class).
    const exact = (image_id: number, category_id: number, bbox: number[], score = 0.9) => ({ image_id, category_id, score, bbox });
    const dets = [
      exact(1, 1, [30, 40, 90, 70]), exact(1, 2, [165, 75, 90, 90]), exact(1, 3, [140, 141, 100, 79]), // image 1: only label 13 missed
      exact(2, 4, [35, 55, 137, 136]), exact(2, 2, [220, 40, 60, 60]), // image 2: no errors
      exact(3, 1, [190, 110, 100, 100]), exact(3, 1, [10, 150, 40, 40], 0.3), // image 3: one false positive, scoring 0.3
      exact(4, 3, [20, 61, 120, 139]), exact(4, 1, [170, 30, 120, 60]), exact(4, 2, [200, 130, 80, 80]), exact(4, 2, [50, 50, 20, 20]),
      exact(4, 3, [250, 0, 40, 40], 0.8), // image 4: a false positive scoring 0.8
    ];
    h = await openEditor(browser, { theme: THEME, session: hooks(dets, 'bbox') });
    await waitShown(h.page, 0);
    await h.page.waitForFunction(() => !document.querySelector<HTMLElement>('.eval-controls')?.hidden);
    const counter = () => h.page.evaluate(() => document.querySelector('.counter')?.textContent ?? '');
    const walk = async (key: '.' | ',', image: number, text: RegExp) => {
      await h.page.keyboard.press(key);
      await waitShown(h.page, image);
      await h.page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.status')?.textContent ?? ''), text.source);
    };
    // IoU 0.55 (every match here is exact, so the same errors): kept on every image walked to.
    await h.page.selectOption('.eval-controls select', { label: '0.55' });
    await h.page.locator('.stage').focus();
    await walk('.', 0, /^1 of 1: missed label 13 \(box\)$/);
    // Image 2 has no errors: skipped.
    await walk('.', 2, /^1 of 1: false positive box, score 0\.30, best IoU 0\.00 \(under 0\.55\)$/);
    assert.equal(await counter(), '3 / 5', 'the third image is shown');
    await walk('.', 3, /^1 of 1: false positive cone, score 0\.80/);
    // Images after 4 have none: said, and the view stays.
    await walk('.', 3, /^No more false positives or negatives after this image at IoU 0\.55, score ≥ 0\.00\.$/);
    assert.equal(await counter(), '4 / 5');
    await walk(',', 2, /^1 of 1: false positive box, score 0\.30/);
    // Score ≥ 0.5 on image 3: its false positive is gone; , skips image 2 back to image 1's last error.
    await h.page.locator('.eval-controls input[type=range]').fill('0.5');
    await h.page.locator('.stage').focus();
    await walk(',', 0, /^1 of 1: missed label 13 \(box\)$/);
    assert.equal(await h.page.locator('.eval-controls .eval-score').textContent(), 'score ≥ 0.50', 'the score stays');
    await walk(',', 0, /^No more false positives or negatives before this image at IoU 0\.55, score ≥ 0\.50\.$/);
    // Forward at score ≥ 0.5: image 3 (its FP scores 0.3) is skipped too.
    await walk('.', 3, /^1 of 1: false positive cone, score 0\.80/);
    // The › button walks the same way.
    await h.page.locator('.eval-controls .eval-walk').nth(1).click();
    await h.page.waitForFunction(() => /^No more false positives/.test(document.querySelector('.status')?.textContent ?? ''));

    // A grid filter (the evaluation report's chip: images 1 and 4): the walk stays inside it, in its order.
    await h.page.locator('.eval-controls input[type=range]').fill('0');
    h.session.channel.notify('filterGrid', { imageIds: { ids: [1, 4], label: 'box → missed' } });
    await h.page.waitForFunction(() => document.body.dataset.mode === 'grid' && document.querySelector('.grid-wrap')?.getAttribute('data-count') === '2');
    await h.page.keyboard.press('Escape');
    await h.page.waitForFunction(() => document.body.dataset.mode === 'image');
    await h.page.locator('.stage').focus();
    await walk(',', 3, /^1 of 1: false positive cone, score 0\.80/);
    // Image 3 has an error at score ≥ 0 but is not in the filter: skipped.
    await walk(',', 0, /^1 of 1: missed label 13 \(box\)$/);
    await walk(',', 0, /^No more false positives or negatives before this image in this filter at IoU 0\.55, score ≥ 0\.00\.$/);
  });
});
