/**
 * The longest extension-host stall from our code (issue 7: goal ≤ 50 ms), measured with a 5 ms
 * timer probe (how late it fires = how long the thread was held) and perf_hooks'
 * monitorEventLoopDelay. "before" runs the code path the editor used before (kept callable for
 * this comparison); "after" the current one, in the same process on the same file.
 *
 *   stall-open: the viewer opens a big file (read, parse in slices, fingerprint) while the check
 *     worker checks it and its outcome comes back.
 *   stall-edit: 20 box moves in the viewer on a ~40 MB file, one every 150 ms, with the re-check
 *     of the edited annotations and the Problems-panel check of the edited bytes.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CaseResult } from './cases';
import { generate } from './generate';
import { readFileShared } from '../src/node/sharedBytes';

const ROOT = join(__dirname, '..');

/** Measures stalls of this thread until stop(). */
function stallProbe() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let last = performance.now();
  let longest = 0;
  const t = setInterval(() => { const now = performance.now(); longest = Math.max(longest, now - last - 5); last = now; }, 5);
  return {
    stop() {
      clearInterval(t);
      h.disable();
      return { maxStallMs: Math.max(0, longest), p99DelayMs: h.percentile(99) / 1e6 };
    },
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function workerRunner() {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const { WorkerCheckRunner } = await import('../src/extension/checkRunner');
  return new WorkerCheckRunner(join(ROOT, 'dist'));
}

/**
 * One variant per process (a second load in the same process would pay for the first one's
 * garbage): `old` = the model load as it was (read, parse in slices, the worker reads the file
 * again), `new` = as the viewer loads now (read once into shared memory, scan on a second thread,
 * parse in batches + fingerprint in slices; the worker checks the same bytes).
 */
export async function stallOpen(file: string, variant: 'old' | 'new'): Promise<CaseResult> {
  const { parseCocoAsync } = await import('../src/core/coco/parse');
  const { CocoEditorModel } = await import('../src/editor/editorModel');
  const { parseSharedParallel } = await import('../src/node/parallelLoad');
  const runner = await workerRunner();
  const probe = stallProbe();
  const t0 = performance.now();
  let problems = 0;
  if (variant === 'old') {
    await Promise.all([
      readFile(file).then((b) => parseCocoAsync(b, { path: file })),
      runner.run({ file, checkImageFiles: false }, () => undefined, new AbortController().signal).then((o) => { problems = o.problems.length; }),
    ]);
  } else {
    // As the viewer does now: the file read once into shared memory; the model's parse scans on a
    // second thread; the check worker gets the same bytes (no second read).
    const bytes = readFileShared(file);
    await Promise.all([
      bytes.then((b) => CocoEditorModel.load(b, file, { parse: (x, o) => parseSharedParallel(x, { ...o, scanSliceBytes: 1 << 20 }) })),
      bytes.then((b) => runner.run({ file, bytes: b, checkImageFiles: false }, () => undefined, new AbortController().signal)).then((o) => { problems = o.problems.length; }),
    ]);
  }
  const r = probe.stop();
  return { wallMs: performance.now() - t0, variant, maxStallMs: r.maxStallMs, p99DelayMs: r.p99DelayMs, problems };
}

export async function stallEdit(): Promise<CaseResult> {
  const file = await generate(Number(process.env.LABELSCOPE_BENCH_EDIT_SCALE ?? '0.09'), 2017);
  const { CocoEditorModel } = await import('../src/editor/editorModel');
  const { EditorSession } = await import('../src/editor/session');
  const { PER_ANNOTATION_RULES } = await import('../src/editor/geometryEdits');
  const runner = await workerRunner();
  // As the viewer reads it: into shared memory (the worker reads the same bytes).
  const bytes = await readFileShared(file);

  async function session(inWorker: boolean) {
    const model = await CocoEditorModel.load(bytes, file);
    let checkTimer: ReturnType<typeof setTimeout> | undefined;
    let checks = 0;
    const onEdit = () => {
        if (!inWorker) {
          // before: the provider decoded the whole edited file on every edit for the Problems panel's check.
          const text = new TextDecoder().decode(model.bytes());
          void runner.run({ file, text, checkImageFiles: false }, () => undefined, new AbortController().signal).then(() => { checks++; }, () => undefined);
          return;
        }
        // after: once per burst (debounced), the file's shared bytes and the edits go to the worker,
        // which makes the edited copy (the host makes none).
        if (checkTimer) clearTimeout(checkTimer);
        checkTimer = setTimeout(() => {
          void runner.run({ file, bytes: model.base.bytes, edits: model.byteEdits(), checkImageFiles: false }, () => undefined, new AbortController().signal).then(() => { checks++; }, () => undefined);
        }, 400);
    };
    const s = new EditorSession({
      post: () => undefined,
      source: { find: () => ({ tried: [] }), toSrc: (p) => p },
      model: Promise.resolve(model),
      onEdit,
      ...(inWorker ? {
        recheckInWorker: async (input: { bytes: Uint8Array; edits?: { start: number; end: number; newText: string }[] }, signal: AbortSignal) =>
          [...(await runner.run({ file, bytes: input.bytes, edits: input.edits, only: [...PER_ANNOTATION_RULES], checkImageFiles: false }, () => undefined, signal)).problems],
      } : {}),
    });
    await (s as unknown as { ready(): Promise<unknown> }).ready();
    return { model, s, onEdit, checks: () => checks };
  }

  async function edits(inWorker: boolean) {
    const { model, s, onEdit } = await session(inWorker);
    const boxes: number[] = [];
    for (let i = 0; boxes.length < 20 && i < model.base.annotationEntries.length; i++) {
      const v = model.base.annotationEntries[i].value as { bbox?: number[]; segmentation?: unknown };
      if (Array.isArray(v.bbox) && Array.isArray(v.segmentation)) boxes.push(i);
    }
    const probe = stallProbe();
    for (const i of boxes) {
      const v = model.base.annotationEntries[i].value as { bbox: number[] };
      const edit = model.prepare({ op: 'setBbox', annotationIndex: i, bbox: [v.bbox[0] + 1, v.bbox[1] + 1, v.bbox[2], v.bbox[3]] });
      if (typeof edit === 'string') throw new Error(edit);
      model.apply(edit);
      s.changed();
      onEdit();
      await tick(150);
    }
    await s.lastRecheck;
    await tick(1500);
    const r = probe.stop();
    s.dispose();
    return r;
  }

  const before = await edits(false);
  const after = await edits(true);
  return {
    wallMs: 0, mb: Math.round(bytes.length / 1e6), edits: 20,
    beforeMaxStallMs: before.maxStallMs, afterMaxStallMs: after.maxStallMs,
    beforeP99Ms: before.p99DelayMs, afterP99Ms: after.p99DelayMs,
  };
}

/**
 * stall-check: the host's side of a check, without the viewer's load: the check worker checks the
 * file (the viewer's shared bytes) and the outcome is published as the extension does it
 * (CheckService → diagnostics, the `vscode` mock standing in for VS Code). Then `recheckMs`: ten
 * checks in a row of a small file (a keystroke's or a viewer edit's check), mean wall time each.
 */
export async function stallCheck(file: string): Promise<CaseResult> {
  // Through require: the mock's resolve hook (test/host/setup) serves CommonJS requires of `vscode`.
  require('../test/host/setup');
  const vscode = require('vscode') as typeof import('vscode');
  // As stall-open: the rules, not 118k stats of images that the generated file names but no disk holds.
  await vscode.workspace.getConfiguration('labelscope').update('checkImageFiles', false);
  const { CheckService } = require('../src/extension/checkService') as typeof import('../src/extension/checkService');
  const { StatusBar } = require('../src/extension/statusBar') as typeof import('../src/extension/statusBar');
  const runner = await workerRunner();
  const bytes = await readFileShared(file);
  const diagnostics = vscode.languages.createDiagnosticCollection('labelscope');
  const svc = new CheckService({ runner, diagnostics, status: new StatusBar(() => [], () => undefined), log: vscode.window.createOutputChannel('Labelscope') });
  const uri = vscode.Uri.file(file);
  svc.useFileBytes(async (u) => (u.toString() === uri.toString() ? bytes : undefined));
  if (process.env.LABELSCOPE_BENCH_DEBUG) svc.onDidChangeCheckState(({ state }) => console.error(new Date().toISOString(), JSON.stringify(state)));
  const probe = stallProbe();
  const t0 = performance.now();
  const outcome = await svc.check(uri, { size: bytes.length });
  const wallMs = performance.now() - t0;
  await tick(100);
  const r = probe.stop();

  const small = await generate(0.002, 7);
  const smallUri = vscode.Uri.file(small);
  await svc.check(smallUri, {});
  const t1 = performance.now();
  for (let i = 0; i < 10; i++) await svc.check(smallUri, { text: undefined });
  const recheckMs = (performance.now() - t1) / 10;
  svc.dispose();
  return { wallMs, maxStallMs: r.maxStallMs, p99DelayMs: r.p99DelayMs, problems: outcome?.problems.length, diagnostics: diagnostics.get(uri)?.length, recheckMs };
}
