/** One check, start to finish, producing what the editor shows. Runs in the worker or in-process. */
import { positionProblems } from '../core/report/located';
import { checkFile } from './checkFile';
import type { CheckOutcome, CheckRequest } from './checkWorkerProtocol';

export async function runCheck(
  req: CheckRequest,
  onProgress?: (phase: 'read' | 'parse' | 'check', fraction: number) => void,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  const result = await checkFile(req.file, {
    bytes: req.text !== undefined ? new TextEncoder().encode(req.text) : undefined,
    overrides: req.overrides,
    checkImageFiles: req.checkImageFiles,
    onProgress,
    signal,
  });
  return {
    file: req.file,
    problems: positionProblems(result.doc, result.problems),
    summary: result.summary,
    configPath: result.configPath,
    configErrors: result.configErrors,
    durationMs: result.durationMs,
  };
}
