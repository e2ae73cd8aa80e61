/**
 * Issue 8 items 5 and 7 in headless Chromium: the image banner (Choose Image Folder…, one line,
 * dismissable, above the canvas), Light High Contrast selection, widths at 1400 and 600 px,
 * the collapsible side panel, the hover card while drawing, the 17th category, grid overlays,
 * list-row hover and keyboard focus.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { OutcomeProblem } from '../../src/node/checkWorkerProtocol';
import { imageLookup } from '../../src/node/imageFiles';
import type { ImageSource } from '../../src/editor/editorModel';
import { PALETTE } from '../../src/shared/palette';
import { hexRgb, launch, openEditor, pixelAt, ROOT, SAMPLE, screenshot, toScreen, waitShown, type Harness } from './harness';

/** Light High Contrast as VS Code hands it to webviews (it defines no list selection foreground). */
const HC_LIGHT = `body { --vscode-foreground:#292929; --vscode-editor-background:#ffffff; --vscode-sideBar-background:#ffffff;
  --vscode-editorWidget-background:#ffffff; --vscode-panel-border:#0f4a85; --vscode-contrastBorder:#0f4a85; --vscode-contrastActiveBorder:#006bbd;
  --vscode-focusBorder:#006bbd; --vscode-list-activeSelectionBackground:rgba(15,74,133,0.1); --vscode-list-hoverBackground:rgba(15,74,133,0.05);
  --vscode-font-family:sans-serif; --vscode-font-size:13px; }`;

type Rgba = [number, number, number, number];
const parseRgb = (s: string): Rgba => {
  const m = /rgba?\(([^)]+)\)/.exec(s);
  if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p[3] ?? 1];
};
const luminance = ([r, g, b]: number[]) => {
  const f = (c: number) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const contrast = (a: number[], b: number[]) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const over = (top: Rgba, under: number[]) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));

const problem = (o: Partial<OutcomeProblem>): OutcomeProblem => ({
  rule: 'coco/test', severity: 'warning', message: 'm', jsonPath: '$', line: 1, column: 1, endLine: 1, endColumn: 2, ...o,
});

/** A source whose image folder can change (as imageRoot does in the extension). */
function movableSource(file: string, root?: string): ImageSource & { root?: string } {
  const s = {
    root,
    find: (n: string) => { const l = imageLookup(file, s.root); return { path: l.resolve(n), tried: l.candidates(n) }; },
    toSrc: (p: string) => `data:image/png;base64,${fs.readFileSync(p).toString('base64')}`,
  };
  return s;
}

/** The share of the overlay canvas's pixels along image row `y` from x0 to x1 (±1 px) that are drawn: ~1 solid, less dashed. */
function edgeCoverage(page: Page, x0: number, x1: number, y: number): Promise<number> {
  return page.evaluate(([a, b, yy]) => {
    const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; overlayCanvas: HTMLCanvasElement } } }).labelscope.viewer;
    const sy = Math.round(yy * v.zoom + v.panY);
    const sa = Math.ceil(a * v.zoom + v.panX) + 3;
    const sb = Math.floor(b * v.zoom + v.panX) - 3;
    const ctx = v.overlayCanvas.getContext('2d')!;
    let on = 0;
    for (let x = sa; x < sb; x++) {
      let hit = false;
      const d = ctx.getImageData(x, sy - 1, 1, 3).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 100) hit = true;
      if (hit) on++;
    }
    return on / (sb - sa);
  }, [x0, x1, y] as const);
}

const box = (page: Page, sel: string) => page.locator(sel).first().boundingBox();

