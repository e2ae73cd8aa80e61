/**
 * The evaluation report view in headless Chromium, fed the message the host really sends
 * (toReportData of an evaluation of the oracle bbox pair): the 12 numbers, the sortable table,
 * the PR curve and the confusion matrix drawn on their canvases (pixel checks), and the
 * messages it sends back (filter, export).
 */
import * as assert from 'node:assert/strict';
import sharp from 'sharp';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { evaluateCoco } from '../../src/core/metrics/eval';
import { toReportData } from '../../src/extension/eval/reportData';
import type { EvalReportData, EvalViewMessage } from '../../src/shared/evalProtocol';
import { DARK, ROOT, WEBVIEW_BUILD, launch } from './harness';

const ORIGIN = 'http://labelscope.test';
const BUNDLE = path.join(ROOT, 'dist/webview/evalReport.js');
const FIX = path.join(ROOT, 'test/fixtures/eval-oracle');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(FIX, 'inputs', f), 'utf8'));

// VS Code's chart colours, so a pixel can be told apart from the background.
const THEME = `${DARK} body { --vscode-charts-blue:#3794ff; --vscode-charts-orange:#d18616; --vscode-charts-green:#89d185; --vscode-charts-red:#f14c4c; }`;

async function openReport(browser: Browser, data: EvalReportData): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/evalReport.js') return route.fulfill({ body: fs.readFileSync(BUNDLE), contentType: 'text/javascript' });
    return route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${THEME}</style></head><body><div id="app"></div>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() { return null; }, setState() {} });
</script><script src="${ORIGIN}/evalReport.js"></script></body></html>` });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await page.evaluate((d) => window.postMessage({ type: 'evalReport', data: d }, '*'), data);
  await page.waitForSelector('#chart-confusion canvas');
  return page;
}

/** RGB of a canvas pixel at CSS coordinates inside the chart. */
/**
 * The colour a user sees at (x, y) of a chart: read from a screenshot of the chart, so every
 * canvas layer echarts draws (the heatmap may sit on its own layer over the axes) is composited.
 */
async function pixel(page: Page, chart: string, x: number, y: number): Promise<[number, number, number]> {
  const el = (await page.$(`#chart-${chart}`))!;
  const png = await el.screenshot();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const ratio = info.width / (await el.evaluate((e) => (e as HTMLElement).clientWidth));
  const i = (Math.round(y * ratio) * info.width + Math.round(x * ratio)) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}

