/**
 * Problems -> VS Code diagnostics, within VS Code's real limits.
 *
 * VS Code shows at most 1,000 diagnostics per file (errors first, then warnings, then infos)
 * and silently drops the rest behind one "Not showing N further errors and warnings" line, so
 * our own "N more" summaries could be the ones dropped. So the budget is ours: per rule at most
 * `maxPerRule` (the setting), and per file at most 1,000 in all: errors first, then warnings,
 * then infos, shared round-robin across rules so no rule is starved, and every rule that lost
 * problems keeps one summary diagnostic ("N more X problems not shown"). The viewer's problem
 * list and the CLI still show everything. The budget works on the problems' indices over a
 * ProblemStore (columns: rule and severity read without making objects); only the problems shown
 * are made into objects.
 */
import * as vscode from 'vscode';
import type { PositionedProblem } from '../core/report/located';
import { problemStore, type ProblemStore } from '../core/report/problemTable';

export const DIAGNOSTIC_SOURCE = 'labelscope';
export const TRUNCATED_CODE = 'labelscope/more-problems';
/** VS Code's limit (extHostDiagnostics: _maxDiagnosticsPerFile). */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

/** Runs from a diagnostic's code link: shows the problem in the viewer (see revealLink). */
export const REVEAL_PROBLEM_COMMAND = 'labelscope.revealProblem';
/** The "Labelscope Problems" tree view (src/extension/problemsView.ts). */
export const PROBLEMS_VIEW_ID = 'labelscope.problems';

/** Where a problem is in the viewer: its annotation or image, else (categories, info) the problem itself. */
export interface ProblemTarget {
  jsonPath: string;
  annotationId?: number | string;
  imageId?: number | string;
  rule: string;
  line: number;
}

export function problemTarget(p: Pick<PositionedProblem, 'jsonPath' | 'annotationId' | 'imageId' | 'rule' | 'line'>): ProblemTarget {
  const t: ProblemTarget = { jsonPath: p.jsonPath, rule: p.rule, line: p.line };
  if (p.annotationId !== undefined) t.annotationId = p.annotationId;
  if (p.imageId !== undefined) t.imageId = p.imageId;
  return t;
}

/**
 * A `command:` link that shows the problem in the viewer. VS Code hands custom editors no range
 * when a Problems row is clicked (microsoft/vscode#205209), but a diagnostic's code link is opened
 * with command links allowed: the rule id in the Problems row (and in the hover) becomes this link.
 */
export function revealLink(uri: vscode.Uri, p: Pick<PositionedProblem, 'jsonPath' | 'annotationId' | 'imageId' | 'rule' | 'line'>): vscode.Uri {
  // Built from its parts, not parsed: the same URI as Uri.parse(`command:…?${encodeURIComponent(json)}`)
  // without encoding and decoding the query (a 1,000-diagnostic publication spent most of its
  // 25–50 ms of the host's thread in Uri.parse).
  return vscode.Uri.from({ scheme: 'command', path: REVEAL_PROBLEM_COMMAND, query: JSON.stringify([uri.toString(), problemTarget(p)]) });
}

/** The rule id of a diagnostic's code (a plain string, or the value of a code link). */
export function diagnosticCode(d: Pick<vscode.Diagnostic, 'code'>): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  if (typeof c === 'object' && c !== null && typeof c.value === 'string') return c.value;
  return undefined;
}

const SEVERITY: Record<PositionedProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};
const TIERS: PositionedProblem['severity'][] = ['error', 'warning', 'info'];

function rangeOf(p: { line: number; column: number; endLine?: number; endColumn?: number }): vscode.Range {
  const start = new vscode.Position(p.line - 1, p.column - 1);
  const end = p.endLine !== undefined && p.endColumn !== undefined ? new vscode.Position(p.endLine - 1, p.endColumn - 1) : start;
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

/**
 * How many of each group to show within `budget`, round-robin: every group gets one in turn
 * until the budget or the groups run out (water-filling: the same as handing out one at a time).
 */
export function roundRobin(counts: readonly number[], budget: number): number[] {
  const take = counts.map(() => 0);
  let left = Math.max(0, budget);
  let open = counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
  while (left > 0 && open.length > 0) {
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      if (left === 0) break;
      const n = Math.min(each, counts[i] - take[i], left);
      take[i] += n;
      left -= n;
    }
    open = open.filter((i) => take[i] < counts[i]);
  }
  return take;
}

interface Group { rule: string; severity: PositionedProblem['severity']; items: number[]; total: number }

