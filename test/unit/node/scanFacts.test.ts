import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CocoDocument } from '../../../src/core/coco/document';
import { parseCoco } from '../../../src/core/coco/parse';
import { checkDocument } from '../../../src/core/check';
import { polygonsMaskArea } from '../../../src/core/geometry';
import { positionProblems } from '../../../src/core/report/located';
import { formatJson } from '../../../src/core/report/formats';
import { offerSegmentationFacts, segmentationFacts, type SegmentationFacts } from '../../../src/core/ruleKit/facts';
import { loadCocoParallel, type ParallelLoadOptions } from '../../../src/node/parallelLoad';
import { generate } from '../../../bench/generate';
import { releaseBundles } from '../releaseBundles';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../sharedFixtures';
import type { FactsSplit } from '../../../src/node/scanFacts';
import { INSTANCE_KINDS, kindOf } from '../../../src/core/coco/kind';

/** A polygon ring around (cx, cy) with radius r and `n` vertices (2 decimals, like COCO). */
function ring(cx: number, cy: number, r: number, n = 8): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    out.push(Math.round((cx + r * Math.cos(a)) * 100) / 100, Math.round((cy + r * Math.sin(a)) * 100) / 100);
  }
  return out;
}

/** Annotations of every segmentation shape the facts tell apart, with right and wrong areas. */
function annotationsFor(imageIds: (number | string)[], n: number): unknown[] {
  const out: unknown[] = [];
  for (let k = 0; k < n; k++) {
    const image_id = k % 13 === 12 ? 'nowhere' : k % 17 === 16 ? 9999 : imageIds[k % imageIds.length];
    const base = { id: k + 1, image_id, category_id: 1 + (k % 3), bbox: [k % 50, k % 40, 10 + (k % 7), 12], iscrowd: 0 };
    const shape = k % 16;
    const poly = ring(60 + (k % 30), 50 + (k % 20), 3 + (k % 40));
    const area = Math.PI * (3 + (k % 40)) ** 2 * (k % 5 === 0 ? 1.5 : 0.97);
    switch (shape) {
      case 0: out.push({ ...base, segmentation: [poly], area }); break;
      case 1: out.push({ ...base, segmentation: [poly, ring(70, 55, 10)], area: area + 300 }); break; // overlapping parts
      case 2: out.push({ ...base, segmentation: [ring(5, 5, 1.2, 6)], area: 4 }); break; // tiny
      case 3: out.push({ ...base, segmentation: [[0, 0, 30, 30, 30, 0, 0, 30]], area: 450 }); break; // bow tie
      case 4: out.push({ ...base, segmentation: [[0, 0, 10, 10, 20, 20]], area: 1 }); break; // zero area
      case 5: out.push({ ...base, segmentation: [[1, 2, 3, 4]], area: 2 }); break; // four numbers
      case 6: out.push({ ...base, segmentation: [[1, 2, 3, 4, 5, 6, 7]], area: 2 }); break; // odd
      case 7: out.push({ ...base, segmentation: [1, 2, 3, 4, 5, 6], area: 2 }); break; // flat list
      case 8: out.push({ ...base, segmentation: [[1, 2, 3, 4, 5, 6], 7], area: 2 }); break; // mixed list
      case 9: out.push({ ...base, segmentation: [], area: 2 }); break;
      case 10: out.push({ ...base, iscrowd: 1, segmentation: { counts: [100, 20, 80, 40, 1000], size: [48, 64] }, area: 60 }); break; // crowd RLE
      case 11: out.push({ ...base, iscrowd: 1, segmentation: { counts: '0`0e0', size: [48, 64] }, area: 9 }); break; // compressed RLE
      case 12: out.push({ ...base, segmentation: [ring(630, 470, 30)], area: 900 }); break; // outside the image
      case 13: out.push({ ...base, segmentation: { other: 1 }, area: 3 }); break;
      case 14: out.push({ ...base, area: 'x' }); break; // no segmentation
      default: out.push({ ...base, segmentation: [poly], area: -1 }); break;
    }
  }
  return out;
}

