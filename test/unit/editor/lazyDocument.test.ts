import * as assert from 'node:assert/strict';
import type { CocoDocument, IdKey, Located } from '../../../src/core/coco/document';
import { parseCoco } from '../../../src/core/coco/parse';
import { parseColumnsOffThread } from '../../../src/node/columnsLoad';
import { parseSharedParallel } from '../../../src/node/parallelLoad';
import { allocShared } from '../../../src/node/sharedBytes';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseBundles } from '../releaseBundles';
import { columnsOf, imageColumnsOf } from '../../../src/editor/annotationColumns';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { knownFingerprint } from '../../../src/editor/documentBytes';
import { fingerprint } from '../../../src/core/edits/fingerprint';
import { LazyCocoDocument, lazySink, parseLazy, parseLazyAsync } from '../../../src/editor/lazyDocument';

function sample(n: number, opts: { nan?: boolean; pretty?: boolean } = {}): string {
  const images = [];
  const annotations = [];
  for (let k = 0; k < n; k++) {
    images.push({ id: k, file_name: `im ${k} é😀.jpg`, width: 640, height: 480 });
    annotations.push({ id: k * 7 + 3, image_id: k % 7, category_id: 1 + (k % 3), bbox: [k, k + 0.5, 5 + k, 6], segmentation: [[1, 2, 3, 4, 5, k]], area: 12.25 + k });
  }
  let text = JSON.stringify({ info: { year: 2020 }, licenses: [{ id: 1 }], images, annotations, categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], type: 'instances' }, null, opts.pretty ? 1 : undefined);
  if (opts.nan) {
    let k = 0;
    text = text.replace(/"area":\s*[\d.]+/g, (m) => (k++ % 5 === 0 ? m.replace(/[\d.]+$/, k % 2 ? 'NaN' : '-Infinity') : m));
  }
  return text;
}

/** Ids as files write them, good and bad: strings, big and fractional numbers, -0, missing, objects. */
const ODD_IDS = JSON.stringify({
  images: [{ id: 1 }, { id: '1' }, { id: 2 ** 40 }, { id: 2 }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 3, 4], area: 12 },
    { id: '1', image_id: '1', category_id: 'cat', bbox: [0, 0, 3], area: 'x' },
    { id: 900100259690, image_id: 2 ** 40, category_id: 1.5, bbox: [0, 0, 1e-3, 2.5] },
    { id: -2147483648, image_id: -0, category_id: null, bbox: null, area: 0 },
    { image_id: { x: 1 }, category_id: [1] },
    { id: 1, image_id: 1, category_id: 1 },
    7, 'text', null,
  ],
  categories: [{ id: 1 }, { id: 'cat' }],
}).replace('"area":0}', '"area":0,"x":NaN}');

