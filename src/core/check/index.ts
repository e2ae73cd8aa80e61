/**
 * Runs every enabled rule over a document. Rules report byte ranges; this is
 * the one place that applies severities from the config and times each rule.
 */
import type { CocoDocument, Located } from '../coco/document';
import { locate } from '../coco/locate';
import { formatJsonPath, jsonPath } from '../coco/jsonPath';
import { ruleSetting, type LabelscopeConfig } from '../config';
import type { Problem, Severity } from '../problems';
import { ALL_RULES } from '../rules';
import type { FileAccess, Place, ReportInput, Rule, RuleContext } from '../ruleKit/types';
import { INSTANCE_KINDS, assignKind, detectKind, kindOf, type CocoKind, type KindInfo } from '../coco/kind';

export interface CheckSummary {
  /** What kind of COCO file this is (instances, captions, panoptic, results …, or not-coco). */
  kind: CocoKind;
  /** How the kind was decided: content, file-name or config. */
  kindSource: KindInfo['source'];
  images: number;
  annotations: number;
  categories: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Problems per rule id. */
  byRule: Record<string, number>;
  /** Milliseconds per rule id (where a rule took ≥ 1 ms). */
  ruleMs: Record<string, number>;
}

export interface CheckResult {
  problems: Problem[];
  summary: CheckSummary;
}

export interface CheckOptions {
  config?: LabelscopeConfig;
  /** Only these rules (by id); all when absent. */
  only?: readonly string[];
  rules?: readonly Rule[];
  /** Disk access for rules that look at image files. */
  files?: FileAccess;
  /** Check as this kind of file instead of the detected one (`.labelscope.json` "kinds"). */
  kind?: CocoKind;
  /** A ground-truth dataset a results file refers to (CLI --gt). */
  groundTruth?: CocoDocument;
  /** Called between rules with the share of rules done; return true to stop early. */
  onProgress?: (fraction: number) => boolean | void;
}

export function makeContext(
  doc: CocoDocument,
  rule: Rule,
  severity: Severity,
  options: Record<string, unknown>,
  sink: (p: Problem) => void,
  files?: FileAccess,
  groundTruth?: CocoDocument,
): RuleContext {
  return {
    doc,
    kind: kindOf(doc).kind,
    ...(groundTruth ? { groundTruth } : {}),
    options,
    files,
    report(input: ReportInput) {
      sink({
        rule: rule.id,
        severity,
        message: input.message,
        jsonPath: input.at.jsonPath,
        start: input.at.start,
        end: input.at.end,
        ...(input.annotationId !== undefined ? { annotationId: input.annotationId } : {}),
        ...(input.imageId !== undefined ? { imageId: input.imageId } : {}),
        ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
        ...(input.related ? { related: input.related } : {}),
        ...(input.data !== undefined ? { data: input.data } : {}),
      });
    },
    place: (section, entry: Located, path = []) => placeIn(doc, section, entry, path),
    sectionPlace: (name?: string) => sectionPlace(doc, name),
  };
}

export function placeIn(
  doc: CocoDocument,
  section: string,
  entry: Located,
  path: readonly (string | number)[] = [],
): Place {
  // A results list (top-level array) keeps its elements as annotations; their paths start at the root.
  const pathOf = (p: readonly (string | number)[]) =>
    section === 'annotations' && doc.rootKind === 'array' ? formatJsonPath([entry.index, ...p]) : jsonPath(section, entry.index, p);
  if (path.length > 0) {
    const range = locate(doc, entry, path as (string | number)[]);
    if (range) return { jsonPath: pathOf(path), ...range };
  }
  return { jsonPath: pathOf([]), start: entry.start, end: entry.end };
}

export function sectionPlace(doc: CocoDocument, name?: string): Place {
  if (name !== undefined) {
    const s = doc.sections.get(name);
    if (s) return { jsonPath: jsonPath(name, undefined, []), start: s.valueStart, end: s.valueEnd };
  }
  // The whole document: point at its first token so editors don't underline 450 MB.
  const b = doc.bytes;
  let start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; // UTF-8 BOM
  while (start < b.length && (b[start] === 0x20 || b[start] === 0x0a || b[start] === 0x0d || b[start] === 0x09)) start++;
  return { jsonPath: '$', start, end: Math.min(start + 1, doc.bytes.length) };
}

/** Whether `rule` runs on a file of `kind` (rules without `kinds` apply to instance-like files). */
export function ruleApplies(rule: Pick<Rule, 'kinds'>, kind: CocoKind): boolean {
  return (rule.kinds ?? INSTANCE_KINDS).includes(kind);
}

/** Decides the document's kind for this run (forced or detected) and remembers it for the rules. */
export function settleKind(doc: CocoDocument, forced?: CocoKind): KindInfo {
  const info: KindInfo = forced ? { kind: forced, source: 'config' } : detectKind(doc);
  assignKind(doc, info);
  return info;
}

export function checkDocument(doc: CocoDocument, opts: CheckOptions = {}): CheckResult {
  const kind = settleKind(doc, opts.kind).kind;
  const rules = (opts.rules ?? ALL_RULES).filter((r) => (!opts.only || opts.only.includes(r.id)) && ruleApplies(r, kind));
  const problems: Problem[] = [];
  const timed: Record<string, number> = {};
  const sink = (p: Problem) => { problems.push(p); };
  let done = 0;
  // The rules that read the shared facts last (Rule.usesFacts): facts made on another thread get time to arrive.
  const runOrder = [...rules.filter((r) => !r.usesFacts), ...rules.filter((r) => r.usesFacts)];
  for (const rule of runOrder) {
    const setting = ruleSetting(opts.config, rule);
    if (setting.severity !== 'off') {
      const t0 = performance.now();
      try {
        rule.check(makeContext(doc, rule, setting.severity, setting.options, sink, opts.files, opts.groundTruth));
      } catch (e) {
        // A rule bug must not hide every other problem: report it where users see it.
        problems.push({
          rule: 'labelscope/internal-error',
          severity: 'error',
          message: `Rule ${rule.id} crashed: ${(e as Error)?.stack ?? String(e)}`,
          jsonPath: '$', start: 0, end: 0,
        });
      }
      const ms = performance.now() - t0;
      if (ms >= 1) timed[rule.id] = Math.round(ms);
    }
    done++;
    if (opts.onProgress?.(done / rules.length) === true) break;
  }
  // Reported in the rules' own order, whatever order they ran in.
  const ruleMs: Record<string, number> = {};
  for (const rule of rules) if (timed[rule.id] !== undefined) ruleMs[rule.id] = timed[rule.id];
  problems.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  return { problems, summary: summarize(doc, problems, ruleMs) };
}

export function summarize(doc: CocoDocument, problems: readonly Problem[], ruleMs: Record<string, number> = {}): CheckSummary {
  const byRule: Record<string, number> = {};
  let errors = 0, warnings = 0, infos = 0;
  for (const p of problems) {
    byRule[p.rule] = (byRule[p.rule] ?? 0) + 1;
    if (p.severity === 'error') errors++;
    else if (p.severity === 'warning') warnings++;
    else infos++;
  }
  const kind = kindOf(doc);
  return {
    kind: kind.kind,
    kindSource: kind.source,
    images: doc.imageEntries.length,
    annotations: doc.annotationEntries.length,
    categories: doc.categoryEntries.length,
    errors, warnings, infos, byRule, ruleMs,
  };
}
