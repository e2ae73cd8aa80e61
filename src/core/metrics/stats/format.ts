/** `labelscope stats` output: JSON (stable field names, for CI), plain text and Markdown. */
import { fmt, type DatasetStats } from './compute';
import { pFmt, pct, type ShiftReport } from './shift';

export interface StatsReport {
  /** Bumped only when a field changes meaning; fields are added, never renamed. */
  readonly version: 1;
  readonly splits: DatasetStats[];
  /** Present with two or more files: each split compared with the first. */
  readonly shift?: ShiftReport;
}

export const STATS_FORMATS = ['text', 'json', 'md'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export function formatStats(report: StatsReport, format: StatsFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'md' ? markdown(report) : text(report);
}

interface Table { head: string[]; rows: (string | number)[][] }

function categoryTable(s: DatasetStats): Table {
  return {
    head: ['category', 'id', 'instances', 'images', 'crowd', 'small', 'medium', 'large', 'per image', 'box px² (geo mean)', 'outliers'],
    rows: [...s.perCategory].sort((x, y) => y.instances - x.instances).map((c) => [
      c.name, String(c.id), c.instances, c.images, pct(c.crowdShare), c.small, c.medium, c.large,
      fmt(c.instancesPerImage.mean), c.boxAreaLog.boxes > 0 ? fmt(c.boxAreaLog.geometricMean) : '-', c.outliers.count,
    ]),
  };
}

function summaryLines(s: DatasetStats): string[] {
  const ci = s.classImbalance;
  return [
    `images: ${s.images} (${s.imagesWithoutAnnotations} without annotations)`,
    `annotations: ${s.annotations} (crowd ${s.crowd}; small ${s.small}, medium ${s.medium}, large ${s.large} by area < 32², < 96², ≥ 96²)`,
    `categories: ${s.categories}`,
    ci.mostFrequent && ci.leastFrequent
      ? `class imbalance: ${fmt(ci.ratio)} (${JSON.stringify(ci.mostFrequent.name)} ${ci.mostFrequent.instances} / ${JSON.stringify(ci.leastFrequent.name)} ${ci.leastFrequent.instances})`
      : 'class imbalance: - (no annotated category)',
    `common image sizes: ${s.commonImageSizes.slice(0, 5).map((x) => `${x.size} (${x.images})`).join(', ') || '-'}`,
    ...(s.annotationsWithUnknownCategory ? [`annotations with an unknown category: ${s.annotationsWithUnknownCategory}`] : []),
    ...(s.annotationsWithUnknownImage ? [`annotations with an unknown image: ${s.annotationsWithUnknownImage}`] : []),
  ];
}

function text(r: StatsReport): string {
  const out: string[] = [];
  for (const s of r.splits) {
    out.push(`${s.name}${s.file ? ` (${s.file})` : ''}`);
    for (const l of summaryLines(s)) out.push(`  ${l}`);
    out.push('');
    const t = categoryTable(s);
    const widths = t.head.map((h, k) => Math.max(h.length, ...t.rows.map((row) => String(row[k]).length)));
    const line = (cells: (string | number)[]) => `  ${cells.map((c, k) => (k === 0 ? String(c).padEnd(widths[k]) : String(c).padStart(widths[k]))).join('  ')}`;
    out.push(line(t.head));
    for (const row of t.rows) out.push(line(row));
    out.push('');
    if (s.findings.length) {
      out.push('  findings:');
      for (const f of s.findings) out.push(`    ${f.severity}: ${f.message}`);
      out.push('');
    }
  }
  for (const c of r.shift?.comparisons ?? []) {
    out.push(`${c.a} vs ${c.b}:`);
    out.push(`  category shares: chi-square ${c.categoryShares.statistic.toFixed(1)}, df ${c.categoryShares.df}, p = ${pFmt(c.categoryShares.pValue)}`);
    out.push(`  box sizes: KS D = ${c.boxSizes.statistic.toFixed(3)}, p = ${pFmt(c.boxSizes.pValue)}`);
    if (c.flagged.length === 0) out.push('  no category flagged');
    for (const f of c.flagged) out.push(`  shift: ${f}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function mdTable(t: Table): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, '\\|');
  return [`| ${t.head.join(' | ')} |`, `| ${t.head.map((_, k) => (k === 0 ? '---' : '---:')).join(' | ')} |`, ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function markdown(r: StatsReport): string {
  const out: string[] = [];
  for (const s of r.splits) {
    out.push(`## ${s.name}`, '');
    for (const l of summaryLines(s)) out.push(`- ${l}`);
    out.push('', mdTable(categoryTable(s)), '');
    if (s.findings.length) {
      out.push('Findings:', '');
      for (const f of s.findings) out.push(`- **${f.severity}** ${f.message}`);
      out.push('');
    }
  }
  if (r.shift?.comparisons.length) {
    out.push('## Distribution shift', '');
    out.push(mdTable({
      head: ['splits', 'category shares (chi-square)', 'p', 'box sizes (KS D)', 'p', 'flagged'],
      rows: r.shift.comparisons.map((c) => [`${c.a} vs ${c.b}`, `${c.categoryShares.statistic.toFixed(1)} (df ${c.categoryShares.df})`, pFmt(c.categoryShares.pValue), c.boxSizes.statistic.toFixed(3), pFmt(c.boxSizes.pValue), c.flagged.length]),
    }), '');
    for (const c of r.shift.comparisons) for (const f of c.flagged) out.push(`- ${f}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
