/** Messages between a conversion's worker thread (convertWorker.ts) and its caller (convertInWorker.ts). */
import type { RunConvertOptions, RunConvertResult } from './runConvert';

/** What crosses into the worker: the options without the callbacks and the signal. */
export type ConvertWorkerData = Omit<RunConvertOptions, 'onProgress' | 'signal' | 'onCommit'>;

export type ConvertToWorker = { type: 'cancel' };

export type ConvertFromWorker =
  | { type: 'progress'; phase: string; fraction: number }
  /** The output is complete in its staging folder and is being moved into place: too late to cancel. */
  | { type: 'committing' }
  | { type: 'done'; result: RunConvertResult }
  | { type: 'error'; name: string; message: string };