function dataset(opts: { stringIds?: boolean; n?: number } = {}): { images: unknown[]; annotations: unknown[]; categories: unknown[] } {
  const images: unknown[] = [];
  const ids: (number | string)[] = [];
  for (let k = 0; k < 40; k++) {
    const id = opts.stringIds ? `img-${k}` : k * 3;
    ids.push(id);
    images.push({ id, file_name: `${k}.jpg`, width: k % 11 === 10 ? 0 : 640, height: k % 9 === 8 ? 480.5 : 480 });
  }
  images.push({ id: ids[0], file_name: 'dup.jpg', width: 10, height: 10 }); // a duplicate id: the first image wins
  images.push('not an image', null);
  return { images, annotations: annotationsFor(ids, opts.n ?? 400), categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }] };
}

/** `text` with every `nth` occurrence of `from` replaced by `to`. */
function everyNth(text: string, from: string, to: string, nth: number): string {
  let k = 0;
  return text.split(from).reduce((out, part, i) => (i === 0 ? part : out + (++k % nth === 0 ? to : from) + part), '');
}

/** Named files: string ids, errors, duplicates, crowd RLE, malformed elements, odd layouts. */
function inputs(): [string, string][] {
  const plain = JSON.stringify(dataset());
  const { images, annotations, categories } = dataset({ stringIds: true });
  return [
    ['integer ids', plain],
    ['string ids', JSON.stringify({ images, annotations, categories })],
    ['annotations before images', JSON.stringify({ annotations, categories, images })],
    ['pretty printed', JSON.stringify(dataset({ n: 120 }), null, 2)],
    ['malformed elements', JSON.stringify({ ...dataset(), annotations: [...annotationsFor([0, 3], 50), 5, null, 'x', [1, 2]] }).replace('"id":7,', '"id":7,,')],
    // Invalid inside fields the worker's reader skips (it is no validator): this thread redoes them.
    ['malformed inside skipped fields', everyNth(plain.replace('"bbox":[', '"bbox":[,'), '"iscrowd":0,', '"iscrowd":0x,', 5)],
    ['bare NaN and Infinity', plain.replace(/"area":(\d+)\.(\d)\d*/g, (m, a) => (Number(a) % 3 === 0 ? '"area":NaN' : m)).replace('"width":640', '"width":Infinity')],
    ['NaN inside a polygon', plain.replace(/\[\[(\d+\.?\d*),/g, (m, x) => (Number(x) % 4 === 0 ? '[[NaN,' : m))],
    ['repeated sections', JSON.stringify({ images: [{ id: 1, width: 5, height: 5 }], annotations: annotationsFor([1], 30) }).slice(0, -1) + ',' + plain.slice(1)],
    ['results list (top-level array)', JSON.stringify(annotationsFor([0, 3, 6], 200).map((a) => ({ ...(a as object), score: 0.5 })))],
    ['no images section', JSON.stringify({ annotations: annotationsFor([1, 2], 60) })],
    ['truncated', plain.slice(0, Math.floor(plain.length * 0.6))],
  ];
}

/** Every column and the slot map, as plain values. */
function plainFacts(f: SegmentationFacts): Record<string, unknown> {
  const { polygonMaskArea: _, slots, ...rest } = f;
  const out: Record<string, unknown> = { slots: [...slots] };
  for (const [k, v] of Object.entries(rest)) out[k] = ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v;
  return out;
}

/** The full check as the CLI prints it (positions and all), without timings. */
function report(doc: CocoDocument): unknown {
  const result = checkDocument(doc);
  return { problems: positionProblems(doc, result.problems), summary: { ...result.summary, ruleMs: {} } };
}

describe('rule facts from the scan worker (CLI check, ruleFacts)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'labelscope-scanfacts-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.json`);
    writeFileSync(file, content);
    return file;
  };
  const twoThreads = (o: ParallelLoadOptions = {}): ParallelLoadOptions => ({
    ruleFacts: true, ...o, onThreads: (info) => assert.equal(info.threads, 2, `parsed on one thread: ${info.reason}`),
  });

  /** Checks one file: the worker's facts are taken, equal the local ones, and the check's output is the one-thread output. */
  async function sameAsOneThread(name: string, file: string, opts: ParallelLoadOptions): Promise<void> {
    const single = parseCoco(readFileSync(file), { path: file });
    const doc = await loadCocoParallel(file, twoThreads(opts));
    const fromWorker = segmentationFacts(doc);
    const local = segmentationFacts(single);
    if (doc.annotationEntries.length > 0) {
      assert.ok(fromWorker.polygonMaskArea, `${name}: the facts came from the worker`);
      assert.ok(!local.polygonMaskArea, `${name}: computed here, no rasterized areas`);
    }
    assert.deepEqual(plainFacts(fromWorker), plainFacts(local), `${name}: the same facts`);
    const seg = fromWorker.polygonMaskArea;
    let rasterized = 0;
    for (let a = 0; seg && a < seg.length; a++) {
      if (Number.isNaN(seg[a])) continue;
      rasterized++;
      const ann = single.annotationEntries[a].value as { segmentation: number[][] };
      const slot = local.imageSlot[a];
      assert.equal(seg[a], polygonsMaskArea(ann.segmentation, local.slotH[slot], local.slotW[slot]), `${name}: annotation ${a}'s mask area`);
    }
    if (/integer ids|string ids/.test(name)) assert.ok(rasterized > 20, `${name}: the worker rasterized the suspects (${rasterized})`);
    assert.deepEqual(report(doc), report(single), `${name}: the check's output`);
  }

  it('gives the facts and the output of the one-thread check, on varied files', async () => {
    for (const [name, content] of inputs()) await sameAsOneThread(name, write(name, content), { scanSliceBytes: 1024 });
  });

  it('same when the file is read in small chunks while the worker scans', async () => {
    for (const [name, content] of inputs()) {
      await sameAsOneThread(`${name} (reads of 61)`, write(name, content), { scanSliceBytes: 1024, readChunkBytes: 61, frontierMargin: 16, waitForWorker: true });
    }
  });

  it('same on a generated train2017-like file (scale 0.02), with the bundled worker too', async function () {
    const file = await generate(0.02);
    await sameAsOneThread('bench x0.02', file, {});
    await sameAsOneThread('bench x0.02, scanWorker.js', file, { workerScript: join(releaseBundles(), 'scanWorker.js') });
  });

  it('the line index still comes from the worker after the facts', async () => {
    const file = write('lines', JSON.stringify(dataset(), null, 1));
    const doc = await loadCocoParallel(file, twoThreads());
    segmentationFacts(doc);
    const pending = (doc.lines as unknown as { pending?: unknown }).pending;
    assert.ok(pending, 'the worker\'s checkpoints are pending');
    const single = parseCoco(readFileSync(file));
    assert.deepEqual(doc.lines.positionAt(doc.bytes.length - 3), single.lines.positionAt(single.bytes.length - 3));
  });

  it('lines asked before any rule took the facts (a results file): the lines come, and later facts are still right', async () => {
    for (const [name, content] of inputs().slice(0, 3)) {
      const file = write(`${name} lines first`, content);
      const single = parseCoco(readFileSync(file), { path: file });
      const doc = await loadCocoParallel(file, twoThreads());
      const end = doc.bytes.length - 1;
      assert.deepEqual(doc.lines.positionAt(end), single.lines.positionAt(end), `${name}: position`);
      assert.deepEqual(plainFacts(segmentationFacts(doc)), plainFacts(segmentationFacts(single)), `${name}: facts`);
      assert.deepEqual(report(doc), report(single), `${name}: the check's output`);
    }
  });

  it('without ruleFacts the worker makes none: the facts are computed here', async () => {
    const file = write('plain', JSON.stringify(dataset()));
    const doc = await loadCocoParallel(file, twoThreads({ ruleFacts: false }));
    assert.equal(segmentationFacts(doc).polygonMaskArea, undefined);
  });
});

