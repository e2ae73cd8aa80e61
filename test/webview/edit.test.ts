/** Geometry edits, drawing, re-check, keypoints, hover card and minimap in headless Chromium. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { categoryColor, type Envelope } from '../../src/shared/protocol';
import { SAMPLE, hexRgb, launch, openEditor, pixelAt, posted, screenshot, toScreen, waitShown, type Harness } from './harness';

type Req = Extract<Envelope, { t: 'req' }>;
const editReqs = async (page: Page) => (await posted(page)).filter((m): m is Req => m.t === 'req' && m.method === 'edit').map((m) => m.params as Record<string, unknown>);
const annOf = (h: Harness, id: number) => JSON.parse(Buffer.from(h.model.bytes()).toString()).annotations.find((a: { id: number }) => a.id === id);
const version = (page: Page) => page.evaluate(() => Number(document.body.dataset.shown!.split(':')[1]));

describe('webview editing (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });
  afterEach(async () => { await h?.close(); });

  async function selectAt(x: number, y: number): Promise<void> {
    const [sx, sy] = await toScreen(h.page, x, y);
    await h.page.mouse.click(sx, sy);
  }
  async function drag(from: [number, number], to: [number, number]): Promise<void> {
    const [ax, ay] = await toScreen(h.page, ...from);
    const [bx, by] = await toScreen(h.page, ...to);
    await h.page.mouse.move(ax, ay);
    await h.page.mouse.down();
    await h.page.mouse.move((ax + bx) / 2, (ay + by) / 2, { steps: 3 });
    await h.page.mouse.move(bx, by, { steps: 3 });
    await h.page.mouse.up();
  }

  it('moving the box of a polygon moves the polygon (pixels follow; bbox/area from the host)', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await selectAt(75, 75); // annotation 1: square 30..120 × 40..110
    assert.ok((await pixelAt(h.page, 35, 75)).overlay[3] > 0, 'inside before');
    await drag([75, 75], [115, 75]); // ≈ 40 px right
    await waitShown(h.page, 0, 1);
    const ann = annOf(h, 1);
    const dx = ann.bbox[0] - 30;
    assert.ok(dx > 35 && dx < 45, `moved ≈ 40 (${dx})`);
    assert.deepEqual(ann.segmentation[0].map((v: number, i: number) => Math.round((v - (i % 2 ? 0 : dx)) * 100) / 100), [30, 40, 120, 40, 120, 110, 30, 110]);
    assert.equal(ann.bbox[2], 90);
    assert.equal((await pixelAt(h.page, 35, 75)).overlay[3], 0, 'the old left part is empty now');
    assert.ok((await pixelAt(h.page, 140, 75)).overlay[3] > 0, 'the polygon is drawn at its new place');
    await screenshot(h.page, 'polygon-moved.png');
  });

  it('vertex handles: drag a vertex, Alt+click inserts one, Delete removes the picked one (never below 3)', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await selectAt(75, 75);
    // Alt+click in the middle of the bottom edge (30,110)-(120,110) inserts a vertex.
    const [ex, ey] = await toScreen(h.page, 75, 110);
    await h.page.keyboard.down('Alt');
    await h.page.mouse.click(ex, ey);
    await h.page.keyboard.up('Alt');
    await waitShown(h.page, 0, 1);
    let ann = annOf(h, 1);
    assert.equal(ann.segmentation[0].length, 10, 'a 5th point');
    assert.ok(Math.abs(ann.segmentation[0][6] - 75) < 1 && Math.abs(ann.segmentation[0][7] - 110) < 1, 'inserted on the bottom edge, in order');
    // Drag the new vertex down to (75, 140): bbox and area follow.
    assert.equal((await pixelAt(h.page, 75, 125)).overlay[3], 0, 'outside before');
    await drag([75, 110], [75, 140]);
    await waitShown(h.page, 0, 2);
    ann = annOf(h, 1);
    const vy = ann.segmentation[0][7];
    assert.ok(Math.abs(vy - 140) < 1, `vertex moved to ${vy}`);
    assert.deepEqual(ann.bbox, [30, 40, 90, Math.round((vy - 40) * 100) / 100]);
    assert.ok(ann.area > 6300 + 1000, `area grew (${ann.area})`);
    assert.ok((await pixelAt(h.page, 75, 125)).overlay[3] > 0, 'the new part is filled');
    await screenshot(h.page, 'vertex-dragged.png');
    // Pick it (click, no move) and delete it; a corner vertex too; then one more is refused.
    await selectAt(75, vy);
    await h.page.keyboard.press('Delete');
    await waitShown(h.page, 0, 3);
    assert.deepEqual(annOf(h, 1).segmentation[0], [30, 40, 120, 40, 120, 110, 30, 110]);
    await selectAt(30, 110);
    await h.page.keyboard.press('Backspace');
    await waitShown(h.page, 0, 4);
    ann = annOf(h, 1);
    assert.deepEqual(ann.segmentation[0], [30, 40, 120, 40, 120, 110]);
    assert.deepEqual(ann.bbox, [30, 40, 90, 70]);
    assert.ok(ann.area > 3000 && ann.area < 3400, `triangle area ${ann.area}`);
    await selectAt(30, 40);
    await h.page.keyboard.press('Delete');
    // Refused in the view: the status says why, and no edit reaches the host.
    await h.page.waitForFunction(() => /at least 3 points/.test(document.querySelector('.status')?.textContent ?? ''));
    assert.equal(annOf(h, 1).segmentation[0].length, 6, 'never below 3 points');
    assert.equal(await h.page.locator('.ann-row[data-annotation-id="1"]').count(), 1, 'the annotation is not deleted');
    const reqs = await editReqs(h.page);
    assert.deepEqual(reqs.map((r) => r.op), ['setPolygons', 'setPolygons', 'setPolygons', 'setPolygons']);
    assert.deepEqual(reqs.map((r) => r.label), ['Insert vertex', 'Move vertex', 'Delete vertex', 'Delete vertex']);
  });

  it('RLE masks refuse box moves with a message', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await h.page.keyboard.press('ArrowRight');
    await waitShown(h.page, 1);
    await h.page.click('.ann-row[data-annotation-id="4"]');
    const b = annOf(h, 4).bbox as number[];
    const cx = b[0] + b[2] / 2; const cy = b[1] + b[3] / 2;
    await drag([cx, cy], [cx + 20, cy]);
    await h.page.waitForFunction(() => /RLE mask/.test(document.querySelector('.status')!.textContent ?? ''));
    assert.equal(h.edits.length, 0);
  });

  it('draws a box (b) and a polygon (p, Enter) with the chosen category; Esc cancels; undo removes', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    await h.page.selectOption('.new-cat', 'number:3'); // cone
    await h.page.locator('.stage').focus();
    await h.page.keyboard.press('b');
    assert.equal(await h.page.evaluate(() => document.body.dataset.tool), 'box');
    await drag([140, 170], [200, 220]);
    await waitShown(h.page, 0, 1);
    const boxAnn = annOf(h, 14);
    assert.equal(boxAnn.category_id, 3);
    assert.equal(boxAnn.image_id, 1);
    assert.equal(boxAnn.iscrowd, 0);
    assert.equal(boxAnn.segmentation[0].length, 8, 'a box is written as a 4-corner polygon');
    assert.ok(Math.abs(boxAnn.bbox[2] - 60) < 1 && Math.abs(boxAnn.bbox[3] - 50) < 1, `bbox ${boxAnn.bbox}`);
    const cone = hexRgb(categoryColor(2));
    const px = await pixelAt(h.page, 170, 195);
    assert.ok(px.overlay[3] > 0 && px.overlay.slice(0, 3).every((v, i) => Math.abs(v - cone[i]) <= 3), `cone color (${px.overlay})`);
    assert.equal(await h.page.locator('.ann-row.selected[data-annotation-id="14"]').count(), 1, 'the new annotation is selected');
    await screenshot(h.page, 'drawn-box.png');
    // Polygon: Esc cancels the first attempt, Enter closes the second.
    await h.page.keyboard.press('p');
    for (const [x, y] of [[250, 20], [300, 20]] as const) await selectAt(x, y);
    await h.page.keyboard.press('Escape');
    assert.equal(await h.page.evaluate(() => (window as never as { labelscope: { viewer: { drawing: number[] } } }).labelscope.viewer.drawing.length), 0);
    for (const [x, y] of [[250, 20], [300, 20], [300, 60], [260, 50]] as const) await selectAt(x, y);
    await screenshot(h.page, 'drawing-polygon.png');
    await h.page.keyboard.press('Enter');
    await waitShown(h.page, 0, 2);
    const poly = annOf(h, 15);
    assert.equal(poly.segmentation[0].length, 8);
    assert.equal(poly.category_id, 3);
    assert.ok(poly.area > 1000 && poly.area < 2000, `area ${poly.area}`);
    assert.ok((await pixelAt(h.page, 285, 35)).overlay[3] > 0);
    assert.deepEqual((await editReqs(h.page)).map((r) => [r.op, r.shape]), [['create', 'box'], ['create', 'polygon']]);
    // Undo (as VS Code would) removes the polygon.
    h.model.undo(h.edits.at(-1) as never);
    h.session.changed();
    await waitShown(h.page, 0, 3);
    assert.equal(annOf(h, 15), undefined);
    assert.equal((await pixelAt(h.page, 285, 35)).overlay[3], 0);
    await h.page.keyboard.press('Escape');
    assert.equal(await h.page.evaluate(() => document.body.dataset.tool), 'select');
  });

  it('an edit re-runs the checks for the edited annotation: its problems appear in the list and the hover card', async () => {
    h = await openEditor(browser, { session: { recheckDelayMs: 0 } });
    await waitShown(h.page, 0);
    await selectAt(75, 75);
    await drag([75, 75], [300, 75]); // far to the right: out of the 320-px image
    await waitShown(h.page, 0, 1);
    await h.page.waitForSelector('.prob-row');
    const rows = await h.page.locator('.prob-row').allTextContents();
    assert.ok(rows.some((t) => /annotation 1\b/.test(t) && /outside|out of/i.test(t)), rows.join('\n'));
    // The hover card lists them (keyboard: focus the row in the annotations list).
    await h.page.locator('.ann-row[data-annotation-id="1"]').focus();
    const tip = await h.page.textContent('.tooltip');
    assert.match(tip ?? '', /Annotation 1 · box/);
    assert.match(tip ?? '', /area \d+ · iscrowd 0 · polygons/);
    assert.match(tip ?? '', /outside|out of/i);
    assert.equal(await h.page.isVisible('.tooltip'), true);
    await screenshot(h.page, 'recheck-tooltip.png');
    // Moving it back clears them.
    const v = await version(h.page);
    const b = annOf(h, 1).bbox as number[];
    await h.page.evaluate(([x]) => (window as never as { labelscope: { channel: { request(m: string, p: unknown): Promise<unknown> } } }).labelscope.channel.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [x, 40, 90, 70] }), [30] as const);
    await waitShown(h.page, 0, v + 1);
    await h.page.waitForFunction(() => ![...document.querySelectorAll('.prob-row')].some((r) => /annotation 1\b/.test(r.textContent ?? '')));
    assert.ok(b[0] > 200);
  });

  it('mouse hover shows the card with id, category, area, iscrowd', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    const [x, y] = await toScreen(h.page, 210, 120);
    await h.page.mouse.move(x, y);
    await h.page.waitForSelector('.tooltip:not([hidden])');
    const t = await h.page.textContent('.tooltip');
    assert.match(t ?? '', /Annotation 2 · ball/);
    assert.match(t ?? '', /iscrowd 0/);
    await screenshot(h.page, 'hover-card.png');
  });

  it('keypoints: skeleton lines, visible filled, labelled-hidden hollow, unlabelled not drawn', async () => {
    const doc = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
    doc.categories.push({ id: 9, name: 'person', supercategory: 'person', keypoints: ['a', 'b', 'c', 'd'], skeleton: [[1, 2], [3, 4]] });
    doc.annotations.push({ id: 99, image_id: 1, category_id: 9, bbox: [150, 20, 120, 40], area: 4800, iscrowd: 0, num_keypoints: 3,
      keypoints: [160, 30, 2, 220, 30, 2, 260, 30, 1, 280, 200, 0] });
    h = await openEditor(browser, { bytes: Buffer.from(JSON.stringify(doc, null, 2)) });
    await waitShown(h.page, 0);
    const color = hexRgb(categoryColor(4));
    const near = (p: number[]) => p[3] > 150 && p.slice(0, 3).every((v, i) => Math.abs(v - color[i]) <= 30);
    assert.ok(near((await pixelAt(h.page, 160, 30)).overlay), 'visible keypoint: filled');
    assert.ok(near((await pixelAt(h.page, 190, 30)).overlay), 'skeleton line 1-2');
    const zoom = await h.page.evaluate(() => (window as never as { labelscope: { viewer: { zoom: number } } }).labelscope.viewer.zoom);
    assert.equal((await pixelAt(h.page, 260, 30)).overlay[3], 0, 'hidden keypoint: hollow centre');
    assert.ok((await pixelAt(h.page, 260 + 3.5 / zoom, 30)).overlay[3] > 0, 'hidden keypoint: ring');
    assert.equal((await pixelAt(h.page, 280, 200)).overlay[3], 0, 'v=0: not drawn');
    assert.equal((await pixelAt(h.page, 270, 115)).overlay[3], 0, 'no line to an unlabelled point');
    assert.equal((await pixelAt(h.page, 240, 30)).overlay[3], 0, 'no line where the skeleton has none');
    await screenshot(h.page, 'keypoints.png');
  });

  it('keypoints move with their box: drawn at the new place, saved by the host with the box', async () => {
    const doc = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
    doc.categories.push({ id: 9, name: 'person', supercategory: 'person', keypoints: ['a', 'b', 'c', 'd'], skeleton: [[1, 2], [3, 4]] });
    doc.annotations.push({ id: 99, image_id: 1, category_id: 9, bbox: [150, 20, 120, 40], area: 4800, iscrowd: 0, num_keypoints: 3,
      keypoints: [160, 30, 2, 220, 30, 2, 260, 30, 1, 0, 0, 0] });
    h = await openEditor(browser, { bytes: Buffer.from(JSON.stringify(doc, null, 2)) });
    await waitShown(h.page, 0);
    assert.ok((await pixelAt(h.page, 160, 30)).overlay[3] > 150, 'keypoint 1 before');
    await selectAt(200, 50);
    await drag([200, 50], [215, 60]);
    await waitShown(h.page, 0, 1);
    const ann = annOf(h, 99);
    const [dx, dy] = [ann.bbox[0] - 150, ann.bbox[1] - 20];
    assert.ok(dx > 10 && dy > 6, `moved (${dx}, ${dy})`);
    const r = (v: number) => Math.round(v * 100) / 100;
    assert.deepEqual(ann.keypoints, [r(160 + dx), r(30 + dy), 2, r(220 + dx), r(30 + dy), 2, r(260 + dx), r(30 + dy), 1, 0, 0, 0], 'labeled keypoints moved with the box; the unlabeled one kept');
    assert.equal((await pixelAt(h.page, 160, 30)).overlay[3], 0, 'nothing at the old place');
    assert.ok((await pixelAt(h.page, 160 + dx, 30 + dy)).overlay[3] > 150, 'keypoint 1 at its new place');
  });

  it('minimap: hidden when the image fits; shown when zoomed in, with the viewport; a click pans there', async () => {
    h = await openEditor(browser);
    await waitShown(h.page, 0);
    assert.equal(await h.page.isVisible('.minimap'), false);
    await h.page.locator('.stage').focus();
    for (let i = 0; i < 6; i++) await h.page.keyboard.press('+');
    await h.page.waitForSelector('.minimap:not([hidden])');
    const box = (await h.page.locator('.minimap').boundingBox())!;
    const stage = (await h.page.locator('.stage').boundingBox())!;
    assert.ok(box.x + box.width > stage.x + stage.width - 20 && box.y + box.height > stage.y + stage.height - 20, 'bottom-right');
    await screenshot(h.page, 'minimap.png');
    // Click near the minimap's bottom-right: the view centres on the image's bottom-right region.
    await h.page.mouse.click(box.x + box.width * 0.9, box.y + box.height * 0.9);
    const [cx, cy] = await h.page.evaluate(() => {
      const v = (window as never as { labelscope: { viewer: { toImage(x: number, y: number): [number, number]; root: HTMLElement } } }).labelscope.viewer;
      const r = v.root.getBoundingClientRect();
      return v.toImage(r.width / 2, r.height / 2);
    });
    assert.ok(Math.abs(cx - 288) < 6 && Math.abs(cy - 216) < 6, `centred at ${cx},${cy}`);
    const vp = (await h.page.getAttribute('.minimap', 'data-viewport'))!.split(',').map(Number);
    assert.ok(vp[0] < 288 && vp[2] > 288, 'the viewport rectangle follows');
  });
});
