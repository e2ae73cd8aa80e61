/**
 * A conversion on disk, shared by the CLI and the extension: detect and read the input, convert
 * through COCO (core/convert), write the output (never over an existing one without `force`),
 * place images (left in place, hard-linked or copied), write conversion-report.md (+ JSON).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseClassMap, type ClassMap } from '../../core/convert/classes';
import { prepareDataset, writeConverted, type ConvertOptions } from '../../core/convert/convert';
import { detectFormat, isSource, reader, sourceOf, target, type SourceFormat, type TargetFormat } from '../../core/convert/formats';
import { ConvertLog, type CocoDataset, type WriteResult } from '../../core/convert/model';
import { reportMarkdown, type ConversionReport } from '../../core/convert/report';
import { annotationsToTrace, type CrowdMode, type MultipartMode } from '../../core/convert/yolo';
import { writeFileAtomic } from '../atomicWrite';
import { imageLookup } from '../imageFiles';
import { diskTree, peekFile } from './diskTree';
import { traceAhead } from './tracePool';

export interface RunConvertOptions {
  input: string;
  output: string;
  to: TargetFormat;
  from?: string;
  classesFile?: string;
  /** Folder the images' file names are relative to (default: beside the input). */
  images?: string;
  multipart?: MultipartMode;
  crowd?: CrowdMode;
  coco80?: boolean;
  /** Copy images into the output layout (default: YOLO hard-links them, others leave them). */
  copyImages?: boolean;
  force?: boolean;
  /** Also write the report as JSON here. */
  reportFile?: string;
  roundTrip?: boolean;
  /**
   * Worker threads that trace crowd / RLE masks while the writer runs (default 1 when the masks
   * are big enough to pay for a thread; 0: the writer's thread traces them).
   */
  threads?: number;
  /**
   * Folder the output is built in before it is moved into place (default: a hidden sibling of
   * the output, so the move is a rename). Removed on failure or cancel; a caller that terminates
   * the conversion's thread removes it itself.
   */
  stagingDir?: string;
  /** Called when the output is complete and is being moved into place (no longer cancellable). */
  onCommit?: () => void;
  onProgress?: (phase: string, fraction: number) => void;
  signal?: AbortSignal;
}

export interface RunConvertResult {
  report: ConversionReport;
  /** The main output: the COCO file, or the output folder. */
  outputPath: string;
  reportPath: string;
  from: SourceFormat;
  files: number;
}

/** Input that can't be read (exit status 2 in the CLI). */
export class ConvertInputError extends Error {
  override name = 'ConvertInputError';
}
/** Output refused (exists, no --force) or not writable. */
export class ConvertOutputError extends Error {
  override name = 'ConvertOutputError';
}

export function detectInputFormat(input: string): SourceFormat {
  const tree = diskTree(input);
  const found = detectFormat(tree.list(), (p) => peekFile(tree.root, p));
  if (!found) throw new ConvertInputError(`${input}: not a dataset Labelscope can read (looked for COCO JSON, YOLO data.yaml or images/ + labels/, Pascal VOC XML, labelme JSON, CVAT 1.1 XML, Label Studio JSON, mask PNGs). Name the format with --from.`);
  return found;
}

export async function readInput(input: string, from: SourceFormat | undefined, log: ConvertLog, onProgress?: RunConvertOptions['onProgress'], signal?: AbortSignal): Promise<{ ds: CocoDataset; from: SourceFormat; root: string }> {
  if (!fs.existsSync(input)) throw new ConvertInputError(`Cannot read ${input}: no such file or directory`);
  const format = from ?? detectInputFormat(input);
  const tree = diskTree(input);
  if (format === 'yolo') await tree.loadImageSizes((d, t) => onProgress?.('reading image sizes', d / t), signal);
  onProgress?.(`reading ${format}`, 0);
  try {
    return { ds: reader(format)(tree, log), from: format, root: tree.root };
  } catch (e) {
    throw new ConvertInputError(`Cannot read ${input} as ${format}: ${(e as Error).message}`);
  }
}

