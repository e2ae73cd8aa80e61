import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConvertLog, type CocoDataset } from '../../../../src/core/convert/model';
import { annotationsToTrace, writeYolo } from '../../../../src/core/convert/yolo';
import { rleEncode } from '../../../../src/core/geometry';
import { runConvert } from '../../../../src/node/convert/runConvert';
import { decodeResult, encodeResult, traceAhead } from '../../../../src/node/convert/tracePool';
import { traceSegmentation } from '../../../../src/core/convert/shapes';
import { releaseBundles } from '../../releaseBundles';

/** A seeded blob mask per crowd object: ragged columns, some with a hole, some in two parts. */
function crowdDataset(images: number, perImage: number, w: number, h: number): CocoDataset {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const ds: CocoDataset = { images: [], annotations: [], categories: [{ id: 1, name: 'crowd' }, { id: 2, name: 'thing' }] };
  for (let i = 1; i <= images; i++) {
    ds.images.push({ id: i, file_name: `img${i}.jpg`, width: w, height: h });
    for (let k = 0; k < perImage; k++) {
      const m = new Uint8Array(h * w);
      const bw = Math.floor(w * (0.2 + 0.5 * rand())), bh = Math.floor(h * (0.2 + 0.5 * rand()));
      const x0 = Math.floor(rand() * (w - bw)), y0 = Math.floor(rand() * (h - bh));
      for (let x = x0; x < x0 + bw; x++) {
        const top = y0 + Math.floor(rand() * bh * 0.2), bottom = y0 + bh - Math.floor(rand() * bh * 0.2);
        for (let y = top; y < bottom; y++) m[y * w + x] = 1;
      }
      if (k % 3 === 1) for (let y = y0 + bh / 3; y < y0 + bh / 2; y++) for (let x = x0 + bw / 3; x < x0 + bw / 2; x++) m[Math.floor(y) * w + Math.floor(x)] = 0;
      if (k % 3 === 2) for (let y = 0; y < h; y++) m[y * w + x0 + (bw >> 1)] = 0; // cut in two
      const rle = rleEncode(m, h, w);
      let area = 0;
      for (let p = 0; p < m.length; p++) area += m[p];
      ds.annotations.push({ id: ds.annotations.length + 1, image_id: i, category_id: 1, bbox: [x0, y0, bw, bh], area, iscrowd: 1, segmentation: rle });
    }
    ds.annotations.push({ id: ds.annotations.length + 1, image_id: i, category_id: 2, bbox: [1, 1, 10, 10], area: 100, iscrowd: 0, segmentation: [[1, 1, 11, 1, 11, 11, 1, 11]] });
  }
  return ds;
}

