/**
 * The Dataset Report webview (webview-ui/src/reports/stats) in headless Chromium, driven by the real
 * ReportSession in Node on the sample dataset and its images: charts drawn in the theme's colours
 * (a pixel of the first bar), a click and the keyboard filter by category, SVG export, duplicate
 * groups with "Keep this one".
 */
import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadCoco } from '../../src/node/loadCoco';
import { checkDatasetHealth } from '../../src/node/health/datasetHealth';
import { ReportSession } from '../../src/extension/health/reportSession';
import type { ChartPick, FromStatsView } from '../../src/shared/statsProtocol';
import { ARTIFACTS, DARK, launch, ROOT, SAMPLE, WEBVIEW_BUILD } from './harness';

const ORIGIN = 'http://labelscope.test';
const BLUE = '#3794ff';
const THEME = DARK.replace('}', ` --vscode-charts-blue:${BLUE}; --vscode-charts-red:#f14c4c; --vscode-button-background:#0e639c; --vscode-button-foreground:#fff; }`);

describe('Dataset Report webview', function () {
  this.timeout(120000);
  let browser: Browser, page: Page, bundle: string, session: ReportSession;
  const filters: ChartPick[] = [];
  const exports: { chart: string; format: string; data: string }[] = [];
  const removals: { file: string; edits: number }[] = [];

  before(async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-statsview-'));
    await esbuild.build({ ...WEBVIEW_BUILD, entryPoints: { statsReport: path.join(ROOT, 'webview-ui/src/reports/stats/main.ts') }, outdir: out, logLevel: 'warning' });
    bundle = fs.readFileSync(path.join(out, 'statsReport.js'), 'utf8');
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1200, height: 1800 }, deviceScaleFactor: 1 });
    session = new ReportSession({
      files: [SAMPLE],
      post: (m) => { void page.evaluate((msg) => window.postMessage(msg, '*'), m as never).catch(() => {}); },
      load: (f) => loadCoco(f),
      health: (docs, signal) => checkDatasetHealth(docs, [SAMPLE], { signal, threads: 1 }),
      thumbnail: async (p) => `data:image/png;base64,${fs.readFileSync(p).toString('base64')}`,
      exportChart: async (chart, format, data) => { exports.push({ chart, format, data }); },
      filter: async (_file, pick) => { filters.push(pick); },
      applyRemoval: async (changes) => { for (const c of changes) removals.push({ file: c.file, edits: c.edits.length }); return 'not applied in this test'; },
    });
    await page.exposeFunction('__toHost', (m: FromStatsView) => session.receive(m));
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/statsReport.js') return route.fulfill({ body: bundle, contentType: 'text/javascript' });
      return route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${THEME}</style></head><body><div id="app"></div>