const INPUTS: [string, string | Uint8Array][] = [
  ['clean', sample(300)],
  ['pretty', sample(120, { pretty: true })],
  ['NaN and Infinity tokens', sample(200, { nan: true })],
  ['odd ids', ODD_IDS],
  ['broken annotation', sample(50).replace('"image_id":3,', '"image_id":3,,')],
  ['broken annotation then structural error', sample(50).replace('"image_id":3,', '"image_id" 3,').replace('"categories":', '"categories"')],
  ['mismatched brackets in an annotation', sample(50).replace('"bbox":[3,3.5,8,6]', '"bbox":[3,3.5,8,6}')],
  ['invalid JSON', 'not json at all'],
  ['empty file', ''],
  ['BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(sample(20))])],
  ['top-level array (a results list)', '[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": NaN}, 5, {"image_id": 1}]'],
  ['top-level array, broken', '[1, {"a": NaN}, [2,'],
  ['repeated annotations key', '{"annotations": [{"id": 1, "image_id": 1}], "images": [{"id": 1}], "annotations": [{"id": 2, "image_id": 1}, {"id": 3, "image_id": 1}]}'],
  ['annotations that are not an array', '{"images": [{"id": 1}], "annotations": 5}'],
  ['deep annotation over the limit', `{"annotations": [{"a": ${'{"b":'.repeat(600)}1${'}'.repeat(600)}}]}`],
  ['CRLF, pretty', sample(60, { pretty: true }).replace(/\n/g, '\r\n')],
  ['BOM and CRLF', new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(sample(30, { pretty: true }).replace(/\n/g, '\r\n'))])],
  ['string ids, fractions, missing fields', JSON.stringify({
    images: [{ id: 'a' }, { id: 0.5 }, {}, { file_name: 'x.jpg' }],
    annotations: [
      { id: 'x1', image_id: 'a', category_id: 'c', bbox: [0.25, 0.5, 1.75, 2.125], area: 3.71875 },
      { id: 2.5, image_id: 0.5, category_id: 1e21, bbox: [1, 2, 3, 4] },
      { bbox: [1, 2, 3, 4], segmentation: [[1, 2, 3, 4, 5, 6]] },
      {},
      { id: 3, image_id: 'a', category_id: 1, bbox: ['1', 2, 3, 4], area: '5' },
    ],
    categories: [{ id: 'c' }, { id: 1 }],
  })],
  ['empty arrays', '{"info": {}, "licenses": [], "images": [], "annotations": [], "categories": []}'],
  ['malformed elements among good ones', sample(40).replace('"image_id":5,', '"image_id":5,"x":tru,').replace('"image_id":9,', '"image_id":9,"y":[1,')],
  ['truncated file', sample(40).slice(0, -300)],
];

const bytesOf = (x: string | Uint8Array) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x));

/** The lazy document reads exactly as parseCoco's: every entry, issue, section and lookup. */
function assertSameDoc(lazy: CocoDocument, full: CocoDocument, what: string): void {
  assert.ok(lazy instanceof LazyCocoDocument, `${what}: a lazy document`);
  assert.equal(lazy.rootKind, full.rootKind, `${what}: rootKind`);
  assert.deepEqual(lazy.parseIssues, full.parseIssues, `${what}: parseIssues`);
  assert.deepEqual([...lazy.sections], [...full.sections], `${what}: sections`);
  assert.deepEqual(lazy.infoEntry, full.infoEntry, `${what}: info`);
  for (const s of ['categories', 'licenses'] as const) assert.deepEqual(lazy.entries(s), full.entries(s), `${what}: ${s}`);
  const plain = (l: readonly Located[]) => l.map((e) => ({ index: e.index, start: e.start, end: e.end, value: e.value }));
  assert.equal(lazy.annotationEntries.length, full.annotationEntries.length, `${what}: annotation count`);
  assert.deepEqual(plain(lazy.annotationEntries), plain(full.annotationEntries), `${what}: annotations`);
  assert.equal(lazy.imageEntries.length, full.imageEntries.length, `${what}: image count`);
  assert.deepEqual(plain(lazy.imageEntries), plain(full.imageEntries), `${what}: images`);
  assert.deepEqual(lazy.images, full.images, `${what}: images getter`);
  assert.deepEqual([...lazy.annotationEntries].map((e) => e.value), full.annotations, `${what}: annotations (iterated)`);
  assert.deepEqual(lazy.annotations, full.annotations, `${what}: annotations getter`);
  assert.equal(lazy.annotationEntries[full.annotationEntries.length], undefined, `${what}: past the end`);
  // Lookups by field: every value any annotation or image has, and some nobody has.
  const keys = new Set<IdKey>([0, 1, 2, 3, 10, -1, 'x', '1', 2 ** 40, 900100259690, -2147483648, 1.5, 'cat']);
  for (const e of [...full.annotationEntries, ...full.imageEntries]) {
    const v = e.value as Record<string, unknown> | undefined;
    for (const k of ['id', 'image_id', 'category_id']) if (typeof v?.[k] === 'number' || typeof v?.[k] === 'string') keys.add(v[k] as IdKey);
  }
  const idx = (l: readonly { index: number }[]) => l.map((e) => e.index);
  for (const k of keys) {
    assert.deepEqual(idx(lazy.annotationsWithId(k)), idx(full.annotationsWithId(k)), `${what}: annotationsWithId(${String(k)})`);
    assert.deepEqual(idx(lazy.annotationsOfImage(k)), idx(full.annotationsOfImage(k)), `${what}: annotationsOfImage(${String(k)})`);
    assert.deepEqual(idx(lazy.annotationsOfCategory(k)), idx(full.annotationsOfCategory(k)), `${what}: annotationsOfCategory(${String(k)})`);
    assert.equal(lazy.annotationCountOfImage(k), full.annotationCountOfImage(k), `${what}: annotationCountOfImage(${String(k)})`);
    assert.equal(lazy.annotationCountOfCategory(k), full.annotationCountOfCategory(k), `${what}: annotationCountOfCategory(${String(k)})`);
    assert.deepEqual(lazy.annotationById(k), full.annotationById(k), `${what}: annotationById(${String(k)})`);
    assert.deepEqual(idx(lazy.imagesWithId(k)), idx(full.imagesWithId(k)), `${what}: imagesWithId(${String(k)})`);
    assert.deepEqual(lazy.imageById(k), full.imageById(k), `${what}: imageById(${String(k)})`);
  }
}

