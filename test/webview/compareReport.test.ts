/**
 * The compare report's charts in headless Chromium (issue 13), fed the message the host sends
 * for a real agreement (computeAgreement of two small files): the confusion matrix is drawn as
 * an echarts heatmap whose cells carry the counts and whose fullest cell is the theme's chart
 * blue (empty cells the editor background), and its SVG and PNG exports are what is on screen.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { computeAgreement } from '../../src/core/metrics/agreement';
import type { CompareFromWebview, CompareToWebview } from '../../src/shared/compareProtocol';
import { box, CATS, doc, image, type Coco } from '../unit/core/metrics/match/helpers';
import { DARK, ROOT, launch, screenshot } from './harness';

const ORIGIN = 'http://labelscope.test';
const BUNDLE = path.join(ROOT, 'dist/webview/compare.js');
const BLUE = '#3794ff';
const BACKGROUND = '#1e1e1e';
const THEME = `${DARK} body { --vscode-charts-blue:${BLUE}; --vscode-editor-foreground:#d4d4d4; }`;

async function openReport(browser: Browser, message: CompareToWebview): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('[webview error]', e));
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/compare.js') return route.fulfill({ body: fs.readFileSync(BUNDLE), contentType: 'text/javascript' });
    return route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${THEME}</style></head><body><div id="app"></div>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() { return null; }, setState() {} });
</script><script src="${ORIGIN}/compare.js"></script></body></html>` });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.waitForSelector('.chart svg path');
  return page;
}

const posted = (page: Page) => page.evaluate(() => (window as unknown as { __posted: CompareFromWebview[] }).__posted.filter((m) => m.type !== 'ready'));
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('webview: compare report charts (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('the confusion matrix: counts in the cells, the fullest cell in chart blue, empty ones in the background; SVG and PNG exports of it', async () => {
    // A: 3 cars and a truck. B: two cars kept, one car relabelled truck, the truck kept, one extra person.
    const A: Coco = { images: [image(1), image(2)], categories: CATS, annotations: [
      box(1, 1, 1, [0, 0, 20, 20]), box(2, 1, 1, [40, 0, 20, 20]), box(3, 2, 1, [0, 40, 20, 20]), box(4, 2, 2, [50, 50, 30, 30]),
    ] };
    const B: Coco = { images: [image(1), image(2)], categories: CATS, annotations: [
      box(11, 1, 1, [0, 0, 20, 20]), box(12, 1, 1, [40, 0, 20, 20]), box(13, 2, 2, [0, 40, 20, 20]), box(14, 2, 2, [50, 50, 30, 30]), box(15, 2, 3, [70, 0, 10, 10]),
    ] };
    const report = computeAgreement(doc(A), doc(B));
    const { labels, rows } = report.confusion;
    // The hand-worked matrix (rows A, columns B): car→car 2, car→truck 1, truck→truck 1, unmatched→person 1.
    const at = (a: string, b: string) => rows[labels.indexOf(a)][labels.indexOf(b)];
    assert.deepEqual([at('car', 'car'), at('car', 'truck'), at('truck', 'truck')], [2, 1, 1]);
    const page = await openReport(browser, { type: 'agree', fileA: 'a.json', fileB: 'b.json', report, ms: 3 });
    try {
      // The cells: one heatmap rectangle per (row, column); echarts' SVG renderer draws each as a path.
      const cells = await page.evaluate(() => [...document.querySelectorAll('.chart svg path')]
        .map((p) => ({ fill: (p.getAttribute('fill') ?? '').toLowerCase(), d: p.getAttribute('d') ?? '' }))
        .filter((c) => /^#|^rgb/.test(c.fill) && /Z/i.test(c.d)));
      // echarts writes fills as rgb(r,g,b).
      const fills = cells.map((c) => c.fill.replace(/\s/g, ''));
      const css = (hex: string) => `rgb(${rgbOf(hex).join(',')})`;
      const max = Math.max(...rows.flat());
      const nMax = rows.flat().filter((v) => v === max).length;
      const nZero = rows.flat().filter((v) => v === 0).length;
      assert.equal(fills.filter((f) => f === css(BLUE)).length, nMax, `cells in chart blue (the count ${max}): ${fills.join(' ')}`);
      assert.equal(fills.filter((f) => f === css(BACKGROUND)).length, nZero, `empty cells in the background colour: ${fills.join(' ')}`);
      // No light stripes behind the cells on a dark theme (echarts' default splitArea is near-white).
      const allFills = await page.evaluate(() => [...document.querySelectorAll('.chart svg path, .chart svg rect')].map((p) => (p.getAttribute('fill') ?? '').replace(/\s/g, '')));
      const light = allFills.filter((f) => { const m = /^rgba?\((\d+),(\d+),(\d+)/.exec(f); return !!m && [m[1], m[2], m[3]].every((v) => Number(v) >= 200); });
      assert.deepEqual(light, [], 'no near-white fills on the dark theme');
      // The counts and the class names are written on the chart.
      const texts = await page.evaluate(() => [...document.querySelectorAll('.chart svg text')].map((t) => t.textContent));
      for (const l of labels) assert.ok(texts.includes(l), `axis label ${l} in ${texts.join('|')}`);
      assert.equal(texts.filter((t) => t === '2').length, 1, 'the car → car cell says 2');
      await screenshot(page, 'compare-report.png');

      // SVG export: the same chart as a document.
      await page.getByRole('button', { name: 'SVG' }).click();
      await page.getByRole('button', { name: 'PNG' }).click();
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string; format?: string }[] }).__posted.some((m) => m.type === 'export' && m.format === 'png'));
      const exports = (await posted(page)).filter((m): m is Extract<CompareFromWebview, { type: 'export' }> => m.type === 'export');
      const svg = exports.find((m) => m.format === 'svg')!.content;
      assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
      assert.equal((svg.match(new RegExp(`fill="rgb\\(${rgbOf(BLUE).join(',\\s*')}\\)"`, 'gi')) ?? []).length, nMax, 'the SVG has the blue cell');
      // PNG export: decoded here, the blue cell is there (2× scale, so at least its area).
      const png = Buffer.from(exports.find((m) => m.format === 'png')!.content.replace(/^data:image\/png;base64,/, ''), 'base64');
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      const blue = rgbOf(BLUE);
      let bluePixels = 0;
      for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i] - blue[0]) <= 2 && Math.abs(data[i + 1] - blue[1]) <= 2 && Math.abs(data[i + 2] - blue[2]) <= 2) bluePixels++;
      // The blue cell's area on screen, drawn at 2× in the PNG: (almost) every one of its pixels is blue.
      const cellPx = await page.evaluate((rgb) => {
        const p = [...document.querySelectorAll('.chart svg path')].find((e) => (e.getAttribute('fill') ?? '').replace(/\s/g, '') === rgb) as SVGGraphicsElement;
        const b = p.getBBox();
        return b.width * b.height;
      }, `rgb(${blue.join(',')})`);
      assert.ok(bluePixels >= 0.9 * 4 * cellPx && bluePixels <= 1.1 * 4 * cellPx, `blue pixels in the PNG: ${bluePixels}, cell ${cellPx} px on screen`);

      // The image with conflicts has "Show in viewer" (the A/B view in B's viewer).
      await page.evaluate(() => { (window as unknown as { __posted: unknown[] }).__posted = []; });
      await page.locator('button.show-in-viewer').first().click();
      assert.deepEqual(await posted(page), [{ type: 'showInViewer', image: 0 }]);
    } finally {
      await page.close();
    }
  });
});
