/** Messages between parallelLoad.ts and its scan worker (parallelLoadWorker.ts). */
import type { MessagePort } from 'node:worker_threads';
import type { JsonKind, Section } from '../core/coco/document';
import type { FactsSplit, FactsTable } from './scanFacts';

/** Sink calls, as the first of each [op, a, b] triple. */
export const enum Op {
  /** a: index of the key in extras */
  Member = 0,
  /** [a, b): an element's bytes */
  Element = 1,
  ElementNf = 2,
  /** [a, b): a member's value */
  Value = 3,
  ValueNf = 4,
  /** a: index of the ParseIssue in extras */
  Issue = 5,
  /** a: offset, b: index of the message in extras */
  Invalid = 6,
}

/** Int32 slots of the control SharedArrayBuffer (parent → worker). */
export const CTL_READ = 0; // bytes read into the shared buffer so far (in file order)
export const CTL_STATE = 1; // 0 reading, 1 all read, -1 give up
export const CTL_STARTED = 2; // worker → parent: 1 once the worker runs
export const CTL_LINES = 3; // worker → parent: 1 once 'lines' is posted, -1 when it never will be
export const CTL_FACTS = 4; // worker → parent: 1 once 'facts' (the table) is posted, -1 when it never will be; parent → worker: -2 don't make it
export const CTL_FACTS_STOP = 5; // parent → worker: 1 take no more chunks of the facts (the parent takes the rest, or does without)
export const CTL_SLOTS = 6;
/**
 * The worker scans no closer than this to the read frontier. Tokens can run
 * past it: a run that did (see `safe` in the worker) is discarded and redone.
 */
export const FRONTIER_MARGIN = 4096;

/** Bumped when the messages or the control slots change: a stale dist/scanWorker.js refuses to run. */
export const SCAN_PROTOCOL = 7; // 3: line-index checkpoints from the scan worker; 4: a top-level array is scanned as a results list (ROOT_ARRAY_KEY); 5: 'lines' after 'end' (CTL_LINES); 6: 'facts' before 'lines' when asked (ruleFacts, CTL_FACTS); 7: the facts in shared chunks both threads fill (FactsTable, CTL_FACTS_STOP)

/** What every worker over the shared bytes gets: the scan worker here, the viewer's columns worker (columnsProtocol.ts). */
export interface SharedBytesWorkerData {
  /** The worker's protocol number: a stale worker script refuses to run. */
  protocol: number;
  /** The file's bytes, read once on the host (never written after). */
  bytes: SharedArrayBuffer;
  length: number;
  /** Int32 control slots (CTL_*). */
  control: SharedArrayBuffer;
  port: MessagePort;
  maxDepth?: number;
  /** Bytes scanned between posts, at most. */
  sliceBytes: number;
}

export interface ScanWorkerData extends SharedBytesWorkerData {
  kind: 'labelscope-scan';
  /** See FRONTIER_MARGIN. */
  frontierMargin: number;
  /** After the scan, also post the rules' segmentation facts table (scanFacts.ts) and fill its chunks, before the line checkpoints. */
  ruleFacts?: boolean;
  /** For tests: which chunks of the facts the worker may take (scanFacts.ts FactsSplit). */
  factsSplit?: FactsSplit;
  /** For tests: annotations per chunk of the facts (default FACTS_CHUNK). */
  factsChunk?: number;
}

export type ScanWorkerMessage =
  | { type: 'batch'; ops: Float64Array; n: number; extras: unknown[] }
  /**
   * The document's line checkpoints (LineIndex), sent after 'end': the parent runs the rules
   * meanwhile and takes them (receiveMessageOnPort) only when it first needs a line number.
   */
  | { type: 'lines'; lines: Float64Array; cols: Float64Array }
  | { type: 'end'; sections: Map<string, Section>; rootKind: JsonKind | undefined }
  /**
   * The rules' segmentation facts table (scanFacts.ts), posted after 'end' and before 'lines' when
   * asked for (ScanWorkerData.ruleFacts), before the worker fills its first chunk.
   */
  | { type: 'facts'; table: FactsTable }
  | { type: 'failed'; message: string };
