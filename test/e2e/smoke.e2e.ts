/**
 * Smoke test in real VS Code (code-server 4.100.3 + Chromium): the packaged extension
 * activates on the sample COCO file, its diagnostics reach the Problems panel and its
 * status bar item shows. Run with `npm run test:e2e`.
 *
 * Env: E2E_SAMPLE=<folder> opens another folder (default: <repo>/sample);
 *      E2E_VSIX=<file> installs a prebuilt .vsix instead of building + packaging the repo.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, packageExtension } from './codeServer';

const SAMPLE = path.resolve(process.env.E2E_SAMPLE ?? path.join(REPO_ROOT, 'sample'));
const COCO_FILE = 'annotations/instances_sample.json';
const EXTENSION_ID = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`.toLowerCase();
})();

describe('e2e: Labelscope in code-server', function () {
  this.timeout(240_000);
  let session: CodeServerSession | undefined;

  before(function () {
    assert.ok(
      fs.existsSync(path.join(SAMPLE, COCO_FILE)),
      `sample COCO file missing: ${path.join(SAMPLE, COCO_FILE)}`,
    );
    packageExtension(); // build + vsce once, outside the per-test timing
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    await session?.close(failed, this.currentTest?.title);
    session = undefined;
  });

  it('activates on the sample, lists coco/ diagnostics in Problems and shows its status bar item', async function () {
    // instances_*.json opens in Labelscope's viewer by default; this test is about the text editor.
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'smoke', settings: { 'workbench.editorAssociations': { '*.json': 'default' } } });
    await session.openFile(COCO_FILE);
    const activation = await session.waitForActivation(EXTENSION_ID);
    console.log(`    [e2e] ${activation.replace(/^.*?ExtensionService#/, '')}`);

    const rows = await session.waitForProblem((r) => r.includes('coco/'), 'a "coco/" rule id', 90_000);
    const cocoRows = rows.filter((r) => r.includes('coco/'));
    console.log(`    [e2e] Problems rows with coco/ codes (${cocoRows.length} shown):\n      ${cocoRows.slice(0, 8).join('\n      ')}`);
    assert.ok(
      cocoRows.some((r) => r.includes('labelscope')),
      `expected a coco/ row from source "labelscope"; rows: ${JSON.stringify(rows)}`,
    );

    const item = await session.waitForStatusBarItem((i) => i.text.startsWith('Labelscope'), 'whose text starts with "Labelscope"');
    console.log(`    [e2e] status bar item: ${JSON.stringify(item)}`);

    const shot = await session.screenshot('smoke-problems');
    console.log(`    [e2e] screenshot: ${path.relative(REPO_ROOT, shot)}`);
  });
});
