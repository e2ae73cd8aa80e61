/**
 * Links between the JSON text / Problems panel and the viewer: a CodeLens "Open in
 * Labelscope" on line 1 of COCO-looking JSON, and a "Show in Labelscope viewer"
 * code action on every Labelscope diagnostic tied to an annotation or image.
 */
import * as vscode from 'vscode';
import type { CheckService } from '../checkService';
import { problemFor } from '../codeActions';
import { looksLikeCoco } from '../cocoFiles';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import type { RevealTarget } from '../../editor/session';

export const REVEAL_KIND = vscode.CodeActionKind.QuickFix.append('labelscope.reveal');

export class OpenInViewerCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file') return [];
    const head = document.getText(new vscode.Range(0, 0, Math.min(200, document.lineCount), 0));
    if (!looksLikeCoco(head)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'Open in Labelscope', command: 'labelscope.openInViewer', arguments: [document.uri] })];
  }
}

/** "Show in Labelscope viewer" for each Labelscope diagnostic in the range. */
export function revealActions(checks: CheckService, document: vscode.TextDocument, context: vscode.CodeActionContext): vscode.CodeAction[] {
  if (context.only && !context.only.intersects(vscode.CodeActionKind.QuickFix)) return [];
  const outcome = checks.outcomeFor(document.uri);
  if (!outcome) return [];
  const out: vscode.CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of context.diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE) continue;
    const p = problemFor(outcome, d);
    if (!p || (p.annotationId === undefined && p.imageId === undefined && !/^\$?\.?(images|annotations)\[/.test(p.jsonPath))) continue;
    const target: RevealTarget = { jsonPath: p.jsonPath };
    if (p.annotationId !== undefined) target.annotationId = p.annotationId;
    if (p.imageId !== undefined) target.imageId = p.imageId;
    const k = JSON.stringify(target);
    if (seen.has(k)) continue;
    seen.add(k);
    const a = new vscode.CodeAction('Show in Labelscope viewer', REVEAL_KIND);
    a.command = { command: 'labelscope.revealInViewer', title: a.title, arguments: [document.uri, target] };
    a.diagnostics = [d];
    out.push(a);
  }
  return out;
}

/** Wraps the quick-fix provider: its actions first, then "Show in Labelscope viewer" (one provider, one light bulb list). */
export function withRevealActions(inner: vscode.CodeActionProvider, checks: CheckService): vscode.CodeActionProvider {
  return {
    async provideCodeActions(document, range, context, token) {
      const base = (await inner.provideCodeActions(document, range, context, token)) ?? [];
      return [...base, ...revealActions(checks, document, context)];
    },
  };
}

export function registerLinks(): vscode.Disposable[] {
  return [vscode.languages.registerCodeLensProvider([{ language: 'json', scheme: 'file' }, { language: 'jsonc', scheme: 'file' }], new OpenInViewerCodeLensProvider())];
}
