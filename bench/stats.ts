/**
 * npm run bench:stats  (LABELSCOPE_BENCH_SCALE=0.05 for a quick run)
 *
 * `labelscope stats FILE --format json` against loading the file alone, on the generated
 * train2017-like file, each in its own child process (so peak RSS is its own), alternated
 * `LABELSCOPE_BENCH_REPEAT` times (default 2); the best of each is compared. Goal: ≤ 1.2×.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchScale, generate } from './generate';

const TARGET_RATIO = 1.2;

async function child(mode: string, file: string): Promise<void> {
  // Modules are imported before the clock starts: both modes time only the work.
  const { loadCoco } = await import('../src/node/loadCoco');
  const { main } = await import('../src/cli/main');
  const { computeStats, formatStats } = await import('../src/core/metrics/stats');
  const t0 = performance.now();
  let extra: Record<string, number>;
  if (mode === 'load') {
    const doc = await loadCoco(file, { onProgress: () => {} });
    extra = { annotations: doc.annotationEntries.length };
  } else if (mode === 'cli') {
    // Exactly what the CLI does, output discarded.
    let bytes = 0;
    const code = await main(['stats', file, '--format', 'json'], { stdout: (s) => { bytes += s.length; }, stderr: () => {}, stderrIsTTY: false });
    if (code !== 0) throw new Error(`stats exited ${code}`);
    extra = { jsonBytes: bytes };
  } else {
    // The CLI's steps one by one, timed: on a shared machine the in-process ratio is the steady figure.
    const doc = await loadCoco(file, { onProgress: () => {} });
    const t1 = performance.now();
    const r = computeStats(doc);
    const t2 = performance.now();
    const json = formatStats({ version: 1, splits: [r.stats] }, 'json');
    const t3 = performance.now();
    extra = { loadMs: t1 - t0, computeMs: t2 - t1, formatMs: t3 - t2, jsonBytes: json.length };
  }
  const wallMs = performance.now() - t0;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`STATS_BENCH ${JSON.stringify({ wallMs, maxRssMB, ...extra })}\n`);
}

function run(mode: string, file: string): { wallMs: number; maxRssMB: number } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', __filename, 'child', mode, file], { encoding: 'utf8', cwd: join(__dirname, '..'), maxBuffer: 16 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('STATS_BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${mode}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(line.slice('STATS_BENCH '.length));
}

async function main() {
  if (process.argv[2] === 'child') return child(process.argv[3], process.argv[4]);
  const file = await generate(benchScale(), 2017, (s) => console.log(s));
  const repeat = Number(process.env.LABELSCOPE_BENCH_REPEAT ?? 2);
  const load: number[] = [], stats: number[] = [], inProcess: number[] = [];
  let loadRss = 0, statsRss = 0;
  for (let k = 0; k < repeat; k++) {
    const a = run('load', file);
    const b = run('cli', file);
    const c = run('steps', file) as { wallMs: number; maxRssMB: number; loadMs: number; computeMs: number; formatMs: number };
    load.push(a.wallMs); stats.push(b.wallMs); inProcess.push(c.wallMs / c.loadMs);
    loadRss = Math.max(loadRss, a.maxRssMB); statsRss = Math.max(statsRss, b.maxRssMB, c.maxRssMB);
    console.log(`run ${k + 1}: load ${a.wallMs.toFixed(0)} ms (${a.maxRssMB.toFixed(0)} MB), labelscope stats ${b.wallMs.toFixed(0)} ms (${b.maxRssMB.toFixed(0)} MB); `
      + `steps: load ${c.loadMs.toFixed(0)} + stats ${c.computeMs.toFixed(0)} + JSON ${c.formatMs.toFixed(0)} ms`);
  }
  const ratio = Math.min(...stats) / Math.min(...load);
  const steady = Math.min(...inProcess);
  console.log(`\nlabelscope stats / load alone, separate processes (best of ${repeat}): ${ratio.toFixed(2)}× (goal ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'OK' : 'OVER'}`);
  console.log(`(load + stats + JSON) / load in one process (best of ${repeat}): ${steady.toFixed(2)}× ${steady <= TARGET_RATIO ? 'OK' : 'OVER'}`);
  console.log(`peak RSS: stats ${statsRss.toFixed(0)} MB, load alone ${loadRss.toFixed(0)} MB`);
}

main().catch((e) => { console.error(e); process.exit(1); });
