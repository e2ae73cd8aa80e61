/**
 * Activation: wire the check service to documents, the file system and
 * commands. Everything that decides something lives in core/ or node/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkerCheckRunner, type CheckRunner } from './checkRunner';
import { CheckService, readSettings } from './checkService';
import { DEFAULT_COCO_PATTERNS, looksLikeCoco, matchesCocoPatterns } from './cocoFiles';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { LabelscopeCodeActionProvider, registerChooseFixCommand } from './codeActions';
import { registerFixCommands, type FixCommandOptions } from './fixCommands';
import { CANCEL_CHECKS_COMMAND, StatusBar } from './statusBar';
import { targetCocoUri } from './activeFile';
import { registerProblemsView } from './problemsView';
import { VSCODE_TEXT_DOCUMENT_MAX_BYTES } from '../core/limits';
import { registerCocoEditor } from './editor/cocoEditorProvider';
import { registerSam } from './sam';
import { registerCompareCommands } from './compare/commands';
import { registerConvertCommand } from './convert/convertCommand';
import { AutoImageChecks } from './health/autoImageChecks';
import { lazyImageDiagnostics } from './health/imageDiagnostics';
import { registerDatasetReport } from './health/reportPanel';
import { registerEvalCommands } from './eval/evalPanel';
import { withRevealActions } from './editor/links';

/** Edits are re-checked after this much quiet. */
const EDIT_DEBOUNCE_MS = 400;
/** At most this many files are checked by the start-up workspace scan. */
const WORKSPACE_SCAN_LIMIT = 100;
/** Files above this are not checked by the start-up scan, only when opened or asked for. */
const STARTUP_SCAN_MAX_BYTES = VSCODE_TEXT_DOCUMENT_MAX_BYTES;

export interface LabelscopeApi {
  service: CheckService;
  /** The start-up workspace scan: resolves to the files it queued for checking. */
  startupScan: Promise<vscode.Uri[]>;
}

/** Test seams: the large-file threshold of fix-all. */
export type ActivateOptions = FixCommandOptions;

