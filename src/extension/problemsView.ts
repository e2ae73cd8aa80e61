/**
 * "Labelscope Problems": every problem of every checked COCO file (not only the 1,000 per file
 * the Problems panel shows), grouped file → rule, each one a click (or Enter) away from its
 * annotation, image or category in the viewer. This is the way from a problem to the viewer
 * that VS Code's Problems panel cannot give custom editors (microsoft/vscode#205209); the
 * diagnostics' code links (diagnostics.ts) lead here and to the viewer too.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeptOutcome, OutcomeProblem } from '../node/checkWorkerProtocol';
import type { CheckService } from './checkService';
import { PROBLEMS_VIEW_ID, REVEAL_PROBLEM_COMMAND, problemTarget, type ProblemTarget } from './diagnostics';

/** A rule with more problems than this lists them in chunks of this many (a tree stays quick). */
export const CHUNK = 500;

type Severity = OutcomeProblem['severity'];
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const ICON: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info' };
const COLOR: Record<Severity, string> = { error: 'problemsErrorIcon.foreground', warning: 'problemsWarningIcon.foreground', info: 'problemsInfoIcon.foreground' };

export type ProblemNode =
  | { kind: 'file'; uri: vscode.Uri }
  | { kind: 'rule'; uri: vscode.Uri; rule: string; severity: Severity; indices: Uint32Array }
  | { kind: 'chunk'; uri: vscode.Uri; rule: string; indices: Uint32Array; from: number }
  | { kind: 'problem'; uri: vscode.Uri; index: number; problem: OutcomeProblem };

const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;

export class ProblemsTreeProvider implements vscode.TreeDataProvider<ProblemNode> {
  private readonly changed = new vscode.EventEmitter<ProblemNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Rule groups per outcome, built once per outcome. */
  private readonly groups = new WeakMap<KeptOutcome, ProblemNode[]>();

  constructor(private readonly service: CheckService) {}

  refresh(): void { this.changed.fire(undefined); }

  /** The checked files with problems, worst first, then by path. */
  files(): vscode.Uri[] {
    return this.service.checkedUris
      .filter((u) => (this.service.outcomeFor(u)?.problems.length ?? 0) > 0)
      .sort((a, b) => {
        const oa = this.service.outcomeFor(a)!.summary, ob = this.service.outcomeFor(b)!.summary;
        return ob.errors - oa.errors || a.fsPath.localeCompare(b.fsPath);
      });
  }

  getChildren(node?: ProblemNode): ProblemNode[] {
    if (!node) return this.files().map((uri) => ({ kind: 'file', uri }));
    const outcome = this.service.outcomeFor(node.uri);
    if (!outcome) return [];
    if (node.kind === 'file') return this.rulesOf(node.uri, outcome);
    // Problem objects only for the rows shown (a chunk at most), made from the outcome's columns.
    const problems = (indices: Uint32Array): ProblemNode[] => Array.from(indices, (index): ProblemNode => ({ kind: 'problem', uri: node.uri, index, problem: outcome.problems.get(index)! }));
    if (node.kind === 'rule') {
      if (node.indices.length <= CHUNK) return problems(node.indices);
      const chunks: ProblemNode[] = [];
      for (let from = 0; from < node.indices.length; from += CHUNK) chunks.push({ kind: 'chunk', uri: node.uri, rule: node.rule, indices: node.indices.subarray(from, from + CHUNK), from });
      return chunks;
    }
    if (node.kind === 'chunk') return problems(node.indices);
    return [];
  }

  private rulesOf(uri: vscode.Uri, outcome: KeptOutcome): ProblemNode[] {
    let list = this.groups.get(outcome);
    if (list) return list;
    // Per rule its problems' indices, in one Uint32Array per rule (two passes: count, then fill).
    const problems = outcome.problems;
    const byRule = new Map<string, { severity: Severity; count: number; indices?: Uint32Array }>();
    for (let i = 0; i < problems.length; i++) {
      const rule = problems.rule(i), severity = problems.severity(i);
      let g = byRule.get(rule);
      if (!g) byRule.set(rule, (g = { severity, count: 0 }));
      if (RANK[severity] < RANK[g.severity]) g.severity = severity;
      g.count++;
    }
    for (const g of byRule.values()) { g.indices = new Uint32Array(g.count); g.count = 0; }
    for (let i = 0; i < problems.length; i++) { const g = byRule.get(problems.rule(i))!; g.indices![g.count++] = i; }
    list = [...byRule].map(([rule, g]): ProblemNode => ({ kind: 'rule', uri, rule, severity: g.severity, indices: g.indices! }))
      .sort((a, b) => (a.kind === 'rule' && b.kind === 'rule' ? RANK[a.severity] - RANK[b.severity] || a.rule.localeCompare(b.rule) : 0));
    this.groups.set(outcome, list);
    return list;
  }

