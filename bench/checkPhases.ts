/**
 * Where the full check's wall time goes, phase by phase, with the main thread's own CPU time
 * (Linux /proc per-thread counters: unlike wall time, the machine's load does not inflate it).
 *
 *   npx tsx bench/checkPhases.ts [FILE] [--no-facts]   (default: the train2017-like bench file)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { checkFile } from '../src/node/checkFile';
import { positionProblems } from '../src/core/report/located';
import { formatJson } from '../src/core/report/formats';
import { dataFile } from './generate';

/** CPU ms of one thread (utime + stime, in clock ticks of 10 ms). */
function threadCpuMs(tid: number): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU ms of every thread of this process now, by thread id (name in brackets). */
function allThreadsCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(`${tid} (${name})`, threadCpuMs(Number(tid)));
    } catch { /* the thread ended */ }
  }
  return out;
}

async function main() {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? dataFile(1);
  const main = process.pid;
  const marks: [string, number, number][] = [];
  const threads: [string, Map<string, number>][] = [];
  // A thread that ends between two marks (the scan worker, when it finishes before the parse)
  // keeps the CPU it was last seen with: sampled every 50 ms while the check runs.
  const lastSeen = new Map<string, number>();
  const sample = () => { for (const [k, v] of allThreadsCpuMs()) lastSeen.set(k, v); };
  const sampler = setInterval(sample, 50);
  const mark = (name: string) => {
    marks.push([name, performance.now(), threadCpuMs(main)]);
    sample();
    threads.push([name, new Map(lastSeen)]);
  };
  mark('start');
  let parsedAt = 0;
  let facts = 'not made on two threads';
  const result = await checkFile(file, {
    onFacts: (info) => { facts = 'reason' in info ? `made here alone: ${info.reason}` : `${info.chunks} chunks, ${info.byWorker} by the worker, ${info.byMain} by the main thread`; },
    onProgress: (phase, f) => { if (phase === 'check' && f === 0 && !parsedAt) { parsedAt = 1; mark('parsed'); } },
    ...(process.argv.includes('--no-facts') ? { rules: (await import('../src/core/rules')).ALL_RULES } : {}),
  });
  mark('rules');
  const problems = positionProblems(result.doc, result.problems);
  mark('positions');
  const text = formatJson({ file, problems, summary: { ...result.summary, durationMs: Math.round(result.durationMs) } });
  mark('json');
  clearInterval(sampler);
  for (let k = 1; k < marks.length; k++) {
    console.log(`${marks[k][0].padEnd(10)} wall ${(marks[k][1] - marks[k - 1][1]).toFixed(0).padStart(6)} ms   main-thread CPU ${(marks[k][2] - marks[k - 1][2]).toFixed(0).padStart(6)} ms`);
  }
  // Every other thread's CPU per phase (the scan worker, V8's GC helpers): where the rest of the process's CPU goes.
  const names = new Set<string>();
  for (const [, m] of threads) for (const k of m.keys()) names.add(k);
  for (const name of names) {
    if (name.startsWith(`${main} `)) continue;
    const per = threads.slice(1).map(([phase, m], k) => `${phase} ${(((m.get(name) ?? NaN) - (threads[k][1].get(name) ?? 0))).toFixed(0)}`);
    const last = [...threads].reverse().find(([, m]) => m.has(name))![1].get(name)!;
    if (last >= 100) console.log(`thread ${name.padEnd(24)} CPU ${last.toFixed(0).padStart(6)} ms   ${per.join('  ')}`);
  }
  const total = process.cpuUsage();
  console.log(`total wall ${(marks[marks.length - 1][1] - marks[0][1]).toFixed(0)} ms, main-thread CPU ${(marks[marks.length - 1][2] - marks[0][2]).toFixed(0)} ms, process CPU ${((total.user + total.system) / 1000).toFixed(0)} ms, ${text.length} chars`);
  console.log(`rule facts: ${facts}`);
  const ms = result.summary.ruleMs;
  console.log('slowest rules:', Object.entries(ms).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k.replace('coco/', '')}:${v}`).join(' '));
}

main().catch((e) => { console.error(e); process.exit(1); });
