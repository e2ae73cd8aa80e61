/**
 * Keeps the Problems panel in step with COCO files: one check at a time per
 * file, the newest request wins, big files show cancellable progress.
 */
import * as vscode from 'vscode';
import type { LabelscopeConfig, RuleSetting } from '../core/config';
import type { KeptOutcome, CheckRequest } from '../node/checkWorkerProtocol';
import { CancelledError, phaseWord, type CheckRunner } from './checkRunner';
import { toDiagnostics } from './diagnostics';
import type { StatusBar } from './statusBar';

/** Files above this get a cancellable progress notification, not just the status bar. */
const NOTIFY_ABOVE_BYTES = 20 * 1024 * 1024;
/** Checks of files above this wait for each other (two 450 MB parses at once would double peak memory); smaller ones never wait behind them. */
export const BIG_CHECK_BYTES = 64 * 1024 * 1024;

export interface CheckServiceOptions {
  runner: CheckRunner;
  diagnostics: vscode.DiagnosticCollection;
  status: StatusBar;
  log: vscode.OutputChannel;
}

export interface CheckOpts {
  /** Unsaved editor text to check instead of the file on disk. */
  text?: string;
  /**
   * What to check, read only when the check starts (after the debounce): no copy of a whole
   * document, no stat, per keystroke. Its fields replace text / version / size.
   */
  snapshot?: () => { text?: string; bytes?: Uint8Array; edits?: CheckRequest['edits']; version?: number; size?: number };
  /** Unsaved bytes (the viewer's edited file): sent to the worker as they are, never decoded here. */
  bytes?: Uint8Array;
  /** Edits the worker applies to `bytes` first (the viewer's unsaved edits over the file's shared bytes). */
  edits?: CheckRequest['edits'];
  /** File size, for progress UI. */
  size?: number;
  /** Version of the text document checked (quick fixes are offered only for that version). */
  version?: number;
}

/** Where a file's check stands (the viewer shows it; the status bar shows the running ones). */
export type CheckState =
  | { kind: 'running'; phase: 'read' | 'parse' | 'check'; fraction: number }
  | { kind: 'done'; problems: number }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

interface Job {
  controller: AbortController;
  done: Promise<void>;
}

export class CheckService implements vscode.Disposable {
  private readonly running = new Map<string, Job>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly outcomes = new Map<string, KeptOutcome>();
  /** The text document version each outcome was computed from (undefined: from disk). */
  private readonly versions = new Map<string, number | undefined>();
  /** One queue per file: a file's checks run in order, the newest wins. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Big files also take turns with each other (memory); small files never wait here. */
  private bigQueue: Promise<void> = Promise.resolve();

  /** The bytes an open viewer read from a file, while the file is still those bytes (see useFileBytes). */
  private fileBytes?: (uri: vscode.Uri) => Promise<Uint8Array | undefined>;

  /**
   * Checks of a file on disk take its bytes from here when it has them (the viewer's shared
   * copy): the worker then neither reads nor holds a second copy of a 450 MB file.
   */
  useFileBytes(source: (uri: vscode.Uri) => Promise<Uint8Array | undefined>): vscode.Disposable {
    this.fileBytes = source;
    return new vscode.Disposable(() => { if (this.fileBytes === source) this.fileBytes = undefined; });
  }