export async function runConvert(opts: RunConvertOptions): Promise<RunConvertResult> {
  if (opts.from !== undefined && !isSource(opts.from)) throw new ConvertInputError(`--from ${opts.from}: not a format (coco, yolo, voc, labelme, cvat, labelstudio, masks)`);
  let classes: ClassMap | undefined;
  if (opts.classesFile) {
    try {
      classes = parseClassMap(JSON.parse(fs.readFileSync(opts.classesFile, 'utf8')), opts.classesFile);
    } catch (e) {
      throw new ConvertInputError(`Cannot read ${opts.classesFile}: ${(e as Error).message}`);
    }
  }
  const info = target(opts.to);
  const single = opts.to === 'coco' && /\.json$/i.test(opts.output);
  const outDir = single ? path.dirname(path.resolve(opts.output)) : path.resolve(opts.output);
  refuseExisting(opts.output, single, opts.force);

  const log = new ConvertLog();
  const { ds, from, root } = await readInput(opts.input, opts.from ? sourceOf(opts.from) : undefined, log, opts.onProgress, opts.signal);
  opts.signal?.throwIfAborted();
  const inputIsFile = fs.statSync(opts.input).isFile();
  const lookup = imageLookup(inputIsFile ? opts.input : path.join(root, 'annotations.json'), opts.images ? path.resolve(opts.images) : undefined);
  if (opts.to === 'coco' && from !== 'coco' && !opts.copyImages) {
    // a COCO file written elsewhere names its images relative to itself, so the viewer and
    // `labelscope check` find them where they stay
    for (const img of ds.images) {
      const src = lookup.resolve(img.file_name);
      if (src) img.file_name = path.relative(outDir, src).split(path.sep).join('/');
    }
  }
  opts.onProgress?.(`converting to ${opts.to}`, 0.3);
  const convertOptions: ConvertOptions = {
    multipart: opts.multipart, crowd: opts.crowd, classes, coco80: opts.coco80, roundTrip: opts.roundTrip, datasetRoot: outDir,
  };
  const inCounts = prepareDataset(ds, convertOptions, log);
  opts.signal?.throwIfAborted();
  const tracing = opts.to === 'yolo-seg' ? traceAhead(annotationsToTrace(ds, { task: 'segment', crowd: opts.crowd }), { threads: opts.threads }) : undefined;
  let converted;
  try {
    convertOptions.traced = tracing;
    converted = writeConverted(ds, opts.to, convertOptions, { from, input: opts.input, output: opts.output }, log, inCounts);
  } finally {
    await tracing?.close();
  }
  const { output, report } = converted;
  opts.signal?.throwIfAborted();

  opts.onProgress?.('writing', 0.6);
  // Everything is written into a staging folder and moved into place only when complete, so a
  // cancel or a failure leaves no partial output.
  const staging = opts.stagingDir ?? stagingPathFor(opts.output, opts.to);
  const reportPath = path.join(outDir, 'conversion-report.md');
  const placeMode = opts.copyImages ? 'copy' : info.placesImages ? 'link' : 'reference';
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    await writeOutput(staging, single ? path.join(staging, path.basename(opts.output)) : undefined, output, opts.signal);
    const placed = placeImages(staging, output, lookup, placeMode, opts.signal);
    report.options.images = placeMode;
    if (placed.missing > 0) report.notes.push({ reason: 'image-not-found', count: placed.missing, message: 'Image files not found, so not placed in the output layout (labels were written).', examples: placed.examples.map((f) => ({ file: f, message: 'not found' })) });
    fs.writeFileSync(path.join(staging, 'conversion-report.md'), reportMarkdown(report));
    opts.signal?.throwIfAborted();
    opts.onCommit?.();
    commitStaged(staging, outDir);
  } catch (e) {
    try { fs.rmSync(staging, { recursive: true, force: true }); } catch { /* nothing was made there */ }
    if ((e as Error).name === 'AbortError' || e instanceof ConvertOutputError) throw e;
    throw new ConvertOutputError(`Cannot write ${outDir}: ${(e as Error).message}`);
  }
  if (opts.reportFile) await writeFileAtomic(path.resolve(opts.reportFile), Buffer.from(JSON.stringify(report, null, 2) + '\n'));
  opts.onProgress?.('done', 1);
  // a COCO .json OUT with several splits becomes one file per split beside it: open the first
  const outputPath = !single ? outDir : output.files.length === 1 ? path.resolve(opts.output) : path.join(outDir, output.files[0].path);
  return { report, outputPath, reportPath, from, files: output.files.length };
}

