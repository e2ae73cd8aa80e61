/**
 * Compare Annotations… → the agreement report → Show in viewer, in real VS Code (code-server +
 * Chromium): B is the sample, A a copy with a box moved, a label changed and an annotation
 * removed. The report lists image 1; its "Show in viewer" opens B's viewer on that image with A
 * dashed over it and the conflicts counted in the status line; `.` walks them.
 *
 * Screenshot: test-artifacts/e2e/agreement-viewer.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const B_FILE = 'annotations/instances_sample.json';

describe('e2e: agreement report → Show in viewer (A/B view)', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;
  let folder: string;

  before(() => {
    packageExtension();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-agree-sample-'));
    fs.cpSync(path.join(REPO_ROOT, 'sample'), folder, { recursive: true });
    const a = JSON.parse(fs.readFileSync(path.join(folder, B_FILE), 'utf8'));
    a.annotations = a.annotations.filter((x: { id: number }) => x.id !== 13).map((x: { id: number; bbox: number[]; segmentation: unknown; category_id: number }) =>
      x.id === 1 ? { ...x, bbox: [60, 40, 90, 70], segmentation: [[60, 40, 150, 40, 150, 110, 60, 110]] } : x.id === 2 ? { ...x, category_id: 3 } : x);
    fs.writeFileSync(path.join(folder, 'annotations', 'reference.json'), JSON.stringify(a));
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('Show in viewer on the report\'s image opens B\'s viewer with A and the conflicts; . walks them', async function () {
    session = await CodeServerSession.launch({ folder, name: 'agree-viewer', settings: { 'workbench.editorAssociations': { '*.json': 'default' } } });
    const s = session;
    const p = s.page;
    await s.openFile(B_FILE);
    const quick = p.locator('.quick-input-widget');
    const input = quick.locator('input');
    await p.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Labelscope: Compare Annotations…');
    await quick.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare Annotations' }).first().click();
    // VS Code's file dialog (a quick input holding a folder path) picks A; the report follows.
    await quick.locator('.quick-input-list .monaco-list-row', { hasText: 'reference.json' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await s.acceptFileDialog(path.join(s.workspace, 'annotations', 'reference.json'), () => p.keyboard.press('Enter'), p.locator('.tabs-container .tab', { hasText: 'Agreement:' }).first());

    const findFrame = async (what: string, selector: string): Promise<FrameLocator> => {
      let found: FrameLocator | undefined;
      await waitFor(what, async () => {
        for (let i = 0; i < 4; i++) {
          const f = s.webview(i);
          if (await f.locator(selector).count().catch(() => 0)) { found = f; return true; }
        }
        return false;
      }, (ok) => ok, 120_000, 500);
      return found!;
    };
    const report = await findFrame('the agreement report', 'button.show-in-viewer');
    console.log(`    [e2e] report: ${(await report.locator('h1').first().innerText()).trim()}`);
    await report.locator('button.show-in-viewer').first().click();

    const viewer = await findFrame('B\'s viewer in the A/B view', '.status');
    const status = await waitFor('the A/B status', () => viewer.locator('.status').innerText(), (t) => t.startsWith('A/B:'), 60_000, 300);
    console.log(`    [e2e] status: ${status}`);
    assert.match(status, /^A\/B: reference\.json dashed over this file; 3 conflicts on this image/);
    await viewer.locator('.stage').focus();
    await viewer.locator('.stage').press('.');
    const walked = await waitFor('the walk', () => viewer.locator('.status').innerText(), (t) => t.startsWith('Conflict 1 of 3'), 30_000, 300);
    console.log(`    [e2e] walk: ${walked}`);
    await s.screenshot('agreement-viewer');
  });
});
