/**
 * Benchmark cases. Each runs alone in a child process (bench/child.ts) so its
 * peak RSS is its own. Add a case: push onto CASES; `run` returns figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { annotationPolygons, prng } from './generate';

export interface CaseResult {
  /** Wall time of the measured work, ms. */
  wallMs?: number;
  /** Set when the case could not run (a module is missing …). */
  skipped?: string;
  [k: string]: unknown;
}

export interface BenchCase {
  name: string;
  title: string;
  run(file: string): Promise<CaseResult>;
}

async function tryImport<T>(spec: string): Promise<T | undefined> {
  try {
    return (await import(spec)) as T;
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    if (/Cannot find module|ERR_MODULE_NOT_FOUND/.test(msg)) return undefined;
    throw e;
  }
}

/**
 * CPU time of this process's main thread so far, ms (Linux per-thread counters, 10 ms ticks;
 * NaN elsewhere). Unlike wall time it barely moves with the machine's load, and unlike the
 * process's CPU it leaves out the scan worker and V8's GC helper threads: on a busy shared machine
 * it is the steadier view of the critical path.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU time of the whole process (every thread) since `from`, ms. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

/** loadCoco as the CLI calls it (src/node/checkFile.ts passes onProgress: files from 32 MiB load on two threads), then the check. */
async function loadAndCheck(file: string, rules: 'structural' | 'all'): Promise<CaseResult> {
  const { loadCoco } = await import('../src/node/loadCoco');
  const { checkDocument } = await import('../src/core/check/index');
  const { ALL_RULES, STRUCTURAL_RULE_IDS } = await import('../src/core/rules/index');
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpuMs();
  const t0 = performance.now();
  let threads = 1;
  const doc = await loadCoco(file, { onProgress: () => {}, onThreads: (i) => { threads = i.threads; } });
  const t1 = performance.now();
  const result = checkDocument(doc, rules === 'structural' ? { only: STRUCTURAL_RULE_IDS } : {});
  const t2 = performance.now();
  const mainCpuMs = mainThreadCpuMs() - m0;
  const slowest = Object.entries(result.summary.ruleMs).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([id, ms]) => `${id.replace('coco/', '')}:${ms}`).join(',');
  return {
    wallMs: t2 - t0, loadMs: t1 - t0, checkMs: t2 - t1, cpuMs: cpuMsSince(c0), mainCpuMs, threads,
    rules: rules === 'structural' ? STRUCTURAL_RULE_IDS.length : ALL_RULES.length,
    annotations: doc.annotationEntries.length, problems: result.problems.length, slowest,
  };
}

