/**
 * VS Code's 1,000 diagnostics per file, in real VS Code (code-server + Chromium): a generated
 * COCO file with 3,000 problems (1,200 errors of one rule, 1,000 warnings of another, 800
 * infos of a third). The Problems panel shows the errors first, every rule's "N more … not
 * shown" summary, and no "Not showing N further errors and warnings" line from VS Code (which
 * would have dropped our own summaries before the budget).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServerSession, packageExtension, waitFor } from './codeServer';

const FILE = 'instances_many.json';

/** 1,000 images; 1,200 annotations of unknown images (errors), 1,000 boxes leaving their image (warnings), 800 images without annotations (infos). */
function manyProblems(): string {
  const images = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, file_name: `img_${i + 1}.jpg`, width: 100, height: 100 }));
  const annotations: Record<string, unknown>[] = [];
  let id = 1;
  for (let k = 0; k < 1200; k++) annotations.push({ id: id++, image_id: 5000 + k, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 });
  for (let k = 0; k < 1000; k++) annotations.push({ id: id++, image_id: 1 + (k % 200), category_id: 1, bbox: [80 + (k % 20) * 0.5, 80 + Math.floor(k / 20) * 0.1, 30, 30], area: 900, iscrowd: 0 });
  return JSON.stringify({ info: { description: '3,000 problems' }, licenses: [], images, annotations, categories: [{ id: 1, name: 'a' }] }, null, 1);
}

describe('e2e: 3,000 problems within VS Code\'s 1,000 per file', function () {
  this.timeout(240_000);
  let session: CodeServerSession | undefined;
  let dir: string;

  before(function () {
    packageExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-e2e-many-'));
    fs.writeFileSync(path.join(dir, FILE), manyProblems());
  });

  after(function () { fs.rmSync(dir, { recursive: true, force: true }); });

  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });

  it('shows the errors first and every rule\'s summary; VS Code drops nothing', async function () {
    session = await CodeServerSession.launch({
      folder: dir, name: 'diagnostics-limit',
      settings: { 'workbench.editorAssociations': { '*.json': 'default' }, 'labelscope.checkImageFiles': false },
    });
    const s = session;
    await s.openFile(FILE);
    const isSummary = (rule: string) => (r: string) => r.includes(`more ${rule} problems not shown`);
    // Errors first: the first marker rows are the unknown-image errors.
    const rows = await s.waitForProblem((r) => r.includes('coco/annotation-unknown-image'), 'an annotation-unknown-image error', 120_000);
    const fileRow = rows.find((r) => r.includes(FILE));
    console.log(`    [e2e] file row: ${fileRow}; first rows: ${JSON.stringify(rows.slice(0, 3))}`);
    const count = Number(/(\d[\d,]*)\s*$/.exec(fileRow ?? '')?.[1]?.replace(/,/g, ''));
    assert.ok(count > 0 && count <= 1000, `the file shows ${count} problems (VS Code keeps at most 1,000)`);
    assert.ok(rows[1]?.includes('coco/annotation-unknown-image'), `errors first: ${rows[1]}`);

    // The filter box: our summaries, and VS Code's own truncation line.
    const filter = s.page.locator('.part.panel .viewpane-filter input, .part.panel input[placeholder^="Filter"]').first();
    await filter.fill('not shown');
    const summaries = await waitFor('every rule\'s summary row', () => s.problemRows(),
      (r) => ['coco/annotation-unknown-image', 'coco/bbox-out-of-image', 'coco/image-without-annotations'].every((rule) => r.some(isSummary(rule))), 30_000, 250);
    console.log(`    [e2e] summaries: ${JSON.stringify(summaries.filter((r) => r.includes('not shown')))}`);
    await s.screenshot('diagnostics-limit-summaries');
    await filter.fill('Not showing');
    await waitFor('the filter to apply', () => s.problemRows(), (r) => !r.some((x) => x.includes('more coco/')), 15_000, 250);
    const truncated = await s.problemRows();
    assert.ok(!truncated.some((r) => /Not showing \d+ further/.test(r)), `VS Code truncated: ${JSON.stringify(truncated)}`);
  });
});
