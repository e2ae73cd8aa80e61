/**
 * The scan worker steps back for the main thread, whose parse is the critical path
 * (parallelLoadWorker.ts): its own nice value goes up; the main thread's and the process's other
 * threads' stay as they were.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lowerThreadPriority, threadId } from '../../../src/node/threadPriority';

const ROOT = join(__dirname, '..', '..', '..');
const linux = process.platform === 'linux';

/** A thread's nice value as the kernel reports it (/proc/<pid>/task/<tid>/stat, field 19). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('lowerThreadPriority: a worker thread steps back, nothing else does', () => {
  it('in a worker: that thread runs at the asked nice value; the main thread keeps its own', async () => {
    const mainBefore = getPriority(process.pid);
    const src = `
      require(${JSON.stringify(require.resolve('tsx/cjs'))});
      const { parentPort } = require('node:worker_threads');
      const p = require(${JSON.stringify(join(ROOT, 'src/node/threadPriority.ts'))});
      const after = p.lowerThreadPriority(10);
      parentPort.postMessage({ after, tid: p.threadId() });
      parentPort.once('message', () => process.exit(0));`;
    const w = new Worker(src, { eval: true, execArgv: [] });
    const got = await new Promise<{ after?: number; tid?: number }>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    try {
      if (!linux) {
        assert.equal(got.after, undefined, 'no per-thread nice value here: nothing changed');
        return;
      }
      assert.equal(got.after, Math.max(10, mainBefore), 'the worker reports its new nice value');
      assert.notEqual(got.tid, process.pid);
      assert.equal(niceOf(got.tid!), Math.max(10, mainBefore), 'the kernel runs the worker thread at nice 10');
      assert.equal(niceOf(process.pid), mainBefore, 'the main thread is as it was');
      assert.equal(getPriority(process.pid), mainBefore);
    } finally {
      w.postMessage('done');
      await new Promise((resolve) => w.once('exit', resolve));
    }
  });

  it('on the main thread: nothing changes (it would slow the process\'s main work)', () => {
    const before = getPriority(process.pid);
    assert.equal(lowerThreadPriority(10), undefined);
    assert.equal(getPriority(process.pid), before);
    if (linux) assert.equal(threadId(), process.pid, 'the main thread\'s id is the process id');
  });

  it('nice 0 or less asks for nothing', () => {
    assert.equal(lowerThreadPriority(0), undefined);
    assert.equal(lowerThreadPriority(-5), undefined);
  });
});
