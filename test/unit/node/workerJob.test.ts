/** runWorkerJob: the one start-up of the check and compare workers (progress, result, failure, death, cancel). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkerJob, type WorkerJob } from '../../../src/node/workerJob';

describe('runWorkerJob', () => {
  let dir: string;
  const script = (name: string, body: string) => {
    const file = join(dir, `${name}.js`);
    writeFileSync(file, `const { parentPort, workerData } = require('node:worker_threads');\n${body}\n`);
    return file;
  };
  const job = (file: string, over: Partial<WorkerJob<'read' | 'check'>> = {}): WorkerJob<'read' | 'check'> => ({
    script: file, workerData: { n: 21 }, onProgress: () => {}, signal: new AbortController().signal,
    cancelled: () => new Error('cancelled'), died: (code) => new Error(`died ${code}`), ...over,
  });

  before(() => { dir = mkdtempSync(join(tmpdir(), 'labelscope-workerjob-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes workerData and transferred bytes, reports progress in order, resolves with the result', async () => {
    const file = script('ok', `
      parentPort.postMessage({ type: 'progress', phase: 'read', fraction: 0.5 });
      parentPort.postMessage({ type: 'progress', phase: 'check', fraction: 1 });
      parentPort.postMessage({ type: 'result', result: { doubled: workerData.n * 2, bytes: workerData.bytes.length } });`);
    const seen: string[] = [];
    const bytes = new Uint8Array(1000);
    const out = await runWorkerJob<{ doubled: number; bytes: number }, 'read' | 'check'>(job(file, {
      workerData: { n: 21, bytes }, transferList: [bytes.buffer as ArrayBuffer], onProgress: (p, f) => seen.push(`${p}:${f}`),
    }));
    assert.deepEqual(out, { doubled: 42, bytes: 1000 });
    assert.deepEqual(seen, ['read:0.5', 'check:1']);
    assert.equal(bytes.length, 0, 'the buffer was transferred, not copied');
  });

  it('a failure message rejects with its text; a worker that exits first rejects with died(code)', async () => {
    await assert.rejects(runWorkerJob(job(script('failed', `parentPort.postMessage({ type: 'failed', message: 'bad input at $.images[3]' });`))), /bad input at \$\.images\[3\]/);
    await assert.rejects(runWorkerJob(job(script('exit', 'process.exit(3);'))), /died 3/);
  });

  it('an abort terminates a busy worker and rejects with cancelled(); an aborted signal never starts one', async () => {
    const ac = new AbortController();
    const file = script('busy', `parentPort.postMessage({ type: 'progress', phase: 'read', fraction: 0 }); for (;;) {}`);
    const pending = runWorkerJob(job(file, { signal: ac.signal, onProgress: () => ac.abort() }));
    await assert.rejects(pending, /cancelled/);
    await assert.rejects(runWorkerJob(job(file, { signal: AbortSignal.abort() })), /cancelled/);
  });
});
