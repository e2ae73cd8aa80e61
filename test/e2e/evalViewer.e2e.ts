/**
 * Evaluate Predictions… to the viewer's prediction layer in real VS Code (code-server +
 * Chromium): the sample with a predictions file beside it; the command on the JSON, the
 * predictions picked in VS Code's file dialog, bbox chosen; the report opens; then the viewer
 * (Open in COCO Viewer) shows image 1 with the prediction layer: its toolbar counts TP 1 · FP 1
 * · FN 3 at IoU 0.50, and `.` walks to the false positive.
 *
 * Screenshot: test-artifacts/e2e/eval-viewer.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const COCO_FILE = 'annotations/instances_sample.json';

describe('e2e: Evaluate Predictions… → the viewer\'s prediction layer', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;
  let folder: string;

  before(() => {
    packageExtension();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-eval-sample-'));
    fs.cpSync(path.join(REPO_ROOT, 'sample'), folder, { recursive: true });
    // Image 1 has labels 1 (box), 2 (ball), 3 (cone), 13 (box): one exact prediction, one on nothing.
    fs.writeFileSync(path.join(folder, 'annotations', 'predictions.json'), JSON.stringify([
      { image_id: 1, category_id: 1, score: 0.9, bbox: [30, 40, 90, 70] },
      { image_id: 1, category_id: 2, score: 0.6, bbox: [10, 150, 40, 40] },
    ]));
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('the report opens, and the viewer draws the predictions with their counts; . walks to the false positive', async function () {
    session = await CodeServerSession.launch({ folder, name: 'eval-viewer', settings: { 'workbench.editorAssociations': { '*.json': 'default' } } });
    const s = session;
    const p = s.page;
    await s.openFile(COCO_FILE);
    // From the palette (session.runCommand waits for the palette to close; this command opens a dialog in it).
    const quick = p.locator('.quick-input-widget');
    const input = quick.locator('input');
    await p.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Labelscope: Evaluate Predictions…');
    await quick.locator('.quick-input-list .monaco-list-row', { hasText: 'Evaluate Predictions' }).first().click();
    // VS Code's own file dialog in the browser: a quick input titled by the command, that takes a path.
    await quick.locator('.quick-input-title', { hasText: 'predictions to evaluate' }).waitFor({ state: 'visible', timeout: 30_000 });
    // Then the IoU type: bbox (what the predictions look like) comes first.
    const bbox = quick.locator('.quick-input-list .monaco-list-row', { hasText: 'bbox' }).first();
    await s.acceptFileDialog(path.join(s.workspace, 'annotations', 'predictions.json'), () => p.keyboard.press('Enter'), bbox);
    await p.keyboard.press('Enter');

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
    const report = await findFrame('the evaluation report', '#chart-confusion');
    console.log(`    [e2e] report: ${(await report.locator('h1').first().innerText().catch(() => '')).trim()}`);

    await s.openFile(COCO_FILE);
    await s.runCommand('Labelscope: Open in COCO Viewer');
    const viewer = await findFrame('the viewer with its prediction layer', '.eval-controls:not([hidden])');
    const counts = viewer.locator('.eval-controls .eval-counts');
    const text = await waitFor('the counts', () => counts.innerText(), (t) => /TP \d+ · FP \d+ · FN \d+/.test(t), 60_000, 300);
    console.log(`    [e2e] counts: ${text}`);
    assert.equal(text, 'TP 1 · FP 1 · FN 3');
    await viewer.locator('.stage').focus();
    await viewer.locator('.stage').press('.');
    const status = await waitFor('the walk', () => viewer.locator('.status').innerText(), (t) => t.startsWith('1 of 4'), 30_000, 300);
    console.log(`    [e2e] status: ${status}`);
    assert.match(status, /^1 of 4: false positive ball, score 0\.60/);
    await s.screenshot('eval-viewer');
  });
});