  private readonly stateEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; state: CheckState }>();
  /** A file's check started, moved on, ended, was cancelled or failed. */
  readonly onDidChangeCheckState = this.stateEmitter.event;
  private readonly states = new Map<string, CheckState>();

  constructor(private readonly opts: CheckServiceOptions) {}

  /** The latest state of a file's check (undefined: never checked in this session). */
  stateFor(uri: vscode.Uri): CheckState | undefined {
    return this.states.get(uri.toString());
  }

  /** A check of this file is waiting (debounce, queue) or running. */
  isPending(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return this.timers.has(key) || this.running.has(key);
  }

  /** Resolves when the file has no check waiting or running (a newer check may have replaced one). */
  async whenIdle(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    for (;;) {
      const job = this.running.get(key);
      if (job) { await job.done; continue; }
      if (!this.timers.has(key)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the file's waiting and running checks (the viewer's and the status bar's Cancel). */
  cancel(uri: vscode.Uri): boolean {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) { clearTimeout(t); this.timers.delete(key); }
    const job = this.running.get(key);
    job?.controller.abort();
    if (t || job) this.setState(uri, { kind: 'cancelled' });
    return !!(t || job);
  }

  /** Stops every running check (the status bar item's click while checking). */
  cancelAll(): number {
    let n = 0;
    for (const key of [...this.running.keys(), ...this.timers.keys()]) if (this.cancel(vscode.Uri.parse(key))) n++;
    return n;
  }

  private setState(uri: vscode.Uri, state: CheckState): void {
    this.states.set(uri.toString(), state);
    this.stateEmitter.fire({ uri, state });
  }

  outcomeFor(uri: vscode.Uri): KeptOutcome | undefined {
    return this.outcomes.get(uri.toString());
  }

  /** The document version the current outcome was computed for (undefined when it was read from disk). */
  versionFor(uri: vscode.Uri): number | undefined {
    return this.versions.get(uri.toString());
  }

  get runner(): CheckRunner {
    return this.opts.runner;
  }

  /** Files with an outcome: re-checked when settings or a .labelscope.json change. */
  get checkedUris(): vscode.Uri[] {
    return [...this.outcomes.keys()].map((k) => vscode.Uri.parse(k));
  }

  get allOutcomes(): readonly KeptOutcome[] {
    return [...this.outcomes.values()];
  }

  /** Check a file after `delayMs` of quiet (edits come in bursts). `text` = an unsaved buffer. */
  schedule(uri: vscode.Uri, opts: CheckOpts & { delayMs?: number } = {}): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const { snapshot, ...rest } = opts;
      void this.check(uri, snapshot ? { ...rest, ...snapshot() } : rest);
    }, opts.delayMs ?? 0));
  }

  /** Check now; resolves when this check (or a newer one for the same file) is done. */
  async check(uri: vscode.Uri, opts: CheckOpts = {}): Promise<KeptOutcome | undefined> {
    const key = uri.toString();
    this.running.get(key)?.controller.abort();
    const controller = new AbortController();
    let outcome: KeptOutcome | undefined;
    const big = (opts.size ?? 0) > BIG_CHECK_BYTES;
    const run = async () => {
      if (controller.signal.aborted) return;
      outcome = await this.runOne(uri, opts, controller);
    };
    const mine = (this.queues.get(key) ?? Promise.resolve()).then(() => {
      if (!big) return run();
      const turn = this.bigQueue.then(run);
      this.bigQueue = turn.catch(() => undefined);
      return turn;
    }).catch(() => undefined);
    this.queues.set(key, mine);
    this.running.set(key, { controller, done: mine });
    await mine;
    if (this.running.get(key)?.controller === controller) this.running.delete(key);
    if (this.queues.get(key) === mine) this.queues.delete(key);
    return outcome;
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.running.get(key)?.controller.abort();
    this.outcomes.delete(key);
    this.versions.delete(key);
    this.opts.diagnostics.delete(uri);
    this.opts.status.refresh();
  }

  private async runOne(uri: vscode.Uri, opts: CheckOpts, controller: AbortController): Promise<KeptOutcome | undefined> {
    const settings = readSettings(uri);
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    const bytes = opts.bytes ?? (opts.text === undefined ? await this.fileBytes?.(uri).catch(() => undefined) : undefined);
    const request = { file: uri.fsPath, text: opts.text, bytes, edits: opts.bytes ? opts.edits : undefined, overrides: settings.overrides, checkImageFiles: settings.checkImageFiles };
    const work = async (report?: (pct: number, phase: string) => void) => {
      this.opts.status.busy(name, 0, 'read');
      this.setState(uri, { kind: 'running', phase: 'read', fraction: 0 });
      return this.opts.runner.run(request, (phase, fraction) => {
        this.opts.status.busy(name, fraction, phase);
        if (!controller.signal.aborted) this.setState(uri, { kind: 'running', phase, fraction });
        report?.(fraction, phase);
      }, controller.signal);
    };
    const t0 = Date.now();
    try {
      let outcome: KeptOutcome;
      if ((opts.size ?? 0) > NOTIFY_ABOVE_BYTES) {
        outcome = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Labelscope: checking ${name}`, cancellable: true },
          async (progress, token) => {
            token.onCancellationRequested(() => controller.abort());
            let last = 0;
            return work((fraction, phase) => {
              // Each phase is a third of the bar.
              const overall = ((phase === 'check' ? 2 : phase === 'parse' ? 1 : 0) + fraction) / 3;
              progress.report({ message: `${phaseWord(phase)} ${Math.round(fraction * 100)}%`, increment: Math.max(0, (overall - last) * 100) });
              last = overall;
            });
          },
        );
      } else {
        outcome = await work();
      }
      if (controller.signal.aborted) return undefined; // a newer check of this file is on its way
      this.outcomes.set(uri.toString(), outcome);
      this.versions.set(uri.toString(), opts.version);
      this.opts.diagnostics.set(uri, toDiagnostics(uri, outcome.problems, outcome.maxProblemsPerRule ?? settings.maxProblemsPerRule));
      this.setState(uri, { kind: 'done', problems: outcome.problems.length });
      for (const e of outcome.configErrors) this.opts.log.appendLine(`[config] ${e}`);
      this.opts.log.appendLine(`[check] ${uri.fsPath}: ${outcome.problems.length} problems in ${Date.now() - t0} ms`);
      return outcome;
    } catch (e) {
      if (e instanceof CancelledError || controller.signal.aborted) {
        this.opts.log.appendLine(`[check] ${uri.fsPath}: cancelled`);
        // Cancelled by the user (a newer check of the file replaces this one silently).
        if (this.running.get(uri.toString())?.controller === controller && this.states.get(uri.toString())?.kind !== 'cancelled') this.setState(uri, { kind: 'cancelled' });
        return undefined;
      }
      const message = (e as Error)?.message ?? String(e);
      this.setState(uri, { kind: 'failed', message });
      this.opts.log.appendLine(`[check] ${uri.fsPath}: failed: ${message}`);
      void vscode.window.showErrorMessage(`Labelscope could not check ${name}: ${message}`);
      return undefined;
    } finally {
      this.opts.status.idle();
      this.opts.status.refresh();
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const j of this.running.values()) j.controller.abort();
    this.stateEmitter.dispose();
    void this.opts.runner.dispose?.();
  }
}

export interface LabelscopeSettings {
  overrides: LabelscopeConfig;
  maxProblemsPerRule: number;
  checkImageFiles: boolean;
  cocoFilePatterns: string[];
}

/** VS Code settings, layered over .labelscope.json by the check. */
export function readSettings(scope?: vscode.Uri): LabelscopeSettings {
  const c = vscode.workspace.getConfiguration('labelscope', scope);
  const overrides: LabelscopeConfig = {};
  const rules = c.get<Record<string, RuleSetting>>('rules');
  if (rules && Object.keys(rules).length > 0) overrides.rules = rules;
  const imageRoot = c.get<string>('imageRoot');
  if (imageRoot) overrides.imageRoot = imageRoot;
  // Only a value the user set overrides .labelscope.json's maxProblemsPerRule (the default must not).
  const maxInspect = c.inspect?.<number>('maxProblemsPerRule');
  const explicitMax = maxInspect?.workspaceFolderValue ?? maxInspect?.workspaceValue ?? maxInspect?.globalValue;
  if (typeof explicitMax === 'number' && explicitMax >= 1) overrides.maxProblemsPerRule = Math.floor(explicitMax);
  return {
    overrides,
    maxProblemsPerRule: Math.max(1, c.get<number>('maxProblemsPerRule') ?? 500),
    checkImageFiles: c.get<boolean>('checkImageFiles') ?? true,
    cocoFilePatterns: c.get<string[]>('cocoFilePatterns') ?? [],
  };
}
