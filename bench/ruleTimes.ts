/**
 * Where the rules' time goes: loads a file once the way the CLI does (the scan worker makes the
 * rules' facts while this thread parses), then runs every rule several times, each round on a
 * FRESH document over the same parsed values (so nothing a rule cached per document, e.g. box
 * facts or the id indexes, flatters a later round) and prints per-rule ms (first round = the
 * CLI's, and the median of the others), as wall time and as this thread's CPU time, with the
 * garbage collection pauses that fell inside each rule's time (what a rule allocates is often
 * paid by a later one).
 *
 *   npx tsx bench/ruleTimes.ts [FILE] [--rounds N] [--only ID,ID]   (default: the train2017-like bench file, 3 rounds)
 *   node --cpu-prof --cpu-prof-interval 200 --import tsx bench/ruleTimes.ts …   (where the self time goes)
 *
 * Under tsx every imported name is read through a getter (the `get` frames of a profile: esbuild's
 * CommonJS export getters), which the bundled CLI does not have; for the CLI's own code, bundle it
 * beside dist/scanWorker.js (run from the repository root; no bench/generate import, whose
 * require.main check would fire inside a bundle):
 *   npx esbuild bench/ruleTimes.ts --bundle --platform=node --outfile=dist/ruleTimes.js --external:sharp --external:onnxruntime-node --external:piscina --external:vscode --external:@techstark/opencv-js
 *   node dist/ruleTimes.js
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { checkDocument, ruleApplies } from '../src/core/check';
import { ALL_RULES } from '../src/core/rules';
import { detectKind } from '../src/core/coco/kind';
import { CocoDocument, type Located } from '../src/core/coco/document';
import { offerSegmentationFacts, segmentationFacts } from '../src/core/ruleKit/facts';
import { fileAccessFor } from '../src/node/checkFile';
import { loadCoco } from '../src/node/loadCoco';

/**
 * CPU ms this thread has run (Linux /proc/thread-self/schedstat, in ns: unlike wall time, not
 * inflated by other processes on a loaded machine; NaN elsewhere).
 */
function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** A new document over the same parsed values: every per-document cache starts empty. */
function freshCopy(doc: CocoDocument): CocoDocument {
  return new CocoDocument({
    bytes: doc.bytes,
    path: doc.path,
    rootKind: doc.rootKind,
    sections: doc.sections as Map<string, never>,
    images: doc.imageEntries as Located[],
    annotations: doc.annotationEntries as Located[],
    categories: doc.categoryEntries as Located[],
    licenses: doc.licenseEntries as Located[],
    ...(doc.infoEntry ? { info: doc.infoEntry } : {}),
    parseIssues: [...doc.parseIssues],
  });
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

async function main() {
  const skip = new Set([arg('--rounds'), arg('--only')]);
  const file = process.argv.slice(2).find((a) => !a.startsWith('--') && !skip.has(a)) ?? 'bench/.data/train2017-like.json';
  const rounds = Number(arg('--rounds') ?? 3);
  const only = arg('--only')?.split(',').map((id) => (id.includes('/') ? id : `coco/${id}`));
  const t0 = performance.now();
  const doc = await loadCoco(file, { ruleFacts: true });
  console.log(`loaded ${file} in ${(performance.now() - t0).toFixed(0)} ms: ${doc.annotationEntries.length} annotations`);
  const files = fileAccessFor(file);
  const kind = detectKind(doc).kind;
  // The order checkDocument runs the rules in (its progress comes after each rule).
  const applies = (only ? ALL_RULES.filter((r) => only.includes(r.id)) : ALL_RULES).filter((r) => ruleApplies(r, kind));
  const runOrder = [...applies.filter((r) => !r.usesFacts), ...applies.filter((r) => r.usesFacts)];
  // GC pauses of this thread, [start, duration] in performance.now() time.
  const gcs: [number, number][] = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcs.push([e.startTime, e.duration]); });
  observer.observe({ entryTypes: ['gc'] });
  type Round = { wall: Map<string, number>; cpu: Map<string, number>; gc: Map<string, number>; problems: number };
  const results: Round[] = [];
  let facts: ReturnType<typeof segmentationFacts> | undefined;
  for (let r = 0; r <= rounds; r++) {
    // Round 0 is the CLI's (the worker's facts taken by the first rule that asks); later rounds get
    // the same facts table offered again, as the worker would hand it over.
    const d = r === 0 ? doc : freshCopy(doc);
    if (r > 0) { const f = facts!; offerSegmentationFacts(d, () => f); }
    const marks: [number, number][] = [[performance.now(), threadCpuMs()]];
    const gcFrom = gcs.length;
    const result = checkDocument(d, { files, only, onProgress: () => { marks.push([performance.now(), threadCpuMs()]); } });
    await new Promise((resolve) => setTimeout(resolve, 20)); // this round's last gc entries
    const round: Round = { wall: new Map(), cpu: new Map(), gc: new Map(), problems: result.problems.length };
    runOrder.forEach((rule, k) => {
      if (k + 1 >= marks.length) return;
      round.wall.set(rule.id, marks[k + 1][0] - marks[k][0]);
      round.cpu.set(rule.id, marks[k + 1][1] - marks[k][1]);
    });
    for (const [at, ms] of gcs.slice(gcFrom)) {
      const k = marks.findIndex(([end]) => at <= end) - 1;
      if (k >= 0 && k < runOrder.length) round.gc.set(runOrder[k].id, (round.gc.get(runOrder[k].id) ?? 0) + ms);
    }
    results.push(round);
    if (r === 0) facts = segmentationFacts(doc);
  }
  observer.disconnect();
  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s[(s.length - 1) >> 1]; };
  const later = results.slice(1);
  const rows = runOrder.map((rule) => ({
    id: rule.id,
    wall0: results[0].wall.get(rule.id) ?? 0, cpu0: results[0].cpu.get(rule.id) ?? 0, gc0: results[0].gc.get(rule.id) ?? 0,
    cpuMed: median(later.map((m) => m.cpu.get(rule.id) ?? 0)), gcMed: median(later.map((m) => m.gc.get(rule.id) ?? 0)),
  }));
  rows.sort((a, b) => (b.cpuMed || b.cpu0) - (a.cpuMed || a.cpu0));
  const f = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(0)).padStart(9);
  console.log(`${'rule (ms)'.padEnd(36)} ${'wall r0'.padStart(9)} ${'CPU r0'.padStart(9)} ${'GC r0'.padStart(9)} ${'CPU med'.padStart(9)} ${'GC med'.padStart(9)}`);
  for (const row of rows) {
    if (row.wall0 < 1 && !(row.cpuMed >= 1)) continue;
    console.log(`${row.id.padEnd(36)} ${f(row.wall0)} ${f(row.cpu0)} ${f(row.gc0)} ${f(row.cpuMed)} ${f(row.gcMed)}`);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  results.forEach((t, r) => console.log(`round ${r}: wall ${sum(t.wall).toFixed(0)} ms, main-thread CPU ${sum(t.cpu).toFixed(0)} ms (GC pauses ${sum(t.gc).toFixed(0)} ms), ${t.problems} problems`));
  console.log('(round 0 is the CLI\'s: the first rule that reads the facts takes them from the scan worker, and builds the chunks the worker has not reached on this thread)');
}

main().catch((e) => { console.error(e); process.exit(1); });
