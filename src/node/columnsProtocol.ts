/** Messages between columnsLoad.ts (the extension host) and its columns worker (columnsWorker.ts). */
import type { SharedBytesWorkerData } from './parallelLoadProtocol';
import type { LazyDocumentData } from '../editor/lazyDocument';

/** Bumped when the messages change: a stale dist/columnsWorker.js refuses to run. */
export const COLUMNS_PROTOCOL = 3; // 2: the bytes' fingerprint with 'end'; 3: the lookups built on the worker

/**
 * The control SharedArrayBuffer's Int32 slots are parallelLoadProtocol's: CTL_STATE (-1: the
 * host gave up) and CTL_LINES (1 once 'lines' is posted, -1 when it never will be), so the host
 * takes the line checkpoints with parallelLoad's `takeLines`.
 */
export interface ColumnsWorkerData extends SharedBytesWorkerData {
  kind: 'labelscope-columns';
}

export type ColumnsWorkerMessage =
  /** How far the parse got (a byte offset). */
  | { type: 'progress'; at: number }
  /** The document without its bytes (its typed arrays transferred) and the bytes' fingerprint (edits/fingerprint.ts). */
  | { type: 'end'; data: LazyDocumentData; fingerprint: string }
  /** The document's line checkpoints (LineIndex), after 'end'; taken when the host first needs a line. */
  | { type: 'lines'; lines: Float64Array; cols: Float64Array }
  | { type: 'failed'; message: string };