describe('crowd tracing in worker threads while the writer runs (tracePool)', function () {
  this.timeout(120000);

  /** Waits until the workers have traced `n` masks (they start in a second or two through tsx). */
  async function tracedAhead(traced: NonNullable<ReturnType<typeof traceAhead>>, n: number) {
    const t0 = Date.now();
    while (traced.produced() < n) {
      if (Date.now() - t0 > 60000) throw new Error(`workers traced ${traced.produced()} of ${n} masks in 60 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('the YOLO-seg label files are byte-identical to tracing on one thread, and the workers traced masks', async () => {
    const ds = crowdDataset(6, 3, 160, 120);
    const single = writeYolo(ds, new ConvertLog(), { task: 'segment' });
    const toTrace = annotationsToTrace(ds, { task: 'segment' });
    assert.equal(toTrace.length, 18);
    // the writer first (workers still starting: it traces what they haven't claimed), then with
    // every mask traced ahead by the workers
    for (const [threads, waitForWorkers] of [[1, false], [2, false], [1, true], [2, true]] as const) {
      const traced = traceAhead(toTrace, { threads, minPixels: 0 });
      assert.ok(traced, 'workers started');
      try {
        if (waitForWorkers) await tracedAhead(traced, 18);
        const pooled = writeYolo(ds, new ConvertLog(), { task: 'segment', traced });
        assert.deepEqual(pooled.files.map((f) => f.path), single.files.map((f) => f.path));
        for (let i = 0; i < single.files.length; i++) assert.deepEqual(pooled.files[i].data, single.files[i].data, single.files[i].path);
        assert.equal(traced.stats.byWorkers + traced.stats.byWriter, 18, 'every mask was asked for once');
        if (waitForWorkers) assert.equal(traced.stats.byWorkers, 18, `${threads} thread(s): every mask came from a worker`);
      } finally {
        await traced.close();
      }
    }
    assert.ok(single.files.some((f) => new TextDecoder().decode(f.data as Uint8Array).split('\n').length > 4), 'label files hold the traced objects');
  });

  it('the released bundle\'s worker (dist/convertTraceWorker.js) traces them too', async function () {
    this.timeout(300000);
    const ds = crowdDataset(3, 3, 160, 120);
    const single = writeYolo(ds, new ConvertLog(), { task: 'segment' });
    const toTrace = annotationsToTrace(ds, { task: 'segment' });
    const traced = traceAhead(toTrace, { threads: 1, minPixels: 0, workerFile: path.join(releaseBundles(), 'convertTraceWorker.js') });
    assert.ok(traced);
    try {
      await tracedAhead(traced, toTrace.length);
      const pooled = writeYolo(ds, new ConvertLog(), { task: 'segment', traced });
      assert.equal(traced.stats.byWorkers, toTrace.length);
      for (let i = 0; i < single.files.length; i++) assert.deepEqual(pooled.files[i].data, single.files[i].data, single.files[i].path);
    } finally {
      await traced.close();
    }
  });

  it('a worker that fails to start leaves every mask to the writer (same files)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-trace-bad-'));
    try {
      const bad = path.join(dir, 'badWorker.js');
      fs.writeFileSync(bad, 'throw new Error("this worker does not start");\n');
      const ds = crowdDataset(2, 3, 160, 120);
      const single = writeYolo(ds, new ConvertLog(), { task: 'segment' });
      const toTrace = annotationsToTrace(ds, { task: 'segment' });
      const traced = traceAhead(toTrace, { threads: 1, minPixels: 0, workerFile: bad });
      assert.ok(traced);
      try {
        const pooled = writeYolo(ds, new ConvertLog(), { task: 'segment', traced });
        assert.equal(traced.stats.byWriter, toTrace.length);
        for (let i = 0; i < single.files.length; i++) assert.deepEqual(pooled.files[i].data, single.files[i].data, single.files[i].path);
      } finally {
        await traced.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('masks traced by a worker are the ones the writer would trace (encoded, sent, decoded)', () => {
    const ds = crowdDataset(2, 3, 160, 120);
    for (const a of ds.annotations) {
      if (a.iscrowd !== 1) continue;
      const m = traceSegmentation(a.segmentation!, 120, 160);
      const back = decodeResult(encodeResult(7, m));
      assert.equal(back.index, 7);
      assert.deepEqual(back.mask, m);
    }
    assert.deepEqual(decodeResult(encodeResult(3, undefined)), { index: 3, mask: null });
  });

  it('small work starts no thread', () => {
    const ds = crowdDataset(1, 1, 40, 30);
    assert.equal(traceAhead(annotationsToTrace(ds, { task: 'segment' }), { threads: 2 }), undefined);
    const big = crowdDataset(1, 1, 40, 30);
    assert.equal(traceAhead(annotationsToTrace(big, { task: 'segment' }), { threads: 0, minPixels: 0 }), undefined);
  });

  it('runConvert with threads gives the same files and report as with none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-trace-'));
    try {
      const ds = crowdDataset(8, 4, 1000, 800); // ~13 M box pixels: over the pool's threshold
      const input = path.join(dir, 'instances.json');
      fs.writeFileSync(input, JSON.stringify(ds));
      const outs: Record<string, string> = {};
      for (const threads of [0, 2]) {
        const out = path.join(dir, `yolo-${threads}`);
        const r = await runConvert({ input, output: out, to: 'yolo-seg', threads, roundTrip: false });
        assert.equal(r.report.objectsIn, 40);
        outs[threads] = out;
      }
      const labels = (d: string) => fs.readdirSync(path.join(d, 'labels', 'train')).sort();
      assert.deepEqual(labels(outs[2]), labels(outs[0]));
      for (const f of labels(outs[0])) {
        assert.ok(fs.readFileSync(path.join(outs[2], 'labels', 'train', f)).equals(fs.readFileSync(path.join(outs[0], 'labels', 'train', f))), f);
      }
      const report = (d: string) => fs.readFileSync(path.join(d, 'conversion-report.md'), 'utf8').replaceAll(d, 'OUT');
      assert.equal(report(outs[2]), report(outs[0]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
