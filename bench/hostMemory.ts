/**
 * npm run bench:host-memory — the viewer's host-side memory on the big file, without VS Code
 * (issue 8.6; `npm run bench:vscode` measures the same in code-server, with VS Code's own share):
 *
 *   view    the file read into shared memory and the editor model loaded as the viewer loads it
 *           (cocoEditorProvider: readFileShared + CocoEditorModel.load with parseSharedParallel),
 *           then what opening the viewer asks for (init, the first image, the grid and its first
 *           cells); RSS and the V8 heap after a full GC.
 *   check   the check worker (dist/checkWorker.js) checks the same shared bytes while the model
 *           stays loaded: this process's peak RSS (sampled every 20 ms, worker threads included).
 *
 * Run with `node --expose-gc` (the npm script does): a GC before each reading, so the figures are
 * what is kept, not what is waiting to be collected (the RSS before that GC is reported too, as
 * `…RssNoGcMB`: what a host that has not collected yet shows). One run per process. Arguments: a
 * file (default: bench/.data's, LABELSCOPE_BENCH_SCALE), `--no-build` (dist/ is built already),
 * `--workspace`: the file in bench:vscode's workspace (bench/vscodeWorkspace.ts: the first image
 * present, every other one missing) and checked with its image files, so the check finds what
 * code-server's finds (~124k problems on the scale-1 file); `--image-files`: image files checked
 * where the file is.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { benchScale, generate } from './generate';
import { workspace } from './vscodeWorkspace';
import { readFileShared } from '../src/node/sharedBytes';
import { parseSharedParallel } from '../src/node/parallelLoad';
import { CocoEditorModel } from '../src/editor/editorModel';
import { WorkerCheckRunner } from '../src/extension/checkRunner';

const ROOT = join(__dirname, '..');
const MB = 1048576;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) { g(); g(); }
}

function mem(): { rssMB: number; rssNoGcMB: number; heapMB: number; heapTotalMB: number; externalMB: number } {
  const rssNoGcMB = process.memoryUsage.rss() / MB;
  gc();
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, rssNoGcMB, heapMB: m.heapUsed / MB, heapTotalMB: m.heapTotal / MB, externalMB: m.external / MB };
}

async function main(): Promise<void> {
  const given = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? await generate(benchScale(), 2017, (m) => console.log(m));
  const inWorkspace = process.argv.includes('--workspace');
  const file = inWorkspace ? (await workspace(given)).coco : given;
  const size = fs.statSync(file).size;
  if (!process.argv.includes('--no-build')) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const idle = mem();
  const t0 = performance.now();
  const bytes = await readFileShared(file);
  const model = await CocoEditorModel.load(bytes, file, { parse: (b, o) => parseSharedParallel(b, { ...o, scanSliceBytes: 1 << 20 }) });
  const loadMs = performance.now() - t0;
  const loaded = mem();
  // What the viewer asks for when it opens: init, the first image, the grid and its first cells.
  const t1 = performance.now();
  model.init(0);
  model.imagePayload(0);
  const all = model.queryGrid({});
  model.gridCells([...all.subarray(0, 60)]);
  const viewMs = performance.now() - t1;
  const view = mem();
  // The check of the same shared bytes, the model kept.
  const runner = new WorkerCheckRunner(join(ROOT, 'dist'));
  let peak = 0;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss() / MB); }, 20);
  const t2 = performance.now();
  // --image-files / --workspace: the image-file rules too (in code-server every image of the benchmark file but the first is missing: ~118k more problems).
  const outcome = await runner.run({ file, bytes, checkImageFiles: inWorkspace || process.argv.includes('--image-files') }, () => undefined, new AbortController().signal);
  const checkMs = performance.now() - t2;
  clearInterval(sample);
  await runner.dispose();
  const checked = mem();
  // As bench/vscode.ts: the view's memory 3 s after the check (its worker thread has ended by then),
  // with the outcome kept and the viewer's problem list made from it (as a viewer session holds them).
  const t3 = performance.now();
  // The session's list: compact rows over the outcome's table (problemIndex.ProblemList).
  const payload = await model.problemListInSlices(outcome.problems);
  const problemsMs = performance.now() - t3;
  await new Promise((r) => setTimeout(r, 3000));
  const after = mem();
  const fileMB = size / MB;
  const perProblem = (a: number, b: number) => Math.round(((a - b) * MB) / Math.max(1, outcome.problems.length));
  const r = {
    fileMB: Math.round(fileMB), annotations: model.annotationCount(), images: model.imageCount,
    loadMs: Math.round(loadMs), viewMs: Math.round(viewMs), checkMs: Math.round(checkMs), problems: outcome.problems.length,
    idleRssMB: Math.round(idle.rssMB),
    viewRssMB: Math.round(view.rssMB), viewHeapMB: Math.round(view.heapMB), viewHeapTotalMB: Math.round(view.heapTotalMB), viewExternalMB: Math.round(view.externalMB),
    loadedHeapMB: Math.round(loaded.heapMB),
    viewOverFile: +(view.rssMB / fileMB).toFixed(2), viewOverFileLessIdle: +((view.rssMB - idle.rssMB) / fileMB).toFixed(2),
    checkPeakRssMB: Math.round(peak),
    // The outcome kept (as the check service keeps it), then with the viewer's problem list beside it.
    outcomeRssMB: Math.round(checked.rssMB), outcomeRssNoGcMB: Math.round(checked.rssNoGcMB), outcomeHeapMB: Math.round(checked.heapMB), outcomeExternalMB: Math.round(checked.externalMB),
    outcomeBytesPerProblem: perProblem(checked.heapMB + checked.externalMB, view.heapMB + view.externalMB),
    afterCheckRssMB: Math.round(after.rssMB), afterCheckRssNoGcMB: Math.round(after.rssNoGcMB), afterCheckHeapMB: Math.round(after.heapMB), afterCheckExternalMB: Math.round(after.externalMB),
    listBytesPerProblem: perProblem(after.heapMB + after.externalMB, checked.heapMB + checked.externalMB),
    afterCheckOverFile: +(after.rssMB / fileMB).toFixed(2), afterCheckNoGcOverFile: +(after.rssNoGcMB / fileMB).toFixed(2),
    problemsMs: Math.round(problemsMs), listed: payload.length,
  };
  console.log(JSON.stringify(r));
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
