/**
 * A COCO file over 50 MB in real VS Code (code-server 4.100.3, issue 8 item 8): VS Code does not
 * open it as text (its "very large" placeholder, with Open Anyway); the editor title offers
 * Labelscope's "Open in COCO Viewer" there, and that opens the file in the viewer in the
 * placeholder's place (one tab), which shows its first image.
 *
 * The file (generated, ~54 MB): 270,000 image entries with long file names, a few annotations.
 * Screenshots: test-artifacts/e2e/large-file-*.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServerSession, packageExtension } from './codeServer';

const FILE = 'big_export.json';

/** A COCO file of about 52 MB: many images (long names), one category, an annotation on the first image. */
function writeBigCoco(file: string): number {
  const out = fs.openSync(file, 'w');
  const pad = 'a-rather-long-folder-name-as-exports-have/'.repeat(3);
  fs.writeSync(out, '{"info":{"description":"generated for the large-file test"},"categories":[{"id":1,"name":"thing"}],\n"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[10,10,50,40],"area":2000,"iscrowd":0,"segmentation":[[10,10,60,10,60,50,10,50]]}],\n"images":[\n');
  const rows: string[] = [];
  for (let i = 1; i <= 270_000; i++) {
    rows.push(`{"id":${i},"file_name":"${pad}image_${String(i).padStart(9, '0')}.jpg","width":640,"height":480}`);
    if (rows.length === 10_000) { fs.writeSync(out, rows.join(',\n') + (i < 270_000 ? ',\n' : '\n')); rows.length = 0; }
  }
  if (rows.length) fs.writeSync(out, rows.join(',\n') + '\n');
  fs.writeSync(out, ']}\n');
  fs.closeSync(out);
  return fs.statSync(file).size;
}

describe('e2e: a COCO file over 50 MB (issue 8)', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;
  let folder: string | undefined;

  before(function () {
    packageExtension();
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    await session?.close(failed, this.currentTest?.title);
    session = undefined;
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('VS Code\'s large-file placeholder offers Open in COCO Viewer, which opens the viewer on its first image', async function () {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-e2e-large-'));
    const size = writeBigCoco(path.join(folder, FILE));
    assert.ok(size > 50 * 1024 * 1024, `the file is over 50 MB (${size} bytes)`);
    session = await CodeServerSession.launch({ folder, name: 'large-file', inPlace: true });
    const s = session;

    // Quick Open the file: VS Code shows its placeholder instead of the text.
    await s.page.locator('.part.editor').click({ position: { x: 200, y: 200 } }).catch(() => undefined);
    await s.page.keyboard.press('Control+P');
    const input = s.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(FILE);
    const row = s.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: FILE }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await row.click();
    await s.page.locator(`.tabs-container .tab.active[aria-label*="${FILE}"]`).waitFor({ state: 'visible', timeout: 30_000 });
    const placeholder = s.page.locator('.part.editor .editor-instance', { hasText: /very large|too large/i }).first();
    await placeholder.waitFor({ state: 'visible', timeout: 30_000 });
    const placeholderText = (await placeholder.innerText()).replace(/\s+/g, ' ').trim();
    console.log(`    [e2e] placeholder: ${placeholderText}`);
    assert.equal(await s.page.locator('.part.editor .editor-instance .monaco-editor .view-lines').count(), 0, 'no text editor for the file');

    // The editor title's action (the eye), on the placeholder.
    const action = s.page.locator('.part.editor .editor-actions .action-label[aria-label*="Open in COCO Viewer"]').first();
    await action.waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('large-file-placeholder');
    await action.click();

    // The viewer opens on the file and draws its first image (the image file itself is missing: the banner says so).
    await s.page.locator('iframe.webview:visible').first().waitFor({ state: 'visible', timeout: 60_000 });
    const wv = s.webview();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 180_000 });
    const tabs = await s.page.locator('.part.editor .tabs-container .tab').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    console.log(`    [e2e] tabs: ${JSON.stringify(tabs)}`);
    assert.equal(tabs.filter((t) => t.includes(FILE)).length, 1, 'the viewer took the placeholder\'s place (one tab)');
    assert.match(await wv.locator('.toolbar .counter').innerText(), /1 \/ 270,?000/);
    await s.screenshot('large-file-viewer');
  });
});
