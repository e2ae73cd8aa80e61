/**
 * npm run bench  (LABELSCOPE_BENCH_SCALE=0.05 for a quick run; LABELSCOPE_BENCH_CASES=a,b to pick cases,
 * LABELSCOPE_BENCH_CASES=all for every case in bench/cases.ts; LABELSCOPE_BENCH_ROUNDS=5 runs the
 * cases that many times, interleaved (default: 3 for the three figures of record, 1 for picked
 * cases), and reports the median round: a machine whose speed drifts by ±20% within a minute, as
 * a shared VM's does, moves a one-round ratio by as much)
 *
 * The three figures of record, as ratios from one run (the machine's load cancels out):
 * (a) json-parse: bare readFileSync + JSON.parse; (b) load-check: loadCoco + structural rules;
 * (c) cli-json: the built CLI's default run, `labelscope check FILE --format json`.
 *
 * Generates (or reuses) the train2017-like file, runs each case in its own
 * child process, prints a table and writes bench/.data/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { CASES, type CaseResult } from './cases';
import { DATA_DIR, benchScale, generate } from './generate';

const TARGET_RATIO = 1.3;
const TARGET_RSS_MB = 2048;
/** The figures of record, in this order: (a) the floor, (b) the foundation, (c) the user's run. */
const RECORD_CASES = ['json-parse', 'load-check', 'cli-json'];

