/**
 * Fixes, computed where the document model lives (the worker): the fix of each
 * problem shown in the Problems panel, and fix-all, which applies every fix of
 * a rule (or of all rules) and repeats until nothing is left to fix.
 */
import { readFile } from 'node:fs/promises';
import type { CocoDocument } from '../core/coco/document';
import { LineIndex } from '../core/coco/lineIndex';
import { DEFAULT_MAX_PROBLEMS_PER_RULE } from '../core/config';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import { fingerprint, type Fingerprint } from '../core/edits/fingerprint';
import type { ByteEdit, Problem } from '../core/problems';
import { ALL_RULES } from '../core/rules';
import type { Fix, Rule } from '../core/ruleKit/types';
import { writeFileAtomic } from './atomicWrite';
import { checkFile, type CheckFileOptions } from './checkFile';
import { CocoReadError } from './loadCoco';
import type { FixAllGroup, FixAllOutcome, FixAllRequest, OutcomeProblem, PositionedEdit, PositionedFix } from './checkWorkerProtocol';

export const DEFAULT_FIX_PASSES = 5;

export function positionEdit(lines: LineIndex, e: ByteEdit): PositionedEdit {
  const s = lines.positionAt(e.start);
  const t = lines.positionAt(e.end);
  return { start: e.start, end: e.end, line: s.line + 1, column: s.character + 1, endLine: t.line + 1, endColumn: t.character + 1, newText: e.newText };
}

export function positionFix(doc: CocoDocument, fix: Fix): PositionedFix {
  const out: PositionedFix = { title: fix.title, edits: fix.edits.map((e) => positionEdit(doc.lines, e)) };
  if (fix.id) out.id = fix.id;
  if (fix.deletes) out.deletes = true;
  if (fix.choose) out.choose = fix.choose;
  return out;
}

/** A rule's other fixes (none when it has none or they throw). */
export function safeMoreFixes(rule: Rule | undefined, doc: CocoDocument, problem: Problem): Fix[] {
  if (!rule?.moreFixes) return [];
  try {
    return rule.moreFixes(doc, problem).filter((f) => f.edits.length > 0);
  } catch {
    return [];
  }
}

