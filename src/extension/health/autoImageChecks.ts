/**
 * The image checks (coco/image-…, duplicates) run automatically when a COCO file is opened or
 * saved and its images are found: in a worker thread (dist/imageCheckWorker.js, piscina; the
 * probes in its own pool), never on the extension host's thread. Progress in the status bar
 * ("Labelscope: images 120/5,000"); `Labelscope: Cancel Image Checks`, an edit, a new save or
 * closing the file cancels. Results are cached by path + size + mtime in global storage, so a
 * re-check after a save decodes nothing again. Off with `labelscope.health.autoImageChecks`.
 * An embedding model (`labelscope.health.embeddingModel`) runs only in a trusted workspace.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { FileImageCheckResult, FileImageCheckTask } from '../../node/health/fileCheck';
import { readSettings } from '../checkService';
import type { ImageDiagnostics } from './imageDiagnostics';

const DEBOUNCE_MS = 1500;

type Runner = { run(task: unknown, opts: { signal: AbortSignal; transferList?: unknown[] }): Promise<unknown>; destroy(): Promise<void> };

function workerFile(): { filename: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'imageCheckWorker.js');
  if (existsSync(bundled)) return { filename: bundled, execArgv: [] };
  // From sources (tests): the TypeScript worker through tsx.
  return { filename: path.resolve(__dirname, '../../node/health/fileCheckWorker.ts'), execArgv: ['--import', 'tsx'] };
}

export class AutoImageChecks implements vscode.Disposable {
  private pool: Runner | undefined;
  private readonly running = new Map<string, AbortController>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  /** `diagnostics` is asked for on the first result (the extension registers its quick fixes then). */
  constructor(private readonly diagnostics: () => ImageDiagnostics, private readonly cacheDir: string, private readonly log?: (line: string) => void) {
    this.disposables.push(
      vscode.commands.registerCommand('labelscope.cancelImageChecks', () => this.cancelAll()),
      vscode.workspace.onDidCloseTextDocument((d) => this.cancel(d.uri)),
    );
  }

  /** Whether automatic image checks are on (setting, default true). */
  static enabled(): boolean {
    return vscode.workspace.getConfiguration('labelscope').get<boolean>('health.autoImageChecks', true) !== false;
  }

  /** Check `uri`'s images after a short pause (a burst of saves checks once). */
  schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !AutoImageChecks.enabled()) return;
    const key = uri.toString();
    this.cancel(uri);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.run(uri); }, DEBOUNCE_MS));
  }

  /** Stops a scheduled or running check of `uri`. */
  cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) { clearTimeout(t); this.timers.delete(key); }
    this.running.get(key)?.abort();
    this.running.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.timers.keys(), ...this.running.keys()]) this.cancel(vscode.Uri.parse(key));
  }

  /** Runs the check now; resolves with the result (undefined when cancelled or failed). */
  async run(uri: vscode.Uri): Promise<FileImageCheckResult | undefined> {
    const key = uri.toString();
    this.running.get(key)?.abort();
    const abort = new AbortController();
    this.running.set(key, abort);
    const settings = readSettings();
    const config = vscode.workspace.getConfiguration('labelscope');
    const model = config.get<string>('health.embeddingModel', '');
    const task: FileImageCheckTask = {
      file: uri.fsPath,
      ...(settings.overrides.imageRoot ? { imageRoot: settings.overrides.imageRoot } : {}),
      overrides: settings.overrides,
      cacheDir: this.cacheDir,
      // Models never run in an untrusted workspace.
      ...(model && vscode.workspace.isTrusted ? { embeddingModel: model } : {}),
    };
    const name = path.basename(uri.fsPath);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Labelscope: images of ${name}` }, async (progress) => {
        this.pool ??= await this.createPool();
        const channel = new MessageChannel();
        let shown = 0;
        channel.port1.on('message', (m: { done: number; total: number }) => {
          const pct = m.total ? Math.floor((m.done / m.total) * 100) : 100;
          progress.report({ message: `${m.done.toLocaleString('en')}/${m.total.toLocaleString('en')}`, increment: pct - shown });
          shown = pct;
        });
        try {
          const result = await this.pool.run({ ...task, port: channel.port2 }, { signal: abort.signal, transferList: [channel.port2] }) as FileImageCheckResult;
          if (abort.signal.aborted) return undefined;
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
          // Checked from disk: a buffer edited since has other offsets, so its results wait for the save.
          if (open?.isDirty) return undefined;
          this.diagnostics().publishPositioned(uri, result.problems ?? [], open?.version);
          this.log?.(`Image checks of ${name}: ${result.problems === undefined ? 'no image files found' : `${result.probed} images (${result.cached} from the cache), ${result.problems.length} problems`}.`);
          return result;
        } finally {
          channel.port1.close();
        }
      });
    } catch (e) {
      if (!abort.signal.aborted) this.log?.(`Image checks of ${name} failed: ${(e as Error).message}`);
      return undefined;
    } finally {
      if (this.running.get(key) === abort) this.running.delete(key);
    }
  }

  private async createPool(): Promise<Runner> {
    const { Piscina } = await import('piscina');
    const w = workerFile();
    // One file at a time: each task starts its own pool of image decoders.
    return new Piscina({ filename: w.filename, execArgv: w.execArgv, minThreads: 0, maxThreads: 1, idleTimeout: 5000 }) as unknown as Runner;
  }

  dispose(): void {
    this.cancelAll();
    void this.pool?.destroy();
    for (const d of this.disposables) d.dispose();
  }
}
