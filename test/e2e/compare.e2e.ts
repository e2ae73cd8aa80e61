/**
 * Compare with HEAD in real VS Code (code-server + Chromium): the sample in a fresh git
 * repository, annotation 13's box moved in the working tree (nothing committed), then
 * "Labelscope: Compare with HEAD" on the JSON. The diff report opens with the summary line and
 * the moved annotation's row; Enter on that row selects annotation 13 in the JSON text.
 *
 * Screenshot: test-artifacts/e2e/compare-with-head.png.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const COCO_FILE = 'annotations/instances_sample.json';

describe('e2e: Compare with HEAD', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;
  let folder: string;

  before(function () {
    packageExtension();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-compare-sample-'));
    fs.cpSync(path.join(REPO_ROOT, 'sample'), folder, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: folder });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'sample');
    // Move annotation 13 by (-30, -30): its box and its polygon.
    const file = path.join(folder, COCO_FILE);
    const text = fs.readFileSync(file, 'utf8');
    const moved = text
      .replace('"segmentation": [[290, 200, 340, 200, 340, 250, 290, 250]]', '"segmentation": [[260, 170, 310, 170, 310, 220, 260, 220]]')
      .replace(/("id": 13,[\s\S]*?"bbox": )\[290, 200, 50, 50\]/, '$1[260, 170, 50, 50]');
    assert.notEqual(moved, text, 'annotation 13 was not found in the sample');
    fs.writeFileSync(file, moved);
  });

  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('shows the moved annotation in the diff report and reveals it in the JSON', async function () {
    session = await CodeServerSession.launch({ folder, name: 'compare', settings: { 'workbench.editorAssociations': { '*.json': 'default' }, 'git.enabled': true } });
    await session.openFile(COCO_FILE);
    await session.runCommand('Labelscope: Compare with HEAD');

    // The report is a webview panel; find the frame that holds the summary.
    let report: FrameLocator | undefined;
    await waitFor('the compare report', async () => {
      for (let i = 0; i < 4; i++) {
        const f = session!.webview(i);
        if (await f.locator('p.summary').count().catch(() => 0)) { report = f; return true; }
      }
      return false;
    }, (ok) => ok, 120_000, 500);
    const summary = await report!.locator('p.summary').innerText();
    console.log(`    [e2e] summary: ${summary}`);
    assert.equal(summary, '+0 −0 ~1 annotations on 1 image');
    const row = report!.locator('tr.open', { hasText: 'annotation 13: moved' });
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const rowText = await row.innerText();
    console.log(`    [e2e] row: ${rowText.replace(/\s+/g, ' ')}`);
    assert.match(rowText, /moved\s+annotation 13: moved \(IoU 0\.\d\d\)/);
    await row.focus();
    await row.press('Enter');

    // The JSON text editor now selects annotation 13's element: the status bar shows the cursor
    // at its end (the closing brace after `"id": 13,`) and how much is selected.
    const lines = fs.readFileSync(path.join(folder, COCO_FILE), 'utf8').split('\n');
    const idLine = lines.findIndex((l) => l.includes('"id": 13,'));
    const closing = lines.findIndex((l, i) => i > idLine && l.trim().startsWith('}'));
    const element = lines.slice(idLine - 1, closing + 1).join('\n').trim();
    const status = await waitFor('the selection of annotation 13', async () => {
      const item = session!.page.locator('.statusbar-item[id="status.editor.selection"]');
      return (await item.count()) ? await item.innerText() : '';
    }, (s) => /Ln \d+, Col \d+ \(\d+ selected\)/.test(s), 30_000, 300);
    console.log(`    [e2e] selection: ${status}; annotation 13 is lines ${idLine}–${closing + 1}, ${element.length} characters`);
    const [, ln, selected] = /Ln (\d+), Col \d+ \((\d+) selected\)/.exec(status)!.map(Number);
    assert.equal(ln, closing + 1);
    assert.equal(selected, element.length);
    await session.screenshot('compare-with-head');
  });
});