/** Every column of every annotation and image, and the lookups built from them, are the same. */
function assertSameColumns(a: CocoDocument, b: CocoDocument, what: string): void {
  const [ca, cb] = [columnsOf(a), columnsOf(b)];
  assert.equal(ca.length, cb.length, `${what}: annotation columns`);
  const row = (c: typeof ca, i: number) => [c.start(i), c.end(i), c.flagsOf(i), c.id(i), c.imageId(i), c.categoryId(i), c.boxSize(i), c.area(i)];
  for (let i = 0; i < ca.length; i++) assert.deepEqual(row(ca, i), row(cb, i), `${what}: annotation ${i}`);
  const [ia, ib] = [imageColumnsOf(a), imageColumnsOf(b)];
  assert.equal(ia.length, ib.length, `${what}: image columns`);
  for (let i = 0; i < ia.length; i++) assert.deepEqual([ia.start(i), ia.end(i), ia.flagsOf(i), ia.id(i)], [ib.start(i), ib.end(i), ib.flagsOf(i), ib.id(i)], `${what}: image ${i}`);
  assert.deepEqual([...ca.countsByCategory()], [...cb.countsByCategory()], `${what}: category counts`);
}

describe('the editor\'s lazy document (annotations and images as columns, parsed on read)', () => {
  it('reads exactly as parseCoco on many inputs (entries, issues, sections, lookups by id, image and category)', () => {
    for (const [what, input] of INPUTS) assertSameDoc(parseLazy(bytesOf(input), { path: 'f.json' }), parseCoco(bytesOf(input), { path: 'f.json' }), what);
  });

  it('the same in slices (parseLazyAsync) and on two threads (parseSharedParallel with the lazy sink)', async () => {
    for (const [what, input] of INPUTS) {
      const b = bytesOf(input);
      const full = parseCoco(b, { path: 'f.json' });
      assertSameDoc(await parseLazyAsync(b, { path: 'f.json', sliceBytes: 1024 }), full, `${what} (slices)`);
      const shared = allocShared(b.length);
      shared.set(b);
      let threads = 0;
      const doc = await parseSharedParallel(shared, { path: 'f.json', sink: lazySink, scanSliceBytes: 256, onThreads: (t) => { threads = t.threads; } });
      assertSameDoc(doc, full, `${what} (two threads)`);
      assert.equal(threads, 2, `${what}: scanned on the worker`);
    }
  });

  it('built on the columns worker: the same document as on the host, the same errors at the same lines', async () => {
    for (const [what, input] of INPUTS) {
      const b = bytesOf(input);
      const shared = allocShared(b.length);
      shared.set(b);
      const host = parseLazy(b, { path: 'f.json' });
      let on = '';
      const doc = await parseColumnsOffThread(shared, { path: 'f.json', columnsSliceBytes: 1024, onBuilt: (i) => { on = `${i.on} ${i.reason ?? ''}`; } });
      assert.equal(on.trim(), 'worker', `${what}: built on the worker`);
      const built = columnsOf(doc) as unknown as { idIndex?: unknown; imageIndex?: unknown; categoryCounts?: unknown };
      assert.ok(built.idIndex && built.imageIndex && built.categoryCounts && (imageColumnsOf(doc) as unknown as { ids?: unknown }).ids, `${what}: the lookups came built from the worker`);
      assertSameDoc(doc, parseCoco(b, { path: 'f.json' }), `${what} (columns worker)`);
      assertSameColumns(doc, host, what);
      assert.equal(doc.path, 'f.json');
      assert.equal(knownFingerprint(doc), fingerprint(b), `${what}: the worker's fingerprint of the bytes`);
      // A bad file: the same issue (message, JSON path) at the same line and column, from the worker's line checkpoints.
      const at = (d: CocoDocument) => d.parseIssues.map((p) => ({ ...p, from: d.lines.positionAt(p.start), to: d.lines.positionAt(p.end) }));
      assert.deepEqual(at(doc), at(host), `${what}: issues and their lines`);
      assert.equal(doc.lines.lineCount, host.lines.lineCount, `${what}: line count`);
    }
  });

  it('the bundled columnsWorker.js (production build, minified) builds the same document', async function () {
    this.timeout(120000);
    const script = join(releaseBundles(), 'columnsWorker.js');
    for (const [what, input] of INPUTS.slice(0, 8)) {
      const b = bytesOf(input);
      const shared = allocShared(b.length);
      shared.set(b);
      let on = '';
      const doc = await parseColumnsOffThread(shared, { path: 'f.json', columnsWorkerScript: script, onBuilt: (i) => { on = i.on; } });
      assert.equal(on, 'worker', what);
      assertSameColumns(doc, parseLazy(b, { path: 'f.json' }), `${what} (bundle)`);
      assert.deepEqual(doc.parseIssues, parseCoco(b).parseIssues, `${what}: issues`);
    }
  });

  it('the columns worker\'s fallbacks build the same document on the host: no worker, bytes not shared, a worker that fails', async () => {
    const b = Buffer.from(sample(200, { nan: true }).replace('"image_id":3,', '"image_id":3,,'));
    const host = parseLazy(b, { path: 'f.json' });
    const shared = allocShared(b.length);
    shared.set(b);
    const failing = join(mkdtempSync(join(tmpdir(), 'columns-')), 'failing.js');
    writeFileSync(failing, "throw new Error('no columns here');");
    const cases: [string, Uint8Array, Parameters<typeof parseColumnsOffThread>[1], RegExp][] = [
      ['no worker', shared, { columnsWorkerScript: null }, /no worker script/],
      ['not shared', b, {}, /not shared/],
      ['the worker fails', shared, { columnsWorkerScript: failing }, /worker (failed|exited)/],
    ];
    for (const [what, bytes, opts, reason] of cases) {
      let info: { on: string; reason?: string } | undefined;
      const doc = await parseColumnsOffThread(bytes, { ...opts, path: 'f.json', onBuilt: (i) => { info = i; } });
      assert.equal(info?.on, 'host', what);
      assert.match(info?.reason ?? '', reason, what);
      assertSameColumns(doc, host, what);
      assert.deepEqual(doc.parseIssues, host.parseIssues, `${what}: issues`);
    }
  });

  it('the columns worker stops on abort (an AbortError, no document)', async () => {
    const b = Buffer.from(sample(20000));
    const shared = allocShared(b.length);
    shared.set(b);
    const ac = new AbortController();
    let progress = 0;
    const p = parseColumnsOffThread(shared, { columnsSliceBytes: 4096, signal: ac.signal, onProgress: (f) => { progress = f; if (f > 0) ac.abort(); } });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    assert.ok(progress > 0 && progress < 1, `aborted part way (${progress})`);
    const ac2 = new AbortController();
    ac2.abort();
    await assert.rejects(parseColumnsOffThread(shared, { signal: ac2.signal }), (e: Error) => e.name === 'AbortError');
  });

  it('columns keep each field as written: numbers and strings apart, big and fractional ids, -0, missing values', () => {
    const doc = parseLazy(Buffer.from(ODD_IDS));
    const c = columnsOf(doc);
    const full = parseCoco(Buffer.from(ODD_IDS));
    assert.equal(c.length, full.annotationEntries.length);
    full.annotationEntries.forEach((e, i) => {
      const v = (e.value !== null && typeof e.value === 'object' && !Array.isArray(e.value) ? e.value : undefined) as Record<string, unknown> | undefined;
      assert.equal(c.isObject(i), v !== undefined, `isObject ${i}`);
      assert.ok(Object.is(c.id(i), v?.id), `id ${i}: ${String(c.id(i))}`);
      assert.ok(Object.is(c.imageId(i), v?.image_id) || (typeof v?.image_id === 'object' && c.imageId(i) === v.image_id) || JSON.stringify(c.imageId(i)) === JSON.stringify(v?.image_id), `image_id ${i}`);
      assert.deepEqual(c.categoryId(i), v?.category_id, `category_id ${i}`);
    });
    assert.deepEqual(c.boxSize(0), [3, 4]);
    assert.equal(c.boxSize(1), undefined, 'three numbers: no box');
    assert.deepEqual(c.boxSize(2), [1e-3, 2.5]);
    assert.equal(c.area(0), 12);
    assert.equal(c.area(1), undefined, 'a string area');
    assert.ok(Number.isNaN(doc.annotationEntries[3].value && (doc.annotationEntries[3].value as { x: number }).x), 'a NaN token comes back as NaN');
    // 1 and "1" stay apart; the big and negative ids are found.
    assert.deepEqual(c.withId(1), [0, 5]);
    assert.deepEqual(c.withId('1'), [1]);
    assert.deepEqual(c.withId(900100259690), [2]);
    assert.deepEqual(c.withId(-2147483648), [3]);
    assert.deepEqual(c.ofImage(2 ** 40), [2]);
    assert.equal(c.firstWithId(1), 0, 'the first of two');
    assert.equal(c.firstWithId('1'), 1);
    assert.equal(c.firstWithId(900100259690), 2);
    assert.equal(c.firstWithId(77), undefined);
    assert.equal(c.firstWithId('77'), undefined);
  });

  it('an annotation read twice is parsed twice (nothing is kept per annotation) but reads the same', () => {
    const doc = parseLazy(Buffer.from(sample(3000)));
    const a = doc.annotationEntries[2999].value;
    for (let i = 0; i < 3000; i++) void doc.annotationEntries[i].value; // more than the value cache holds
    const b = doc.annotationEntries[2999].value;
    assert.deepEqual(a, b);
    assert.notEqual(a, b, 'the cache does not grow with the file');
  });

  it('a fix\'s new base is parsed as the load parsed (the columns worker), not on the host', async () => {
    const text = sample(30);
    const bytes = allocShared(Buffer.byteLength(text));
    bytes.write(text);
    const built: string[] = [];
    const parse: NonNullable<Parameters<typeof CocoEditorModel.load>[2]>['parse'] = (b, o) => parseColumnsOffThread(b, { ...o, onBuilt: (i) => { built.push(i.on); } });
    const model = await CocoEditorModel.load(bytes, 'f.json', { parse });
    const e = model.base.annotationEntries[4];
    const at = bytes.indexOf('"area":', e.start) + '"area":'.length; // byte offsets (the file names are not ASCII)
    const fix = await model.prepareByteEdits('area', [{ start: at, end: bytes.indexOf('}', at), newText: '99' }], model.baseFingerprint);
    assert.ok(typeof fix !== 'string' && fix.kind === 'base', String(fix));
    assert.deepEqual(built, ['worker', 'worker'], 'the load and the fix both on the worker');
    assert.equal((fix.after.annotationEntries[4].value as { area: number }).area, 99);
    assert.equal(knownFingerprint(fix.after), fingerprint(fix.after.bytes));
  });

  it('the editor model loads it (so the viewer keeps columns, not objects), from bytes and in slices', async () => {
    const bytes = Buffer.from(sample(40));
    assert.ok(CocoEditorModel.fromBytes(bytes, 'f.json').base instanceof LazyCocoDocument);
    assert.ok((await CocoEditorModel.load(bytes, 'f.json')).base instanceof LazyCocoDocument);
  });
});
