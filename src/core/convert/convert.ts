/**
 * One conversion, in memory: source dataset (already read into COCO) → target files, then the
 * target files read back → compared with the source → fidelity report. The node layer adds the
 * disk on both ends.
 */
import { applyClassMap, contiguousCategoryIds, type ClassMap } from './classes';
import { reader as readerFor, target, type TargetFormat, type WriteOptions } from './formats';
import { ConvertLog, memoryTree, type CocoDataset, type WriteResult } from './model';
import { buildReport, countByClass, type ConversionReport } from './report';
import { compareRoundTrip } from './roundTrip';

export interface ConvertOptions extends WriteOptions {
  classes?: ClassMap;
  coco80?: boolean;
  /** Read the output back and compare (default true). */
  roundTrip?: boolean;
}

export interface ConvertResult {
  output: WriteResult;
  report: ConversionReport;
  log: ConvertLog;
}

export function convertDataset(
  ds: CocoDataset,
  to: TargetFormat,
  opts: ConvertOptions,
  meta: { from: string; input: string; output: string },
  log: ConvertLog = new ConvertLog(),
): ConvertResult {
  const inCounts = prepareDataset(ds, opts, log);
  return writeConverted(ds, to, opts, meta, log, inCounts);
}

/**
 * The first half of convertDataset: counts the input per class, then applies the class map and
 * the 91 → 80 renumbering. Between the halves the node layer may do work ahead of the writer
 * (tracing crowd masks in worker threads, handed over as `opts.traced`).
 */
export function prepareDataset(ds: CocoDataset, opts: ConvertOptions, log: ConvertLog): Map<string, number> {
  const inCounts = countByClass(ds);
  if (opts.classes) applyClassMap(ds, opts.classes, log);
  if (opts.coco80) contiguousCategoryIds(ds, log);
  return inCounts;
}

/** The second half of convertDataset: write, read back and compare, report. */
export function writeConverted(
  ds: CocoDataset,
  to: TargetFormat,
  opts: ConvertOptions,
  meta: { from: string; input: string; output: string },
  log: ConvertLog,
  inCounts: Map<string, number>,
): ConvertResult {
  const info = target(to);
  const output = info.write(ds, log, opts);
  let roundTrip;
  let skipped: string | undefined;
  if (opts.roundTrip === false) skipped = 'turned off (--no-round-trip)';
  else {
    try {
      roundTrip = readBackAndCompare(ds, output, to).summary;
    } catch (e) {
      skipped = `reading the output back failed: ${(e as Error).message}`;
    }
  }
  const report = buildReport(ds, log, {
    ...meta,
    to,
    options: { multipart: opts.multipart, crowd: opts.crowd, coco80: opts.coco80 },
    ...(opts.classes ? { classMapping: opts.classes } : {}),
  }, roundTrip, skipped, inCounts);
  return { output, report, log };
}

/** Reads `output` back with the target's own reader (images stand in by their sizes). */
export function readBack(source: CocoDataset, output: WriteResult, to: TargetFormat): CocoDataset {
  const info = target(to);
  const sizes = new Map<string, { width: number; height: number }>();
  const byId = new Map(source.images.map((i) => [i.id, i]));
  const placeholders = [];
  const written = new Set(output.files.map((f) => f.path));
  for (const p of output.images) {
    const img = byId.get(p.imageId);
    if (!img) continue;
    sizes.set(p.target, { width: img.width, height: img.height });
    if (!written.has(p.target)) placeholders.push({ path: p.target, data: new Uint8Array(0) });
  }
  const tree = memoryTree([...output.files, ...placeholders], sizes);
  return readerFor(info.source)(tree, new ConvertLog());
}

export function readBackAndCompare(source: CocoDataset, output: WriteResult, to: TargetFormat) {
  const back = readBack(source, output, to);
  return compareRoundTrip(source, back, { masks: target(to).masks });
}