<script>window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); window.__toHost(m); }, getState() {}, setState() {} });</script>
<script src="${ORIGIN}/statsReport.js"></script></body></html>` });
    });
    await page.goto(`${ORIGIN}/index.html`);
    // Statistics first, then the image checks add health and duplicate sections.
    await page.waitForFunction(() => (window as never as { labelscopeStats: { charts: Map<string, unknown> } }).labelscopeStats.charts.size === 6);
    await page.waitForFunction(() => document.body.textContent?.includes('Image health') && !document.body.textContent.includes('The image files were not checked'), undefined, { timeout: 60000 });
  });
  after(async () => {
    session?.dispose();
    await browser?.close();
  });

  /** Centre of bar `index` of the categories chart, in page pixels, with the canvas pixel there. */
  async function firstBar(index = 0) {
    return page.evaluate((i) => {
      const { chart } = (window as never as { labelscopeStats: { charts: Map<string, { chart: { convertToPixel(f: object, v: unknown[]): number[]; getDom(): HTMLElement; getOption(): { series: { data: { value: number }[] }[] } } }> } }).labelscopeStats.charts.get('categories')!;
      const value = chart.getOption().series[0].data[i].value;
      const top = chart.convertToPixel({ seriesIndex: 0 }, [i, value]);
      const bottom = chart.convertToPixel({ seriesIndex: 0 }, [i, 0]);
      const x = Math.round(top[0]), y = Math.round((top[1] + bottom[1]) / 2);
      const canvas = chart.getDom().querySelector('canvas')!;
      const px = canvas.getContext('2d')!.getImageData(x, y, 1, 1).data;
      const r = canvas.getBoundingClientRect();
      return { x: r.left + x, y: r.top + y, rgb: [px[0], px[1], px[2]] };
    }, index);
  }

  it('draws the category bars in the theme\'s chart colour (pixel check) and writes the summary', async () => {
    const text = await page.textContent('body');
    assert.match(text!, /sample: 5 images \(1 without annotations\), 14 annotations, 4 categories/);
    const bar = await firstBar();
    const want = [0x37, 0x94, 0xff];
    assert.ok(bar.rgb.every((c, k) => Math.abs(c - want[k]) <= 2), `pixel ${bar.rgb} is not ${BLUE}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'stats-report.png'), fullPage: true });
  });

  it('a click on a bar and Enter on a focused chart ask the viewer to filter by that category', async () => {
    const bar = await firstBar();
    await page.mouse.click(bar.x, bar.y);
    await page.waitForFunction(() => (window as never as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'filter'));
    assert.deepEqual(filters[0], { chart: 'categories', split: 'sample', categoryId: 1 });
    await page.focus('section[data-chart="categories"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (window as never as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'filter').length === 2);
    assert.equal(filters[1].chart, 'categories');
    assert.equal(filters[1].categoryId, 2); // second bar: "ball" (id 2), 5 instances like "box"
  });

  it('a click on a histogram bar names the histogram\'s own bin', async () => {
    const target = await page.evaluate(() => {
      const { chart } = (window as never as { labelscopeStats: { charts: Map<string, { chart: { convertToPixel(f: object, v: unknown[]): number[]; getDom(): HTMLElement; getOption(): { series: { data: { value: number; bin: number }[] }[] } } }> } }).labelscopeStats.charts.get('boxArea')!;
      const data = chart.getOption().series[0].data;
      const i = data.findIndex((d) => d.value > 20);
      const top = chart.convertToPixel({ seriesIndex: 0 }, [i, data[i].value]), bottom = chart.convertToPixel({ seriesIndex: 0 }, [i, 0]);
      const r = chart.getDom().querySelector('canvas')!.getBoundingClientRect();
      return { x: r.left + top[0], y: r.top + (top[1] + bottom[1]) / 2, bin: data[i].bin };
    });
    const before = filters.length;
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((n) => (window as never as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'filter').length > n, before + 0);
    // The sample's tallest area bin: 5.79k–8.19k px², bin floor(2·log₂ a) = 25 of AREA_BINS.
    assert.deepEqual(filters.at(-1), { chart: 'boxArea', split: 'sample', bin: 25 });
    assert.equal(target.bin, 25);
  });

  it('exports a chart as SVG through the host', async () => {
    await page.click('section[data-chart="boxArea"] button:has-text("Export SVG")');
    await page.waitForFunction(() => (window as never as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export'));
    assert.equal(exports[0].chart, 'boxArea');
    assert.match(exports[0].data, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('lists image-health findings; every button is reachable with Tab', async () => {
    const text = await page.textContent('body');
    assert.match(text!, /coco\/image-color-mode/);
    const focusable = await page.evaluate(() => [...document.querySelectorAll('button, [tabindex="0"]')].every((e) => (e as HTMLElement).tabIndex >= 0));
    assert.ok(focusable);
  });
});

describe('Dataset Report webview: per-category charts', function () {
  this.timeout(120000);
  it('picking a category redraws the centre heat map with that category only', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-statsview2-'));
    await esbuild.build({ ...WEBVIEW_BUILD, entryPoints: { statsReport: path.join(ROOT, 'webview-ui/src/reports/stats/main.ts') }, outdir: out, logLevel: 'warning' });
    const js = fs.readFileSync(path.join(out, 'statsReport.js'), 'utf8');
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 }, deviceScaleFactor: 1 });
      const session = new ReportSession({ files: [SAMPLE], post: (m) => { void page.evaluate((msg) => window.postMessage(msg, '*'), m as never).catch(() => {}); }, load: (f) => loadCoco(f) });
      await page.exposeFunction('__toHost', (m: FromStatsView) => session.receive(m));
      await page.route(`${ORIGIN}/**`, (route) => new URL(route.request().url()).pathname === '/statsReport.js'
        ? route.fulfill({ body: js, contentType: 'text/javascript' })
        : route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><style>${THEME}</style></head><body><div id="app"></div><script>window.acquireVsCodeApi = () => ({ postMessage(m) { window.__toHost(m); } });</script><script src="${ORIGIN}/statsReport.js"></script></body></html>` }));
      await page.goto(`${ORIGIN}/index.html`);
      const heatTotal = () => page.evaluate(() => {
        const c = (window as never as { labelscopeStats: { charts: Map<string, { chart: { getOption(): { series: { data: number[][] }[]; title: { text: string }[] } } }> } }).labelscopeStats.charts.get('centers');
        if (!c) return undefined;
        const o = c.chart.getOption();
        return { title: o.title[0].text, total: o.series[0].data.reduce((t, d) => t + d[2], 0) };
      });
      await page.waitForFunction(() => (window as never as { labelscopeStats: { charts: Map<string, unknown> } }).labelscopeStats.charts.size === 6);
      // All categories: every box with a usable image (12 of 14: one has no image, one no category).
      assert.deepEqual(await heatTotal(), { title: 'Box centres (all categories, sample)', total: 12 });
      await page.selectOption('select', { label: 'ball (5)' });
      await page.waitForFunction(() => document.querySelector('select') !== null);
      const picked = await heatTotal();
      assert.equal(picked?.title, 'Box centres (ball, sample)');
      assert.ok(picked!.total > 0 && picked!.total <= 5, `${picked?.total}`);
      session.dispose();
    } finally {
      await browser.close();
    }
  });
});
