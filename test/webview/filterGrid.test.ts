/** The Dataset Report's chart click as the viewer's grid filter (labelscope.viewer.filterGrid), in headless Chromium. */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launch, openEditor, waitShown, type Harness } from './harness';

const cellIndices = (h: Harness) => h.page.$$eval('.grid-cell', (c) => c.map((x) => Number((x as HTMLElement).dataset.index)));
const waitCount = (h: Harness, n: number) => h.page.waitForFunction((k) => document.querySelector('.grid-wrap')?.getAttribute('data-count') === String(k), n);

describe('webview: grid filter from the Dataset Report (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('a box-area bar shows only the images with a box in that bin; with a category, only its boxes; the chip clears it', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    // The sample's only box of 2896…4096 px² (AREA_BINS bin 23) is the 60×60 one of image 2.
    h.session.filterGrid({ chart: 'boxArea', split: 'train', bin: 23 });
    await waitCount(h, 1);
    await h.page.waitForSelector('.grid-cell');
    assert.deepEqual(await cellIndices(h), [1]);
    assert.equal(await h.page.isVisible('.grid'), true, 'the grid is shown');
    assert.match(await h.page.textContent('.box-bin-filter') ?? '', /box area 2896.31–4096 px²/);
    // 20×20 boxes (bin 17) are in image 4 only, and one of them is category 2.
    h.session.filterGrid({ chart: 'boxArea', split: 'train', bin: 17, categoryId: 2 });
    await h.page.waitForFunction(() => /362/.test(document.querySelector('.box-bin-filter')?.textContent ?? ''));
    await waitCount(h, 1);
    assert.deepEqual(await cellIndices(h), [3]);
    assert.equal(await h.page.$eval('.grid-bar select.filter', (s) => (s as HTMLSelectElement).selectedOptions[0].text.startsWith('All')), false, 'the category filter is set');
    // Clear the chart filter: the category filter stays (image 1, 2, 3, 4 have category 2).
    await h.page.click('.box-bin-filter');
    await waitCount(h, 4);
    assert.equal(await h.page.isHidden('.box-bin-filter'), true);
  });

  it('an evaluation report filter shows only its image ids, with its label on a chip that clears it', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    h.session.evalFilter('cat → missed at IoU 0.50', [2, 4]);
    await waitCount(h, 2);
    await h.page.waitForSelector('.grid-cell');
    assert.deepEqual(await cellIndices(h), [1, 3]);
    assert.match(await h.page.textContent('.eval-filter') ?? '', /cat → missed at IoU 0\.50 \(2 images\)/);
    await h.page.click('.eval-filter');
    await waitCount(h, 5);
    assert.equal(await h.page.isHidden('.eval-filter'), true);
  });
});
