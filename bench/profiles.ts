/**
 * Where the time of one moment of bench:vscode went (BENCH_PROFILE=1): the extension host's CPU
 * profile (over its inspector) and a Chromium trace of the workbench and its webviews, each
 * written to bench/.data/profiles/ and summarised on the console: the host's busiest functions
 * (self time) and, per renderer thread, its busy time and longest tasks with what ran in them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DATA_DIR } from './generate';
import type { HostInspector } from './hostInspector';

export const PROFILE_DIR = path.join(DATA_DIR, 'profiles');
export const profiling = (): boolean => process.env.BENCH_PROFILE === '1';

interface CpuNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: CpuNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Top self-time functions of a V8 CPU profile, idle and GC kept apart. */
export function summariseCpuProfile(p: CpuProfile, top = 15): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    if (!n) continue;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url || '')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const total = (p.endTime - p.startTime) / 1000;
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
  const lines = [`host CPU profile: ${total.toFixed(0)} ms, busy ${(total - idle).toFixed(0)} ms`];
  for (const [k, v] of [...self].filter(([k2]) => !k2.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
  return lines;
}

/** Starts a host CPU profile; the returned stop() writes it as <name>.cpuprofile and summarises it. */
export async function hostProfile(inspector: HostInspector | undefined, name: string): Promise<() => Promise<string[]>> {
  if (!inspector || !profiling()) return async () => [];
  await inspector.send('Profiler.enable');
  await inspector.send('Profiler.setSamplingInterval', { interval: 500 });
  await inspector.send('Profiler.start');
  return async () => {
    const { profile } = await inspector.send<{ profile: CpuProfile }>('Profiler.stop');
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    fs.writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    return summariseCpuProfile(profile);
  };
}

interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; args?: { name?: string; data?: Record<string, unknown> } }

/** What a trace event ran, in a few words (a script's URL and function, an event's type). */
function what(e: TraceEvent): string {
  const d = e.args?.data ?? {};
  const url = typeof d.url === 'string' ? path.basename(d.url.split('?')[0]) : '';
  if (e.name === 'FunctionCall') return `FunctionCall ${d.functionName || '?'} ${url}:${d.lineNumber ?? ''}`;
  if (e.name === 'EventDispatch') return `EventDispatch ${d.type}`;
  if (e.name === 'TimerFire') return 'TimerFire';
  if (e.name === 'EvaluateScript') return `EvaluateScript ${url}`;
  return e.name;
}

/** Per renderer main thread: busy time in the window, the longest tasks and the heaviest things inside them. */
export function summariseTrace(events: TraceEvent[], top = 8): string[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const procNames = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'process_labels') procNames.set(e.pid, String((e.args as { labels?: string })?.labels ?? ''));
  const lines: string[] = [];
  const threads = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`;
    if (!/CrRendererMain|CrBrowserMain|DedicatedWorker/.test(names.get(k) ?? '')) continue;
    if (e.ph !== 'X') continue;
    let a = threads.get(k); if (!a) threads.set(k, a = []); a.push(e);
  }
  const t0 = Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
  for (const [k, evs] of threads) {
    // Top-level tasks only (RunTask and ThreadControllerImpl::RunTask nest).
    const tasks: TraceEvent[] = [];
    let end = -1;
    for (const e of evs.filter((x) => x.name === 'RunTask' || x.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts)) {
      if (e.ts < end) continue;
      tasks.push(e);
      end = e.ts + (e.dur ?? 0);
    }
    const busy = tasks.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
    if (busy < 20) continue;
    const pid = Number(k.split(':')[0]);
    lines.push(`${names.get(k)} ${k}${procNames.get(pid) ? ` (${procNames.get(pid)})` : ''}: busy ${busy.toFixed(0)} ms in ${tasks.length} tasks`);
    // Inclusive time by kind of event (nested events counted in each of their kinds).
    const byWhat = new Map<string, number>();
    for (const e of evs) {
      if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask' || !e.dur) continue;
      const w = what(e);
      byWhat.set(w, (byWhat.get(w) ?? 0) + e.dur / 1000);
    }
    for (const [w, ms] of [...byWhat].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`    ${ms.toFixed(1).padStart(8)} ms  ${w}`);
    for (const t of tasks.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, 5)) {
      const inner = evs.filter((e) => e !== t && e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0) && e.name !== 'RunTask' && (e.dur ?? 0) > (t.dur ?? 0) * 0.2);
      lines.push(`    task at +${((t.ts - t0) / 1000).toFixed(0)} ms: ${((t.dur ?? 0) / 1000).toFixed(1)} ms: ${inner.slice(0, 6).map((e) => `${what(e)} ${((e.dur ?? 0) / 1000).toFixed(0)}`).join(' > ')}`);
    }
  }
  return lines;
}

/** Starts a Chromium trace of the whole browser; stop() writes <name>.trace.json and summarises it. */
export async function browserTrace(browser: Browser | undefined, page: Page, name: string): Promise<() => Promise<string[]>> {
  if (!browser || !profiling()) return async () => [];
  const file = path.join(PROFILE_DIR, `${name}.trace.json`);
  fs.mkdirSync(PROFILE_DIR, { recursive: true });
  await browser.startTracing(page, {
    path: file,
    // v8.cpu_profiler: the renderer's JavaScript samples (which of VS Code's or our functions ran).
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'toplevel', 'disabled-by-default-devtools.timeline.frame', 'loading', 'navigation', '__metadata', 'disabled-by-default-v8.cpu_profiler'],
  });
  return async () => {
    await browser.stopTracing();
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
    return summariseTrace(Array.isArray(raw) ? raw : raw.traceEvents);
  };
}
