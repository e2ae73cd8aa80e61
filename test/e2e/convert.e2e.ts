/**
 * Convert Dataset… in real VS Code (code-server 4.100.3 + Chromium): from the Explorer's context
 * menu the sample COCO file becomes YOLO-seg and the conversion report's preview opens; the YOLO
 * folder converted back to COCO opens in the Labelscope viewer. Run with `npm run test:e2e`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const SAMPLE = path.join(REPO_ROOT, 'sample');
const EXTENSION_ID = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`.toLowerCase();
})();

describe('e2e: Convert Dataset… in code-server', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;
  before(() => { packageExtension(); });
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('Explorer context menu → YOLO-seg shows the report; converting back opens the viewer', async () => {
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'convert' });
    const s = session;
    const p = s.page;
    await s.waitForActivation(EXTENSION_ID);
    const row = (name: string) => p.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
    const quick = p.locator('.quick-input-widget');
    const choose = async (label: string) => {
      await quick.waitFor({ state: 'visible' });
      await quick.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
    };
    const convertFromMenu = async (name: string) => {
      await row(name).click({ button: 'right' });
      const item = p.locator('.monaco-menu .action-item', { hasText: 'Convert Dataset…' }).first();
      await item.waitFor({ state: 'visible' });
      await item.hover();
      await item.click();
      // a click that lands while the menu is still laying out is lost: then choose it by keyboard
      const opened = await waitFor('the wizard', () => quick.isVisible(), (v) => v, 5_000).catch(() => false);
      if (!opened && (await item.isVisible())) await p.keyboard.press('Enter');
    };

    await row('annotations').click();
    await row('instances_sample.json').waitFor({ state: 'visible' });
    await convertFromMenu('instances_sample.json');
    await choose('YOLO segment');
    await choose('instances_sample-yolo-seg');
    await choose('Keep the classes');
    await choose('Bridge multi-part objects');
    await choose('Trace crowd / RLE masks into polygons');
    await p.locator('.tabs-container .tab[aria-label*="conversion-report.md"]').waitFor({ state: 'visible', timeout: 90_000 });
    const out = path.join(s.workspace, 'annotations', 'instances_sample-yolo-seg');
    assert.ok(fs.existsSync(path.join(out, 'data.yaml')));
    const report = fs.readFileSync(path.join(out, 'conversion-report.md'), 'utf8');
    assert.match(report, /# Conversion report: coco → yolo-seg/);
    const preview = s.webview();
    await preview.locator('h1', { hasText: 'Conversion report' }).waitFor({ state: 'visible', timeout: 60_000 });
    console.log(`    [e2e] report shown: ${report.split('\n').find((l) => l.startsWith('- Images'))}`);

    await s.runCommand('View: Close All Editors');
    await waitFor('the YOLO folder in the Explorer', () => row('instances_sample-yolo-seg').isVisible(), (v) => v, 30_000);
    await convertFromMenu('instances_sample-yolo-seg');
    await choose('COCO');
    await choose('annotations.json');
    await choose('Keep the classes');
    await p.locator('.tabs-container .tab.active[aria-label*="annotations.json"]').waitFor({ state: 'visible', timeout: 90_000 });
    const viewer = s.webview();
    await viewer.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 90_000 });
    const back = JSON.parse(fs.readFileSync(path.join(s.workspace, 'annotations', 'instances_sample-yolo-seg-coco', 'annotations.json'), 'utf8'));
    assert.ok(back.annotations.length > 0);
    console.log(`    [e2e] back to COCO: ${back.images.length} images, ${back.annotations.length} annotations, open in the viewer`);
    await s.screenshot('convert-viewer');
  });
});
