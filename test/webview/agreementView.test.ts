/**
 * Agreement A/B view (issue 13) in headless Chromium: B's file (the sample) in the viewer, A (a
 * copy with a box moved, a label changed and an annotation removed) from a real computeAgreement
 * as the dashed second layer, B's conflicting object haloed in the error colour, the low-overlap
 * box of A in the warning colour, and `.` walking the conflicts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { parseCoco } from '../../src/core/coco/parse';
import { computeAgreement } from '../../src/core/metrics/agreement';
import { agreementLayerFor } from '../../src/core/metrics/agreementLayer';
import { DARK, SAMPLE, hexRgb, launch, openEditor, screenshot, waitShown, type Harness } from './harness';

const THEME = `${DARK} body { --vscode-editorError-foreground:#ff00ff; --vscode-editorWarning-foreground:#00ffff; }`;
const ERROR = hexRgb('#ff00ff'), WARNING = hexRgb('#00ffff');

const uiPixel = (h: Harness, x: number, y: number) => h.page.evaluate(([ix, iy]) => {
  const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
  const k = v.uiCanvas.width / v.uiCanvas.clientWidth;
  return [...v.uiCanvas.getContext('2d')!.getImageData(Math.floor((ix * v.zoom + v.panX) * k), Math.floor((iy * v.zoom + v.panY) * k), 1, 1).data];
}, [x, y] as const);
const near = (px: number[], rgb: number[], tol = 20) => px.slice(0, 3).every((c, i) => Math.abs(c - rgb[i]) <= tol);
const frame = (h: Harness) => h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
const status = (h: Harness) => h.page.evaluate(() => document.querySelector('.status')?.textContent ?? '');

describe('webview: agreement A/B view (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('A dashed over B, conflicts highlighted in their severity colours, . walks them', async () => {
    const bText = fs.readFileSync(SAMPLE);
    const a = JSON.parse(bText.toString('utf8'));
    // In A: label 1 (box [30, 40, 90, 70]) sits 30 px to the right (IoU 0.5: matched, low overlap),
    // label 2 is a cone, label 13 does not exist (B's is extra).
    a.annotations = a.annotations.filter((x: { id: number }) => x.id !== 13).map((x: { id: number; bbox: number[]; segmentation: unknown; category_id: number }) =>
      x.id === 1 ? { ...x, bbox: [60, 40, 90, 70], segmentation: [[60, 40, 150, 40, 150, 110, 60, 110]] } : x.id === 2 ? { ...x, category_id: 3 } : x);
    const A = parseCoco(new TextEncoder().encode(JSON.stringify(a)));
    const B = parseCoco(new Uint8Array(bText));
    const report = computeAgreement(A, B);
    const row = report.perImage.find((r) => r.imageId === 1)!;
    const layer = agreementLayerFor(A, B, report, row, 'a.json');
    assert.deepEqual(layer.conflicts.map((c) => c.type).sort(), ['extra_annotation', 'low_overlap', 'mismatching_label']);
    assert.equal(layer.imageIdB, 1);

    h = await openEditor(browser, { theme: THEME });
    await waitShown(h.page, 0);
    // Go elsewhere first: the A/B view brings the viewer to its image.
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('j');
    await waitShown(h.page, 1);
    assert.ok(await h.session.showAgreementAt({ imageId: layer.imageIdB }, layer));
    await waitShown(h.page, 0);
    await frame(h);
    assert.match(await status(h), /^A\/B: a\.json dashed over this file; 3 conflicts on this image/);

    // B's extra box 13 ([290, 200, 50, 50]): haloed in the error colour.
    const halo = await uiPixel(h, 290, 215);
    assert.ok(halo[3] > 100 && near(halo, ERROR), `extra annotation haloed: ${halo}`);
    // A's moved box (its right edge x = 150): dashed in the warning colour (low overlap).
    let on = 0, gap = 0;
    for (let y = 42; y <= 108; y++) {
      const px = await uiPixel(h, 150, y);
      if (px[3] > 200 && near(px, WARNING)) on++;
      else if (px[3] === 0) gap++;
    }
    assert.ok(on > 10 && gap > 5, `A's low-overlap box dashed in the warning colour: ${on} on, ${gap} gaps`);
    await screenshot(h.page, 'agreement-ab.png');

    await h.page.keyboard.press('.');
    assert.match(await status(h), /^Conflict 1 of 3: /);
    await h.page.keyboard.press('.');
    await h.page.keyboard.press('.');
    await h.page.keyboard.press('.');
    assert.match(await status(h), /^Conflict 1 of 3: /, 'wraps around');

    // Another image ends the A/B view.
    await h.page.keyboard.press('j');
    await waitShown(h.page, 1);
    await frame(h);
    assert.equal((await uiPixel(h, 290, 215))[3], 0);
  });
});
