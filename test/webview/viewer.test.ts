/** The webview in headless Chromium: pixels, hit-testing, editing messages. */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { categoryColor, type Envelope } from '../../src/shared/protocol';
import { rleDecodeColumnMajor as rleDecode, segmentationToRle } from '../../src/core/geometry';
import {
  LIGHT, hexRgb, launch, openEditor, pixelAt, posted, screenshot, toScreen, waitOverlay, waitShown, type Harness,
} from './harness';

const near = (a: number[], b: number[], tol: number, msg: string) =>
  assert.ok(a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= tol), `${msg}: got ${a.join(',')}, expected ≈ ${b.join(',')}`);

describe('webview viewer (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  it('draws the first image with polygon fills (category color blended), outlines, and leaves the rest alone', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const ready = (await posted(h.page)).find((m) => m.t === 'note' && m.method === 'ready');
    assert.ok(ready, 'the webview says ready');
    const box = hexRgb(categoryColor(0)); // category 1 "box"
    const inside = await pixelAt(h.page, 75, 75);
    const a = 0.45;
    near(inside.composite, inside.image.slice(0, 3).map((v, i) => v * (1 - a) + box[i] * a), 3, 'inside the polygon: blended');
    assert.ok(inside.overlay[3] > 100 && inside.overlay[3] < 130, `fill alpha ≈ 0.45 (${inside.overlay[3]})`);
    const edge = await pixelAt(h.page, 30, 75);
    near(edge.overlay, box, 2, 'on the polygon edge: outline color');
    assert.ok(edge.overlay[3] >= 200, `outline opaque (${edge.overlay[3]})`);
    const outside = await pixelAt(h.page, 5, 5);
    assert.equal(outside.overlay[3], 0, 'outside: no overlay');
    assert.deepEqual(outside.composite, outside.image, 'outside: the image color');
    assert.ok(outside.image[3] === 255, 'the image is drawn');
    await screenshot(h.page, 'first-image-dark.png');
  });

  it('hiding a category removes its pixels', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    assert.ok((await pixelAt(h.page, 75, 75)).overlay[3] > 0);
    await h.page.click('.cat-row[data-category-id="1"] vscode-checkbox');
    await waitOverlay(h.page, 75, 75, false);
    assert.equal((await pixelAt(h.page, 75, 75)).overlay[3], 0, 'category 1 hidden');
    assert.ok((await pixelAt(h.page, 210, 120)).overlay[3] > 0, 'category 2 still drawn');
    const state = await h.page.evaluate(() => (window as never as { __state: { hiddenCategories: number[] } }).__state);
    assert.deepEqual(state.hiddenCategories, [1], 'kept in setState');
    await screenshot(h.page, 'category-hidden.png');
  });

  it('a click hit-tests to the right annotation id', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const [x, y] = await toScreen(h.page, 210, 120); // the ball (annotation 2)
    await h.page.mouse.click(x, y);
    const sel = (await posted(h.page)).filter((m): m is Extract<Envelope, { t: 'note' }> => m.t === 'note' && m.method === 'selected');
    assert.deepEqual(sel.at(-1)!.params, { imageIndex: 0, annotationId: 2 });
    const [x2, y2] = await toScreen(h.page, 10, 10);
    await h.page.mouse.click(x2, y2);
    const sel2 = (await posted(h.page)).filter((m) => m.t === 'note' && m.method === 'selected');
    assert.deepEqual((sel2.at(-1) as { params: unknown }).params, { imageIndex: 0, annotationId: null });
  });

  it('RLE masks (compressed, crowd hatched) are decoded and drawn; → and j move between images', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 1);
    // An interior pixel of annotation 4's mask (column-major bits).
    const ann = h.model.base.annotationById(4)!;
    const bits = rleDecode(segmentationToRle(ann.segmentation, 240, 320)!);
    let px = -1; let py = -1;
    for (let x = 60; x < 320 && px < 0; x++) for (let y = 60; y < 240; y++) {
      if (bits[x * 240 + y] && bits[(x + 1) * 240 + y] && bits[(x - 1) * 240 + y] && bits[x * 240 + y + 1] && bits[x * 240 + y - 1]) { px = x; py = y; break; }
    }
    const p = await pixelAt(h.page, px + 0.5, py + 0.5);
    near(p.overlay, hexRgb(categoryColor(3)), 2, 'mask pixel has the blob color');
    await screenshot(h.page, 'rle-mask.png');
    await h.page.keyboard.press('j');
    await waitShown(h.page, 2);
    const crowd = h.model.base.annotationById(6)!;
    const cb = rleDecode(segmentationToRle(crowd.segmentation, 240, 320)!);
    const alphas = new Set<number>();
    for (let k = 0; k < 8; k++) {
      // Walk along a row inside the crowd region: hatching gives two alpha levels.
      const x = 60 + k; const y = 70;
      if (!cb[x * 240 + y]) continue;
      alphas.add((await pixelAt(h.page, x + 0.5, y + 0.5)).overlay[3]);
    }
    assert.ok(alphas.size >= 2, `crowd hatched (alphas ${[...alphas].join(',')})`);
    await screenshot(h.page, 'crowd-hatched.png');
    await h.page.keyboard.press('ArrowRight');
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 4);
    assert.match(await h.page.textContent('.missing') ?? '', /Image not found: scene_005_missing\.png.*Looked in \d+ places.*scene_005_missing\.png/s);
    await screenshot(h.page, 'missing-image.png');
  });

  it('dragging a selected box posts a setBbox edit; the host applies it and the view follows', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const [x, y] = await toScreen(h.page, 75, 75); // annotation 1, bbox [30, 40, 90, 70]
    await h.page.mouse.click(x, y);
    const zoom = await h.page.evaluate(() => (window as never as { labelscope: { viewer: { zoom: number } } }).labelscope.viewer.zoom);
    await h.page.mouse.move(x, y);
    await h.page.mouse.down();
    await h.page.mouse.move(x + 10, y + 5, { steps: 3 });
    await h.page.mouse.move(x + 20, y + 10, { steps: 3 });
    await h.page.mouse.up();
    await waitShown(h.page, 0, 1);
    const edits = (await posted(h.page)).filter((m): m is Extract<Envelope, { t: 'req' }> => m.t === 'req' && m.method === 'edit');
    assert.equal(edits.length, 1);
    const p = edits[0].params as { op: string; annotationIndex: number; bbox: number[] };
    assert.equal(p.op, 'setBbox');
    assert.equal(p.annotationIndex, 0);
    const r = (v: number) => Math.round(v * 100) / 100;
    assert.deepEqual(p.bbox, [r(30 + 20 / zoom), r(40 + 10 / zoom), 90, 70]);
    assert.equal(h.edits.length, 1, 'the host made one undoable edit');
    const text = Buffer.from(h.model.bytes()).toString();
    assert.ok(text.includes(`"bbox": [${p.bbox.join(', ')}]`));
    await screenshot(h.page, 'box-moved.png');
  });

  it('delete and change category from the side panel', async () => {
    h = await openEditor(browser, { theme: LIGHT });
    await waitShown(h.page, 0);
    await h.page.click('.ann-row[data-annotation-id="3"]');
    await screenshot(h.page, 'selected-light.png');
    await h.page.keyboard.press('Delete');
    await waitShown(h.page, 0, 1);
    assert.equal(await h.page.locator('.ann-row[data-annotation-id="3"]').count(), 0);
    const del = (await posted(h.page)).filter((m) => m.t === 'req' && m.method === 'edit').map((m) => (m as { params: unknown }).params);
    // With the generation of the file it was made on (the host refuses edits of an older one).
    assert.deepEqual(del, [{ op: 'delete', annotationIndex: 2, generation: h.model.generation }]);
    assert.ok(!Buffer.from(h.model.bytes()).toString().includes('"id": 3,\n      "image_id": 1'));
  });

  it('restores image index and hidden categories from getState', async () => {
    h = await openEditor(browser, { state: { imageIndex: 3, zoom: null, panX: 0, panY: 0, hiddenCategories: [2], fillOpacity: 0.45, outlineOnly: false } });
    await waitShown(h.page, 3);
    assert.equal(await h.page.textContent('.counter'), '4 / 5');
    assert.equal((await pixelAt(h.page, 240, 170)).overlay[3], 0, 'ball (category 2) hidden on image 4');
  });
});
