/**
 * The fidelity report of one conversion: objects in and out per class, what was dropped or
 * changed and why, fields the target can't hold, and the round trip's mask IoU. JSON field names
 * are a public contract (add, never rename); `reportMarkdown` renders conversion-report.md.
 */
import { categoryNames, type CocoDataset, type ConvertLog, type LogEntry } from './model';
import type { RoundTripSummary } from './roundTrip';

export interface ReasonCount {
  reason: string;
  count: number;
  message: string;
  examples: Pick<LogEntry, 'file' | 'imageId' | 'annotationId' | 'category' | 'message'>[];
}

export interface ConversionReport {
  from: string;
  to: string;
  input: string;
  output: string;
  options: Record<string, unknown>;
  images: number;
  objectsIn: number;
  objectsOut: number;
  classes: { name: string; in: number; out: number }[];
  /** Category mapping applied (--classes, 91→80): source name → target name or null (dropped). */
  classMapping?: Record<string, string | null>;
  dropped: ReasonCount[];
  changed: ReasonCount[];
  lostFields: ReasonCount[];
  notes: ReasonCount[];
  roundTrip?: RoundTripSummary;
  /** Why there is no round trip (turned off, or too big). */
  roundTripSkipped?: string;
}

export function buildReport(
  source: CocoDataset,
  log: ConvertLog,
  meta: { from: string; to: string; input: string; output: string; options: Record<string, unknown>; classMapping?: Record<string, string | null> },
  roundTrip?: RoundTripSummary,
  roundTripSkipped?: string,
  inCounts: Map<string, number> = countByClass(source),
): ConversionReport {
  const classNames = [...new Set([...inCounts.keys(), ...log.written.keys()])];
  const group = (kind: string): ReasonCount[] =>
    log.entries().filter((g) => g.kind === kind).sort((a, b) => b.count - a.count).map((g) => ({
      reason: g.reason,
      count: g.count,
      message: g.examples[0]?.message ?? '',
      examples: g.examples.map(({ file, imageId, annotationId, category, message }) => ({ file, imageId, annotationId, category, message })),
    }));
  let out = 0;
  for (const n of log.written.values()) out += n;
  return {
    ...meta,
    images: source.images.length,
    objectsIn: [...inCounts.values()].reduce((x, y) => x + y, 0),
    objectsOut: out,
    classes: classNames.map((name) => ({ name, in: inCounts.get(name) ?? 0, out: log.written.get(name) ?? 0 })),
    dropped: group('dropped'),
    changed: group('changed'),
    lostFields: group('lost-field'),
    notes: group('note'),
    ...(roundTrip ? { roundTrip } : {}),
    ...(roundTripSkipped ? { roundTripSkipped } : {}),
  };
}

/** Objects per category name (call before a class map renames them). */
export function countByClass(ds: CocoDataset): Map<string, number> {
  const names = categoryNames(ds);
  const counts = new Map<string, number>();
  for (const c of ds.categories) counts.set(c.name, 0);
  for (const a of ds.annotations) {
    const n = names.get(a.category_id) ?? String(a.category_id);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(4));
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function reportMarkdown(r: ConversionReport): string {
  const lines: string[] = [];
  lines.push(`# Conversion report: ${r.from} → ${r.to}`, '');
  lines.push(`- Input: \`${r.input}\``, `- Output: \`${r.output}\``);
  const opts = Object.entries(r.options).filter(([, v]) => v !== undefined && v !== false);
  if (opts.length) lines.push(`- Options: ${opts.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  lines.push(`- Images: ${r.images}; objects in: ${r.objectsIn}; objects out: ${r.objectsOut}`, '');
  const dropped = r.dropped.reduce((n, d) => n + d.count, 0);
  lines.push(dropped === 0 ? '**Nothing was dropped.**' : `**${dropped} object(s) or entries were dropped** — see below.`, '');
  lines.push('## Objects per class', '', '| class | in | out |', '| --- | ---: | ---: |');
  for (const c of r.classes) lines.push(`| ${esc(c.name)} | ${c.in} | ${c.out} |`);
  lines.push('');
  if (r.classMapping && Object.keys(r.classMapping).length) {
    lines.push('## Class mapping', '', '| source | target |', '| --- | --- |');
    for (const [k, v] of Object.entries(r.classMapping)) lines.push(`| ${esc(k)} | ${v === null ? '*(dropped)*' : esc(v)} |`);
    lines.push('');
  }
  const section = (title: string, rows: ReasonCount[]) => {
    if (!rows.length) return;
    lines.push(`## ${title}`, '', '| reason | count | what happened | e.g. |', '| --- | ---: | --- | --- |');
    for (const row of rows) {
      const e = row.examples.slice(0, 3).map((x) => [x.file, x.annotationId !== undefined ? `ann ${x.annotationId}` : undefined].filter(Boolean).join(' ')).filter(Boolean).join('; ');
      lines.push(`| \`${esc(row.reason)}\` | ${row.count} | ${esc(row.message)} | ${esc(e)} |`);
    }
    lines.push('');
  };
  section('Dropped', r.dropped);
  section('Changed', r.changed);
  section('Fields the target cannot hold', r.lostFields);
  section('Notes', r.notes);
  lines.push('## Round trip', '');
  if (r.roundTrip) {
    const t = r.roundTrip;
    lines.push(`The output was read back into COCO and compared object by object (same image and class, best IoU).`, '');
    lines.push('| measure | value |', '| --- | ---: |');
    lines.push(`| objects compared | ${t.objects} |`, `| came back | ${t.matched} |`, `| did not come back | ${t.missing} |`, `| extra objects read back (e.g. split parts) | ${t.extraObjects} |`);
    lines.push(`| mask IoU mean (${t.maskObjects} objects) | ${f3(t.meanMaskIou)} |`, `| mask IoU min | ${f3(t.minMaskIou)} |`);
    lines.push(`| box IoU mean | ${f3(t.meanBoxIou)} |`, `| box IoU min | ${f3(t.minBoxIou)} |`);
    lines.push(`| largest box edge shift (px) | ${t.maxBoxShiftPx === null ? '–' : t.maxBoxShiftPx.toFixed(2)} |`, `| boxes moved > 1 px | ${t.boxesOver1px} |`, '');
    if (t.worst.length) {
      lines.push(`### Worst ${t.worst.length}`, '', '| image | file | annotation | class | IoU | kind |', '| ---: | --- | ---: | --- | ---: | --- |');
      for (const w of t.worst) lines.push(`| ${w.imageId} | ${esc(w.file)} | ${w.annotationId} | ${esc(w.category)} | ${w.iou.toFixed(4)} | ${w.kind} |`);
      lines.push('');
    }
  } else {
    lines.push(`Not run${r.roundTripSkipped ? `: ${r.roundTripSkipped}` : ''}.`, '');
  }
  return lines.join('\n');
}
