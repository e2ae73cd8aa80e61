/**
 * Labelscope: Compare Annotations… (agreement of this file against another: report + conflicts
 * as problems on this file), Compare with HEAD / with a Revision… / with Another File… (semantic
 * diff: summary, changed images, each change one click from its JSON).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareOutcome, CompareRequest, TextRange } from '../../node/compare/protocol';
import type { CompareToWebview } from '../../shared/compareProtocol';
import { readAtRevision } from './gitVersion';
import { openComparePanel } from './panel';
import { CompareCancelled, runCompareOffThread } from './runner';

/** At most this many conflicts become problems; one more says how many were left out. */
const MAX_CONFLICT_DIAGNOSTICS = 1000;
export const COMPARE_DIAGNOSTIC_SOURCE = 'labelscope compare';

const toRange = (r: TextRange) => new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);

/** The file of the active editor: a text editor or a custom editor (the viewer). */
function activeFile(): vscode.Uri | undefined {
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text?.scheme === 'file') return text;
  const input = vscode.window.tabGroups?.activeTabGroup?.activeTab?.input as { uri?: vscode.Uri } | undefined;
  return input?.uri?.scheme === 'file' ? input.uri : undefined;
}

export function registerCompareCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  const diagnostics = vscode.languages.createDiagnosticCollection('labelscope-compare');
  const distDir = path.join(context.extensionPath, 'dist');
  const name = (u: vscode.Uri) => vscode.workspace.asRelativePath(u);

  async function run(title: string, req: CompareRequest): Promise<CompareOutcome | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ctl = new AbortController();
      token.onCancellationRequested(() => ctl.abort());
      let reported = 0;
      try {
        return await runCompareOffThread(distDir, req, (phase, fraction) => {
          const pct = Math.round((phase === 'read' ? fraction * 0.6 : 0.6 + fraction * 0.4) * 100);
          if (pct > reported) { progress.report({ message: phase === 'read' ? 'reading' : 'matching', increment: pct - reported }); reported = pct; }
        }, ctl.signal);
      } catch (e) {
        if (e instanceof CompareCancelled) return undefined;
        void vscode.window.showErrorMessage(`Labelscope: ${(e as Error).message}`);
        return undefined;
      }
    });
  }

  async function compareAnnotations(uri?: vscode.Uri) {
    const b = uri ?? activeFile();
    if (!b) { void vscode.window.showWarningMessage('Labelscope: open a COCO file (annotator B) to compare it with another.'); return; }
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'COCO JSON': ['json'] }, openLabel: 'Compare (reference, annotator A)', defaultUri: vscode.Uri.file(path.dirname(b.fsPath)) });
    const a = picked?.[0];
    if (!a) return;
    const out = await run(`Labelscope: agreement of ${name(b)} with ${name(a)}`, { kind: 'agree', a: { path: a.fsPath }, b: { path: b.fsPath } });
    if (!out || out.kind !== 'agree') return;
    const r = out.report;
    const list: vscode.Diagnostic[] = [];
    r.conflicts.slice(0, MAX_CONFLICT_DIAGNOSTICS).forEach((c, i) => {
      const range = out.conflictRanges[i];
      const d = new vscode.Diagnostic(range ? toRange(range) : new vscode.Range(0, 0, 0, 1), `${c.fileName ?? c.imageId}: ${c.message} (vs ${name(a)})`,
        c.severity === 'error' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
      d.code = c.type;
      d.source = COMPARE_DIAGNOSTIC_SOURCE;
      list.push(d);
    });
    if (r.conflicts.length > MAX_CONFLICT_DIAGNOSTICS) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `${r.conflicts.length - MAX_CONFLICT_DIAGNOSTICS} more conflicts with ${name(a)} are in the report.`, vscode.DiagnosticSeverity.Information);
      d.source = COMPARE_DIAGNOSTIC_SOURCE;
      list.push(d);
    }
    diagnostics.set(b, list);
    // Images in full agreement are left out of the webview's copy (a train2017-size report has 118k).
    const message: CompareToWebview = { type: 'agree', fileA: name(a), fileB: name(b), report: { ...r, perImage: r.perImage.filter((i) => i.score > 0) }, ms: out.ms };
    openComparePanel(context, `Agreement: ${path.basename(b.fsPath)}`, message, {
      reveal: (m) => { const rg = m.conflict !== undefined ? out.conflictRanges[m.conflict] : null; if (rg) void showRange(b, rg); },
      // A/B view: B's viewer shows the image with A's objects and the conflicts over it.
      showInViewer: async (m) => {
        const layer = out.layers?.[m.image];
        if (!layer || layer.imageIdB === undefined) { void vscode.window.showInformationMessage(`Labelscope: that image is not in ${name(b)}.`); return; }
        await vscode.commands.executeCommand('labelscope.viewer.showAgreement', b, { imageId: layer.imageIdB }, layer);
      },
    });
  }

  async function diffWith(uri: vscode.Uri | undefined, pick: (u: vscode.Uri) => Promise<{ source: CompareRequest['a']; label: string } | undefined>) {
    const target = uri ?? activeFile();
    if (!target) { void vscode.window.showWarningMessage('Labelscope: open a COCO file to compare it.'); return; }
    let old;
    try {
      old = await pick(target);
    } catch (e) {
      void vscode.window.showErrorMessage(`Labelscope: ${(e as Error).message}`);
      return;
    }
    if (!old) return;
    const out = await run(`Labelscope: ${name(target)} against ${old.label}`, { kind: 'diff', a: old.source, b: { path: target.fsPath } });
    if (!out || out.kind !== 'diff') return;
    void vscode.window.showInformationMessage(`Labelscope: ${name(target)} against ${old.label}: ${out.diff.summary.line}`);
    const message: CompareToWebview = { type: 'diff', name: name(target), oldName: old.label, newName: name(target), diff: out.diff, ms: out.ms };
    openComparePanel(context, `Diff: ${path.basename(target.fsPath)} ↔ ${old.label}`, message, {
      reveal: (m) => { const rg = m.change ? out.ranges[m.change] : undefined; if (rg) void showRange(target, rg); },
      // Diff mode: NEW's viewer shows the image with the old and the new outlines.
      showInViewer: async (m) => {
        const im = out.diff.perImage[m.image];
        const changes = out.overlays[m.image];
        if (!im || im.imageId === undefined || !changes) { void vscode.window.showInformationMessage(`Labelscope: that image is not in ${name(target)}.`); return; }
        await vscode.commands.executeCommand('labelscope.viewer.showDiff', target, { imageId: im.imageId }, changes);
      },
    });
  }

  const atRevision = (ref: string) => async (u: vscode.Uri) => ({ source: { bytes: await readAtRevision(u, ref), name: `${ref}:${name(u)}` }, label: ref });

  return [
    diagnostics,
    vscode.commands.registerCommand('labelscope.compareAnnotations', compareAnnotations),
    vscode.commands.registerCommand('labelscope.compareWithHead', (uri?: vscode.Uri) => diffWith(uri, atRevision('HEAD'))),
    vscode.commands.registerCommand('labelscope.compareWithRevision', async (uri?: vscode.Uri) => {
      const ref = await vscode.window.showInputBox({ prompt: 'Compare with which git revision? (a branch, tag, commit or HEAD~n)', value: 'HEAD~1', validateInput: (v) => (v.trim() && !v.startsWith('-') ? undefined : 'A revision such as HEAD~1, main or a commit hash') });
      if (ref) await diffWith(uri, atRevision(ref.trim()));
    }),
    vscode.commands.registerCommand('labelscope.compareWithFile', (uri?: vscode.Uri) => diffWith(uri, async (u) => {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'COCO JSON': ['json'] }, openLabel: 'Compare (old version)', defaultUri: vscode.Uri.file(path.dirname(u.fsPath)) });
      return picked?.[0] ? { source: { path: picked[0].fsPath }, label: name(picked[0]) } : undefined;
    })),
    vscode.commands.registerCommand('labelscope.clearComparison', () => diagnostics.clear()),
  ];
}

/** Opens B's / NEW's JSON as text at the range (files over 50 MB: VS Code will not open them as text). */
async function showRange(uri: vscode.Uri, r: TextRange) {
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { selection: toRange(r), viewColumn: vscode.ViewColumn.One, preview: true });
  } catch (e) {
    void vscode.window.showWarningMessage(`Labelscope: cannot show ${vscode.workspace.asRelativePath(uri)} as text (${(e as Error).message}); the change is at line ${r.startLine + 1}.`);
  }
}