/** The CLI's JSON output of the full check (labelscope check FILE --format json), without its timing fields. */
function cliJson(doc: CocoDocument, file: string): string {
  const result = checkDocument(doc);
  return formatJson({ file, problems: positionProblems(doc, result.problems), summary: { ...result.summary, ruleMs: {}, durationMs: 0 } });
}

type FactsInfo = Parameters<NonNullable<ParallelLoadOptions['onFacts']>>[0];

/** Loads `file` on two threads with the facts split as `split` says; returns the CLI output and who made which chunks. */
async function splitRun(file: string, split: FactsSplit | undefined, factsChunk: number): Promise<{ json: string; info: FactsInfo | undefined }> {
  let info: FactsInfo | undefined;
  const doc = await loadCocoParallel(file, {
    ruleFacts: true, factsChunk, ...(split ? { factsSplit: split } : {}), onFacts: (i) => { info = i; },
    onThreads: (t) => assert.equal(t.threads, 2, `parsed on one thread: ${t.reason}`),
  });
  const json = cliJson(doc, file);
  // No rule of a file that is not instance-like reads the facts (labelme's own JSON).
  if (INSTANCE_KINDS.includes(kindOf(doc).kind)) assert.ok(info, 'the facts were taken');
  return { json, info };
}

/** The check's JSON output is the one-thread output whichever thread made which chunk of the facts. */
async function sameWhateverTheSplit(name: string, file: string, factsChunk: number): Promise<void> {
  const expected = cliJson(parseCoco(readFileSync(file), { path: file }), file);
  for (const split of ['worker', 'main', 'alternate', undefined] as const) {
    const { json, info } = await splitRun(file, split, factsChunk);
    if (info !== undefined) {
      assert.ok(!('reason' in info), `${name}, ${split ?? 'free'}: the worker's table was used (${'reason' in info ? info.reason : ''})`);
      if (!('reason' in info)) {
        if (split === 'worker') assert.equal(info.byMain, 0, `${name}: the worker made every chunk`);
        if (split === 'main') assert.equal(info.byWorker, 0, `${name}: this thread made every chunk`);
        if (split === 'alternate' && info.chunks >= 2) assert.ok(info.byWorker > 0 && info.byMain > 0, `${name}: both threads made chunks (${info.byWorker} + ${info.byMain})`);
        assert.equal(info.byWorker + info.byMain, info.chunks);
      }
    }
    assert.equal(json, expected, `${name}, split ${split ?? 'free'}: the JSON output`);
  }
}

