/** One check, start to finish, producing what the editor shows. Runs in the worker or in-process. */
import { DEFAULT_MAX_PROBLEMS_PER_RULE } from '../core/config';
import { positionProblems } from '../core/report/located';
import type { Rule } from '../core/ruleKit/types';
import { fingerprint } from '../core/edits/fingerprint';
import { checkFile } from './checkFile';
import { isShared } from './sharedBytes';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import type { CheckOutcome, CheckRequest, FixAllOutcome, OutcomeProblem, WorkerRequest } from './checkWorkerProtocol';
import { attachFixes, runFixAll } from './fixes';
import { isJsonObject, type CocoDocument } from '../core/coco/document';

export async function runCheck(
  req: CheckRequest,
  onProgress?: (phase: 'read' | 'parse' | 'check', fraction: number) => void,
  signal?: AbortSignal,
  rules?: readonly Rule[],
): Promise<CheckOutcome> {
  const result = await checkFile(req.file, {
    bytes: req.bytes ? (req.edits?.length ? applyByteEdits(req.bytes, req.edits) : req.bytes) : req.text !== undefined ? new TextEncoder().encode(req.text) : undefined,
    only: req.only,
    overrides: req.overrides,
    checkImageFiles: req.checkImageFiles,
    onProgress,
    signal,
    rules,
  });
  const maxProblemsPerRule = result.config.maxProblemsPerRule ?? DEFAULT_MAX_PROBLEMS_PER_RULE;
  const problems: OutcomeProblem[] = positionProblems(result.doc, result.problems);
  const fixableRules = attachFixes(result.doc, result.problems, problems, rules, maxProblemsPerRule);
  return {
    file: req.file,
    problems,
    summary: result.summary,
    configPath: result.configPath,
    configErrors: result.configErrors,
    durationMs: result.durationMs,
    maxProblemsPerRule,
    fixableRules,
    fingerprint: fingerprint(result.doc.bytes),
    bytesFrom: req.bytes ? (isShared(req.bytes) ? 'shared' : 'copy') : req.text !== undefined ? 'copy' : 'file',
    ...(problems.some((p) => p.moreFixes?.some((f) => f.choose === 'category')) ? { categories: categoriesOf(result.doc) } : {}),
  };
}

/** The file's categories (id and name) for a "pick a category" fix. */
function categoriesOf(doc: CocoDocument): { id: number | string; name: string }[] {
  const out: { id: number | string; name: string }[] = [];
  for (const e of doc.categoryEntries) {
    const v = e.value;
    if (!isJsonObject(v) || (typeof v.id !== 'number' && typeof v.id !== 'string')) continue;
    out.push({ id: v.id, name: typeof v.name === 'string' ? v.name : '' });
  }
  return out;
}

/** Dispatches a worker request by kind. */
export function runRequest(
  req: WorkerRequest,
  onProgress?: (phase: 'read' | 'parse' | 'check', fraction: number) => void,
  signal?: AbortSignal,
  rules?: readonly Rule[],
): Promise<CheckOutcome | FixAllOutcome> {
  return req.kind === 'fixAll' ? runFixAll(req, onProgress, signal, rules) : runCheck(req, onProgress, signal, rules);
}