export const CASES: BenchCase[] = [
  {
    name: 'json-parse',
    title: '(a) readFileSync + whole-file JSON.parse',
    async run(file) {
      const c0 = process.cpuUsage();
      const m0 = mainThreadCpuMs();
      const t0 = performance.now();
      const text = readFileSync(file, 'utf8');
      const value = JSON.parse(text) as { annotations: unknown[] };
      const wallMs = performance.now() - t0;
      return { wallMs, cpuMs: cpuMsSince(c0), mainCpuMs: mainThreadCpuMs() - m0, annotations: value.annotations.length };
    },
  },
  {
    name: 'load-check',
    title: '(b) loadCoco + structural checks (foundation)',
    run: (file) => loadAndCheck(file, 'structural'),
  },
  {
    name: 'cli-json',
    title: '(c) labelscope check FILE --format json (built CLI)',
    async run(file) {
      // The bundle users run (bench/run.ts builds it first), in this process so its peak RSS is measured.
      const { main } = require(join(__dirname, '..', 'dist', 'cli.js')) as typeof import('../src/cli/main');
      const out = join(__dirname, '.data', 'cli-json.out.json');
      const c0 = process.cpuUsage();
      const m0 = mainThreadCpuMs();
      const t0 = performance.now();
      let stdout = '';
      const code = await main(['check', file, '--format', 'json'], { stdout: (s) => { stdout += s; }, stderr: () => {}, stderrIsTTY: false });
      writeFileSync(out, stdout);
      const wallMs = performance.now() - t0;
      const mainCpuMs = mainThreadCpuMs() - m0;
      const report = JSON.parse(stdout) as { problems: unknown[]; summary: { ruleMs: Record<string, number>; durationMs: number } };
      const slowest = Object.entries(report.summary.ruleMs).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([id, ms]) => `${id.replace('coco/', '')}:${ms}`).join(',');
      return { wallMs, cpuMs: cpuMsSince(c0), mainCpuMs, exit: code, problems: report.problems.length, outputMB: Buffer.byteLength(stdout) / 1e6, slowest };
    },
  },
  {
    name: 'load-check-all',
    title: 'loadCoco + every rule (no positions, no output)',
    run: (file) => loadAndCheck(file, 'all'),
  },
  {
    name: 'load-check-single',
    title: 'loadCocoSync (one thread) + checkDocument',
    async run(file) {
      const { loadCocoSync } = await import('../src/node/loadCoco');
      const check = await tryImport<{ checkDocument?: (doc: unknown) => { problems: unknown[] } }>('../src/core/check/index');
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const doc = loadCocoSync(file);
      const t1 = performance.now();
      let problems: number | undefined;
      let note: string | undefined;
      if (check?.checkDocument) problems = check.checkDocument(doc).problems.length;
      else note = 'checkDocument not found: the check was not measured';
      const t2 = performance.now();
      return {
        wallMs: t2 - t0, loadMs: t1 - t0, checkMs: check?.checkDocument ? t2 - t1 : undefined, cpuMs: cpuMsSince(c0),
        annotations: doc.annotationEntries.length, parseIssues: doc.parseIssues.length, problems, note,
      };
    },
  },
  {
    name: 'load-parallel',
    title: 'loadCoco alone (as the CLI: 2 threads from 32 MiB)',
    async run(file) {
      const { loadCoco } = await import('../src/node/loadCoco');
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let threads = 1;
      const doc = await loadCoco(file, { onProgress: () => {}, onThreads: (i) => { threads = i.threads; } });
      return { wallMs: performance.now() - t0, cpuMs: cpuMsSince(c0), threads, annotations: doc.annotationEntries.length };
    },
  },
  {
    name: 'load-single',
    title: 'loadCocoSync alone (one thread)',
    async run(file) {
      const { loadCocoSync } = await import('../src/node/loadCoco');
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const doc = loadCocoSync(file);
      return { wallMs: performance.now() - t0, cpuMs: cpuMsSince(c0), annotations: doc.annotationEntries.length };
    },
  },
  {
    name: 'load-textdecoder',
    title: 'parseCoco with TextDecoder (no Buffer fast path)',
    async run(file) {
      const { parseCoco } = await import('../src/core/coco/parse');
      const t0 = performance.now();
      const buf = readFileSync(file);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length); // no utf8Slice
      const doc = parseCoco(bytes);
      return { wallMs: performance.now() - t0, annotations: doc.annotationEntries.length };
    },
  },
  {
    name: 'load-async',
    title: 'loadCoco (async, 1 MiB slices)',
    async run(file) {
      const { loadCoco } = await import('../src/node/loadCoco');
      let progressCalls = 0;
      let maxGapMs = 0;
      let last = performance.now();
      const t0 = performance.now();
      const doc = await loadCoco(file, {
        onProgress: () => { progressCalls++; const now = performance.now(); maxGapMs = Math.max(maxGapMs, now - last); last = now; },
      });
      return { wallMs: performance.now() - t0, annotations: doc.annotationEntries.length, progressCalls, maxSliceMs: maxGapMs };
    },
  },
  {
    name: 'line-index',
    title: 'LineIndex build + 10k positionAt',
    async run(file) {
      const { LineIndex } = await import('../src/core/coco/lineIndex');
      const bytes = readFileSync(file);
      const t0 = performance.now();
      const li = new LineIndex(bytes);
      li.positionAt(bytes.length);
      const t1 = performance.now();
      const rand = prng(1);
      for (let k = 0; k < 10000; k++) li.positionAt(Math.floor(rand() * bytes.length));
      const t2 = performance.now();
      return { wallMs: t2 - t0, buildMs: t1 - t0, perLookupUs: ((t2 - t1) / 10000) * 1000 };
    },
  },
  {
    name: 'polygon-rle',
    title: 'polygonsToRle throughput',
    async run() {
      const geo = await tryImport<{ polygonsToRle?: (p: number[][], h: number, w: number) => unknown }>('../src/core/geometry');
      if (!geo?.polygonsToRle) return { skipped: 'src/core/geometry polygonsToRle not found' };
      const rand = prng(7);
      const items: { polys: number[][]; h: number; w: number }[] = [];
      let polygons = 0;
      for (let k = 0; k < 20000; k++) {
        const w = 640, h = 300 + Math.floor(rand() * 181);
        const polys = annotationPolygons(rand, w, h);
        polygons += polys.length;
        items.push({ polys, h, w });
      }
      for (let k = 0; k < 200; k++) geo.polygonsToRle(items[k].polys, items[k].h, items[k].w); // warm up
      const t0 = performance.now();
      for (const it of items) geo.polygonsToRle(it.polys, it.h, it.w);
      const wallMs = performance.now() - t0;
      return { wallMs, polygons, annotations: items.length, polygonsPerSec: Math.round(polygons / (wallMs / 1000)) };
    },
  },
  {
    name: 'polygon-rle-50',
    title: 'polygonsToRle, 50-vertex polygons on 480×640',
    async run() {
      const { polygonsToRle, rleArea } = await import('../src/core/geometry');
      // 64 star-like 50-vertex polygons (radius 40–100 px) cycled 20,000 times.
      const polys: number[][] = [];
      for (let i = 0; i < 64; i++) {
        const p: number[] = [];
        const cx = 100 + ((i * 37) % 440), cy = 80 + ((i * 53) % 320);
        for (let j = 0; j < 50; j++) {
          const a = (2 * Math.PI * j) / 50, r = 40 + ((j * 7919 + i) % 60);
          p.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
        }
        polys.push(p);
      }
      for (let i = 0; i < 500; i++) polygonsToRle([polys[i % 64]], 480, 640); // warm up
      const n = 20000;
      let area = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) area += rleArea(polygonsToRle([polys[i % 64]], 480, 640));
      const wallMs = performance.now() - t0;
      return { wallMs, polygons: n, meanArea: Math.round(area / n), polygonsPerSec: Math.round(n / (wallMs / 1000)) };
    },
  },
  {
    name: 'stall-open-old',
    title: 'host stall: open + check, before (old load)',
    run: async (file) => (await import('./stall')).stallOpen(file, 'old'),
  },
  {
    name: 'stall-open-scan',
    title: 'host stall: open + check, before (batches parsed on the host)',
    run: async (file) => (await import('./stall')).stallOpen(file, 'scan'),
  },
  {
    name: 'stall-open',
    title: 'host stall: viewer opens the file + worker check',
    run: async (file) => (await import('./stall')).stallOpen(file, 'new'),
  },
  {
    name: 'stall-open-view-scan',
    title: 'host stall: open + view + check, before',
    run: async (file) => (await import('./stall')).stallOpen(file, 'scan', true),
  },
  {
    name: 'stall-open-view',
    title: 'host stall: open + view (lookups, init, problems) + check',
    run: async (file) => (await import('./stall')).stallOpen(file, 'new', true),
  },
  {
    name: 'stall-check',
    title: 'host stall: worker check + publish (no viewer)',
    run: async (file) => (await import('./stall')).stallCheck(file),
  },
  {
    name: 'stall-edit',
    title: 'host stall: 20 viewer edits on a ~40 MB file',
    run: async () => (await import('./stall')).stallEdit(),
  },
];
