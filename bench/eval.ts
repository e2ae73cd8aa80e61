/**
 * npm run bench:eval — COCOeval on a generated 5,000-image pair (bench/evalData.ts), bbox and
 * segm, Labelscope against pycocotools on the same files. pycocotools cannot run inside npm
 * (PyPI is unreachable, it is built from source in /tmp): its time was measured once with
 * scripts/oracle/bench-pycocotools.py and is read from scripts/oracle/pycocotools-bench.json,
 * together with its 12 numbers, which this run must reproduce exactly.
 * LABELSCOPE_BENCH_EVAL_IMAGES=500 for a quick run (no pycocotools comparison then).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { evaluateFiles } from '../src/node/eval/runEval';
import { EVAL_DATA_VERSION, evalBenchFiles } from './evalData';

interface PycocoFigure { dataVersion: number; images: number; iouType: string; cpuSeconds: number; seconds: { total: number; load: number; evaluate: number; accumulate: number }; stats: number[] }

async function main() {
  const files = evalBenchFiles();
  console.log(`eval bench pair: ${files.images} images, ${files.labels} labels, ${files.detections} detections (${(statSync(files.segm).size / 2 ** 20).toFixed(0)} MB segm results)`);
  const refFile = join(__dirname, '..', 'scripts', 'oracle', 'pycocotools-bench.json');
  const ref: PycocoFigure[] = existsSync(refFile) ? JSON.parse(readFileSync(refFile, 'utf8')).runs : [];
  const threads = Math.max(1, availableParallelism() - 1);
  const rows: string[][] = [];
  let failed = false;
  for (const iouType of ['bbox', 'segm'] as const) {
    const dt = iouType === 'bbox' ? files.bbox : files.segm;
    const wall: Record<string, number> = {};
    let cpu = 0;
    let stats: number[] = [];
    for (const t of [0, threads]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await evaluateFiles(files.gt, dt, { iouType, threads: t });
      wall[t] = (performance.now() - t0) / 1000;
      if (t === 0) { const c = process.cpuUsage(c0); cpu = (c.user + c.system) / 1e6; }
      stats = r.result.stats;
    }
    const py = ref.find((x) => x.iouType === iouType && x.dataVersion === EVAL_DATA_VERSION && x.images === files.images);
    const same = py ? py.stats.every((v, i) => v === stats[i]) : undefined;
    if (same === false) failed = true;
    rows.push([iouType, cpu.toFixed(2), wall[0].toFixed(2), `${wall[threads].toFixed(2)} (${threads})`, py ? py.cpuSeconds.toFixed(2) : '-', py ? py.seconds.total.toFixed(2) : '-', py ? `${(py.cpuSeconds / cpu).toFixed(1)}×` : '-', same === undefined ? 'no reference' : same ? 'identical' : 'DIFFERENT']);
  }
  const head = ['iouType', 'ours CPU s (1 thread)', 'ours wall s', 'ours wall s (workers)', 'pycocotools CPU s', 'pycocotools wall s', 'CPU speed-up', '12 numbers'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
  console.log('(from the files: read both JSON files, loadRes, evaluate, accumulate, summarize. The speed-up compares CPU seconds of one thread each,\n which a shared machine does not distort; goal: pycocotools / labelscope >= 3)');
  if (failed) { console.error('the 12 numbers differ from pycocotools'); process.exitCode = 1; }
}

void main();