const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
const near = (a: number[], b: number[], tol = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('evaluation report view (Chromium)', function () {
  this.timeout(120000);
  let browser: Browser;
  let page: Page;
  let data: EvalReportData;

  before(async () => {
    await esbuild.build({ ...WEBVIEW_BUILD, entryPoints: { evalReport: path.join(ROOT, 'webview-ui/src/reports/eval/main.ts') }, outdir: path.dirname(BUNDLE), logLevel: 'warning' });
    const result = evaluateCoco(read('bbox.gt.json'), read('bbox.dt.json'), { iouType: 'bbox' });
    data = toReportData(result, 'bbox.gt.json', 'bbox.dt.json', 12);
    browser = await launch();
    page = await openReport(browser, data);
  });
  after(async () => { await browser?.close(); });

  it('shows the 12 numbers the host sent, 3 decimals', async () => {
    const shown = await page.$$eval('.stat .value', (els) => els.map((e) => [e.getAttribute('data-key'), e.textContent]));
    assert.deepEqual(shown, data.summary.map((s) => [s.key, s.value < 0 ? '–' : s.value.toFixed(3)]));
  });

  it('draws each class\'s PR curve: the first point of the biggest class is in its colour', async () => {
    const pos = await page.evaluate(() => {
      const chart = (window as unknown as { __evalCharts: Map<string, { convertToPixel(f: object, v: number[]): number[]; getOption(): { series: { name: string; data: number[][] }[] } }> }).__evalCharts.get('pr')!;
      const s = chart.getOption().series[0];
      // A point a little way into the curve, so it lies on the line and not under an axis.
      return { name: s.name, px: chart.convertToPixel({ seriesIndex: 0 }, s.data[5]), y: s.data[5][1] };
    });
    assert.equal(pos.name, 'class4'); // the class with the most labels is drawn first
    assert.ok(pos.y > 0);
    const rgb = await pixel(page, 'pr', pos.px[0], pos.px[1]);
    assert.ok(near(rgb, hex('#3794ff')), `PR curve pixel ${rgb} is not the first chart colour`);
    const bg = await pixel(page, 'pr', 5, 5);
    assert.ok(!near(bg, hex('#3794ff')), 'the corner is background');
  });

  it('draws the confusion matrix: a busy cell is darker-blue than an empty one, and clicking it asks the host to filter', async () => {
    const cm = data.confusion!;
    const busy = { row: 0, col: 0 }; // class1 found as class1
    const empty = { row: 0, col: 1 };
    assert.ok(cm.cells[busy.row][busy.col] > 0 && cm.cells[empty.row][empty.col] === 0);
    const at = (c: { row: number; col: number }) => page.evaluate(([col, row]) => {
      const chart = (window as unknown as { __evalCharts: Map<string, { convertToPixel(f: object, v: number[]): number[] }> }).__evalCharts.get('confusion')!;
      return chart.convertToPixel({ seriesIndex: 0 }, [col, row]);
    }, [c.col, c.row]);
    const pBusy = await at(busy);
    const pEmpty = await at(empty);
    // Off the centre, away from the number printed in the cell.
    const cBusy = await pixel(page, 'confusion', pBusy[0] + 12, pBusy[1] + 6);
    const cEmpty = await pixel(page, 'confusion', pEmpty[0] + 12, pEmpty[1] + 6);
    const blue = hex('#3794ff');
    const dist = (c: number[]) => Math.hypot(c[0] - blue[0], c[1] - blue[1], c[2] - blue[2]);
    assert.ok(dist(cBusy) < dist(cEmpty), `busy ${cBusy} should be nearer the heat colour than empty ${cEmpty}`);
    assert.ok(near(cEmpty, hex('#1e1e1e'), 30), `an empty cell is the editor background, got ${cEmpty}`);

    const box = (await page.$('#chart-confusion'))!;
    await box.scrollIntoViewIfNeeded();
    const b = (await box.boundingBox())!;
    await page.mouse.click(b.x + pBusy[0], b.y + pBusy[1]);
    const posted = await page.evaluate(() => (window as unknown as { __posted: EvalViewMessage[] }).__posted);
    assert.deepEqual(posted.find((m) => m.type === 'filter'), { type: 'filter', cell: { labelCategoryId: 1, detectedCategoryId: 1 } });
  });

  it('the per-class table sorts by a column (keyboard too) and a row filters by class', async () => {
    await page.click('button[data-sort="gtCount"]');
    const counts = await page.$$eval('tbody tr td:nth-child(2)', (els) => els.map((e) => Number(e.textContent)));
    assert.deepEqual(counts, counts.slice().sort((a, b) => b - a));
    await page.focus('button[data-sort="gtCount"]');
    await page.keyboard.press('Enter');
    const asc = await page.$$eval('tbody tr td:nth-child(2)', (els) => els.map((e) => Number(e.textContent)));
    assert.deepEqual(asc, counts.slice().reverse().sort((a, b) => a - b));
    assert.equal(await page.getAttribute('th:nth-child(2)', 'aria-sort'), 'ascending');
    await page.focus('tbody tr[data-category="3"]');
    await page.keyboard.press('Enter');
    const posted = await page.evaluate(() => (window as unknown as { __posted: EvalViewMessage[] }).__posted);
    assert.deepEqual(posted.filter((m) => m.type === 'filter').pop(), { type: 'filter', categoryId: 3 });
  });

  it('exports a chart as SVG (a standalone document with the curves) and as PNG', async () => {
    await page.click('button[data-export="pr-svg"]');
    await page.click('button[data-export="confusion-png"]');
    const posted = await page.evaluate(() => (window as unknown as { __posted: EvalViewMessage[] }).__posted.filter((m) => m.type === 'export'));
    const svg = posted.find((m) => m.type === 'export' && m.format === 'svg') as Extract<EvalViewMessage, { type: 'export' }>;
    assert.match(svg.data, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.data, /<path[^>]*stroke="#3794ff"/i);
    const png = posted.find((m) => m.type === 'export' && m.format === 'png') as Extract<EvalViewMessage, { type: 'export' }>;
    assert.equal(png.chart, 'confusion');
    const bytes = Buffer.from(png.data.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
  });
});