/** A hidden sibling of the output folder (same disk, so committing is a rename). */
export function stagingPathFor(output: string, to: TargetFormat): string {
  const single = to === 'coco' && /\.json$/i.test(output);
  const outDir = single ? path.dirname(path.resolve(output)) : path.resolve(output);
  const parent = single ? outDir : path.dirname(outDir);
  return path.join(parent, `.${path.basename(outDir)}.labelscope-partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * Moves a finished staging folder into place: one rename when the output folder is new (or
 * empty), else file by file (each rename replaces a file of the same name; the folder's other
 * files stay).
 */
export function commitStaged(staging: string, outDir: string): void {
  let existing: string[] | undefined;
  try { existing = fs.readdirSync(outDir); } catch { existing = undefined; }
  if (existing === undefined || existing.length === 0) {
    if (existing) fs.rmdirSync(outDir);
    fs.mkdirSync(path.dirname(outDir), { recursive: true });
    fs.renameSync(staging, outDir);
    return;
  }
  const move = (rel: string) => {
    for (const e of fs.readdirSync(path.join(staging, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      const dst = path.join(outDir, r);
      if (e.isDirectory()) {
        if (!fs.existsSync(dst)) { fs.renameSync(path.join(staging, r), dst); continue; }
        move(r);
      } else {
        fs.renameSync(path.join(staging, r), dst);
      }
    }
  };
  move('');
  fs.rmSync(staging, { recursive: true, force: true });
}

function refuseExisting(output: string, single: boolean, force?: boolean): void {
  if (force || !fs.existsSync(output)) return;
  const st = fs.statSync(output);
  if (single || !st.isDirectory()) throw new ConvertOutputError(`${output} exists; use --force to overwrite it`);
  if (fs.readdirSync(output).length > 0) throw new ConvertOutputError(`${output} exists and is not empty; use --force to write into it`);
}

async function writeOutput(dir: string, singleFile: string | undefined, output: WriteResult, signal?: AbortSignal): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  if (singleFile && output.files.length === 1) {
    fs.writeFileSync(singleFile, output.files[0].data);
    return;
  }
  const dirs = new Set(output.files.map((f) => path.dirname(path.join(dir, ...f.path.split('/')))));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  // Many small files into a folder of our own: plain synchronous writes cost the least CPU
  // (promise writes hop through the thread pool three times a file); the event loop gets a turn
  // every few milliseconds so a cancel (Ctrl-C, the extension's Cancel) is seen.
  let turn = performance.now();
  for (const f of output.files) {
    fs.writeFileSync(path.join(dir, ...f.path.split('/')), f.data);
    if (performance.now() - turn > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      turn = performance.now();
    }
  }
}

/**
 * imageLookup's candidates, answered from one directory listing per folder instead of a stat per
 * candidate: train2017 has 118k images and up to seven candidate folders each.
 */
function listingLookup(lookup: ReturnType<typeof imageLookup>) {
  const listings = new Map<string, Set<string> | null>();
  const has = (file: string) => {
    const dir = path.dirname(file);
    let l = listings.get(dir);
    if (l === undefined) {
      try { l = new Set(fs.readdirSync(dir)); } catch { l = null; }
      listings.set(dir, l);
    }
    return !!l && l.has(path.basename(file));
  };
  return { resolve: (fileName: string) => lookup.candidates(fileName).find(has) };
}

function placeImages(outDir: string, output: WriteResult, slowLookup: ReturnType<typeof imageLookup>, mode: 'copy' | 'link' | 'reference', signal?: AbortSignal) {
  let missing = 0;
  const examples: string[] = [];
  if (mode === 'reference') return { missing, examples };
  const lookup = listingLookup(slowLookup);
  const made = new Set<string>();
  for (const p of output.images) {
    if (signal?.aborted) signal.throwIfAborted();
    const src = lookup.resolve(p.fileName);
    if (!src) { missing++; if (examples.length < 20) examples.push(p.fileName); continue; }
    const dst = path.join(outDir, ...p.target.split('/'));
    if (path.resolve(src) === path.resolve(dst)) continue;
    const d = path.dirname(dst);
    if (!made.has(d)) { fs.mkdirSync(d, { recursive: true }); made.add(d); }
    // the staging folder is fresh: nothing to remove first (a name taken twice falls to the copy)
    if (mode === 'link') {
      try { fs.linkSync(src, dst); continue; } catch { /* another device: copy */ }
    }
    fs.copyFileSync(src, dst);
  }
  return { missing, examples };
}
