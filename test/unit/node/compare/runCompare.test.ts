import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCompare } from '../../../../src/node/compare/runCompare';
import { runCompareOffThread, CompareCancelled } from '../../../../src/extension/compare/runner';

const ROOT = path.resolve(__dirname, '../../../..');
const square = (id: number, image_id: number, category_id: number, x: number, y: number) =>
  ({ id, image_id, category_id, bbox: [x, y, 20, 20], area: 400, iscrowd: 0, segmentation: [[x, y, x + 20, y, x + 20, y + 20, x, y + 20]] });
const coco = (annotations: unknown[]) => ({ images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }], annotations, categories: [{ id: 1, name: 'car' }, { id: 2, name: 'truck' }] });

describe('runCompare (what the extension runs in its worker)', () => {
  let dir: string, fileA: string, fileB: string, textB: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-run-compare-'));
    fileA = path.join(dir, 'a.json');
    fileB = path.join(dir, 'b.json');
    fs.writeFileSync(fileA, JSON.stringify(coco([square(1, 1, 1, 10, 10), square(2, 1, 1, 60, 60)])));
    textB = JSON.stringify(coco([square(1, 1, 2, 10, 10), square(3, 1, 1, 40, 0)]), null, 2); // pretty: one value per line
    fs.writeFileSync(fileB, textB);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lineOf = (needle: string) => textB.split('\n').findIndex((l) => l.includes(needle));

  it('agreement: each conflict has the range of its annotation in B (missing ones: the image)', async () => {
    const out = await runCompare({ kind: 'agree', a: { path: fileA }, b: { path: fileB } });
    assert.equal(out.kind, 'agree');
    if (out.kind !== 'agree') return;
    const types = out.report.conflicts.map((c) => c.type);
    assert.deepEqual(types, ['missing_annotation', 'extra_annotation', 'mismatching_label']);
    const [missing, extra, label] = out.conflictRanges;
    assert.equal(missing!.startLine, lineOf('"images"') + 1); // the image element of B
    assert.equal(extra!.startLine + 1, lineOf('"id": 3')); // the annotation's "{" is the line before its first key
    const annotationLine = (needle: string) => textB.split('\n').findIndex((l, i) => i > lineOf('"annotations"') && l.includes(needle));
    assert.equal(label!.startLine + 1, annotationLine('"id": 1,'));
  });

  it('diff from bytes (a git revision) against a file, with ranges of changes in NEW', async () => {
    const out = await runCompare({ kind: 'diff', a: { bytes: fs.readFileSync(fileA), name: 'HEAD:a.json' }, b: { path: fileB } });
    assert.equal(out.kind, 'diff');
    if (out.kind !== 'diff') return;
    assert.equal(out.diff.summary.line, '+1 −1 ~1 annotations on 1 image');
    assert.equal(out.ranges['0:added:0'].startLine + 1, lineOf('"id": 3'));
  });

  it('bad bytes are refused with their name, line and column', async () => {
    await assert.rejects(runCompare({ kind: 'diff', a: { bytes: new TextEncoder().encode('{"images": [}'), name: 'HEAD:a.json' }, b: { path: fileB } }), /HEAD:a\.json:1:\d+: not valid JSON/);
  });

  it('in process without a bundle; cancel stops it', async () => {
    const noDist = path.join(dir, 'no-dist');
    const out = await runCompareOffThread(noDist, { kind: 'agree', a: { path: fileA }, b: { path: fileA } }, () => {}, new AbortController().signal);
    assert.equal(out.kind === 'agree' && out.report.kappa.kappa, 1);
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(runCompareOffThread(noDist, { kind: 'agree', a: { path: fileA }, b: { path: fileB } }, () => {}, ctl.signal), CompareCancelled);
  });

  it('in the bundled worker (dist/compareWorker.js, built by `npm run build`)', async function () {
    const dist = path.join(ROOT, 'dist');
    if (!fs.existsSync(path.join(dist, 'compareWorker.js'))) {
      console.warn('      SKIPPED: dist/compareWorker.js is not built (npm run build)');
      this.skip();
    }
    const out = await runCompareOffThread(dist, { kind: 'diff', a: { bytes: new Uint8Array(fs.readFileSync(fileA)), name: 'HEAD:a.json' }, b: { path: fileB } }, () => {}, new AbortController().signal);
    assert.equal(out.kind === 'diff' && out.diff.summary.line, '+1 −1 ~1 annotations on 1 image');
  });
});