export function activate(context: vscode.ExtensionContext, runner?: CheckRunner, options: ActivateOptions = {}): LabelscopeApi {
  const log = vscode.window.createOutputChannel('Labelscope');
  const diagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  // The status bar refreshes in its constructor, before the service exists.
  let service: CheckService | undefined;
  const status = new StatusBar(
    () => service?.allOutcomes ?? [],
    () => {
      // The file in view: a text editor or the viewer (a custom editor has no activeTextEditor).
      const uri = targetCocoUri();
      return uri ? service?.outcomeFor(uri) : undefined;
    },
  );
  const svc = new CheckService({
    runner: runner ?? new WorkerCheckRunner(path.join(context.extensionPath, 'dist')),
    diagnostics,
    status,
    log,
  });
  service = svc;
  context.subscriptions.push(log, diagnostics, status, svc);
  // SAM: Segment Boxes, Download Model, the model's status bar item (onnxruntime-node loads on first use).
  const sam = registerSam(context, log, { largeFileBytes: options.largeFileBytes });
  // The viewer's Segment tool uses the same SAM service.
  registerCocoEditor(context, svc, sam);
  context.subscriptions.push(...registerCompareCommands(context));
  registerConvertCommand(context);
  // One image-problem collection for the Dataset Report and the automatic image checks.
  const imageDiagnostics = lazyImageDiagnostics(context);
  registerDatasetReport(context, imageDiagnostics);
  // Image checks on open and save, in a worker (src/extension/health/autoImageChecks.ts).
  const autoImages = new AutoImageChecks(imageDiagnostics, path.join(context.globalStorageUri.fsPath, 'image-health'), (line) => log.appendLine(line));
  context.subscriptions.push(autoImages);
  registerEvalCommands(context);

  const isCocoDocument = (doc: vscode.TextDocument): boolean =>
    doc.uri.scheme === 'file' && (doc.languageId === 'json' || doc.fileName.endsWith('.json')) &&
    (matchesPatterns(doc.uri) || looksLikeCoco(doc.getText(new vscode.Range(0, 0, 200, 0))));
  // Decided on open and save, not per keystroke (that reads settings and the text's head).
  const cocoDocuments = new WeakMap<vscode.TextDocument, boolean>();
  const isCocoCached = (doc: vscode.TextDocument, fresh = false): boolean => {
    let v = fresh ? undefined : cocoDocuments.get(doc);
    if (v === undefined) cocoDocuments.set(doc, (v = isCocoDocument(doc)));
    return v;
  };

  const checkDocument = (doc: vscode.TextDocument, delayMs = 0, fresh = true) => {
    if (!isCocoCached(doc, fresh)) return;
    // Read when the check starts, after the debounce: no text copy or stat per keystroke. A dirty
    // buffer is checked as typed; a saved one is read from disk by the worker.
    svc.schedule(doc.uri, { delayMs, snapshot: () => ({ text: doc.isDirty ? doc.getText() : undefined, version: doc.version, size: fileSize(doc.uri.fsPath) }) });
  };

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => { checkDocument(d); if (isCocoCached(d)) autoImages.schedule(d.uri); }),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) checkDocument(e.document, EDIT_DEBOUNCE_MS, false); }),
    vscode.workspace.onDidSaveTextDocument((d) => { checkDocument(d); if (isCocoCached(d)) autoImages.schedule(d.uri); }),
    vscode.window.onDidChangeActiveTextEditor(() => status.refresh()),
    vscode.window.tabGroups.onDidChangeTabs(() => status.refresh()),
    vscode.commands.registerCommand(CANCEL_CHECKS_COMMAND, () => svc.cancelAll()),
    vscode.commands.registerCommand('labelscope.checkFile', async (uri?: unknown) => {
      const target = targetCocoUri(uri);
      if (!target) {
        void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file (or pick one in the Explorer) to check it.');
        return;
      }
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
      const outcome = await svc.check(target, { text: open?.isDirty ? open.getText() : undefined, version: open?.version, size: fileSize(target.fsPath) });
      if (outcome) void vscode.commands.executeCommand('workbench.actions.view.problems');
    }),
    vscode.commands.registerCommand('labelscope.checkWorkspace', () => checkWorkspace()),
    ...registerProblemsView(svc),
    vscode.languages.registerCodeActionsProvider(
      [{ language: 'json', scheme: 'file' }, { language: 'jsonc', scheme: 'file' }],
      // The quick fixes, then "Show in Labelscope viewer" (src/extension/editor/links.ts).
      withRevealActions(new LabelscopeCodeActionProvider(svc), svc),
      { providedCodeActionKinds: LabelscopeCodeActionProvider.providedCodeActionKinds },
    ),
    ...registerFixCommands(svc, options),
    registerChooseFixCommand(),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('labelscope')) recheckAll(); }),
  );

  /** Settings or a .labelscope.json changed: every checked file may report differently now. */
  function recheckAll() {
    for (const uri of svc.checkedUris) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      svc.schedule(uri, { text: open?.isDirty ? open.getText() : undefined, version: open?.version, delayMs: EDIT_DEBOUNCE_MS, size: fileSize(uri.fsPath) });
    }
  }

  // Files changed outside the editor (git checkout, a converter script).
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.json');
  const onDiskChange = (uri: vscode.Uri) => {
    if (uri.path.endsWith('/.labelscope.json')) { recheckAll(); return; }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) return;
    if (svc.outcomeFor(uri) || matchesPatterns(uri) || sniffFile(uri.fsPath)) svc.schedule(uri, { delayMs: EDIT_DEBOUNCE_MS, size: fileSize(uri.fsPath), version: open?.version });
  };
  context.subscriptions.push(watcher, watcher.onDidChange(onDiskChange), watcher.onDidCreate(onDiskChange), watcher.onDidDelete((uri) => { if (uri.path.endsWith('/.labelscope.json')) recheckAll(); else svc.forget(uri); }));

  for (const doc of vscode.workspace.textDocuments) checkDocument(doc);

  async function scanWorkspace(explicit: boolean): Promise<vscode.Uri[]> {
    const patterns = [...DEFAULT_COCO_PATTERNS, ...readSettings().cocoFilePatterns];
    const found = new Map<string, vscode.Uri>();
    for (const p of patterns) {
      for (const uri of await vscode.workspace.findFiles(p, '**/node_modules/**', WORKSPACE_SCAN_LIMIT)) found.set(uri.toString(), uri);
    }
    // The start-up scan leaves big files for when they are opened (or the explicit command):
    // activation must not queue minutes of parsing.
    const list = [...found.values()]
      .filter((u) => (explicit || fileSize(u.fsPath) <= STARTUP_SCAN_MAX_BYTES) && sniffFile(u.fsPath))
      .slice(0, WORKSPACE_SCAN_LIMIT);
    if (explicit && list.length === 0) void vscode.window.showInformationMessage('Labelscope: no COCO files found in this workspace.');
    for (const uri of list) void svc.check(uri, { size: fileSize(uri.fsPath) });
    return list;
  }
  const startupScan = scanWorkspace(false);

  /**
   * `Check All COCO Files in Workspace`: every file the name patterns find, checked with
   * cancellable progress, then a report of what was done: files checked, problems, and the
   * files skipped and why (not COCO by content, over the file limit, cancelled, failed).
   */
  async function checkWorkspace(): Promise<WorkspaceCheckReport> {
    const patterns = [...DEFAULT_COCO_PATTERNS, ...readSettings().cocoFilePatterns];
    const found = new Map<string, vscode.Uri>();
    for (const p of patterns) {
      for (const uri of await vscode.workspace.findFiles(p, '**/node_modules/**', WORKSPACE_SCAN_LIMIT + 1)) found.set(uri.toString(), uri);
    }
    // Files already checked in this workspace (opened in the viewer, whatever their names) are checked again too.
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const uri of svc.checkedUris) if (folders.some((f) => uri.fsPath.startsWith(f.uri.fsPath + path.sep))) found.set(uri.toString(), uri);
    const report: WorkspaceCheckReport = { checked: [], errors: 0, warnings: 0, infos: 0, skipped: [] };
    const candidates: vscode.Uri[] = [];
    for (const uri of found.values()) {
      if (!sniffFile(uri.fsPath)) report.skipped.push({ uri, reason: 'not a COCO file (no "images", "annotations" or "categories" at its start)' });
      else if (candidates.length >= WORKSPACE_SCAN_LIMIT) report.skipped.push({ uri, reason: `over the limit of ${WORKSPACE_SCAN_LIMIT} files per run (open it or run Check COCO File)` });
      else candidates.push(uri);
    }
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Labelscope: checking the workspace', cancellable: true },
      async (progress, token) => {
        let stopped = false;
        token.onCancellationRequested(() => { stopped = true; svc.cancelAll(); });
        for (const [i, uri] of candidates.entries()) {
          if (stopped) { report.skipped.push({ uri, reason: 'cancelled' }); continue; }
          progress.report({ message: `${i + 1} of ${candidates.length}: ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / Math.max(1, candidates.length) });
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          let outcome = await svc.check(uri, { text: open?.isDirty ? open.getText() : undefined, version: open?.version, size: fileSize(uri.fsPath) });
          // Replaced by a newer check of the file (an edit came in): that one's outcome counts.
          if (!outcome && !stopped && svc.stateFor(uri)?.kind !== 'cancelled' && svc.stateFor(uri)?.kind !== 'failed') { await svc.whenIdle(uri); outcome = svc.outcomeFor(uri); }
          if (!outcome) {
            const state = svc.stateFor(uri);
            report.skipped.push({ uri, reason: state?.kind === 'failed' ? `failed: ${state.message}` : 'cancelled' });
            continue;
          }
          report.checked.push(uri);
          report.errors += outcome.summary.errors;
          report.warnings += outcome.summary.warnings;
          report.infos += outcome.summary.infos;
        }
      },
    );
    log.appendLine(`[check workspace] ${report.checked.length} file(s) checked: ${report.errors} errors, ${report.warnings} warnings, ${report.infos} infos`);
    for (const u of report.checked) log.appendLine(`  checked ${vscode.workspace.asRelativePath(u)}`);
    for (const s of report.skipped) log.appendLine(`  skipped ${vscode.workspace.asRelativePath(s.uri)}: ${s.reason}`);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (report.checked.length === 0 && report.skipped.length === 0) {
      void vscode.window.showInformationMessage(`Labelscope: no COCO files found in this workspace (file names matching ${patterns.join(', ')}; setting labelscope.cocoFilePatterns).`);
      return report;
    }
    const reasons = new Map<string, number>();
    for (const s of report.skipped) { const r = s.reason.replace(/^failed: .*/, 'failed').replace(/ \(.*\)$/, ''); reasons.set(r, (reasons.get(r) ?? 0) + 1); }
    const skipped = report.skipped.length ? ` Skipped ${plural(report.skipped.length, 'file')}: ${[...reasons].map(([r, n]) => `${n} ${r}`).join('; ')}.` : '';
    const message = `Labelscope: checked ${plural(report.checked.length, 'COCO file')}: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}, ${report.infos} info.${skipped}`;
    void vscode.window.showInformationMessage(message, SHOW_DETAILS).then((c) => { if (c === SHOW_DETAILS) log.show(true); });
    return report;
  }

  // The last step of activation: what an end-to-end test waits on (an error above never gets here).
  log.appendLine(`Labelscope activated (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace).`);
  return { service: svc, startupScan };
}

export const SHOW_DETAILS = 'Show Details';

/** What `Check All COCO Files in Workspace` did (its result, for tests and callers). */
export interface WorkspaceCheckReport {
  checked: vscode.Uri[];
  errors: number;
  warnings: number;
  infos: number;
  skipped: { uri: vscode.Uri; reason: string }[];
}

export function deactivate(): void {
  /* subscriptions dispose everything */
}

function matchesPatterns(uri: vscode.Uri): boolean {
  return matchesCocoPatterns(uri.path, readSettings(uri).cocoFilePatterns);
}

function fileSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return 0; }
}

/** Reads the first 64 KiB only: enough to see the top-level keys of any COCO writer's output. */
function sniffFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return looksLikeCoco(buf.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
