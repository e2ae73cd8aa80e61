/**
 * The big file's first look in the webview (issue 8.6): the host sends the preview as soon as it
 * is found and again when the page says ready; the viewer draws one preview, then the loaded
 * file replaces it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { previewCoco } from '../../src/editor/preview';
import type { Envelope } from '../../src/shared/protocol';
import { SAMPLE, dataUrlSource, launch, openEditor, type Harness } from './harness';

describe('the preview in the webview (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('draws the preview once when it comes twice', async () => {
    const pv = previewCoco(fs.readFileSync(SAMPLE), SAMPLE, dataUrlSource(SAMPLE))!;
    assert.ok(pv.first.annotations.length > 0, 'the sample\'s first image has annotations');
    // The full parse never ends here: the preview is all the page gets.
    h = await openEditor(browser, { session: { preview: Promise.resolve(pv), model: new Promise(() => undefined) } });
    await h.page.waitForFunction(() => document.body.dataset.preview !== undefined);
    const redraws = () => h.page.evaluate(() => (window as unknown as { labelscope: { viewer: { overlayRedraws: number } } }).labelscope.viewer.overlayRedraws);
    const before = await redraws();
    const again: Envelope = { t: 'note', method: 'preview', params: pv } as Envelope;
    // Then a progress note: messages are handled in order, so once its text is in, the preview was handled.
    const marker: Envelope = { t: 'note', method: 'progress', params: { fraction: 0.5, message: 'after the second preview' } } as Envelope;
    await h.page.evaluate((messages: unknown[]) => { for (const m of messages) window.postMessage(m, '*'); }, [again, marker] as unknown[]);
    await h.page.waitForFunction(() => document.querySelector('.loading-text')?.textContent === 'after the second preview');
    assert.equal(await redraws(), before, 'no second drawing of the preview');
    assert.equal(await h.page.evaluate(() => document.body.dataset.preview), String(pv.first.image.index));
  });
});