  getTreeItem(node: ProblemNode): vscode.TreeItem {
    switch (node.kind) {
      case 'file': {
        const o = this.service.outcomeFor(node.uri);
        const item = new vscode.TreeItem(path.basename(node.uri.fsPath), this.files().length === 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.resourceUri = node.uri;
        item.id = `file:${node.uri.toString()}`;
        const counts = o ? `${plural(o.summary.errors, 'error')}, ${plural(o.summary.warnings, 'warning')}, ${o.summary.infos.toLocaleString('en-US')} info` : '';
        item.description = `${path.dirname(vscode.workspace.asRelativePath(node.uri))} · ${counts}`;
        item.tooltip = `${node.uri.fsPath}\n${counts}`;
        item.contextValue = 'labelscopeFile';
        item.command = { command: 'labelscope.openInViewer', title: 'Open in COCO Viewer', arguments: [node.uri] };
        return item;
      }
      case 'rule': {
        const item = new vscode.TreeItem(node.rule, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `rule:${node.uri.toString()}:${node.rule}`;
        item.description = plural(node.indices.length, 'problem');
        item.iconPath = new vscode.ThemeIcon(ICON[node.severity], new vscode.ThemeColor(COLOR[node.severity]));
        item.accessibilityInformation = { label: `${node.rule}: ${item.description}` };
        return item;
      }
      case 'chunk': {
        const item = new vscode.TreeItem(`${(node.from + 1).toLocaleString('en-US')}–${(node.from + node.indices.length).toLocaleString('en-US')}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `chunk:${node.uri.toString()}:${node.rule}:${node.from}`;
        item.description = node.rule;
        return item;
      }
      case 'problem': {
        const p = node.problem;
        const item = new vscode.TreeItem(p.message, vscode.TreeItemCollapsibleState.None);
        item.id = `problem:${node.uri.toString()}:${node.index}`;
        const where = p.annotationId !== undefined ? `annotation ${String(p.annotationId)}` : p.imageId !== undefined ? `image ${String(p.imageId)}` : p.jsonPath;
        item.description = `${where} · Ln ${p.line}`;
        item.tooltip = `${p.rule} (${p.severity}) — ${p.message}\n${p.jsonPath}, line ${p.line}${p.fix ? `\nQuick fix: ${p.fix.title}` : ''}\nEnter or click: show it in the Labelscope viewer.`;
        item.iconPath = new vscode.ThemeIcon(ICON[p.severity], new vscode.ThemeColor(COLOR[p.severity]));
        item.command = { command: REVEAL_PROBLEM_COMMAND, title: 'Show in Labelscope Viewer', arguments: [node.uri, problemTarget(p)] };
        item.accessibilityInformation = { label: `${p.severity}: ${p.message}, ${where}, line ${p.line}` };
        return item;
      }
    }
  }

  getParent(node: ProblemNode): ProblemNode | undefined {
    if (node.kind === 'file') return undefined;
    if (node.kind === 'rule' || node.kind === 'chunk') return { kind: 'file', uri: node.uri };
    return undefined;
  }

  dispose(): void { this.changed.dispose(); }
}

/** The view, its refresh on every check, and the reveal command of its items and the code links. */
export function registerProblemsView(service: CheckService): vscode.Disposable[] {
  const provider = new ProblemsTreeProvider(service);
  const view = vscode.window.createTreeView(PROBLEMS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      provider.refresh();
      let errors = 0, warnings = 0;
      for (const o of service.allOutcomes) { errors += o.summary.errors; warnings += o.summary.warnings; }
      view.badge = errors + warnings > 0 ? { value: errors + warnings, tooltip: `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` } : undefined;
      view.message = service.allOutcomes.some((o) => o.problems.length > 0) ? undefined : 'No problems in the checked COCO files. Open a COCO file or run "Check All COCO Files in Workspace".';
    }, 100);
  };
  update();
  return [
    view,
    provider,
    new vscode.Disposable(() => { if (timer) clearTimeout(timer); }),
    service.onDidChangeCheckState(({ state }) => { if (state.kind === 'done') update(); }),
    vscode.languages.onDidChangeDiagnostics(() => update()),
    vscode.commands.registerCommand(REVEAL_PROBLEM_COMMAND, async (file: unknown, target: ProblemTarget) => {
      // From a code link the URI arrives as a string (command: links carry JSON).
      const uri = file instanceof vscode.Uri ? file : typeof file === 'string' ? vscode.Uri.parse(file) : undefined;
      if (!uri || !target) return;
      await vscode.commands.executeCommand('labelscope.revealInViewer', uri, { jsonPath: target.jsonPath, annotationId: target.annotationId, imageId: target.imageId, problem: { rule: target.rule, line: target.line } });
    }),
  ];
}
