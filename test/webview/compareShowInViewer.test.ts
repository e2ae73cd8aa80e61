/**
 * The diff report in headless Chromium, fed a real diff: each changed image in NEW has a
 * "Show in viewer" button (and `v` on its row) that asks the host for diff mode on that image,
 * while Enter on the row still shows it in the JSON.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { diffDocuments } from '../../src/core/metrics/diff';
import type { CompareFromWebview, CompareToWebview } from '../../src/shared/compareProtocol';
import { box, CATS, doc, image, type Coco } from '../unit/core/metrics/match/helpers';
import { DARK, ROOT, launch } from './harness';

const ORIGIN = 'http://labelscope.test';
const BUNDLE = path.join(ROOT, 'dist/webview/compare.js');

async function openReport(browser: Browser, message: CompareToWebview): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/compare.js') return route.fulfill({ body: fs.readFileSync(BUNDLE), contentType: 'text/javascript' });
    return route.fulfill({ contentType: 'text/html', body: `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${DARK}</style></head><body><div id="app"></div>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() { return null; }, setState() {} });
</script><script src="${ORIGIN}/compare.js"></script></body></html>` });
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.waitForSelector('button.show-in-viewer');
  return page;
}
const posted = (page: Page) => page.evaluate(() => (window as unknown as { __posted: CompareFromWebview[] }).__posted.filter((m) => m.type !== 'ready'));
const clear = (page: Page) => page.evaluate(() => { (window as unknown as { __posted: unknown[] }).__posted = []; });

describe('webview: diff report "Show in viewer" (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  it('posts showInViewer for the row\'s image (button, v), not for a removed image; Enter still reveals the JSON', async () => {
    const old: Coco = { images: [image(1), image(2), image(3)], categories: CATS, annotations: [box(1, 1, 1, [0, 0, 10, 10]), box(2, 2, 1, [5, 5, 10, 10]), box(3, 3, 1, [1, 1, 5, 5])] };
    const next: Coco = { images: [image(1), image(2)], categories: CATS, annotations: [box(1, 1, 2, [0, 0, 10, 10]), box(2, 2, 1, [9, 5, 10, 10])] };
    const diff = diffDocuments(doc(old), doc(next));
    assert.deepEqual(diff.perImage.map((i) => [i.imageId, i.status]), [[1, 'changed'], [2, 'changed'], [3, 'removed']]);
    const page = await openReport(browser, { type: 'diff', name: 'new.json', oldName: 'old.json', newName: 'new.json', diff, ms: 5 });
    try {
      const buttons = page.locator('button.show-in-viewer');
      // Images 1 and 2 are in NEW; image 3 was removed, so it has no viewer to show.
      assert.equal(await buttons.count(), 2);
      const second = diff.perImage.findIndex((i) => i.imageId === 2);
      const rows = page.locator('tr', { has: page.locator('button.show-in-viewer') });
      await rows.nth(second).locator('button').click();
      assert.deepEqual(await posted(page), [{ type: 'showInViewer', image: second }]);

      await clear(page);
      await rows.nth(0).focus();
      await page.keyboard.press('v');
      assert.deepEqual(await posted(page), [{ type: 'showInViewer', image: 0 }]);

      await clear(page);
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [{ type: 'reveal', change: '0:image' }]);

      await clear(page);
      await rows.nth(0).locator('button').focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await posted(page), [{ type: 'showInViewer', image: 0 }], 'Enter on the button is the button\'s, not the row\'s');
    } finally {
      await page.close();
    }
  });
});