function runCase(name: string, file: string): CaseResult & { maxRssMB?: number; error?: string } {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', join(__dirname, 'child.ts'), name, file], {
    encoding: 'utf8', maxBuffer: 64 << 20, cwd: join(__dirname, '..'),
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) return { error: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}` };
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

const fmt = (x: unknown, d = 0) => (typeof x === 'number' ? x.toFixed(d) : '-');

async function main() {
  const scale = benchScale();
  const file = await generate(scale, 2017, (s) => console.log(s));
  const size = statSync(file).size;
  // By default the three figures of record, nothing else: (a), (b) and (c) in one run.
  const asked = process.env.LABELSCOPE_BENCH_CASES?.split(',').map((s) => s.trim()).filter(Boolean);
  const pick = asked?.includes('all') ? undefined : asked?.length ? asked : RECORD_CASES;
  const cases = CASES.filter((c) => !pick || pick.includes(c.name));
  if (cases.some((c) => c.name === 'cli-json')) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  }
  // The figures of record: three interleaved rounds by default, the median one reported.
  const rounds = Math.max(1, Math.floor(Number(process.env.LABELSCOPE_BENCH_ROUNDS ?? (asked ? 1 : 3))) || 1);
  const perRound: Record<string, ReturnType<typeof runCase>>[] = [];
  for (let k = 0; k < rounds; k++) {
    const round: Record<string, ReturnType<typeof runCase>> = {};
    for (const c of cases) {
      process.stdout.write(`${rounds > 1 ? `round ${k + 1}/${rounds}: ` : ''}running ${c.name} … `);
      const r = runCase(c.name, file);
      round[c.name] = r;
      console.log(r.error ? `FAILED ${r.error}` : r.skipped ? `skipped: ${r.skipped}` : `${fmt(r.wallMs)} ms, ${fmt(r.maxRssMB)} MB`);
    }
    perRound.push(round);
  }
  // The table shows the round whose (c)/(a) ratio (else (b)/(a)) is the median one.
  const results = perRound[medianRound(perRound)];
  console.log(`\nfile: ${file} (${(size / 1e6).toFixed(1)} MB, scale ${scale}), node ${process.version}, ${cpus().length} cpus\n`);
  console.log(`${'case'.padEnd(52)} ${'wall ms'.padStart(9)} ${'peak RSS MB'.padStart(12)}  notes`);
  for (const c of cases) {
    const r = results[c.name];
    const { wallMs, maxRssMB, skipped, error, ...rest } = r;
    const notes = error ? `FAILED ${error}` : skipped ? `skipped: ${skipped}`
      : Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : v}`).join(' ');
    console.log(`${c.title.padEnd(52)} ${fmt(wallMs).padStart(9)} ${fmt(maxRssMB).padStart(12)}  ${notes}`);
  }
  if (rounds > 1) {
    for (const [name, label] of [['load-check', '(b)/(a)'], ['cli-json', '(c)/(a)']] as const) {
      const ratios = roundRatios(perRound, name);
      if (ratios.length > 0) console.log(`\n${label} wall ratio per round: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}; median ${median(ratios).toFixed(2)}× (the table and the verdict below: the median round)`);
    }
  }
  const a = results['json-parse'], b = results['load-check'];
  let verdict: Record<string, unknown> = {};
  if (a?.wallMs && b?.wallMs) {
    const ratio = b.wallMs / a.wallMs;
    verdict = {
      ratio, ratioTarget: TARGET_RATIO, ratioOk: ratio <= TARGET_RATIO,
      rssMB: b.maxRssMB, rssTargetMB: TARGET_RSS_MB, rssOk: (b.maxRssMB ?? Infinity) <= TARGET_RSS_MB,
    };
    console.log(`\n(b)/(a) wall ratio: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'OK' : 'OVER'}`);
    console.log(`(b) peak RSS: ${fmt(b.maxRssMB)} MB (target ≤ ${TARGET_RSS_MB} MB) ${(b.maxRssMB ?? Infinity) <= TARGET_RSS_MB ? 'OK' : 'OVER'}; (a) peak RSS: ${fmt(a.maxRssMB)} MB`);
  }
  const c = results['cli-json'];
  if (a?.wallMs && c?.wallMs) {
    const ratio = c.wallMs / a.wallMs;
    Object.assign(verdict, { cliRatio: ratio, cliRatioOk: ratio <= TARGET_RATIO, cliRssMB: c.maxRssMB, cliRssOk: (c.maxRssMB ?? Infinity) <= TARGET_RSS_MB });
    const mainRatio = typeof c.mainCpuMs === 'number' && typeof a.mainCpuMs === 'number' && a.mainCpuMs > 0 ? c.mainCpuMs / a.mainCpuMs : undefined;
    if (mainRatio !== undefined && Number.isFinite(mainRatio)) {
      Object.assign(verdict, { cliMainCpuRatio: mainRatio });
      console.log(`(c)/(a) main-thread CPU ratio (steadier on a busy machine; not the goal's measure): ${mainRatio.toFixed(2)}×`);
    }
    console.log(`(c)/(a) wall ratio, the default CLI run with JSON output: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'OK' : 'OVER'}; (c) peak RSS ${fmt(c.maxRssMB)} MB (target ≤ ${TARGET_RSS_MB} MB) ${(c.maxRssMB ?? Infinity) <= TARGET_RSS_MB ? 'OK' : 'OVER'}`);
  }
  const all = results['load-check-all'];
  if (a?.wallMs && all?.wallMs) console.log(`loadCoco + every rule (no positions/output) / (a): ${(all.wallMs / a.wallMs).toFixed(2)}×`);
  mkdirSync(DATA_DIR, { recursive: true });
  const out = join(DATA_DIR, 'results.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, scale, file, bytes: size, results, verdict, ...(rounds > 1 ? { rounds: perRound } : {}) }, null, 2));
  console.log(`\nwrote ${out}`);
}

/** Each round's wall ratio of case `name` to (a), where both ran. */
function roundRatios(rounds: Record<string, ReturnType<typeof runCase>>[], name: string): number[] {
  return rounds.flatMap((r) => (r['json-parse']?.wallMs && r[name]?.wallMs ? [r[name].wallMs! / r['json-parse'].wallMs!] : []));
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor((s.length - 1) / 2)];
}

/** The index of the round with the median (c)/(a) ratio (else (b)/(a)); 0 when neither ran. */
function medianRound(rounds: Record<string, ReturnType<typeof runCase>>[]): number {
  const name = rounds.every((r) => r['cli-json']?.wallMs) ? 'cli-json' : 'load-check';
  const ratios = rounds.map((r) => (r['json-parse']?.wallMs && r[name]?.wallMs ? r[name].wallMs! / r['json-parse'].wallMs! : NaN));
  if (ratios.some((x) => Number.isNaN(x))) return 0;
  const m = median(ratios);
  return ratios.indexOf(m);
}

main().catch((e) => { console.error(e); process.exit(1); });
