/** The viewer's side of the check link and the grid, in headless Chromium. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { OutcomeProblem } from '../../src/node/checkWorkerProtocol';
import { Thumbnailer } from '../../src/node/thumbnails';
import { CELL_H } from '../../webview-ui/src/grid';
import { launch, openEditor, posted, SAMPLE, screenshot, toScreen, until, waitShown, type Harness } from './harness';

const problem = (o: Partial<OutcomeProblem>): OutcomeProblem => ({
  rule: 'coco/test', severity: 'warning', message: 'm', jsonPath: '$', line: 1, column: 1, endLine: 1, endColumn: 2, ...o,
});

/** The host-side calls, once `n` of them came. */
async function waitAsked(asked: string[], n: number): Promise<string[]> {
  for (let i = 0; i < 200 && asked.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  return [...asked];
}

const selectedId = (h: Harness) => h.page.evaluate(() => (window as never as { labelscope: { viewer: { selected: { id: unknown } | null } } }).labelscope.viewer.selected?.id ?? null);

describe('webview: problems and grid (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('lists the check\'s problems of the image with fix buttons; n / N walk them across images', async () => {
    const problems = [
      problem({ rule: 'coco/bbox-out-of-image', severity: 'error', message: 'Box leaves the image', annotationId: 2, line: 40, fix: { title: 'Clip the box', edits: [] } }),
      problem({ rule: 'coco/area-mismatch', message: 'Area differs', annotationId: 4, line: 80 }),
      problem({ rule: 'coco/image-file-missing', message: 'No file', imageId: 5, jsonPath: '$.images[4]', line: 30 }),
      problem({ rule: 'coco/info', message: 'file level', line: 1 }),
    ];
    const fixed: number[] = [];
    // One problem per message: the list arrives in pages (as a big file's does) and shows whole.
    h = await openEditor(browser, { session: { problems: () => problems, problemsPageSize: 1, applyFix: async (p) => { fixed.push(problems.indexOf(p)); return { ok: true }; } } });
    await waitShown(h.page, 0);
    await h.page.waitForSelector('.prob-row');
    // The image's problems, then the file's (tied to no image) in their own group.
    assert.equal(await h.page.locator('.prob-list > .prob-row').count(), 1);
    assert.match(await h.page.textContent('.prob-list > .prob-row') ?? '', /Box leaves the image.*coco\/bbox-out-of-image.*annotation 2/s);
    assert.match(await h.page.textContent('.file-probs') ?? '', /Not tied to an image \(1\).*file level/s);
    assert.equal(await h.page.textContent('.prob-row vscode-button'), 'Clip the box');
    assert.equal(await h.page.locator('.ann-row[data-annotation-id="2"] .badge').count(), 1, 'the annotation is marked');
    await h.page.click('.prob-row vscode-button');
    await h.page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('Fixed'));
    assert.deepEqual(fixed, [0], 'the fix went to the host with its key');
    await h.page.keyboard.press('n');
    await h.page.waitForFunction(() => document.querySelector('.prob-row.selected'));
    assert.equal(await selectedId(h), 2, 'n: the first problem, its annotation selected');
    await screenshot(h.page, 'problems-panel.png');
    await h.page.keyboard.press('n');
    await waitShown(h.page, 1);
    await h.page.waitForFunction(() => (window as never as { labelscope: { viewer: { selected: { id: unknown } | null } } }).labelscope.viewer.selected?.id === 4);
    await h.page.keyboard.press('n');
    await waitShown(h.page, 4);
    // n reaches the problem tied to no image too (the list starts with it): the image stays, its row is selected.
    await h.page.keyboard.press('n');
    await h.page.waitForFunction(() => document.querySelector('.file-probs .prob-row.selected') && /not tied to an image/.test(document.querySelector('.status')?.textContent ?? ''));
    await h.page.keyboard.press('n');
    await waitShown(h.page, 0); // wraps around
    await h.page.keyboard.press('N');
    await h.page.waitForFunction(() => document.querySelector('.file-probs .prob-row.selected'));
    await h.page.keyboard.press('N');
    await waitShown(h.page, 4);
    const titles = await h.page.locator('.prob-list > .prob-row').allTextContents();
    assert.equal(titles.length, 1);
    assert.match(titles[0], /No file/);
  });

  it('the check\'s progress with Cancel, Check Now after a cancel; a revealed file-level problem is selected', async () => {
    const problems = [problem({ rule: 'coco/category-unused', severity: 'info', message: 'Category 9 is unused', jsonPath: '$.categories[2]', line: 12 })];
    let state: 'running' | 'cancelled' | 'done' = 'running';
    const asked: string[] = [];
    h = await openEditor(browser, {
      session: {
        problems: () => (state === 'done' ? problems : undefined),
        checkState: () => ({ kind: 'running', phase: 'check', fraction: 0.4 }),
        cancelCheck: () => { asked.push('cancel'); },
        checkNow: () => { asked.push('check'); },
      },
    });
    await waitShown(h.page, 0);
    await h.page.waitForFunction(() => /Checking the file… checking 40%/.test(document.querySelector('.check-status')?.textContent ?? ''));
    await h.page.click('.check-status vscode-button:has-text("Cancel")');
    assert.deepEqual(await waitAsked(asked, 1), ['cancel']);
    state = 'cancelled';
    h.session.checkStateChanged({ kind: 'cancelled' });
    await h.page.waitForFunction(() => /cancelled/.test(document.querySelector('.check-status')?.textContent ?? ''));
    await h.page.click('.check-status vscode-button:has-text("Check Now")');
    assert.deepEqual(await waitAsked(asked, 2), ['cancel', 'check']);
    state = 'done';
    h.session.checkStateChanged({ kind: 'done' });
    h.session.problemsChanged();
    await h.page.waitForFunction(() => !document.querySelector('.check-status') && document.querySelector('.file-probs'));
    assert.equal(await h.session.revealTarget({ jsonPath: '$.categories[2]', problem: { rule: 'coco/category-unused', line: 12 } }), true);
    await h.page.waitForFunction(() => document.querySelector('.file-probs .prob-row.selected') && /Category 9 is unused/.test(document.querySelector('.status')?.textContent ?? ''));
  });

  it('"Show in JSON" asks the host for the selected annotation', async () => {
    const asked: number[] = [];
    h = await openEditor(browser, { session: { showInJson: async (i) => { asked.push(i); return { ok: false, message: 'too big to show' }; } } });
    await waitShown(h.page, 0);
    await h.page.click('.ann-row[data-annotation-id="3"]');
    await h.page.click('vscode-button:has-text("Show in JSON")');
    await h.page.waitForFunction(() => document.querySelector('.status')?.textContent === 'too big to show');
    assert.deepEqual(asked, [2]);
  });

  it('"Show in JSON" on a box drawn in the viewer and not saved: a clear message, the host is not asked to open the text', async () => {
    const asked: number[] = [];
    h = await openEditor(browser, { session: { showInJson: async (i) => { asked.push(i); return { ok: true }; } } });
    await waitShown(h.page, 0);
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('b');
    const [ax, ay] = await toScreen(h.page, 140, 170);
    const [bx, by] = await toScreen(h.page, 200, 220);
    await h.page.mouse.move(ax, ay);
    await h.page.mouse.down();
    await h.page.mouse.move(bx, by, { steps: 5 });
    await h.page.mouse.up();
    await waitShown(h.page, 0, 1);
    await h.page.waitForSelector('.ann-row.selected[data-annotation-id="14"]');
    await h.page.click('vscode-button:has-text("Show in JSON")');
    await h.page.waitForFunction(() => document.querySelector('.status')?.textContent === 'Save the file first: this annotation is not in the file on disk yet');
    assert.deepEqual(asked, []);
    // An annotation of the file still goes to the host.
    await h.page.click('.ann-row[data-annotation-id="3"]');
    await h.page.click('vscode-button:has-text("Show in JSON")');
    await h.page.waitForFunction(() => (window as never as { __posted: { method?: string }[] }).__posted.filter((m) => m.method === 'showInJson').length === 2);
    await until(() => asked.length > 0, 'the host to get the Show in JSON request');
    assert.deepEqual(asked, [2]);
  });

  it('grid: 100k images, only the visible cells in the DOM; filters narrow; Enter opens the image', async () => {
    const N = 100_000;
    const images: string[] = [];
    const anns: string[] = [];
    for (let i = 0; i < N; i++) {
      images.push(`{"id": ${i + 1}, "file_name": "img_${String(i).padStart(6, '0')}.jpg", "width": 640, "height": 480}`);
      if (i % 10 === 0) anns.push(`{"id": ${i + 1}, "image_id": ${i + 1}, "category_id": ${i % 20 === 0 ? 1 : 2}, "bbox": [10, 10, 50, 50], "area": 2500, "iscrowd": 0}`);
    }
    const bytes = Buffer.from(`{"images": [${images.join(',\n')}], "annotations": [${anns.join(',\n')}], "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}`);
    const problems = [problem({ annotationId: 21, severity: 'error', message: 'bad' }), problem({ imageId: 99_999, message: 'meh' })];
    h = await openEditor(browser, {
      file: '/virtual/instances_100k.json', bytes, source: { find: (n) => ({ tried: [`/virtual/${n}`] }), toSrc: (p) => p },
      session: { problems: () => problems }, width: 1200, height: 800,
    });
    await waitShown(h.page, 0);
    await h.page.keyboard.press('g');
    await h.page.waitForFunction(() => document.querySelector('.grid-wrap')?.getAttribute('data-count') === '100000');
    const dom = await h.page.evaluate(() => ({
      cells: document.querySelectorAll('.grid-cell').length,
      spacer: (document.querySelector('.grid-spacer') as HTMLElement).offsetHeight,
      width: (document.querySelector('.grid') as HTMLElement).clientWidth,
    }));
    const cols = Math.floor(dom.width / 208);
    assert.equal(dom.spacer, Math.ceil(N / cols) * CELL_H, 'the scroll height is that of all rows');
    assert.ok(dom.cells > 0 && dom.cells <= cols * 6, `only visible rows in the DOM (${dom.cells} cells, ${cols} columns)`);
    await h.page.waitForSelector('.grid-cell[data-index="0"] .ann-count:has-text("1 ann.")');
    await screenshot(h.page, 'grid-100k.png');
    await h.page.evaluate(() => { const g = document.querySelector('.grid') as HTMLElement; g.scrollTop = g.scrollHeight; });
    await h.page.waitForSelector('.grid-cell[data-index="99999"]');
    await h.page.waitForSelector('.grid-cell[data-index="99998"] .badge-warning');
    assert.ok(await h.page.locator('.grid-cell').count() <= cols * 6);
    // File-name search.
    await h.page.fill('.grid-bar .search', 'img_00004');
    await h.page.waitForFunction(() => document.querySelector('.grid-wrap')?.getAttribute('data-count') === '10');
    await h.page.fill('.grid-bar .search', '');
    // Category 1 (every 20th image), then "problems of any rule", then "no annotations".
    const catOption = await h.page.$eval('.grid-bar select.filter', (s) => [...(s as HTMLSelectElement).options].find((o) => o.text.startsWith('a '))!.value);
    await h.page.selectOption('.grid-bar select.filter >> nth=0', catOption);
    await h.page.waitForFunction(() => document.querySelector('.grid-wrap')?.getAttribute('data-count') === '5000');
    await h.page.selectOption('.grid-bar select.filter >> nth=0', '');
    await h.page.selectOption('.grid-bar select.filter >> nth=1', '*');
    await h.page.waitForFunction(() => document.querySelector('.grid-wrap')?.getAttribute('data-count') === '2');
    assert.deepEqual(await h.page.$$eval('.grid-cell', (c) => c.map((x) => (x as HTMLElement).dataset.index)), ['20', '99998']);
    await h.page.selectOption('.grid-bar select.filter >> nth=1', '');
    await h.page.check('.grid-bar .empty-only');
    await h.page.waitForFunction(() => document.querySelector('.grid-wrap')?.getAttribute('data-count') === '90000');
    // Keyboard: → moves the focus, Enter opens that image.
    await h.page.focus('.grid');
    await h.page.keyboard.press('ArrowRight');
    await h.page.keyboard.press('Enter');
    await waitShown(h.page, 2);
    assert.equal(await h.page.evaluate(() => document.body.dataset.mode), 'image');
    const reqs = (await posted(h.page)).filter((m) => m.t === 'req' && m.method === 'gridCells');
    const asked = reqs.reduce((n, m) => n + ((m as { params: { indices: number[] } }).params.indices.length), 0);
    assert.ok(asked < 1000, `facts asked only for cells shown (${asked})`);
  });

  it('grid thumbnails made with sharp (missing file: "no image")', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-thumbs-'));
    const thumbs = new Thumbnailer({ cacheDir });
    h = await openEditor(browser, {
      session: { thumbnail: async (p) => `data:image/webp;base64,${fs.readFileSync(await thumbs.thumbnail(p)).toString('base64')}` },
    });
    await waitShown(h.page, 0);
    await h.page.keyboard.press('g');
    await h.page.waitForSelector('.grid-cell[data-index="0"] img');
    await h.page.waitForSelector('.grid-cell[data-index="4"] .thumb-missing');
    const size = await h.page.$eval('.grid-cell[data-index="0"] img', (i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]);
    assert.deepEqual(size, [192, 144], '320×240 → 192 px on the longest side');
    await screenshot(h.page, 'grid-thumbnails.png');
    assert.equal(thumbs.made, 4);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    assert.ok(fs.existsSync(SAMPLE));
  });
});