/** Which problems to show (indices, in the store's order): at most `maxPerRule` per rule and `limit` per file with the summaries. */
export function budgetIndices(store: ProblemStore, maxPerRule: number, limit = MAX_DIAGNOSTICS_PER_FILE): { shown: number[]; hidden: Map<string, { count: number; first: number; byFileLimit: boolean }> } {
  const groups = new Map<string, Group>();
  for (let i = 0; i < store.length; i++) {
    const rule = store.rule(i), severity = store.severity(i);
    const key = `${severity}\u0000${rule}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule, severity, items: [], total: 0 }));
    g.total++;
    if (g.items.length < maxPerRule) g.items.push(i);
  }
  const list = [...groups.values()];
  // The rules that will need a summary: those over the per-rule cap, then those the file budget cuts.
  const summarized = new Set(list.filter((g) => g.total > g.items.length).map((g) => g.rule));
  let take: number[] = [];
  for (;;) {
    let budget = Math.max(0, limit - summarized.size);
    take = list.map(() => 0);
    for (const tier of TIERS) {
      const idx = list.map((g, i) => (g.severity === tier ? i : -1)).filter((i) => i >= 0);
      const got = roundRobin(idx.map((i) => list[i].items.length), budget);
      idx.forEach((i, k) => { take[i] = got[k]; budget -= got[k]; });
    }
    const before = summarized.size;
    list.forEach((g, i) => { if (take[i] < g.total) summarized.add(g.rule); });
    if (summarized.size === before) break;
  }
  // A rule that would lose exactly one problem shows it instead of its summary (the same one row).
  const hiddenOf = new Map<string, number>();
  list.forEach((g, i) => hiddenOf.set(g.rule, (hiddenOf.get(g.rule) ?? 0) + g.total - take[i]));
  list.forEach((g, i) => { if (hiddenOf.get(g.rule) === 1 && take[i] === g.total - 1 && take[i] < g.items.length) { take[i]++; hiddenOf.set(g.rule, 0); } });
  const keep = new Set<number>();
  list.forEach((g, i) => { for (let k = 0; k < take[i]; k++) keep.add(g.items[k]); });
  const shown = [...keep].sort((a, b) => a - b);
  const hidden = new Map<string, { count: number; first: number; byFileLimit: boolean }>();
  list.forEach((g, i) => {
    const count = g.total - take[i];
    if (count <= 0) return;
    const h = hidden.get(g.rule);
    let first = g.items[take[i]];
    if (first === undefined) for (let k = 0; k < store.length; k++) if (!keep.has(k) && store.rule(k) === g.rule && store.severity(k) === g.severity) { first = k; break; }
    const byFileLimit = take[i] < g.items.length;
    if (h) { h.count += count; h.byFileLimit ||= byFileLimit; } else hidden.set(g.rule, { count, first, byFileLimit });
  });
  return { shown, hidden };
}

/** `budgetIndices` with the problems themselves. */
export function budgetProblems<P extends PositionedProblem>(problems: ProblemStore<P> | readonly P[], maxPerRule: number, limit = MAX_DIAGNOSTICS_PER_FILE): { shown: P[]; hidden: Map<string, { count: number; first: P; byFileLimit: boolean }> } {
  const store = problemStore(problems);
  const { shown, hidden } = budgetIndices(store, maxPerRule, limit);
  return {
    shown: shown.map((i) => store.get(i)!),
    hidden: new Map([...hidden].map(([rule, h]) => [rule, { ...h, first: store.get(h.first)! }])),
  };
}

export function toDiagnostics(uri: vscode.Uri, problems: ProblemStore | readonly PositionedProblem[], maxPerRule: number, limit = MAX_DIAGNOSTICS_PER_FILE): vscode.Diagnostic[] {
  const { shown, hidden } = budgetProblems(problems, maxPerRule, limit);
  const out: vscode.Diagnostic[] = [];
  for (const p of shown) {
    const d = new vscode.Diagnostic(rangeOf(p), p.message, SEVERITY[p.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: p.rule, target: revealLink(uri, p) };
    if (p.related?.length) {
      d.relatedInformation = p.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, rangeOf(r)), `${r.message} (${r.jsonPath})`));
    }
    out.push(d);
  }
  for (const [rule, h] of hidden) {
    const why = h.byFileLimit
      ? `VS Code shows at most ${MAX_DIAGNOSTICS_PER_FILE} problems per file; errors first, shared across rules`
      : `limit ${maxPerRule} per rule: setting labelscope.maxProblemsPerRule`;
    const d = new vscode.Diagnostic(
      rangeOf(h.first),
      `${h.count} more ${rule} problem${h.count === 1 ? '' : 's'} not shown (${why}). The viewer's problem list and "labelscope check" list them all.`,
      SEVERITY[h.first.severity],
    );
    d.source = DIAGNOSTIC_SOURCE;
    // The link opens the Labelscope Problems view, which lists them all.
    d.code = { value: TRUNCATED_CODE, target: vscode.Uri.parse(`command:${PROBLEMS_VIEW_ID}.focus`) };
    out.push(d);
  }
  return out;
}
