/**
 * `Labelscope: Dataset Report` in real VS Code (code-server 4.100.3 + Chromium): the command opens
 * the report for the sample COCO file, its charts draw inside the webview, and a screenshot is
 * kept in test-artifacts/e2e/. Run with `npm run test:e2e`.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, packageExtension } from './codeServer';

const SAMPLE = path.join(REPO_ROOT, 'sample');

describe('e2e: Dataset Report in code-server', function () {
  this.timeout(240_000);
  let session: CodeServerSession | undefined;
  before(() => { packageExtension(); });
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('opens the report from the command palette and draws its charts', async () => {
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'dataset-report', settings: { 'workbench.editorAssociations': { '*.json': 'default' } } });
    await session.openFile('annotations/instances_sample.json');
    await session.runCommand('Labelscope: Dataset Report');
    const view = session.webview(0);
    await view.locator('h1', { hasText: 'Dataset report: sample' }).waitFor({ timeout: 90_000 });
    const canvases = view.locator('section.chart canvas');
    await canvases.first().waitFor({ timeout: 30_000 });
    assert.ok((await canvases.count()) >= 6, 'six charts');
    assert.match(await view.locator('body').innerText(), /5 images \(1 without annotations\), 14 annotations, 4 categories/);
    const shot = await session.screenshot('dataset-report');
    console.log(`    [e2e] screenshot: ${path.relative(REPO_ROOT, shot)}`);
  });
});
