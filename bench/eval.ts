/**
 * npm run bench:eval — COCOeval on a generated 5,000-image pair (bench/evalData.ts), bbox and
 * segm, Labelscope against pycocotools on the same files. pycocotools cannot run inside npm
 * (PyPI is unreachable, it is built from source in /tmp): its time was measured once with
 * scripts/oracle/bench-pycocotools.py and is read from scripts/oracle/pycocotools-bench.json,
 * together with its 12 numbers, which this run must reproduce exactly.
 * LABELSCOPE_BENCH_EVAL_IMAGES=500 for a quick run (no pycocotools comparison then).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { evaluateFiles } from '../src/node/eval/runEval';
import { EVAL_DATA_VERSION, evalBenchFiles } from './evalData';

interface OneRun { cpu: number; wall: number; stats: number[] }

/** One evaluation in a fresh process with room to breathe (8 GB heap), as bench/run.ts runs its cases. */
function runOne(iouType: 'bbox' | 'segm', threads: number): OneRun {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', __filename, '--one', iouType, String(threads)], { encoding: 'utf8', maxBuffer: 16 << 20, cwd: join(__dirname, '..') });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('EVAL_RESULT '));
  if (r.status !== 0 || !line) throw new Error(`${iouType} with ${threads} threads failed: ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(line.slice('EVAL_RESULT '.length));
}

async function one(iouType: 'bbox' | 'segm', threads: number) {
  const files = evalBenchFiles();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await evaluateFiles(files.gt, iouType === 'bbox' ? files.bbox : files.segm, { iouType, threads });
  const c = process.cpuUsage(c0);
  console.log(`EVAL_RESULT ${JSON.stringify({ cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000, stats: r.result.stats })}`);
}

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
    const wall: Record<string, number> = {};
    let cpu = 0;
    let stats: number[] = [];
    for (const t of [0, threads]) {
      const r = runOne(iouType, t);
      wall[t] = r.wall;
      if (t === 0) cpu = r.cpu;
      stats = r.stats;
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

if (process.argv[2] === '--one') void one(process.argv[3] as 'bbox' | 'segm', Number(process.argv[4]));
else void main();
