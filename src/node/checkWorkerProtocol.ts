/** Messages between the extension host and the check worker thread. */
import type { CheckSummary } from '../core/check';
import type { LabelscopeConfig } from '../core/config';
import type { PositionedProblem } from '../core/report/located';
import type { ProblemStore, ProblemTableData } from '../core/report/problemTable';

export interface CheckRequest {
  /** Absent or 'check': check the file; 'fixAll': see FixAllRequest. */
  kind?: 'check';
  file: string;
  /** Unsaved editor text, when the check is for an edited buffer. */
  text?: string;
  /**
   * The bytes to check (the viewer's re-check of edited annotations, or the file as the viewer
   * read it); wins over `text`. Over a SharedArrayBuffer they reach the worker without a copy
   * (src/node/sharedBytes.ts); the worker never writes them.
   */
  bytes?: Uint8Array;
  /**
   * Byte edits to apply to `bytes` before the check (the viewer's unsaved edits over the file's
   * shared bytes): the worker makes the edited copy, the extension host's thread none.
   */
  edits?: { start: number; end: number; newText: string }[];
  /** Only these rules (the viewer's re-check runs the per-annotation rules). */
  only?: string[];
  overrides?: LabelscopeConfig;
  checkImageFiles?: boolean;
}

/** Load, check, collect every fix of one rule (or of all rules), apply, repeat until nothing is left to fix. */
export interface FixAllRequest {
  kind: 'fixAll';
  file: string;
  text?: string;
  overrides?: LabelscopeConfig;
  checkImageFiles?: boolean;
  /** Only this rule's fixes; every fixable rule when absent. */
  ruleId?: string;
  /** At most this many check-and-fix passes (default 5). */
  maxPasses?: number;
  /** Leave out fixes that delete data (annotations): what fix-all applies without asking. */
  excludeDeletions?: boolean;
}

/** What fix-all does, per rule: shown (and asked about) before anything is applied. */
export interface FixAllGroup {
  rule: string;
  /** How many fixes of this rule were applied, over all passes. */
  count: number;
  /** These fixes delete data (annotations). */
  deletes: boolean;
  /** One fix's title, as an example ("Delete annotation 7"). */
  example: string;
}

export type WorkerRequest = CheckRequest | FixAllRequest;

/** One job for the check worker (a piscina task): the request and the port its progress and problems come back on. */
export interface CheckTask {
  request: WorkerRequest;
  /** A node:worker_threads MessagePort (transferred with the task). */
  port: unknown;
}

/**
 * On the task's port, before the task's result: progress, and the problems as one table
 * (core/report/problemTable: columns whose buffers are transferred, not cloned).
 */
export type CheckTaskMessage =
  | { type: 'progress'; phase: 'read' | 'parse' | 'check'; fraction: number }
  | { type: 'table'; data: ProblemTableData };

/** A check's outcome comes back without its problems: they come as a table on the port. */
export type CheckTaskResult = (Omit<CheckOutcome, 'problems'> & { problemTable: true }) | FixAllOutcome;

/** One text edit, in byte offsets of the checked bytes and in 1-based line / UTF-16 column. */
export interface PositionedEdit {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface PositionedFix {
  title: string;
  edits: PositionedEdit[];
  /** An alternative fix's id (`<rule>#<name>`); absent for the rule's own fix (its key is the rule id). */
  id?: string;
  /** The fix deletes data (an annotation). */
  deletes?: boolean;
  /** The user picks a category first; every edit's newText becomes its id (see CheckOutcome.categories). */
  choose?: 'category';
}

/** A problem as the editor gets it: with its fix, when its rule has one (only for problems shown, see the per-rule cap). */
export interface OutcomeProblem extends PositionedProblem {
  fix?: PositionedFix;
  /** Other fixes (e.g. "Add category 7", "Change category_id to…"), offered before `fix`. */
  moreFixes?: PositionedFix[];
}

export interface CheckOutcome {
  file: string;
  problems: OutcomeProblem[];
  summary: CheckSummary;
  configPath?: string;
  configErrors: string[];
  durationMs: number;
  /** The per-rule cap of the Problems panel in effect (settings over .labelscope.json). */
  maxProblemsPerRule: number;
  /** Ids of rules that reported problems and can fix them. */
  fixableRules: string[];
  /** Fingerprint (length + hash, core/edits/fingerprint) of the bytes checked: every fix's offsets are in these bytes. */
  fingerprint?: string;
  /** Where the checked bytes came from: read from the file, or handed over as shared memory or as a copy. */
  bytesFrom?: 'file' | 'shared' | 'copy';
  /** The file's categories, when a fix asks the user to pick one ("Change category_id to…"). */
  categories?: { id: number | string; name: string }[];
}

/**
 * A check's outcome as the extension host keeps it (CheckRunner.run): the problems as a
 * ProblemStore (a ProblemTable of columns from the worker), not an array of ~125k objects.
 */
export interface KeptOutcome extends Omit<CheckOutcome, 'problems'> {
  problems: ProblemStore<OutcomeProblem>;
}

export interface FixAllOutcome {
  file: string;
  /** Edits against the bytes that were read (the request's text, else the file), non-overlapping, sorted. */
  edits: PositionedEdit[];
  /** Fixes applied, over all passes. */
  fixed: number;
  passes: number;
  /** Fixable problems still reported after the last pass (0 when it converged). */
  remaining: number;
  /** Size in bytes of what was read. */
  size: number;
  /** Fingerprint of what was read (the edits apply to these bytes only). */
  fingerprint?: string;
  /** The fixes applied, per rule and kind (deletions apart). */
  groups?: FixAllGroup[];
  /** Fixes that would delete data and were left out (excludeDeletions). */
  deletionsLeftOut?: number;
  /** Byte ranges (of what was read) that the first pass deletes: the preview labels their edits. */
  deletedRanges?: { start: number; end: number }[];
}