/** A rule's fix, or undefined when it has none or its fix throws (a fix bug must not break the check). */
export function safeFix(rule: Rule | undefined, doc: CocoDocument, problem: Problem): Fix | undefined {
  if (!rule?.fix) return undefined;
  try {
    const f = rule.fix(doc, problem);
    return f && f.edits.length > 0 ? f : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds `fix` to the positioned problems (same order as `problems`) of fixable
 * rules, for at most `maxPerRule` problems per rule: the ones the Problems panel
 * shows. Returns the ids of the fixable rules that reported problems.
 */
export function attachFixes(
  doc: CocoDocument,
  problems: readonly Problem[],
  positioned: OutcomeProblem[],
  rules: readonly Rule[] = ALL_RULES,
  maxPerRule = DEFAULT_MAX_PROBLEMS_PER_RULE,
): string[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const seen = new Map<string, number>();
  const fixable = new Set<string>();
  problems.forEach((p, i) => {
    const rule = byId.get(p.rule);
    if (!rule?.fix) return;
    fixable.add(p.rule);
    const n = seen.get(p.rule) ?? 0;
    if (n >= maxPerRule) return;
    seen.set(p.rule, n + 1);
    const fix = safeFix(rule, doc, p);
    if (fix) positioned[i].fix = positionFix(doc, fix);
    const more = safeMoreFixes(rule, doc, p);
    if (more.length) positioned[i].moreFixes = more.map((f) => positionFix(doc, f));
  });
  return [...fixable];
}

/**
 * Picks whole fixes whose edits overlap no edit of an earlier-kept fix (a fix
 * with two edits is applied entirely or not at all). Returns the kept edits and
 * how many fixes were skipped for overlapping.
 */
export function pickNonOverlapping(fixes: readonly Fix[]): { edits: ByteEdit[]; applied: number; skipped: number; kept: number[] } {
  const tagged = fixes.flatMap((f, i) => f.edits.map((e) => ({ e, i })));
  tagged.sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end);
  const dropped = new Set<number>();
  let end = -1;
  for (const t of tagged) {
    if (dropped.has(t.i)) continue;
    if (t.e.start < end) dropped.add(t.i);
    else end = Math.max(end, t.e.end);
  }
  // The sweep kept only edits that start at or after every kept edit's end: no overlap is left.
  const edits = tagged.filter((t) => !dropped.has(t.i)).map((t) => t.e);
  const kept = fixes.map((_, i) => i).filter((i) => !dropped.has(i));
  return { edits, applied: fixes.length - dropped.size, skipped: dropped.size, kept };
}

/**
 * Composes edits: `a` against `orig` gives `mid`, `b` against `mid` gives `out` (passed in);
 * returns edits against `orig` that give `out`, touching only what a or b touched.
 */
export function composeEdits(a: readonly ByteEdit[], b: readonly ByteEdit[], out: Uint8Array): ByteEdit[] {
  const enc = new TextEncoder();
  type Span = { s: number; t: number; dA: number; dB: number };
  const spans: Span[] = [];
  let delta = 0;
  for (const e of [...a].sort((x, y) => x.start - y.start || x.end - y.end)) {
    const len = enc.encode(e.newText).length;
    const s = e.start + delta;
    spans.push({ s, t: s + len, dA: len - (e.end - e.start), dB: 0 });
    delta += len - (e.end - e.start);
  }
  for (const e of b) spans.push({ s: e.start, t: e.end, dA: 0, dB: enc.encode(e.newText).length - (e.end - e.start) });
  spans.sort((x, y) => x.s - y.s || x.t - y.t);
  const dec = new TextDecoder();
  const result: ByteEdit[] = [];
  let dABefore = 0, dBBefore = 0;
  let i = 0;
  while (i < spans.length) {
    let { s, t, dA, dB } = spans[i];
    i++;
    while (i < spans.length && spans[i].s <= t) {
      t = Math.max(t, spans[i].t);
      dA += spans[i].dA;
      dB += spans[i].dB;
      i++;
    }
    const newText = dec.decode(out.subarray(s + dBBefore, t + dBBefore + dB));
    result.push({ start: s - dABefore, end: t - dABefore - dA, newText });
    dABefore += dA;
    dBBefore += dB;
  }
  return result;
}

export interface FixAllRun {
  /** Edits against the original bytes. */
  edits: ByteEdit[];
  /** Fixes applied per rule and kind. */
  groups: FixAllGroup[];
  /** Deleting fixes left out (excludeDeletions). */
  deletionsLeftOut: number;
  /** Ranges of the original bytes the first pass deletes. */
  deletedRanges: { start: number; end: number }[];
  /** The bytes after every pass. */
  bytes: Uint8Array;
  fixed: number;
  passes: number;
  remaining: number;
}

/** The fix-all loop on bytes: check, fix, repeat (at most `maxPasses`) while fixes remain. */
export async function fixAllBytes(
  file: string,
  original: Uint8Array,
  opts: Omit<CheckFileOptions, 'bytes' | 'only'> & { ruleId?: string; maxPasses?: number; excludeDeletions?: boolean },
): Promise<FixAllRun> {
  const rules = opts.rules ?? ALL_RULES;
  const fixable = rules.filter((r) => r.fix && (opts.ruleId === undefined || r.id === opts.ruleId));
  const byId = new Map(fixable.map((r) => [r.id, r]));
  const only = fixable.map((r) => r.id);
  const maxPasses = Math.max(1, opts.maxPasses ?? DEFAULT_FIX_PASSES);
  let bytes = original;
  let composed: ByteEdit[] = [];
  let fixed = 0;
  let passes = 0;
  let remaining = 0;
  const groups = new Map<string, FixAllGroup>();
  let deletionsLeftOut = 0;
  const deletedRanges: { start: number; end: number }[] = [];
  if (only.length === 0) return { edits: [], bytes, fixed, passes, remaining, groups: [], deletionsLeftOut, deletedRanges };
  for (;;) {
    const result = await checkFile(file, { ...opts, bytes, only, rules });
    const fixes: (Fix & { rule: string })[] = [];
    let leftOut = 0;
    for (const p of result.problems) {
      const f = safeFix(byId.get(p.rule), result.doc, p);
      if (f && f.deletes && opts.excludeDeletions) leftOut++;
      else if (f) fixes.push({ ...f, rule: p.rule });
    }
    if (passes === 0) deletionsLeftOut = leftOut;
    remaining = fixes.length + leftOut;
    if (fixes.length === 0 || passes >= maxPasses || opts.signal?.aborted) break;
    const { edits, applied, kept } = pickNonOverlapping(fixes);
    for (const i of kept) {
      const f = fixes[i];
      const key = `${f.rule}\u0000${f.deletes ? 1 : 0}`;
      const g = groups.get(key);
      if (g) g.count++; else groups.set(key, { rule: f.rule, count: 1, deletes: !!f.deletes, example: f.title });
      if (passes === 0 && f.deletes) for (const e of f.edits) deletedRanges.push({ start: e.start, end: e.end });
    }
    const next = applyByteEdits(bytes, edits);
    if (sameBytes(next, bytes)) break; // fixes that change nothing would loop forever
    composed = passes === 0 ? edits : composeEdits(composed, edits, next);
    bytes = next;
    fixed += applied;
    passes++;
  }
  return { edits: composed, bytes, fixed, passes, remaining, groups: [...groups.values()], deletionsLeftOut, deletedRanges };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The worker's fixAll request: read (or take the buffer), run the loop, position the edits. */
export async function runFixAll(
  req: FixAllRequest,
  onProgress?: (phase: 'read' | 'parse' | 'check', fraction: number) => void,
  signal?: AbortSignal,
  rules?: readonly Rule[],
): Promise<FixAllOutcome> {
  let bytes: Uint8Array;
  if (req.text !== undefined) bytes = new TextEncoder().encode(req.text);
  else {
    try { bytes = await readFile(req.file); } catch (e) { throw new CocoReadError(req.file, e); }
  }
  onProgress?.('read', 1);
  const run = await fixAllBytes(req.file, bytes, {
    overrides: req.overrides, checkImageFiles: req.checkImageFiles, ruleId: req.ruleId, maxPasses: req.maxPasses, excludeDeletions: req.excludeDeletions, signal, rules,
    onProgress,
  });
  const lines = new LineIndex(bytes);
  return {
    file: req.file,
    edits: run.edits.map((e) => positionEdit(lines, e)),
    fixed: run.fixed,
    passes: run.passes,
    remaining: run.remaining,
    size: bytes.length,
    fingerprint: fingerprint(bytes),
    groups: run.groups,
    deletionsLeftOut: run.deletionsLeftOut,
    deletedRanges: run.deletedRanges,
  };
}

export class StaleEditsError extends Error {
  constructor(file: string) {
    super(`${file} changed on disk since the fixes were computed; nothing was written. Run the fix again.`);
    this.name = 'StaleEditsError';
  }
}

/**
 * Applies byte edits to a file on disk and saves it atomically (files too big
 * for a text document). Refuses (StaleEditsError) when the file is not the bytes
 * the edits were computed from: `expected` is their fingerprint (or, for older
 * callers, their size).
 */
export async function applyEditsToFile(file: string, edits: readonly ByteEdit[], expected?: Fingerprint | number): Promise<number> {
  const bytes = await readFile(file);
  if (typeof expected === 'number' ? bytes.length !== expected : expected !== undefined && fingerprint(bytes) !== expected) {
    throw new StaleEditsError(file);
  }
  const out = applyByteEdits(bytes, edits);
  await writeFileAtomic(file, out);
  return out.length;
}
