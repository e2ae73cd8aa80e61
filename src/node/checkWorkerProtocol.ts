/** Messages between the extension host and the check worker thread. */
import type { CheckSummary } from '../core/check';
import type { LabelscopeConfig } from '../core/config';
import type { PositionedProblem } from '../core/report/located';

export interface CheckRequest {
  file: string;
  /** Unsaved editor text, when the check is for an edited buffer. */
  text?: string;
  overrides?: LabelscopeConfig;
  checkImageFiles?: boolean;
}

export type CheckWorkerMessage =
  | { type: 'progress'; phase: 'read' | 'parse' | 'check'; fraction: number }
  | { type: 'result'; result: CheckOutcome }
  | { type: 'failed'; message: string };

export interface CheckOutcome {
  file: string;
  problems: PositionedProblem[];
  summary: CheckSummary;
  configPath?: string;
  configErrors: string[];
  durationMs: number;
}
