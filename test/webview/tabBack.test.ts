/**
 * Back from another tab (issue 8.6): VS Code keeps the viewer's webview while its tab is hidden
 * (retainContextWhenHidden) and shows it again by making its frame visible. What the page sees
 * then (visibility, blur and focus, visibilitychange) must cost nothing: no message to the host
 * (no re-init, no image fetched again, no problem list asked for), the overlays and the side
 * panel not rebuilt, the same image on screen. A new size while hidden (the editor area changed
 * meanwhile) redraws the shown image only, still without asking the host for anything.
 * Counters, not timers: bench:vscode measures the time in code-server.
 */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launch, openEditor, pixelAt, posted, waitShown, type Harness } from './harness';

interface Counts { posted: number; overlayRedraws: number; sideMutations: number; shown: string | undefined }

/** Two animation frames: resize observers and any render they ask for have run. */
const frames = (h: Harness) => h.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

async function counts(h: Harness): Promise<Counts> {
  const c = await h.page.evaluate(() => {
    const w = window as unknown as { labelscope: { viewer: { overlayRedraws: number } }; __sideMutations: number };
    return { overlayRedraws: w.labelscope.viewer.overlayRedraws, sideMutations: w.__sideMutations, shown: document.body.dataset.shown };
  });
  return { ...c, posted: (await posted(h.page)).length };
}

describe('back from another tab: the retained viewer does no work (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  async function openAndSettle(): Promise<Counts> {
    h = await openEditor(browser, { width: 1000, height: 640 });
    await waitShown(h.page, 0);
    await frames(h);
    // Every change to the side panel's DOM from now on (a rebuilt list or details).
    await h.page.evaluate(() => {
      const w = window as unknown as { __sideMutations: number };
      w.__sideMutations = 0;
      const side = document.querySelector('.side') ?? document.body;
      new MutationObserver((records) => { w.__sideMutations += records.length; }).observe(side, { childList: true, subtree: true, attributes: true, characterData: true });
    });
    return counts(h);
  }

  /** What a hidden-then-shown frame gets: visibility hidden → visible, blur → focus, visibilitychange. */
  async function hideAndShow(): Promise<void> {
    await h.page.evaluate(() => {
      document.documentElement.style.visibility = 'hidden';
      window.dispatchEvent(new Event('blur'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await frames(h);
    await h.page.evaluate(() => {
      document.documentElement.style.visibility = '';
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('focus'));
    });
    await frames(h);
  }

  it('asks the host for nothing and rebuilds nothing when its tab comes back', async () => {
    const before = await openAndSettle();
    const pixel = await pixelAt(h.page, 75, 75);
    for (let k = 0; k < 3; k++) await hideAndShow();
    const after = await counts(h);
    assert.equal(after.posted, before.posted, `messages to the host: ${JSON.stringify((await posted(h.page)).slice(before.posted))}`);
    assert.equal(after.overlayRedraws, before.overlayRedraws, 'overlay redraws');
    assert.equal(after.sideMutations, 0, 'side panel changes');
    assert.equal(after.shown, before.shown, 'the same image and version');
    assert.deepEqual(await pixelAt(h.page, 75, 75), pixel, 'the same pixels');
  });

  it('a new size while hidden redraws the shown image only, asking the host for nothing', async () => {
    const before = await openAndSettle();
    await h.page.evaluate(() => { document.documentElement.style.visibility = 'hidden'; });
    await h.page.setViewportSize({ width: 820, height: 600 });
    await frames(h);
    await h.page.evaluate(() => { document.documentElement.style.visibility = ''; });
    await frames(h);
    const after = await counts(h);
    assert.equal(after.posted, before.posted, `messages to the host: ${JSON.stringify((await posted(h.page)).slice(before.posted))}`);
    // The new fit first scales the cached overlays, then redraws them once the view has settled
    // (the new size may come in two steps as the toolbar fits itself): the shown image only.
    assert.ok(after.overlayRedraws - before.overlayRedraws <= 2, `overlay redraws: ${after.overlayRedraws - before.overlayRedraws}`);
    assert.equal(after.shown, before.shown, 'the same image and version');
    const inside = await pixelAt(h.page, 75, 75);
    assert.ok(inside.overlay[3] > 0, 'the overlays are drawn at the new size');
  });
});