describe('rule facts made in chunks by the scan worker and the main thread (CLI check)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'labelscope-factsplit-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the same JSON output with the worker making all chunks, none, every other one, or any', async () => {
    // Chunks of 7 annotations: unknown image ids ("nowhere", 9999) fall in chunks of both threads.
    for (const [name, content] of inputs()) {
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.json`);
      writeFileSync(file, content);
      await sameWhateverTheSplit(name, file, 7);
    }
  });

  it('the same on a generated train2017-like file (scale 0.02) in chunks of the real size', async () => {
    const file = await generate(0.02);
    await sameWhateverTheSplit('bench x0.02', file, 1024);
  });

  it('the same on every fixture made by other tools', async function () {
    requireSharedFixtures(this);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (e.endsWith('.json')) files.push(p);
      }
    };
    walk(SHARED_FIXTURES);
    assert.ok(files.length >= 2, `fixtures found: ${files.length}`);
    for (const file of files) await sameWhateverTheSplit(file, file, 1);
  });
});

describe('offerSegmentationFacts', () => {
  it('uses offered facts only when they cover the document\'s annotations', () => {
    const bytes = Buffer.from(JSON.stringify(dataset({ n: 30 })));
    const a = parseCoco(bytes);
    const b = parseCoco(bytes);
    const right = segmentationFacts(parseCoco(bytes));
    offerSegmentationFacts(a, () => right);
    assert.equal(segmentationFacts(a), right, 'taken');
    const wrong = segmentationFacts(parseCoco(Buffer.from(JSON.stringify(dataset({ n: 29 })))));
    offerSegmentationFacts(b, () => wrong);
    assert.notEqual(segmentationFacts(b), wrong, 'refused: other annotations');
    assert.deepEqual(plainFacts(segmentationFacts(b)), plainFacts(right));
    const c = parseCoco(bytes);
    offerSegmentationFacts(c, () => undefined);
    assert.deepEqual(plainFacts(segmentationFacts(c)), plainFacts(right), 'none given: computed here');
  });
});
