/**
 * npm run bench:diff   (LABELSCOPE_BENCH_SCALE=0.05 for a quick run)
 *
 * Diff and agreement at train2017 scale: the generated benchmark file against a copy with 1% of
 * its annotations changed (moved, relabelled, deleted, added), each case in its own child
 * process. Goal (issue 13): diff ≤ 1.5× the time of loading both files, measured in the same run.
 * LABELSCOPE_BENCH_DIFF_CASES=load,diff picks cases (default load,diff,agree).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchScale, generate, prng } from './generate';

const TARGET_RATIO = 1.5;
const CHANGED_VERSION = 1;

interface Planted { moved: number; relabelled: number; removed: number; added: number }

/** Writes (or reuses) FILE.changed.json: 1% of annotations changed by byte surgery, the rest byte-identical. */
async function makeChanged(file: string): Promise<{ file: string; planted: Planted }> {
  const out = file.replace(/\.json$/, '.changed.json');
  const stamp = `${out}.stamp.json`;
  const source = { bytes: statSync(file).size, version: CHANGED_VERSION };
  if (existsSync(out) && existsSync(stamp)) {
    const s = JSON.parse(readFileSync(stamp, 'utf8'));
    if (JSON.stringify(s.source) === JSON.stringify(source) && s.bytes === statSync(out).size) return { file: out, planted: s.planted };
  }
  const { loadCoco } = await import('../src/node/loadCoco');
  const doc = await loadCoco(file, { onProgress: () => {} });
  const rand = prng(13);
  const entries = doc.annotationEntries;
  let maxId = 0;
  for (const e of entries) maxId = Math.max(maxId, (e.value as { id: number }).id);
  const catIds = doc.categoryEntries.map((e) => (e.value as { id: number }).id);
  const planted: Planted = { moved: 0, relabelled: 0, removed: 0, added: 0 };
  const fd = openSync(out, 'w');
  let at = 0;
  const copyTo = (end: number) => { if (end > at) writeSync(fd, doc.bytes, at, end - at); at = end; };
  for (let k = 0; k < entries.length - 1; k++) {
    if (rand() >= 0.01) continue;
    const e = entries[k];
    const a = e.value as { id: number; category_id: number; bbox: number[]; segmentation: unknown };
    const op = rand();
    copyTo(e.start);
    if (op < 0.4) {
      const dx = 3, dy = 2;
      a.bbox = [a.bbox[0] + dx, a.bbox[1] + dy, a.bbox[2], a.bbox[3]];
      if (Array.isArray(a.segmentation)) a.segmentation = (a.segmentation as number[][]).map((p) => p.map((v, i) => Math.round((v + (i % 2 === 0 ? dx : dy)) * 100) / 100));
      writeSync(fd, JSON.stringify(a));
      at = e.end;
      planted.moved++;
    } else if (op < 0.65) {
      a.category_id = catIds[(catIds.indexOf(a.category_id) + 1) % catIds.length];
      writeSync(fd, JSON.stringify(a));
      at = e.end;
      planted.relabelled++;
    } else if (op < 0.85) {
      at = entries[k + 1].start; // the element and its comma
      planted.removed++;
    } else {
      copyTo(e.end);
      const copy = { ...a, id: ++maxId, bbox: [a.bbox[0] / 2, a.bbox[1] / 2, a.bbox[2] / 2, a.bbox[3] / 2], segmentation: [[0, 0, 1, 0, 1, 1, 0, 1]] };
      writeSync(fd, `, ${JSON.stringify(copy)}`);
      planted.added++;
    }
  }
  copyTo(doc.bytes.length);
  closeSync(fd);
  writeFileSync(stamp, JSON.stringify({ source, bytes: statSync(out).size, planted }));
  return { file: out, planted };
}

async function child(mode: string, a: string, b: string) {
  // Modules load (and tsx compiles them) before the clock starts.
  const { loadCompareFile } = await import('../src/node/compare/loadDocument');
  const { diffDocuments } = await import('../src/core/metrics/diff');
  const { computeAgreement } = await import('../src/core/metrics/agreement');
  const t0 = performance.now();
  const [A, B] = await Promise.all([loadCompareFile(a), loadCompareFile(b)]);
  const t1 = performance.now();
  let extra: Record<string, unknown> = {};
  if (mode === 'diff') {
    const d = diffDocuments(A, B);
    extra = { summary: d.summary.line, added: d.summary.annotationsAdded, removed: d.summary.annotationsRemoved, changed: d.summary.annotationsChanged };
  } else if (mode === 'agree') {
    const r = computeAgreement(A, B);
    extra = { kappa: r.kappa.kappa, f1: r.overall.f1, conflicts: r.conflicts.length };
  }
  const t2 = performance.now();
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ wallMs: t2 - t0, loadMs: t1 - t0, workMs: t2 - t1, maxRssMB, ...extra })}\n`);
}

function runChild(mode: string, a: string, b: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--max-old-space-size=12288', '--import', 'tsx', __filename, mode, a, b], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) return { error: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-5).join(' | ')}` };
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  if (mode) return child(mode, a, b);
  const scale = benchScale();
  const file = await generate(scale, 2017, (s) => console.log(s));
  const changed = await makeChanged(file);
  console.log(`planted: ${JSON.stringify(changed.planted)} in ${changed.file}`);
  const results: Record<string, Record<string, unknown>> = {};
  const modes = process.env.LABELSCOPE_BENCH_DIFF_CASES?.split(',').map((x) => x.trim()).filter(Boolean) ?? ['load', 'diff', 'agree'];
  for (const m of modes) {
    process.stdout.write(`running ${m} … `);
    results[m] = runChild(m, file, changed.file);
    console.log(JSON.stringify(results[m]));
  }
  const base = results.load?.wallMs as number | undefined;
  console.log(`\nfile: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB, scale ${scale}), node ${process.version}, ${cpus().length} cpus`);
  for (const m of ['diff', 'agree']) {
    const r = results[m];
    // Within one process: its own load of both files against the whole run (robust to the machine's load changing between children).
    if (r?.wallMs && r.loadMs) console.log(`(${m}) / its own load of both files: ${((r.wallMs as number) / (r.loadMs as number)).toFixed(2)}× (work ${((r.workMs as number) / 1000).toFixed(1)} s after ${((r.loadMs as number) / 1000).toFixed(1)} s of loading)`);
    const w = r?.wallMs as number | undefined;
    if (w && base) console.log(`(${m}) / (load both) wall ratio: ${(w / base).toFixed(2)}×${m === 'diff' ? ` (target ≤ ${TARGET_RATIO}×) ${w / base <= TARGET_RATIO ? 'OK' : 'OVER'}` : ''}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
