/** The file read once into shared memory, and parsed from it on two threads (src/node/sharedBytes.ts, parseSharedParallel). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCoco } from '../../../src/core/coco/parse';
import { checkFile } from '../../../src/node/checkFile';
import { parseSharedParallel } from '../../../src/node/parallelLoad';
import { isShared, readFileShared, toShared } from '../../../src/node/sharedBytes';

function sample(n: number): string {
  const images = [];
  const annotations = [];
  for (let k = 0; k < n; k++) {
    images.push({ id: k, file_name: `im ${k} é.jpg`, width: 640, height: 480 });
    // Every 5th box leaves its image: problems to compare.
    annotations.push({ id: k, image_id: k % 7, category_id: 1 + (k % 3), bbox: [k % 5 === 0 ? 700 : k % 50, 4, 5, 6], segmentation: [[1, 2, 3, 4, 5, k % 400]], area: 30, iscrowd: 0 });
  }
  return JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }] });
}

describe('shared file bytes', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'labelscope-shared-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file into shared memory, byte for byte', async () => {
    const file = join(dir, 'a.json');
    const text = sample(3000);
    writeFileSync(file, text);
    const bytes = await readFileShared(file);
    assert.ok(isShared(bytes), 'over a SharedArrayBuffer');
    assert.ok(Buffer.from(bytes).equals(readFileSync(file)));
    assert.equal(bytes.toString('utf8'), text);
  });

  it('toShared keeps shared bytes as they are and copies others once', () => {
    const plain = new TextEncoder().encode('{"images": []}');
    const shared = toShared(plain);
    assert.ok(isShared(shared));
    assert.ok(!isShared(plain));
    assert.deepEqual([...shared], [...plain]);
    assert.equal(toShared(shared), shared, 'no second copy');
  });

  it('parses shared bytes on two threads into the document parseCoco gives', async () => {
    const file = join(dir, 'b.json');
    writeFileSync(file, sample(2000));
    const bytes = await readFileShared(file);
    const threads: number[] = [];
    const doc = await parseSharedParallel(bytes, { path: file, onThreads: (i) => threads.push(i.threads), scanSliceBytes: 4096 });
    const expected = parseCoco(readFileSync(file), { path: file });
    assert.deepEqual(threads, [2], 'the scan ran in the scan worker');
    for (const s of ['images', 'annotations', 'categories', 'licenses'] as const) assert.deepEqual(doc.entries(s), expected.entries(s), s);
    assert.deepEqual([...doc.sections], [...expected.sections]);
    assert.equal(doc.bytes.buffer, bytes.buffer, 'the document reads the shared bytes themselves');
  });

  it('bytes that are not shared parse on one thread, the same way', async () => {
    const text = sample(200);
    const threads: number[] = [];
    const doc = await parseSharedParallel(new TextEncoder().encode(text), { path: 'x.json', onThreads: (i) => threads.push(i.threads) });
    assert.deepEqual(threads, [1]);
    assert.deepEqual(doc.annotationEntries, parseCoco(new TextEncoder().encode(text), { path: 'x.json' }).annotationEntries);
  });

  it('a check of handed-over shared bytes finds what a check of the file finds', async () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, sample(1500));
    const fromFile = await checkFile(file, { checkImageFiles: false });
    const fromShared = await checkFile(file, { checkImageFiles: false, bytes: await readFileShared(file) });
    assert.ok(fromFile.problems.length > 0, 'the sample has problems to compare');
    assert.deepEqual(fromShared.problems, fromFile.problems);
  });
});
