/**
 * Panoptic files in the viewer (issue 10), in headless Chromium with the real session and the
 * host's PNG reader: each segment of the image's PNG is drawn as a mask in its category's colour,
 * the crowd one hatched like any crowd mask, the unlisted one too; the side panel lists them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { categoryColor } from '../../src/shared/protocol';
import { PanopticSegmentSource } from '../../src/node/panopticSegments';
import { panopticHooks } from '../../src/editor/panopticView';
import { dataUrlSource, hexRgb, launch, openEditor, pixelAt, screenshot, waitShown, type Harness } from './harness';

const W = 120, H = 80;
const PERSON = 3 + 256 * 2 + 65536; // colour (3, 2, 1)
const SKY = 200;

describe('webview: panoptic segments drawn from the PNG (chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let h: Harness;
  let dir: string;
  let json: string;
  before(async () => {
    browser = await launch();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-panoptic-web-'));
    fs.mkdirSync(path.join(dir, 'panoptic_val'));
    // PNG: a person box [20, 10, 30, 40], sky on rows 60.., one stray pixel block of id 77 (unlisted).
    const data = Buffer.alloc(W * H * 3);
    const paint = (id: number, x0: number, y0: number, w: number, hh: number) => {
      for (let y = y0; y < y0 + hh; y++) for (let x = x0; x < x0 + w; x++) { const p = (y * W + x) * 3; data[p] = id % 256; data[p + 1] = Math.floor(id / 256) % 256; data[p + 2] = Math.floor(id / 65536); }
    };
    paint(PERSON, 20, 10, 30, 40);
    paint(SKY, 0, 60, W, 20);
    paint(77, 90, 10, 12, 12);
    await sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toFile(path.join(dir, 'panoptic_val', '1.png'));
    // The photo: plain grey, so the masks' colours are what the overlay adds.
    await sharp({ create: { width: W, height: H, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toFile(path.join(dir, '1.jpg'));
    json = path.join(dir, 'panoptic_val.json');
    fs.writeFileSync(json, JSON.stringify({
      images: [{ id: 1, file_name: '1.jpg', width: W, height: H }],
      annotations: [{ image_id: 1, file_name: '1.png', segments_info: [
        { id: PERSON, category_id: 1, iscrowd: 0, bbox: [20, 10, 30, 40], area: 1200 },
        { id: SKY, category_id: 2, iscrowd: 0, bbox: [0, 60, W, 20], area: W * 20 },
      ] }],
      categories: [{ id: 1, name: 'person', isthing: 1 }, { id: 2, name: 'sky', isthing: 0 }],
    }));
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => { await h?.close(); });

  it('each segment is a mask in its category colour; void stays clear; the unlisted segment is drawn too', async () => {
    h = await openEditor(browser, { file: json, source: dataUrlSource(json), session: panopticHooks(new PanopticSegmentSource(json)) });
    await waitShown(h.page, 0);
    const person = hexRgb(categoryColor(0));
    const sky = hexRgb(categoryColor(1));
    const tinted = (px: number[], rgb: number[]) => px[3] > 0 && px.slice(0, 3).every((c, i) => Math.abs(c - rgb[i]) <= 3);
    // Inside (fill) and on the edge (outline, opaque) of each segment.
    const inPerson = await pixelAt(h.page, 35, 30);
    assert.ok(tinted(inPerson.overlay, person), `person fill ${inPerson.overlay}`);
    const personEdge = await pixelAt(h.page, 20.5, 30);
    assert.ok(tinted(personEdge.overlay, person) && personEdge.overlay[3] === 255, `person outline ${personEdge.overlay}`);
    assert.ok(tinted((await pixelAt(h.page, 60, 70)).overlay, sky), 'sky fill');
    assert.equal((await pixelAt(h.page, 70, 30)).overlay[3], 0, 'void is not drawn');
    assert.ok((await pixelAt(h.page, 95, 15)).overlay[3] > 0, 'the unlisted segment is drawn');
    // The side panel lists the three segments.
    const listed = await h.page.evaluate(() => (window as never as { labelscope: { state(): { current: { annotations: { id: unknown }[] } } } }).labelscope.state().current.annotations.map((a) => a.id));
    assert.deepEqual(listed, [PERSON, SKY, 77]);
    await screenshot(h.page, 'panoptic.png');
  });
});
