/**
 * The host hands file bytes to the check worker as shared memory (issue 8.6 / issue 7): the
 * worker gets the very bytes the host holds, and its findings are those of a check that reads
 * the file itself.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { CheckService } from '../../src/extension/checkService';
import { CancelledError, InProcessCheckRunner, WorkerCheckRunner, type CheckRunner } from '../../src/extension/checkRunner';
import type { CheckRequest } from '../../src/node/checkWorkerProtocol';
import { isShared, readFileShared } from '../../src/node/sharedBytes';
import { applyByteEdits } from '../../src/core/edits/applyByteEdits';
import { StatusBar } from '../../src/extension/statusBar';
import { releaseBundles } from '../unit/releaseBundles';

function sample(n: number): string {
  const images = [];
  const annotations = [];
  for (let k = 0; k < n; k++) {
    images.push({ id: k, file_name: `im${k}.jpg`, width: 640, height: 480 });
    annotations.push({ id: k, image_id: k % 9, category_id: 1 + (k % 4), bbox: [k % 7 === 0 ? 900 : 3, 4, 5, 6], segmentation: [[1, 2, 30, 4, 5, 40]], area: 30, iscrowd: 0 });
  }
  return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }] });
}

const signal = () => new AbortController().signal;

describe('shared bytes from the host to the check worker', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelscope-sharedcheck-'));
    file = join(dir, 'instances_x.json');
    writeFileSync(file, sample(1200));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => mock.__mock.reset());

  it('the check worker receives the bytes as shared memory and finds what it finds reading the file', async function () {
    this.timeout(240_000);
    const runner = new WorkerCheckRunner(releaseBundles());
    const bytes = await readFileShared(file);
    const fromFile = await runner.run({ file, checkImageFiles: false }, () => undefined, signal());
    const fromShared = await runner.run({ file, bytes, checkImageFiles: false }, () => undefined, signal());
    // Bytes that are not shared are put into shared memory once, on the way in.
    const fromPlain = await runner.run({ file, bytes: new Uint8Array(bytes), checkImageFiles: false }, () => undefined, signal());
    assert.equal(fromFile.bytesFrom, 'file');
    assert.equal(fromShared.bytesFrom, 'shared', 'the worker saw a view of the host\'s SharedArrayBuffer');
    assert.equal(fromPlain.bytesFrom, 'shared');
    assert.ok(fromFile.problems.length > 0, 'the sample has problems to compare');
    assert.deepEqual([...fromShared.problems], [...fromFile.problems]);
    assert.deepEqual([...fromPlain.problems], [...fromFile.problems]);
    assert.equal(fromShared.fingerprint, fromFile.fingerprint);

    // The viewer's unsaved edits: the shared base and the byte edits; the worker applies them.
    const text = bytes.toString('utf8');
    const at = text.indexOf('"bbox":[900');
    const edits = [{ start: at + 8, end: at + 11, newText: '3' }]; // annotation 0's box back inside its image
    const edited = applyByteEdits(bytes, edits);
    const viaEdits = await runner.run({ file, bytes, edits, checkImageFiles: false }, () => undefined, signal());
    const viaCopy = await runner.run({ file, bytes: edited, checkImageFiles: false }, () => undefined, signal());
    assert.equal(viaEdits.bytesFrom, 'shared');
    assert.equal(viaEdits.problems.length, fromFile.problems.length - 1, 'one problem fewer: the edit was applied');
    assert.deepEqual([...viaEdits.problems], [...viaCopy.problems]);
    assert.equal(viaEdits.fingerprint, viaCopy.fingerprint, 'the fingerprint of the edited bytes');
    assert.ok(Buffer.from(bytes).equals(Buffer.from(new TextEncoder().encode(text))), 'the shared bytes were not written');
  });

  it('the worker kept between checks: every problem comes back (as one transferred table, in order), a cancel stops the check, and the next check runs', async function () {
    this.timeout(240_000);
    const runner = new WorkerCheckRunner(releaseBundles());
    try {
      const inProcess = await new InProcessCheckRunner().run({ file, checkImageFiles: false }, () => undefined, signal());
      assert.ok(inProcess.problems.length > 1000, `${inProcess.problems.length} problems: a big table`);
      const first = await runner.run({ file, checkImageFiles: false }, () => undefined, signal());
      assert.deepEqual([...first.problems], [...inProcess.problems], 'the same problems, in the same order, as a check on this thread');
      assert.equal(first.summary.errors + first.summary.warnings + first.summary.infos, inProcess.problems.length);
      // Cancelled as soon as it reports progress: the worker running it is stopped.
      const ac = new AbortController();
      await assert.rejects(runner.run({ file, checkImageFiles: false }, () => ac.abort(), ac.signal), CancelledError);
      const again = await runner.run({ file, checkImageFiles: false }, () => undefined, signal());
      assert.deepEqual([...again.problems], [...inProcess.problems], 'a check after the cancel gets a working worker');
      // Without piscina (a VSIX packed without node_modules): one worker per check, the same problems.
      const oneShot = new WorkerCheckRunner(releaseBundles(), { pools: false });
      const progress: string[] = [];
      const plain = await oneShot.run({ file, checkImageFiles: false }, (phase) => progress.push(phase), signal());
      assert.deepEqual([...plain.problems], [...inProcess.problems]);
      assert.ok(progress.includes('check'), 'its progress comes through');
      const ac2 = new AbortController();
      await assert.rejects(oneShot.run({ file, checkImageFiles: false }, () => ac2.abort(), ac2.signal), CancelledError);
    } finally {
      await runner.dispose();
    }
  });

  it('a check of a file takes the bytes an open viewer read (useFileBytes), with the same outcome', async () => {
    const requests: CheckRequest[] = [];
    const inner = new InProcessCheckRunner();
    const runner: CheckRunner = {
      run: (req, p, s) => { requests.push(req); return inner.run(req, p, s); },
      fixAll: (req, p, s) => inner.fixAll(req, p, s),
    };
    const svc = new CheckService({
      runner, diagnostics: vscode.languages.createDiagnosticCollection('t'), status: new StatusBar(() => [], () => undefined),
      log: vscode.window.createOutputChannel('t'),
    });
    const uri = vscode.Uri.file(file);
    const plain = await svc.check(uri, {});
    const bytes = await readFileShared(file);
    const sub = svc.useFileBytes(async (u) => (u.toString() === uri.toString() ? bytes : undefined));
    const shared = await svc.check(uri, {});
    // Unsaved text is checked as typed, never replaced by the file's bytes.
    const typed = await svc.check(uri, { text: sample(5) });
    sub.dispose();
    const after = await svc.check(uri, {});
    assert.equal(requests[0].bytes, undefined, 'no viewer: the check reads the file');
    assert.equal(requests[1].bytes, bytes, 'the viewer\'s own bytes object is handed on');
    assert.ok(isShared(requests[1].bytes!));
    assert.equal(requests[2].bytes, undefined);
    assert.equal(requests[3].bytes, undefined, 'after dispose the file is read again');
    assert.deepEqual([...shared!.problems], [...plain!.problems]);
    assert.equal(shared!.fingerprint, plain!.fingerprint);
    assert.notEqual(typed!.fingerprint, plain!.fingerprint);
    assert.deepEqual([...after!.problems], [...plain!.problems]);
    svc.dispose();
  });
});