describe('webview: layout and accessibility (issue 8 items 5, 7)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('a missing image: one line above the canvas; Choose Image Folder… asks the host, and the image appears once imageRoot points at it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-banner-'));
    fs.copyFileSync(path.join(ROOT, 'sample/images/scene_001.png'), path.join(dir, 'scene_005_missing.png'));
    const source = movableSource(SAMPLE);
    h = await openEditor(browser, { source, state: { imageIndex: 4, zoom: null, panX: 0, panY: 0, hiddenCategories: [], fillOpacity: 0.45, outlineOnly: false } });
    let asked = 0;
    h.session.channel.handle('chooseImageFolder', async () => { asked++; source.root = dir; h.session.imageSourceChanged(); return { ok: true, message: `Images are now looked for in ${dir}` }; });
    await waitShown(h.page, 4);
    const banner = await box(h.page, '.missing');
    const stage = await box(h.page, '.stage');
    assert.ok(banner && stage);
    assert.ok(banner.height <= 34, `one line (${banner.height} px)`);
    assert.ok(banner.y + banner.height <= stage.y + 0.5, 'above the canvas, not over it');
    assert.match(await h.page.textContent('.missing') ?? '', /Image not found: scene_005_missing\.png/);
    await screenshot(h.page, 'banner-missing.png');
    // The image layer is the grey placeholder now.
    const before = await pixelAt(h.page, 160, 120);
    await h.page.click('.missing .missing-choose');
    await h.page.waitForFunction(() => document.querySelector<HTMLElement>('.missing')?.hidden === true, undefined, { timeout: 5000 }).catch(async (e) => {
      console.log(asked, await h.page.textContent('.status'), JSON.stringify((await h.page.evaluate(() => (window as never as { __posted: unknown[] }).__posted)).slice(-5)));
      throw e;
    });
    assert.equal(asked, 1);
    await h.page.waitForFunction(() => /Images are now looked for/.test(document.querySelector('.status')?.textContent ?? ''));
    const after = await pixelAt(h.page, 160, 120);
    const scene1 = await (async () => { const p = await pixelAt(h.page, 160, 120); return p.image; })();
    assert.notDeepEqual(after.image, before.image, 'the image is drawn');
    assert.equal(scene1[3], 255, 'an opaque image pixel');
  });

  it('the banner can be dismissed for the file: it stays away on the next missing image and after a reload', async () => {
    h = await openEditor(browser, { state: { imageIndex: 4, zoom: null, panX: 0, panY: 0, hiddenCategories: [], fillOpacity: 0.45, outlineOnly: false } });
    await waitShown(h.page, 4);
    await h.page.click('.missing .missing-close');
    assert.equal(await h.page.isVisible('.missing'), false);
    await h.page.keyboard.press('ArrowLeft');
    await waitShown(h.page, 3);
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 4);
    assert.equal(await h.page.isVisible('.missing'), false);
    const saved = await h.page.evaluate(() => (window as never as { __state: { missingDismissed?: boolean } }).__state.missingDismissed);
    assert.equal(saved, true, 'remembered in the webview state');
  });

  it('Light High Contrast: the selected annotation row is readable (contrast ≥ 4.5) and outlined', async () => {
    h = await openEditor(browser, { theme: HC_LIGHT });
    await waitShown(h.page, 0);
    await h.page.click('.ann-row[data-annotation-id="1"]');
    const row = await h.page.evaluate(() => {
      const r = document.querySelector('.ann-row.selected')!;
      const cs = getComputedStyle(r);
      return { color: cs.color, bg: cs.backgroundColor, outline: cs.outlineStyle, outlineColor: cs.outlineColor, side: getComputedStyle(document.querySelector('.side')!).backgroundColor };
    });
    const side = parseRgb(row.side);
    const bg = over(parseRgb(row.bg), side[3] ? side.slice(0, 3) : [255, 255, 255]);
    const ratio = contrast(parseRgb(row.color).slice(0, 3), bg);
    assert.ok(ratio >= 4.5, `text ${row.color} on ${row.bg}: contrast ${ratio.toFixed(2)}`);
    assert.equal(row.outline, 'solid');
    assert.deepEqual(parseRgb(row.outlineColor).slice(0, 3), hexRgb('#006bbd'));
    await screenshot(h.page, 'hc-light-selected-row.png');
  });

  it('1400 px: no horizontal scrollbar, a long fix button stays inside the side panel', async () => {
    const problems = [problem({ rule: 'coco/bbox-out-of-image', severity: 'error', message: 'Box leaves the image on the right by 12.5 px', annotationId: 1, line: 40, fix: { title: 'Clip the box to the image and recompute the area from the clipped polygon', edits: [] } })];
    h = await openEditor(browser, { width: 1400, height: 800, session: { problems: () => problems } });
    await waitShown(h.page, 0);
    await h.page.waitForSelector('.fix-btn');
    const m = await h.page.evaluate(() => {
      const side = document.querySelector<HTMLElement>('.side')!;
      const fix = document.querySelector<HTMLElement>('.fix-btn')!.getBoundingClientRect();
      const s = side.getBoundingClientRect();
      return { sideScroll: side.scrollWidth - side.clientWidth, docScroll: document.documentElement.scrollWidth - window.innerWidth, fixRight: fix.right, sideRight: s.right, sideLeft: s.left, fixLeft: fix.left };
    });
    assert.equal(m.sideScroll, 0, 'no horizontal scroll in the side panel');
    assert.ok(m.docScroll <= 0, 'no horizontal scroll in the page');
    assert.ok(m.fixLeft >= m.sideLeft && m.fixRight <= m.sideRight, `fix button ${m.fixLeft}–${m.fixRight} inside ${m.sideLeft}–${m.sideRight}`);
    const toolbarRows = await h.page.evaluate(() => document.querySelector<HTMLElement>('.toolbar')!.offsetHeight);
    assert.ok(toolbarRows <= 40, `toolbar one row at 1400 px (${toolbarRows} px)`);
    await screenshot(h.page, 'width-1400.png');
  });

  it('500 px with the side panel open: the toolbar keeps to one row; the image counter and the new shapes\' category wait behind ⋯', async () => {
    h = await openEditor(browser, { width: 500, height: 600 });
    await waitShown(h.page, 0);
    assert.equal(await h.page.isVisible('.side'), true, 'the side panel is open');
    await h.page.waitForFunction(() => document.querySelector('.toolbar')!.classList.contains('tight'));
    const rowCount = () => h!.page.evaluate(() => {
      // A second row: a control that starts below the bottom of another.
      const items = [...document.querySelectorAll<HTMLElement>('.toolbar > :not(.more):not(.spacer), .toolbar .tools > *')].filter((e) => e.offsetParent !== null && e.getBoundingClientRect().width > 0);
      const bar = document.querySelector<HTMLElement>('.toolbar')!.getBoundingClientRect();
      const firstBottom = Math.min(...items.map((e) => e.getBoundingClientRect().bottom));
      return { rows: items.some((e) => e.getBoundingClientRect().top >= firstBottom) ? 2 : 1, out: items.filter((e) => e.getBoundingClientRect().right > bar.right + 0.5).map((e) => e.className) };
    });
    assert.deepEqual(await rowCount(), { rows: 1, out: [] }, 'one row, nothing past its right edge');
    assert.equal(await h.page.isVisible('.toolbar .counter'), false);
    await h.page.click('vscode-button.more-btn');
    assert.equal(await h.page.isVisible('.more .counter'), true, '⋯ shows the counter');
    assert.equal(await h.page.isVisible('.more select.new-cat'), true, '⋯ shows the category of new shapes');
    await h.page.keyboard.press('Escape');
    // Wider again: everything back in its place.
    await h.page.setViewportSize({ width: 1400, height: 600 });
    await h.page.waitForFunction(() => !document.querySelector('.toolbar')!.classList.contains('narrow'));
    assert.equal(await h.page.evaluate(() => document.querySelector('.counter')!.nextElementSibling?.getAttribute('title')), 'Next image (→ or j)');
    assert.equal(await h.page.evaluate(() => document.querySelector('select.new-cat')!.parentElement!.className), 'tools');
    assert.equal((await rowCount()).rows, 1);
    await screenshot(h.page, 'width-500-side.png');
  });

  it('600 px (split editor): the toolbar keeps to one row with ⋯ holding the rest; the side panel collapses with \\ and stays so', async () => {
    h = await openEditor(browser, { width: 600, height: 600 });
    await waitShown(h.page, 0);
    await h.page.waitForFunction(() => document.querySelector('.toolbar')!.classList.contains('compact'));
    const [height, row] = await h.page.evaluate(() => [document.querySelector<HTMLElement>('.toolbar')!.offsetHeight, document.querySelector<HTMLElement>('.more-btn')!.offsetHeight]);
    assert.ok(height <= row + 8 + 1 + 4, `toolbar in one row (${height} px, a button ${row} px)`);
    // Every control of the row is on it, inside the toolbar's width.
    const [barRight, overflow] = await h.page.evaluate(() => {
      const bar = document.querySelector<HTMLElement>('.toolbar')!.getBoundingClientRect();
      const out = [...document.querySelectorAll<HTMLElement>('.toolbar > :not(.more), .toolbar .tools > *')]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > bar.right + 0.5).map((e) => e.className || e.tagName);
      return [bar.right, out] as const;
    });
    assert.deepEqual(overflow, [], `nothing past the toolbar's right edge (${barRight} px)`);
    // Tight labels keep their names: tooltips and accessible names.
    assert.deepEqual(await h.page.locator('.tools .tool-btn').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), ['Select', 'Box', 'Polygon', 'Segment']);
    assert.equal(await h.page.isVisible('vscode-button.more-btn'), true);
    assert.equal(await h.page.isVisible('.more vscode-button:has-text("Fit")'), false);
    await h.page.click('vscode-button.more-btn');
    assert.equal(await h.page.isVisible('.more vscode-button:has-text("Fit")'), true, '⋯ shows Fit');
    await h.page.keyboard.press('Escape');
    assert.equal(await h.page.isVisible('.more vscode-button:has-text("Fit")'), false, 'Escape closes it');
    // By keyboard: ⋯ takes the focus, Enter opens the menu with the focus on its first control.
    await h.page.locator('vscode-button.more-btn').focus();
    await h.page.keyboard.press('Enter');
    assert.equal(await h.page.isVisible('.more vscode-button:has-text("Fit")'), true, 'Enter on ⋯ opens it');
    assert.equal(await h.page.evaluate(() => !!document.activeElement?.closest('.more')), true, 'the focus is in the menu');
    await h.page.keyboard.press('Escape');
    await screenshot(h.page, 'width-600.png');
    const stageBefore = (await box(h.page, '.stage'))!.width;
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('\\');
    assert.equal(await h.page.isVisible('.side'), false, 'collapsed');
    await h.page.waitForFunction((w) => document.querySelector('.stage')!.getBoundingClientRect().width > w + 100, stageBefore);
    const state = await h.page.evaluate(() => (window as never as { __state: unknown }).__state);
    assert.equal((state as { sideCollapsed?: boolean }).sideCollapsed, true);
    await screenshot(h.page, 'width-600-collapsed.png');
    await h.close();
    h = await openEditor(browser, { width: 600, height: 600, state });
    await waitShown(h.page, 0);
    assert.equal(await h.page.isVisible('.side'), false, 'still collapsed after a reload');
    await h.page.click('vscode-button.side-btn');
    assert.equal(await h.page.isVisible('.side'), true, 'the Panel button shows it again');
  });

  it('the hover card goes away while drawing and dragging', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const [x, y] = await toScreen(h.page, 75, 75); // annotation 1, bbox [30, 40, 90, 70]
    await h.page.mouse.move(x, y);
    await h.page.mouse.move(x + 2, y + 1);
    await h.page.waitForSelector('.tooltip:not([hidden])');
    await h.page.keyboard.press('b');
    assert.equal(await h.page.isVisible('.tooltip'), false, 'hidden when a drawing tool is picked');
    await h.page.mouse.move(x + 4, y + 2);
    await h.page.mouse.down();
    await h.page.mouse.move(x + 40, y + 30, { steps: 4 });
    assert.equal(await h.page.isVisible('.tooltip'), false, 'hidden while drawing a box');
    await h.page.mouse.up();
    await h.page.keyboard.press('Escape');
    await h.page.mouse.move(x, y);
    await h.page.mouse.move(x + 1, y + 1);
    await h.page.waitForSelector('.tooltip:not([hidden])');
    await h.page.mouse.down();
    await h.page.mouse.move(x + 30, y + 20, { steps: 4 });
    assert.equal(await h.page.isVisible('.tooltip'), false, 'hidden while panning / dragging');
    await h.page.mouse.up();
  });

  it('hovering an annotation row outlines its shape on the stage', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const outlined = () => h.page.evaluate(() => {
      const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; uiCanvas: HTMLCanvasElement } } }).labelscope.viewer;
      // Along the top edge of annotation 1's box (y = 40, x 30..120): the dashed hover outline.
      const y = Math.floor(40 * v.zoom + v.panY);
      const x0 = Math.floor(30 * v.zoom + v.panX);
      const x1 = Math.floor(120 * v.zoom + v.panX);
      const d = v.uiCanvas.getContext('2d')!.getImageData(x0, y, x1 - x0, 2).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
      return n;
    });
    assert.equal(await outlined(), 0, 'nothing drawn before');
    await h.page.hover('.ann-row[data-annotation-id="1"]');
    await h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
    assert.ok(await outlined() > 10, 'outline drawn while the row is hovered');
    await h.page.mouse.move(5, 5);
    await h.page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
    assert.equal(await outlined(), 0, 'gone when the pointer leaves');
  });

  it('the 17th category: a striped swatch and a dashed outline, told from the 1st', async () => {
    const coco = {
      images: [{ id: 1, file_name: 'scene_001.png', width: 320, height: 240 }],
      categories: Array.from({ length: 17 }, (_, i) => ({ id: i + 1, name: `c${i + 1}` })),
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [20, 20, 100, 80], area: 8000, iscrowd: 0, segmentation: [[20, 20, 120, 20, 120, 100, 20, 100]] },
        { id: 2, image_id: 1, category_id: 17, bbox: [160, 100, 120, 100], area: 12000, iscrowd: 0, segmentation: [[160, 100, 280, 100, 280, 200, 160, 200]] },
      ],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ls-17-')), 'instances_x.json');
    fs.writeFileSync(file, JSON.stringify(coco));
    h = await openEditor(browser, { file, source: movableSource(file, path.join(ROOT, 'sample/images')), state: { imageIndex: 0, zoom: null, panX: 0, panY: 0, hiddenCategories: [], fillOpacity: 0, outlineOnly: true } });
    await waitShown(h.page, 0);
    const swatches = await h.page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.cat-row .swatch')].map((s) => getComputedStyle(s).backgroundImage));
    assert.equal(swatches[0], 'none');
    assert.match(swatches[16], /repeating-linear-gradient/);
    // Along the top edges: the 1st is solid, the 17th has gaps.
    const coverage = (x0: number, x1: number, y: number) => edgeCoverage(h.page, x0, x1, y);
    const first = await coverage(20, 120, 20);
    const seventeenth = await coverage(160, 280, 100);
    assert.ok(first > 0.95, `1st: solid (${first.toFixed(2)})`);
    assert.ok(seventeenth < 0.85 && seventeenth > 0.3, `17th: dashed (${seventeenth.toFixed(2)})`);
    assert.equal(PALETTE.length, 16);
    await screenshot(h.page, 'category-17.png');
  });

  it('the 17th category: an RLE mask\'s edge is dashed too (a mask of the 1st stays solid)', async () => {
    const [W, H] = [320, 240];
    /** An uncompressed RLE of the rectangle [x, y, w, h] (column-major runs, first run unset). */
    const rectRle = (x: number, y: number, w: number, hh: number) => {
      const counts: number[] = [x * H + y];
      for (let c = 0; c < w; c++) counts.push(hh, c === w - 1 ? (W - x - w) * H + (H - y - hh) : H - hh);
      return { size: [H, W], counts };
    };
    const coco = {
      images: [{ id: 1, file_name: 'scene_001.png', width: W, height: H }],
      categories: Array.from({ length: 17 }, (_, i) => ({ id: i + 1, name: `c${i + 1}` })),
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [20, 20, 100, 80], area: 8000, iscrowd: 0, segmentation: rectRle(20, 20, 100, 80) },
        { id: 2, image_id: 1, category_id: 17, bbox: [160, 100, 120, 100], area: 12000, iscrowd: 0, segmentation: rectRle(160, 100, 120, 100) },
      ],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ls-17-rle-')), 'instances_x.json');
    fs.writeFileSync(file, JSON.stringify(coco));
    h = await openEditor(browser, { file, source: movableSource(file, path.join(ROOT, 'sample/images')), state: { imageIndex: 0, zoom: null, panX: 0, panY: 0, hiddenCategories: [], fillOpacity: 0, outlineOnly: true } });
    await waitShown(h.page, 0);
    const first = await edgeCoverage(h.page, 20, 120, 20);
    const seventeenth = await edgeCoverage(h.page, 160, 280, 100);
    assert.ok(first > 0.95, `1st: solid (${first.toFixed(2)})`);
    assert.ok(seventeenth < 0.85 && seventeenth > 0.3, `17th: dashed (${seventeenth.toFixed(2)})`);
    await screenshot(h.page, 'category-17-rle.png');
  });

  it('grid thumbnails show the annotations in their category colours', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await h.page.keyboard.press('g');
    await h.page.waitForSelector('.grid-cell[data-index="0"] canvas.thumb-overlay');
    const drawn = await h.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.grid-cell[data-index="0"] canvas.thumb-overlay')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colors = new Set<string>();
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200) colors.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      const img = document.querySelector<HTMLElement>('.grid-cell[data-index="0"] img')?.getBoundingClientRect();
      const cv = c.getBoundingClientRect();
      return { colors: [...colors], same: !!img && Math.abs(img.left - cv.left) < 1 && Math.abs(img.top - cv.top) < 1 && Math.abs(img.width - cv.width) < 1, where: JSON.stringify([img, cv]) };
    });
    const near = (rgb: string, hex: string) => { const a = rgb.split(',').map(Number); const b = hexRgb(hex); return a.every((v, i) => Math.abs(v - b[i]) <= 3); };
    assert.ok(drawn.colors.some((c) => near(c, PALETTE[0])), `category 1's colour drawn (${drawn.colors.slice(0, 5).join(' ')})`);
    assert.ok(drawn.same, `the overlay lies exactly over the thumbnail ${drawn.where}`);
    await screenshot(h.page, 'grid-overlays.png');
  });

  it('every control is reached with Tab and shows a focus ring', async () => {
    const problems = [problem({ severity: 'error', message: 'Box leaves the image', annotationId: 1, line: 40, fix: { title: 'Clip the box', edits: [] } })];
    h = await openEditor(browser, { width: 1400, height: 800, session: { problems: () => problems } });
    await waitShown(h.page, 0);
    await h.page.waitForSelector('.fix-btn');
    const seen: { label: string; ring: boolean }[] = [];
    /** The focused control (through shadow roots) and whether it shows a ring. */
    const focused = () => h.page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        if (!a || a === document.body) return null;
        const cs = getComputedStyle(a);
        const base = a.shadowRoot?.querySelector('.base, [part~="base"], .wrapper, input') as HTMLElement | null;
        const bs = base ? getComputedStyle(base) : undefined;
        const shadowFocus = a.shadowRoot?.activeElement ? getComputedStyle(a.shadowRoot.activeElement as HTMLElement) : undefined;
        const ring = [cs, bs, shadowFocus].some((s) => s && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none')));
        const label = a.className ? `${a.tagName.toLowerCase()}.${String(a.className).split(' ')[0]}` : a.tagName.toLowerCase();
        return { label: `${label}:${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 20)}`, ring };
      });
    for (let i = 0; i < 60; i++) {
      await h.page.keyboard.press('Tab');
      const f = await focused();
      if (f) seen.push(f);
      // The compact toolbar's ⋯: open it once with Enter, its controls come next.
      if (f?.label.startsWith('vscode-button.more-btn') && !(await h.page.isVisible('.more.open'))) {
        await h.page.keyboard.press('Enter');
        await h.page.waitForSelector('.more.open');
        const first = await focused();
        if (first) seen.push(first);
      }
    }
    const labels = seen.map((s) => s.label);
    for (const want of [/^vscode-button.*Grid/, /◀/, /▶/, /Select/, /Box/, /Polygon/, /Segment/, /^select\.filter/, /Next problem/, /Evaluate/, /Fit/, /1:1/, /^input/, /vscode-checkbox/, /Panel/, /^div\.stage/, /^div\.ann-row/, /^div\.prob-row/, /Clip the box/, /Show in JSON|vscode-checkbox/]) {
      assert.ok(labels.some((l) => want.test(l)), `${want} reached by Tab (${labels.join(' | ')})`);
    }
    const noRing = seen.filter((s) => !s.ring).map((s) => s.label);
    assert.deepEqual(noRing, [], 'every focused control shows a ring');
  });
});
