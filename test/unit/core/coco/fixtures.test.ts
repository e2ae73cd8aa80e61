import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoco, loadCocoSync } from '../../../../src/node/loadCoco';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';

const FIXTURES = SHARED_FIXTURES;

describe('loadCoco on real fixture files', function () {
  before(function () { requireSharedFixtures(this); });

  it('pycococreator example: 1 image, 3 annotations (one crowd RLE), 1 category', async () => {
    const file = join(FIXTURES, 'pycococreator/example_data/annotations/coco_example.json');
    const doc = await loadCoco(file);
    assert.deepEqual(doc.parseIssues, []);
    assert.equal(doc.rootKind, 'object');
    assert.equal(doc.imageEntries.length, 1);
    assert.equal(doc.annotationEntries.length, 3);
    assert.equal(doc.categoryEntries.length, 1);
    assert.equal(doc.licenseEntries.length, 1);
    assert.equal(doc.path, file);
    const crowd = doc.annotations.filter((a) => a.iscrowd === 1);
    assert.equal(crowd.length, 1);
    const text = doc.bytes.toString();
    for (const e of doc.annotationEntries) assert.deepEqual(JSON.parse(text.slice(e.start, e.end)), e.value);
    assert.deepEqual(doc.annotationEntries.map((e) => e.value), JSON.parse(text).annotations);
  });

  it('labelme export: 3 images, 12 annotations, 21 categories, a "type" member', () => {
    const file = join(FIXTURES, 'labelme/instance_segmentation/data_dataset_coco/annotations.json');
    const doc = loadCocoSync(file);
    assert.deepEqual(doc.parseIssues, []);
    assert.equal(doc.imageEntries.length, 3);
    assert.equal(doc.annotationEntries.length, 12);
    assert.equal(doc.categoryEntries.length, 21);
    assert.equal(doc.sections.get('type')!.kind, 'string');
    const whole = JSON.parse(Buffer.from(doc.bytes).toString('utf8'));
    assert.deepEqual(doc.images, whole.images);
    assert.deepEqual(doc.categories, whole.categories);
    assert.deepEqual(doc.info, whole.info);
  });
});

describe('loadCoco errors and options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labelscope-coco-'));

  it('a missing file throws an Error naming the path and the OS reason', async () => {
    const file = join(dir, 'nope.json');
    await assert.rejects(loadCoco(file), (e: Error & { code?: string }) => e.message.includes(file) && /no such file/.test(e.message) && e.code === 'ENOENT');
    assert.throws(() => loadCocoSync(file), (e: Error) => e.message.includes(file) && /ENOENT/.test(e.message));
    assert.throws(() => loadCocoSync(dir), (e: Error) => e.message.includes(dir) && /EISDIR/.test(e.message));
  });

  it('a broken file loads with a parse issue, not a throw', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"images": [{"id": 1}');
    const doc = await loadCoco(file);
    assert.equal(doc.isJson, false);
    assert.equal(doc.imageEntries.length, 1);
  });

  it('passes progress and abort through to the async parser', async () => {
    const file = join(dir, 'big.json');
    const anns = Array.from({ length: 5000 }, (_, k) => ({ id: k, bbox: [1, 2, 3, 4] }));
    writeFileSync(file, JSON.stringify({ annotations: anns }));
    const seen: number[] = [];
    const doc = await loadCoco(file, { sliceBytes: 4096, onProgress: (f) => seen.push(f) });
    assert.equal(doc.annotationEntries.length, 5000);
    assert.ok(seen.length > 5);
    assert.equal(seen[seen.length - 1], 1);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(loadCoco(file, { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  });
});
