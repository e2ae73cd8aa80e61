/**
 * The image checks' problems (coco/image-…, duplicates, leakage) in the Problems panel, on each
 * image's `file_name`, in their own collection (the text checks own the other one and re-run on
 * every edit; image checks run from the Dataset Report). Leakage twins in another split file are
 * related information pointing into that file. coco/image-size-mismatch has its quick fix.
 */
import * as vscode from 'vscode';
import { placeIn } from '../../core/check';
import type { CocoDocument } from '../../core/coco/document';
import type { Problem } from '../../core/problems';
import type { DatasetHealth } from '../../node/health/datasetHealth';
import type { FileImageProblem } from '../../node/health/fileCheck';
import { imageHealthRules } from '../../node/health/rules';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

interface Stored { doc: CocoDocument; problem: Problem; version?: number }
/** A problem from the automatic checks (worker-positioned), with its fix's edits already positioned. */
interface StoredPositioned { fix: NonNullable<FileImageProblem['fix']>; version?: number }

export class ImageDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(`${DIAGNOSTIC_SOURCE}-images`);
  private readonly problems = new WeakMap<vscode.Diagnostic, Stored>();
  private readonly positioned = new WeakMap<vscode.Diagnostic, StoredPositioned>();

  /** The automatic checks' result for one file (lines and columns from the worker; 1-based). */
  publishPositioned(uri: vscode.Uri, problems: readonly FileImageProblem[], version?: number): void {
    this.collection.set(uri, problems.filter((p) => p.rule !== 'coco/image-file-missing').map((p) => {
      const d = new vscode.Diagnostic(new vscode.Range(p.line - 1, p.column - 1, p.endLine - 1, p.endColumn - 1), p.message, SEVERITY[p.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = p.rule;
      if (p.related?.length) d.relatedInformation = p.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Position(r.line - 1, r.column - 1)), r.message));
      if (p.fix) this.positioned.set(d, { fix: p.fix, version });
      return d;
    }));
  }

  publish(health: DatasetHealth, docs: readonly CocoDocument[], files: readonly string[]): void {
    const uriOf = (k: number) => vscode.Uri.file(files[k]);
    const rangeIn = (doc: CocoDocument, start: number, end: number) => {
      const a = doc.lines.positionAt(start), b = doc.lines.positionAt(end);
      return new vscode.Range(a.line, a.character, b.line, b.character);
    };
    health.files.forEach((f, k) => {
      const doc = docs[k];
      const version = vscode.workspace.textDocuments.find((t) => t.uri.fsPath === files[k])?.version;
      const diags = f.problems.filter((p) => p.rule !== 'coco/image-file-missing').map((p) => {
        const d = new vscode.Diagnostic(rangeIn(doc, p.start, p.end), p.message, SEVERITY[p.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = p.rule;
        const related = (p.related ?? []).map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uriOf(k), rangeIn(doc, r.start, r.end)), r.message));
        // Twins in other split files: located in their own file.
        const twins = (p.data as { twins?: { file: string; jsonPath: string }[] } | undefined)?.twins ?? [];
        for (const t of twins) {
          const other = files.findIndex((file) => file.endsWith(t.file));
          if (other < 0 || other === k) continue;
          const m = /^\$\.images\[(\d+)\]/.exec(t.jsonPath);
          const entry = m ? docs[other].imageEntries[Number(m[1])] : undefined;
          if (!entry) continue;
          const place = placeIn(docs[other], 'images', entry, ['file_name']);
          related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(uriOf(other), rangeIn(docs[other], place.start, place.end)), `Twin in ${t.file}`));
        }
        if (related.length) d.relatedInformation = related;
        this.problems.set(d, { doc, problem: p, version });
        return d;
      });
      this.collection.set(uriOf(k), diags);
    });
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const rules = imageHealthRules({ probes: new Map(), escaping: new Map(), colourDataset: true });
    for (const d of context.diagnostics) {
      const pos = this.positioned.get(d);
      if (pos && !document.isDirty && (pos.version === undefined || pos.version === document.version)) {
        const action = new vscode.CodeAction(pos.fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.edit = new vscode.WorkspaceEdit();
        for (const e of pos.fix.edits) action.edit.replace(document.uri, new vscode.Range(e.line, e.character, e.endLine, e.endCharacter), e.newText);
        actions.push(action);
        continue;
      }
      const stored = this.problems.get(d);
      // Offsets are from the bytes the check read: a buffer edited since then gets no fix.
      if (!stored || document.isDirty || (stored.version !== undefined && stored.version !== document.version)) continue;
      const fix = rules.find((r) => r.id === stored.problem.rule)?.fix?.(stored.doc, stored.problem);
      if (!fix) continue;
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits) {
        const a = stored.doc.lines.positionAt(e.start), b = stored.doc.lines.positionAt(e.end);
        action.edit.replace(document.uri, new vscode.Range(a.line, a.character, b.line, b.character), e.newText);
      }
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/**
 * The extension's one ImageDiagnostics, made on first use (activation registers nothing more).
 * The automatic checks and the Dataset Report share it: a file's image problems are those of the
 * latest image check, never listed twice.
 */
export function lazyImageDiagnostics(context: vscode.ExtensionContext): () => ImageDiagnostics {
  let made: ImageDiagnostics | undefined;
  return () => {
    if (!made) {
      made = new ImageDiagnostics();
      context.subscriptions.push(made, vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.json' }, made, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    }
    return made;
  };
}
