import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CocoDocument } from '../../../src/core/coco/document';
import { parseCoco } from '../../../src/core/coco/parse';
import { LineIndex, lineCheckpoints, type LineCheckpoints } from '../../../src/core/coco/lineIndex';
import { CocoReadError, loadCoco } from '../../../src/node/loadCoco';
import { loadCocoParallel, type ParallelLoadOptions } from '../../../src/node/parallelLoad';
import { generate } from '../../../bench/generate';
import { releaseBundles } from '../releaseBundles';

const ROOT = join(__dirname, '../../..');

/** Everything parseCoco gives, compared field by field (values, ranges, sections, issues, bytes). */
function assertSameDoc(actual: CocoDocument, expected: CocoDocument, what: string): void {
  assert.equal(actual.rootKind, expected.rootKind, `${what}: rootKind`);
  assert.deepEqual(actual.parseIssues, expected.parseIssues, `${what}: parseIssues`);
  assert.deepEqual([...actual.sections], [...expected.sections], `${what}: sections`);
  assert.deepEqual(actual.infoEntry, expected.infoEntry, `${what}: info`);
  for (const s of ['images', 'annotations', 'categories', 'licenses'] as const) {
    assert.deepEqual(actual.entries(s), expected.entries(s), `${what}: ${s}`);
  }
  assert.equal(actual.path, expected.path, `${what}: path`);
  assert.ok(Buffer.from(actual.bytes).equals(Buffer.from(expected.bytes)), `${what}: bytes`);
  assert.equal(typeof (actual.bytes as unknown as { utf8Slice?: unknown }).utf8Slice, 'function', `${what}: bytes are a Buffer`);
}

function sample(n: number, opts: { nan?: boolean; pretty?: boolean } = {}): string {
  const images = [];
  const annotations = [];
  for (let k = 0; k < n; k++) {
    images.push({ id: k, file_name: `im ${k} é😀.jpg`, width: 640, height: 480 });
    annotations.push({ id: k, image_id: k % 7, category_id: 1 + (k % 3), bbox: [k, k + 0.5, 5, 6], segmentation: [[1, 2, 3, 4, 5, k]], area: 12.25 });
  }
  let text = JSON.stringify({ info: { year: 2020 }, licenses: [{ id: 1 }], images, annotations, categories: [{ id: 1, name: 'a' }], type: 'instances' }, null, opts.pretty ? 1 : undefined);
  if (opts.nan) {
    let k = 0;
    text = text.replace(/"area":\s*12.25/g, (m) => (k++ % 5 === 0 ? m.replace('12.25', k % 2 ? 'NaN' : '-Infinity') : m));
  }
  return text;
}

function deep(depth: number): string {
  return `{"images": [${'['.repeat(depth)}1${']'.repeat(depth)}], "annotations": [{"a": ${'{"b":'.repeat(depth)}1${'}'.repeat(depth)}}]}`;
}

