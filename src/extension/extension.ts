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
import { LabelscopeCodeActionProvider } from './codeActions';
import { registerFixCommands, type FixCommandOptions } from './fixCommands';
import { StatusBar } from './statusBar';
import { VSCODE_TEXT_DOCUMENT_MAX_BYTES } from '../core/limits';
import { registerCocoEditor } from './editor/cocoEditorProvider';
import { registerSam } from './sam';
import { registerCompareCommands } from './compare/commands';
import { registerConvertCommand } from './convert/convertCommand';
import { AutoImageChecks } from './health/autoImageChecks';
import { ImageDiagnostics } from './health/imageDiagnostics';
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
      const uri = vscode.window.activeTextEditor?.document.uri;
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
  registerDatasetReport(context);
  // Image checks on open and save, in a worker (src/extension/health/autoImageChecks.ts).
  let autoImageDiagnostics: ImageDiagnostics | undefined;
  const imageDiagnosticsForAutoChecks = () => {
    if (!autoImageDiagnostics) {
      autoImageDiagnostics = new ImageDiagnostics();
      context.subscriptions.push(autoImageDiagnostics, vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.json' }, autoImageDiagnostics, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    }
    return autoImageDiagnostics;
  };
  const autoImages = new AutoImageChecks(imageDiagnosticsForAutoChecks, path.join(context.globalStorageUri.fsPath, 'image-health'), (line) => log.appendLine(line));
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
    vscode.commands.registerCommand('labelscope.checkFile', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== 'file') {
        void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file (or pick one in the Explorer) to check it.');
        return;
      }
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
      const outcome = await svc.check(target, { text: open?.isDirty ? open.getText() : undefined, version: open?.version, size: fileSize(target.fsPath) });
      if (outcome) void vscode.commands.executeCommand('workbench.actions.view.problems');
    }),
    vscode.commands.registerCommand('labelscope.checkWorkspace', () => scanWorkspace(true)),
    vscode.languages.registerCodeActionsProvider(
      [{ language: 'json', scheme: 'file' }, { language: 'jsonc', scheme: 'file' }],
      // The quick fixes, then "Show in Labelscope viewer" (src/extension/editor/links.ts).
      withRevealActions(new LabelscopeCodeActionProvider(svc), svc),
      { providedCodeActionKinds: LabelscopeCodeActionProvider.providedCodeActionKinds },
    ),
    ...registerFixCommands(svc, options),
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

  // The last step of activation: what an end-to-end test waits on (an error above never gets here).
  log.appendLine(`Labelscope activated (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'} workspace).`);
  return { service: svc, startupScan };
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
