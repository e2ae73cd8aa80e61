/**
 * Issue 8 item 5 and the item 7 screenshots in real VS Code (code-server 4.100.3):
 *
 *   1. A dataset whose images sit in `pics/` (not where Labelscope looks): the viewer shows the
 *      one-line "Image not found" banner; its "Choose Image Folder…" opens VS Code's folder
 *      dialog, then the "where" pick; "In a new .labelscope.json" writes `imageRoot` next to the
 *      COCO file and the viewer draws the image (banner gone, the image layer holds the PNG).
 *   2. The viewer in Dark Modern, Light Modern, Dark High Contrast and Light High Contrast with an
 *      annotation selected: media/screenshots/viewer-<theme>.png (the editor area only).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, waitFor } from './codeServer';

const SAMPLE = path.join(REPO_ROOT, 'sample');
const COCO_FILE = 'annotations/instances_sample.json';
// The committed screenshots are refreshed only on request (UPDATE_SCREENSHOTS=1): a test run leaves the tree as it was.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(REPO_ROOT, 'media', 'screenshots') : path.join(REPO_ROOT, 'test-artifacts', 'e2e', 'screenshots');

describe('viewer: image folder and themes (code-server)', function () {
  this.timeout(600_000);
  let s: CodeServerSession | undefined;
  afterEach(async function () { await s?.close(this.currentTest?.state === 'failed', this.currentTest?.title); s = undefined; });

  it('Choose Image Folder… on the banner: imageRoot goes to a new .labelscope.json and the image is shown', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-imgfolder-'));
    fs.cpSync(path.join(SAMPLE, 'annotations'), path.join(data, 'annotations'), { recursive: true });
    fs.cpSync(path.join(SAMPLE, 'images'), path.join(data, 'pics'), { recursive: true });
    s = await CodeServerSession.launch({ folder: data, name: 'image-folder', viewport: { width: 1400, height: 900 } });
    await s.openFile(COCO_FILE, { editor: 'webview' });
    const wv = s.webview();
    const banner = wv.locator('.missing');
    await banner.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await banner.innerText(), /Image not found: scene_001\.png/);
    const height = (await banner.boundingBox())!.height;
    assert.ok(height <= 34, `one line (${height} px)`);
    await s.screenshot('image-folder-banner');

    await wv.locator('.missing vscode-button.missing-choose').click();
    // VS Code's folder dialog (the simple dialog in a browser): type the folder, accept it.
    const qi = s.page.locator('.quick-input-widget');
    const pics = path.join(s.workspace, 'pics');
    // Then where to remember it.
    const row = qi.locator('.monaco-list-row', { hasText: 'In a new .labelscope.json' }).first();
    await s.acceptFileDialog(`${pics}/`, () => qi.locator('.monaco-button', { hasText: 'Use as Image Folder' }).first().click(), row);
    await row.click();

    const config = path.join(s.workspace, 'annotations', '.labelscope.json');
    await waitFor('.labelscope.json to be written', async () => fs.existsSync(config), (x) => x, 30_000, 200);
    assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')), { imageRoot: '../pics' });
    await banner.waitFor({ state: 'hidden', timeout: 30_000 });
    const drawn = await wv.locator('.stage').evaluate(() => {
      const v = (window as unknown as { labelscope: { viewer: { image?: HTMLImageElement; imageCanvas: HTMLCanvasElement } } }).labelscope.viewer;
      return { natural: v.image && 'naturalWidth' in v.image ? v.image.naturalWidth : 0 };
    });
    assert.equal(drawn.natural, 320, 'scene_001.png (320 px wide) is drawn');
    await s.screenshot('image-folder-shown');
  });

  it('screenshots of the viewer in the four default themes', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [theme, file, id] of [['Dark Modern', 'dark-modern', 'Default Dark Modern'], ['Light Modern', 'light-modern', 'Default Light Modern'], ['Dark High Contrast', 'dark-high-contrast', 'Default High Contrast'], ['Light High Contrast', 'light-high-contrast', 'Default High Contrast Light']] as const) {
      // One session per theme, set as users do (workbench.colorTheme).
      s = await CodeServerSession.launch({ folder: SAMPLE, name: `theme-${file}`, viewport: { width: 1280, height: 760 }, settings: { 'workbench.colorTheme': id } });
      await s.openFile(COCO_FILE, { editor: 'webview' });
      const wv = s.webview();
      // The webview follows the theme: VS Code puts the theme's kind on its body.
      const kind = { 'Dark Modern': 'vscode-dark', 'Light Modern': 'vscode-light', 'Dark High Contrast': 'vscode-high-contrast', 'Light High Contrast': 'vscode-high-contrast-light' }[theme];
      await waitFor(`the viewer in ${theme}`, () => wv.locator('body').getAttribute('class'), (c) => (c ?? '').split(/\s+/).includes(kind) && (kind !== 'vscode-high-contrast' || !(c ?? '').includes('high-contrast-light')), 60_000, 200);
      await wv.locator('.ann-row[data-annotation-id="1"]').waitFor({ state: 'visible', timeout: 60_000 });
      await wv.locator('.ann-row[data-annotation-id="1"]').click();
      await wv.locator('.ann-row.selected').waitFor({ state: 'visible' });
      await wv.locator('body').evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await s.page.locator('.part.editor').screenshot({ path: path.join(SCREENSHOTS, `viewer-${file}.png`) });
      await s.close();
      s = undefined;
    }
    for (const f of fs.readdirSync(SCREENSHOTS)) assert.ok(fs.statSync(path.join(SCREENSHOTS, f)).size < 400_000, `${f} is small`);
  });
});
