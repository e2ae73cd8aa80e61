import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Semaphore } from '../../../src/node/semaphore';
import { writeFileAtomic } from '../../../src/node/atomicWrite';

/** A promise settled from outside, so the test decides when each task ends (no sleeps). */
function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void, reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Lets every already-queued promise callback run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, the rest in the order they came; a failing task frees its slot', async () => {
    const sem = new Semaphore(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, k) => sem.run(async () => { started.push(k); await g.promise; return k; }));
    await settle();
    assert.deepEqual(started, [0, 1]);
    gates[1].reject(new Error('task 1 failed'));
    await assert.rejects(runs[1], /task 1 failed/);
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0].resolve();
    assert.equal(await runs[0], 0);
    await settle();
    assert.deepEqual(started, [0, 1, 2, 3]);
    gates[2].resolve(); gates[3].resolve();
    assert.deepEqual(await Promise.all([runs[2], runs[3]]), [2, 3]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, keeps its mode, and leaves no temp file (durable or not)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-atomic-'));
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    await writeFileAtomic(file, Buffer.from('new'));
    await writeFileAtomic(path.join(dir, 'cache.png'), Buffer.from('png'), { durable: false });
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.json', 'cache.png']);
    fs.rmSync(dir, { recursive: true });
  });
});
