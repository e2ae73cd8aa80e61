/** Dataset statistics: pure, importable from the CLI, the extension, workers and tests. */
export * from './compute';
export * from './histogram';
export * from './pvalues';
export * from './shift';
export * from './format';
import type { CocoDocument } from '../../coco/document';
import { computeStats, type StatsOptions } from './compute';
import type { StatsReport } from './format';
import { compareSplits, type ShiftOptions } from './shift';

/** Statistics of every document, and the shift between them when there are several. */
export function statsReport(docs: readonly CocoDocument[], opts: StatsOptions & ShiftOptions = {}): StatsReport {
  const results = docs.map((d) => computeStats(d, { ...opts, name: undefined }));
  const shift = results.length > 1 ? compareSplits(results, opts) : undefined;
  return { version: 1, splits: results.map((r) => r.stats), ...(shift ? { shift } : {}) };
}
export * from './charts';
