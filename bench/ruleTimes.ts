/**
 * Where the rules' time goes: loads a file once the way the CLI does (the scan worker makes the
 * rules' facts while this thread parses), then runs every rule several times, each round on a
 * FRESH document over the same parsed values (so nothing a rule cached per document, e.g. box
 * facts or the id indexes, flatters a later round) and prints per-rule ms (first round = the
 * CLI's, and the median of the others) with the rules' total and the main thread's CPU.
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
import { checkDocument } from '../src/core/check';
import { CocoDocument, type Located } from '../src/core/coco/document';
import { offerSegmentationFacts, segmentationFacts } from '../src/core/ruleKit/facts';
import { fileAccessFor } from '../src/node/checkFile';
import { loadCoco } from '../src/node/loadCoco';

/** CPU ms of this thread (utime + stime, clock ticks of 10 ms; Linux). */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
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
  const perRound: Record<string, number>[] = [];
  const totals: { wall: number; cpu: number; problems: number }[] = [];
  let facts: ReturnType<typeof segmentationFacts> | undefined;
  for (let r = 0; r <= rounds; r++) {
    // Round 0 is the CLI's (the worker's facts taken by the first rule that asks); later rounds get
    // the same facts table offered again, as the worker would hand it over.
    const d = r === 0 ? doc : freshCopy(doc);
    if (r > 0) { const f = facts!; offerSegmentationFacts(d, () => f); }
    const w0 = performance.now(), c0 = mainThreadCpuMs();
    const result = checkDocument(d, { files, only });
    totals.push({ wall: performance.now() - w0, cpu: mainThreadCpuMs() - c0, problems: result.problems.length });
    perRound.push(result.summary.ruleMs);
    if (r === 0) facts = segmentationFacts(doc);
  }
  const ids = new Set(perRound.flatMap((m) => Object.keys(m)));
  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? 0 : s[(s.length - 1) >> 1]; };
  const rows = [...ids].map((id) => ({ id, first: perRound[0][id] ?? 0, med: median(perRound.slice(1).map((m) => m[id] ?? 0)) }));
  rows.sort((a, b) => b.med - a.med || b.first - a.first);
  console.log(`${'rule'.padEnd(36)} ${'round 0'.padStart(8)} ${'median'.padStart(8)}`);
  for (const row of rows) console.log(`${row.id.padEnd(36)} ${String(row.first).padStart(8)} ${String(row.med).padStart(8)}`);
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  totals.forEach((t, r) => console.log(`round ${r}: rules' ms summed ${sum(perRound[r])}, checkDocument wall ${t.wall.toFixed(0)} ms, main-thread CPU ${t.cpu.toFixed(0)} ms, ${t.problems} problems`));
}

main().catch((e) => { console.error(e); process.exit(1); });