/** Named inputs: clean, NaN, broken, truncated, invalid, BOM, deep, odd roots. */
function inputs(): [string, string | Uint8Array][] {
  const clean = sample(300);
  const out: [string, string | Uint8Array][] = [
    ['clean', clean],
    ['pretty', sample(200, { pretty: true })],
    ['NaN and Infinity tokens', sample(300, { nan: true })],
    ['NaN in info and other members', '{"info": {"x": NaN}, "extra": [Infinity, {"y": -Infinity}], "n": NaN, "images": [NaN, {"a": [1, NaN]}]}'],
    ['broken element', clean.replace('"image_id":3,', '"image_id":3,,')],
    ['broken element then structural error', clean.replace('"image_id":3,', '"image_id" 3,').replace('"categories":', '"categories"')],
    ['bad element value token', clean.replace('"width":640', '"width":64x0')],
    ['mismatched brackets in an element', clean.replace('"bbox":[3,3.5,5,6]', '"bbox":[3,3.5,5,6}')],
    ['trailing comma in array', '{"images": [{"id": 1},]}'],
    ['trailing data', '{"images": []} x'],
    ['invalid JSON', 'not json at all'],
    ['empty file', ''],
    ['whitespace only', ' \n\t '],
    ['BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(sample(50))])],
    ['BOM only', new Uint8Array([0xef, 0xbb, 0xbf])],
    ['deeply nested (within the limit)', deep(400)],
    ['deeply nested (over the limit)', deep(600)],
    ['top-level array', '[1, {"a": NaN}, [2, Infinity]]'],
    ['top-level array, broken', '[1, {"a": NaN}, [2,'],
    ['top-level string', '"hello"'],
    ['repeated keys', '{"images": [{"id": 1}], "annotations": [{"id": 2}], "images": [{"id": 3}, {"id": 4}], "info": 1, "info": {"v": 2}}'],
    ['sections that are not arrays', '{"images": {"id": 1}, "annotations": 5, "categories": null, "licenses": "x"}'],
    ['primitive elements', '{"images": [1, "x", null, true, [2], NaN, -Infinity]}'],
    ['unterminated string', '{"images": [{"file_name": "abc'],
    ['control character in a string', '{"images": [{"file_name": "a\u0001b"}]}'],
    ['bad escape in a key', '{"ima\\qges": []}'],
    ['invalid UTF-8', new Uint8Array([...Buffer.from('{"images": [{"f": "'), 0xff, 0xfe, ...Buffer.from('"}]}')])],
  ];
  for (let cut = 1; cut < clean.length; cut += Math.floor(clean.length / 23)) out.push([`truncated at ${cut}`, clean.slice(0, cut)]);
  return out;
}

describe('loadCocoParallel', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'labelscope-parallel-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Uint8Array) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.json`);
    writeFileSync(file, content);
    return file;
  };
  // Tiny batches and slices: many messages, each boundary case met.
  const small: ParallelLoadOptions = { scanSliceBytes: 1024 };
  /** Options that also check the load really ran on two threads. */
  const twoThreads = (o: ParallelLoadOptions = {}): ParallelLoadOptions => ({
    ...o,
    onThreads: (info) => assert.equal(info.threads, 2, `parsed on one thread: ${info.reason}`),
  });

  it('gives the same document as parseCoco on many inputs', async () => {
    for (const [name, content] of inputs()) {
      const file = write(name, content);
      const expected = parseCoco(readFileSync(file), { path: file });
      assertSameDoc(await loadCocoParallel(file, twoThreads(small)), expected, name);
    }
  });

  it('same when the worker scans while the file is read in tiny chunks', async () => {
    // Reads of 7..64 bytes, scanning up to 16 bytes from the frontier: tokens run past it, runs are redone.
    let k = 0;
    for (const [name, content] of inputs()) {
      const file = write(name, content);
      const expected = parseCoco(readFileSync(file), { path: file });
      const readChunkBytes = k++ % 2 ? 7 : 64;
      assertSameDoc(await loadCocoParallel(file, twoThreads({ ...small, readChunkBytes, frontierMargin: 16, waitForWorker: true })), expected, `${name} (reads of ${readChunkBytes})`);
    }
  });

  it('same with the default batch sizes, and with maxDepth', async () => {
    for (const [name, content] of inputs().slice(0, 12)) {
      const file = write(name, content);
      assertSameDoc(await loadCocoParallel(file, twoThreads()), parseCoco(readFileSync(file), { path: file }), name);
      assertSameDoc(await loadCocoParallel(file, twoThreads({ maxDepth: 3 })), parseCoco(readFileSync(file), { path: file, maxDepth: 3 }), `${name} (maxDepth 3)`);
    }
  });

  it('same on a generated train2017-like file (scale 0.02, made on first run)', async function () {
    this.timeout(60000);
    // The benchmark's own generator, at a small scale: ~9 MB, reused once written.
    const file = await generate(0.02);
    const expected = parseCoco(readFileSync(file), { path: file });
    assert.ok(expected.annotationEntries.length > 10000);
    assertSameDoc(await loadCocoParallel(file, twoThreads()), expected, 'bench x0.02');
  });

  it('takes the line index from the worker: every position as a fresh LineIndex gives it', async function () {
    const file = await generate(0.02);
    const bytes = readFileSync(file);
    type Inside = { lines?: Float64Array; pending?: () => LineCheckpoints | undefined };
    // The worker posts them after 'end' (the rules run meanwhile): pending until the first lookup.
    const first = (await loadCocoParallel(file, twoThreads())).lines as unknown as Inside;
    assert.equal(first.lines, undefined, 'not built before a lookup');
    assert.ok(first.pending, 'the worker\'s checkpoints are pending');
    assert.deepEqual(first.pending(), lineCheckpoints(bytes), 'the worker made the checkpoints a local pass makes');
    const doc = await loadCocoParallel(file, twoThreads());
    const fresh = new LineIndex(bytes);
    for (let k = 0; k <= 400; k++) {
      const offset = Math.floor((bytes.length * k) / 400) - (k % 3);
      assert.deepEqual(doc.lines.positionAt(offset), fresh.positionAt(offset), `offset ${offset}`);
    }
    assert.ok((doc.lines as unknown as Inside).lines && !(doc.lines as unknown as Inside).pending, 'taken on the first lookup');
    // A checkpoint set that does not fit these bytes is refused (the index builds its own).
    const other = new LineIndex(bytes);
    other.adopt({ lines: new Float64Array(2), cols: new Float64Array(2) });
    assert.deepEqual(other.positionAt(bytes.length), fresh.positionAt(bytes.length));
  });

  it('runs the bundled scanWorker.js (production build, minified) the same way', async function () {
    this.timeout(120000);
    const DIST_WORKER = join(releaseBundles(), 'scanWorker.js');
    for (const [name, content] of inputs().slice(0, 12)) {
      const file = write(name, content);
      assertSameDoc(await loadCocoParallel(file, twoThreads({ ...small, workerScript: DIST_WORKER })), parseCoco(readFileSync(file), { path: file }), name);
    }
  });

  it('falls back to one thread when there is no worker, or the worker fails', async () => {
    const file = write('fallback', sample(100, { nan: true }));
    const expected = parseCoco(readFileSync(file), { path: file });
    const threads: number[] = [];
    const onThreads = (i: { threads: number }) => { threads.push(i.threads); };
    assertSameDoc(await loadCocoParallel(file, { workerScript: null, onThreads }), expected, 'no worker');
    const broken = join(dir, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("boom")');
    assertSameDoc(await loadCocoParallel(file, { workerScript: broken, onThreads }), expected, 'worker throws');
    const silent = join(dir, 'silent-worker.js');
    writeFileSync(silent, 'process.exit(3)');
    assertSameDoc(await loadCocoParallel(file, { workerScript: silent, onThreads }), expected, 'worker exits');
    assert.deepEqual(threads, [1, 1, 1]);
  });

  it('reports progress up to 1, and aborts', async () => {
    const file = write('progress', sample(2000));
    const progress: number[] = [];
    const doc = await loadCocoParallel(file, twoThreads({ ...small, onProgress: (f) => progress.push(f) }));
    assert.equal(doc.annotationEntries.length, 2000);
    assert.ok(progress.length > 10, `${progress.length} progress calls`);
    assert.equal(progress[progress.length - 1], 1);
    for (let k = 1; k < progress.length; k++) assert.ok(progress[k] >= progress[k - 1]);
    const ac = new AbortController();
    const p = loadCocoParallel(file, { ...small, signal: ac.signal, onProgress: (f) => { if (f > 0.2) ac.abort(); } });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    ac.abort();
    await assert.rejects(loadCocoParallel(file, { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  });

  it('rejects with CocoReadError for a missing file or a folder', async () => {
    await assert.rejects(loadCocoParallel(join(dir, 'nope.json')), (e: CocoReadError) => e instanceof CocoReadError && e.code === 'ENOENT');
    await assert.rejects(loadCocoParallel(dir), (e: CocoReadError) => e instanceof CocoReadError && e.code === 'EISDIR');
  });

  it('loadCoco uses it from parallelFromBytes on, with the same result', async () => {
    const file = write('threshold', sample(500, { nan: true }));
    const expected = parseCoco(readFileSync(file), { path: file });
    let threads = 0;
    assertSameDoc(await loadCoco(file, { parallelFromBytes: 0, onThreads: (i) => { threads = i.threads; } }), expected, 'parallel');
    assert.equal(threads, 2);
    assertSameDoc(await loadCoco(file, { parallelFromBytes: 0, onProgress: () => {} }), expected, 'parallel with progress');
    assertSameDoc(await loadCoco(file, { parallelFromBytes: Infinity }), expected, 'one thread');
    await assert.rejects(loadCoco(join(dir, 'nope.json'), { parallelFromBytes: 0 }), CocoReadError);
  });

  it('works from inside a worker thread (as in the extension check worker)', async () => {
    const file = write('nested', sample(300, { nan: true }));
    const expected = parseCoco(readFileSync(file), { path: file });
    const src = `
      require(${JSON.stringify(require.resolve('tsx/cjs'))});
      const { parentPort, workerData } = require('node:worker_threads');
      require(${JSON.stringify(join(ROOT, 'src/node/parallelLoad.ts'))}).loadCocoParallel(workerData, { scanSliceBytes: 1024 }).then(
        (doc) => parentPort.postMessage({ n: doc.annotationEntries.length, values: doc.annotationEntries.map((e) => e.value), issues: doc.parseIssues }),
        (e) => parentPort.postMessage({ error: String(e) }));`;
    const w = new Worker(src, { eval: true, workerData: file, execArgv: [] });
    const got = await new Promise<any>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    assert.equal(got.error, undefined);
    assert.equal(got.n, 300);
    assert.deepEqual(got.values, expected.annotationEntries.map((e) => e.value));
    assert.deepEqual(got.issues, expected.parseIssues);
  });
});
