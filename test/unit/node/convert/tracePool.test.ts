import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConvertLog, type CocoDataset } from '../../../../src/core/convert/model';
import { annotationsToTrace, writeYolo } from '../../../../src/core/convert/yolo';
import { rleEncode } from '../../../../src/core/geometry';
import { runConvert } from '../../../../src/node/convert/runConvert';
import { traceInWorkers } from '../../../../src/node/convert/tracePool';

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

describe('crowd tracing in worker threads (tracePool)', function () {
  this.timeout(120000);

  it('the YOLO-seg label files are byte-identical to tracing on one thread', async () => {
    const ds = crowdDataset(6, 3, 160, 120);
    const single = writeYolo(ds, new ConvertLog(), { task: 'segment' });
    const toTrace = annotationsToTrace(ds, { task: 'segment' });
    assert.equal(toTrace.length, 18);
    const traced = await traceInWorkers(ds, toTrace, { threads: 2, minPixels: 0 });
    assert.equal(traced.size, 18, 'every mask was traced in a worker');
    const pooled = writeYolo(ds, new ConvertLog(), { task: 'segment', traced });
    assert.deepEqual(pooled.files.map((f) => f.path), single.files.map((f) => f.path));
    for (let i = 0; i < single.files.length; i++) assert.equal(pooled.files[i].data, single.files[i].data, single.files[i].path);
    assert.ok(single.files.some((f) => String(f.data).split('\n').length > 4), 'label files hold the traced objects');
  });

  it('small work stays on the writer thread (no pool started)', async () => {
    const ds = crowdDataset(1, 1, 40, 30);
    const traced = await traceInWorkers(ds, annotationsToTrace(ds, { task: 'segment' }), { threads: 2 });
    assert.equal(traced.size, 0);
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
