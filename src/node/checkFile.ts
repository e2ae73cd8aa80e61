/**
 * Load a COCO file from disk and run every rule: the one pipeline the CLI and
 * the extension's worker share, so both report the same problems.
 */
import * as path from 'node:path';
import { checkDocument, type CheckResult } from '../core/check';
import type { CocoDocument } from '../core/coco/document';
import { kindForFile, mergeConfigs, type LabelscopeConfig } from '../core/config';
import type { FileAccess, Rule } from '../core/ruleKit/types';
import { loadConfigFor, readConfigFile } from './config';
import { imageLookup } from './imageFiles';
import { loadCoco, PARALLEL_FROM_BYTES, type LoadOptions } from './loadCoco';
import { parseSharedParallel } from './parallelLoad';
import { isShared } from './sharedBytes';
import { parseCoco } from '../core/coco/parse';
import { detectKind } from '../core/coco/kind';
import { loadPanopticPngs } from './panopticPng';

export interface CheckFileOptions {
  /** Image folder (CLI --images); overrides the config's imageRoot. */
  images?: string;
  /** An explicit config file (CLI --config); otherwise the nearest .labelscope.json. */
  configFile?: string;
  /** Settings layered over the file config (VS Code settings). */
  overrides?: LabelscopeConfig;
  /** Look for image files on disk (off for speed when unwanted). */
  checkImageFiles?: boolean;
  /** Use these bytes instead of reading the file (an unsaved editor buffer). */
  bytes?: Uint8Array;
  onProgress?: (phase: 'read' | 'parse' | 'check', fraction: number) => void;
  signal?: AbortSignal;
  /** The rules to run (default ALL_RULES; tests inject their own). */
  rules?: readonly Rule[];
  /** Only these rule ids (fix-all checks just the rules it fixes). */
  only?: readonly string[];
  /** A ground-truth COCO file a results file refers to (CLI --gt). */
  groundTruth?: string;
  /** Told how the rules' facts were made, when both threads made them (ParallelLoadOptions.onFacts; bench/checkPhases.ts). */
  onFacts?: LoadOptions['onFacts'];
}

export interface CheckFileResult extends CheckResult {
  doc: CocoDocument;
  config: LabelscopeConfig;
  configPath?: string;
  configErrors: string[];
  durationMs: number;
}

export function fileAccessFor(cocoFile: string, imageRoot?: string): FileAccess {
  const lookup = imageLookup(cocoFile, imageRoot, { listingCache: true });
  // Paths relative to the JSON's folder read well in the Problems panel and in CI logs.
  const base = path.dirname(path.resolve(cocoFile));
  const shown = (p: string) => path.relative(base, p) || '.';
  return {
    roots: lookup.roots.map((r) => `${path.relative(base, r) || '.'}${path.sep}`),
    imageExists: (fileName) => new ImageLookupResult(lookup.resolve(fileName) !== undefined, fileName, lookup, shown),
  };
}

/**
 * One answer of FileAccess.imageExists. The tried paths only when a message needs them (118k
 * misses must not cost 118k × 7 path.relative); a class, because an object literal with a getter
 * is built by a slow runtime call (~3 µs, 0.3 s over train2017's images).
 */
class ImageLookupResult {
  constructor(
    readonly found: boolean,
    private readonly fileName: string,
    private readonly lookup: ReturnType<typeof imageLookup>,
    private readonly shown: (p: string) => string,
  ) {}

  get tried(): readonly string[] { return this.found ? [] : this.lookup.candidates(this.fileName).map(this.shown); }
}

export async function checkFile(file: string, opts: CheckFileOptions = {}): Promise<CheckFileResult> {
  const t0 = performance.now();
  const loaded = opts.configFile ? readConfigFile(opts.configFile) : loadConfigFor(file);
  // Where images live is decided once, by imageRootFor (each source has its own base folder).
  const config = mergeConfigs(loaded.config, opts.overrides);
  opts.onProgress?.('read', 0);
  const doc = opts.bytes
    ? await parseBytes(file, opts.bytes, opts)
    // The full check: the scan worker computes the rules' facts while this thread parses.
    : await loadCoco(file, { onProgress: (f: number) => opts.onProgress?.('parse', f), signal: opts.signal, ruleFacts: !opts.only && !opts.rules, onFacts: opts.onFacts });
  opts.onProgress?.('check', 0);
  const files = opts.checkImageFiles === false ? undefined : fileAccessFor(file, imageRootFor(file, opts, loaded));
  const kind = kindForFile(config, path.relative(loaded.path ? path.dirname(loaded.path) : path.dirname(path.resolve(file)), path.resolve(file)).split(path.sep).join('/'));
  const groundTruth = opts.groundTruth ? await loadCoco(opts.groundTruth, { signal: opts.signal }) : undefined;
  if (files && (kind ?? detectKind(doc).kind) === 'panoptic') {
    // Panoptic PNGs are read here, before the (synchronous) rules look at them.
    const pngs = await loadPanopticPngs(doc, file, { imageRoot: imageRootFor(file, opts, loaded), signal: opts.signal });
    files.panopticPng = (fileName) => pngs.get(fileName);
  }
  const result = checkDocument(doc, { config, files, kind, groundTruth, rules: opts.rules, only: opts.only, onProgress: (f) => { opts.onProgress?.('check', f); return opts.signal?.aborted === true; } });
  return { ...result, doc, config, configPath: loaded.path, configErrors: loaded.errors, durationMs: performance.now() - t0 };
}

/**
 * Bytes handed over (an edited buffer, or the file as the extension host read it): big ones in
 * shared memory are scanned on a second thread while this one parses, as loadCoco does with a file.
 */
function parseBytes(file: string, bytes: Uint8Array, opts: CheckFileOptions): Promise<CocoDocument> | CocoDocument {
  if (!isShared(bytes)) return parseCoco(bytes, { path: file });
  // A Buffer over the same memory (no copy): the parser's fast utf8Slice decode.
  if (bytes.length < PARALLEL_FROM_BYTES) return parseCoco(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), { path: file });
  return parseSharedParallel(bytes, { path: file, onProgress: (f: number) => opts.onProgress?.('parse', f), signal: opts.signal });
}

/**
 * Where images are looked up first: --images is relative to the working folder, the
 * VS Code setting to the COCO file, and imageRoot in .labelscope.json to that file's folder.
 */
function imageRootFor(file: string, opts: CheckFileOptions, loaded: { config: LabelscopeConfig; path?: string }): string | undefined {
  if (opts.images !== undefined) return path.resolve(opts.images);
  if (opts.overrides?.imageRoot) return path.resolve(path.dirname(path.resolve(file)), opts.overrides.imageRoot);
  if (loaded.config.imageRoot && loaded.path) return resolveFrom(loaded.path, loaded.config.imageRoot);
  return undefined;
}

/** imageRoot in a config file is relative to that file's folder. */
function resolveFrom(configPath: string, rel: string): string {
  return path.resolve(path.dirname(configPath), rel);
}

