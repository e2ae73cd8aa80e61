/**
 * The evaluation as text (pycocotools' summary lines first, so the two can be diffed), Markdown
 * and JSON (`{"AP", "AP50", …, "perCategory": […], "warnings": […]}`). Output field names are a
 * public contract: add, never rename.
 */
import type { PositionedProblem } from '../../report/located';
import type { EvalResult } from './index';

export type EvalOutputFormat = 'text' | 'json' | 'md';
export const EVAL_OUTPUT_FORMATS: readonly EvalOutputFormat[] = ['text', 'json', 'md'];

export interface EvalReportInput {
  gtFile: string;
  dtFile: string;
  result: EvalResult;
  /** Problems with line/column, each tagged with the file it is in. */
  problems: (PositionedProblem & { file: string; line?: number })[];
  durationMs?: number;
  /** Include the confusion matrix in text / Markdown. */
  confusion?: boolean;
  /** Problems listed per rule in text / Markdown (default 10; JSON lists all). */
  perRule?: number;
}

/** The first `n` problems of each rule, and how many more each has. */
function firstPerRule<T extends { rule: string }>(problems: readonly T[], n: number): { shown: T[]; more: Map<string, number> } {
  const seen = new Map<string, number>();
  const shown: T[] = [];
  const more = new Map<string, number>();
  for (const p of problems) {
    const k = seen.get(p.rule) ?? 0;
    seen.set(p.rule, k + 1);
    if (k < n) shown.push(p);
    else more.set(p.rule, (more.get(p.rule) ?? 0) + 1);
  }
  return { shown, more };
}

const num = (v: number, d = 3) => (v < 0 ? '-' : v.toFixed(d));

export function evalReportJson(r: EvalReportInput): string {
  const res = r.result;
  const stats: Record<string, number> = {};
  for (const s of res.summary) stats[s.key] = s.value;
  const curves = new Map(res.analysis.curves.map((c) => [c.categoryId, c]));
  return `${JSON.stringify({
    gt: r.gtFile,
    dt: r.dtFile,
    iouType: res.iouType,
    ...stats,
    stats: res.stats,
    summary: res.summary.map((s) => s.line),
    perCategory: res.perCategory.map((c) => ({
      id: c.id, name: c.name, gtCount: c.gtCount, dtCount: c.dtCount, AP: c.ap, AP50: c.ap50, AP75: c.ap75, AR: c.ar,
      bestF1: curves.get(c.id)?.best ?? null,
      precision: curves.get(c.id)?.precision ?? [],
    })),
    analysisIou: res.analysis.iou,
    confusion: res.analysis.confusion ?? null,
    warnings: r.problems,
    omittedWarnings: res.omittedProblems,
    counts: res.counts,
    ...(r.durationMs !== undefined ? { durationMs: Math.round(r.durationMs) } : {}),
  }, null, 2)}\n`;
}

function table(head: string[], rows: string[][], rightAlign: boolean[]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (rightAlign[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

function perClassRows(res: EvalResult): string[][] {
  const curves = new Map(res.analysis.curves.map((c) => [c.categoryId, c]));
  return res.perCategory.map((c) => {
    const best = curves.get(c.id)?.best;
    return [String(c.id), c.name, String(c.gtCount), String(c.dtCount), num(c.ap), num(c.ap50), num(c.ap75), num(c.ar), best ? `${best.f1.toFixed(3)} @ ${best.score.toPrecision(3)}` : '-'];
  });
}

const CLASS_HEAD = ['id', 'class', 'GT', 'dets', 'AP', 'AP50', 'AP75', 'AR', 'best F1 @ score'];
const CLASS_ALIGN = [true, false, true, true, true, true, true, true, false];

function confusionRows(res: EvalResult): { head: string[]; rows: string[][] } | undefined {
  const c = res.analysis.confusion;
  if (!c) return undefined;
  return { head: ['label \\ detected', ...c.labels], rows: c.cells.map((row, i) => [c.labels[i], ...row.map(String)]) };
}

export function evalReportText(r: EvalReportInput): string {
  const res = r.result;
  const lines = [res.summaryText, ''];
  const maxDet = res.params.maxDets[res.params.maxDets.length - 1];
  lines.push(`Per class (area all, maxDets ${maxDet}; AP = IoU 0.50:0.95; best F1 at IoU ${res.analysis.iou.toFixed(2)}):`);
  lines.push(...table(CLASS_HEAD, perClassRows(res), CLASS_ALIGN).map((l) => `  ${l}`));
  const cm = r.confusion ? confusionRows(res) : undefined;
  if (cm) {
    lines.push('', `Confusion matrix (IoU ${res.analysis.iou.toFixed(2)}, score >= ${res.analysis.confusion!.minScore}; rows = labels, columns = detections):`);
    lines.push(...table(cm.head, cm.rows, cm.head.map((_, i) => i > 0)).map((l) => `  ${l}`));
  }
  if (r.problems.length) {
    lines.push('');
    const { shown, more } = firstPerRule(r.problems, r.perRule ?? 10);
    for (const p of shown) lines.push(`${p.file}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.severity} ${p.message} [${p.rule}] (${p.jsonPath})`);
    for (const [rule, n] of Object.entries(res.omittedProblems)) more.set(rule, (more.get(rule) ?? 0) + n);
    for (const [rule, n] of more) lines.push(`… and ${n} more [${rule}] (--format json lists them)`);
  }
  const c = res.counts;
  lines.push('', `${r.gtFile} vs ${r.dtFile}: ${c.images} images, ${c.categories} categories, ${c.gt} labels, ${c.resultsUsed} of ${c.results} results evaluated (${res.iouType})${r.durationMs !== undefined ? ` in ${(r.durationMs / 1000).toFixed(2)} s` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function evalReportMarkdown(r: EvalReportInput): string {
  const res = r.result;
  const md = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)];
  const lines = [`## ${res.iouType} evaluation: \`${r.dtFile}\` against \`${r.gtFile}\``, ''];
  lines.push(...md(['metric', 'IoU', 'area', 'maxDets', 'value'], res.summary.map((s) => [s.key, s.iouThr === undefined ? '0.50:0.95' : s.iouThr.toFixed(2), s.areaRng, String(s.maxDets), num(s.value)])));
  lines.push('', '### Per class', '', ...md(CLASS_HEAD, perClassRows(res)));
  const cm = r.confusion ? confusionRows(res) : undefined;
  if (cm) lines.push('', `### Confusion matrix (IoU ${res.analysis.iou.toFixed(2)})`, '', ...md(cm.head, cm.rows));
  if (r.problems.length) {
    lines.push('', '### Warnings', '');
    const { shown, more } = firstPerRule(r.problems, r.perRule ?? 10);
    for (const [rule, n] of more) lines.push(`- … and ${n} more \`${rule}\``);
    for (const p of shown) lines.push(`- **${p.severity}** \`${p.rule}\` ${p.file}${p.line ? `:${p.line}` : ''} \`${p.jsonPath}\`: ${p.message}`);
  }
  return `${lines.join('\n')}\n`;
}
