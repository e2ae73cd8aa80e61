/**
 * The image checks of one COCO file as the extension runs them automatically: in a worker
 * thread (fileCheckWorker.ts, piscina), so the parse, the probes' bookkeeping and the rules never
 * run on the extension host's thread. The result is positioned (1-based line / UTF-16 column, as
 * editors count), with the size fix's edits positioned too, so the host needs no parsed copy.
 */
import * as path from 'node:path';
import { mergeConfigs, type LabelscopeConfig } from '../../core/config';
import { positionProblems, type PositionedProblem } from '../../core/report/located';
import { loadConfigFor } from '../config';
import { loadCoco } from '../loadCoco';
import { checkDatasetHealth } from './datasetHealth';
import { imageHealthRules } from './rules';

export interface FileImageCheckTask {
  readonly file: string;
  /** VS Code's labelscope.imageRoot (relative to the file's folder), over .labelscope.json's. */
  readonly imageRoot?: string;
  readonly overrides?: LabelscopeConfig;
  readonly cacheDir?: string;
  /** An image-embedding model (only ever set by a trusted workspace). */
  readonly embeddingModel?: string;
  readonly threads?: number;
}

/** 0-based line and UTF-16 character, as VS Code counts. */
export interface PositionedEdit { line: number; character: number; endLine: number; endCharacter: number; newText: string }

export interface FileImageProblem extends PositionedProblem {
  /** A quick fix (coco/image-size-mismatch), against the bytes the check read. */
  fix?: { title: string; edits: PositionedEdit[] };
}

export interface FileImageCheckResult {
  /** Undefined when no image file of the COCO file was found (nothing was checked). */
  problems?: FileImageProblem[];
  probed: number;
  cached: number;
  /** Fingerprint-free identity of what was read: its size, so a host can tell a stale result. */
  bytes: number;
}

export async function checkImagesOfFile(task: FileImageCheckTask, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<FileImageCheckResult> {
  const loaded = loadConfigFor(task.file);
  const config = mergeConfigs(loaded.config, task.overrides);
  const imageRoot = task.imageRoot ? path.resolve(path.dirname(path.resolve(task.file)), task.imageRoot)
    : loaded.config.imageRoot && loaded.path ? path.resolve(path.dirname(loaded.path), loaded.config.imageRoot) : undefined;
  const doc = await loadCoco(task.file, { signal: opts.signal });
  const health = await checkDatasetHealth([doc], [task.file], {
    imageRoot, cacheDir: task.cacheDir, config, threads: task.threads, signal: opts.signal,
    ...(task.embeddingModel ? { embedding: { model: task.embeddingModel } } : {}),
    onProgress: (_f, done, total) => opts.onProgress?.(done, total),
  });
  const { health: h, problems } = health.files[0];
  if (h.images.length === 0) return { probed: 0, cached: 0, bytes: doc.bytes.length };
  const rules = imageHealthRules({ probes: new Map(), escaping: new Map(), colourDataset: true });
  const at = (offset: number) => doc.lines.positionAt(offset);
  const positioned = positionProblems(doc, problems).map((p, k): FileImageProblem => {
    const fix = rules.find((r) => r.id === problems[k].rule)?.fix?.(doc, problems[k]);
    if (!fix) return p;
    return {
      ...p,
      fix: {
        title: fix.title,
        edits: fix.edits.map((e) => { const s = at(e.start), t = at(e.end); return { line: s.line, character: s.character, endLine: t.line, endCharacter: t.character, newText: e.newText }; }),
      },
    };
  });
  return { problems: positioned, probed: h.images.length, cached: h.cached, bytes: doc.bytes.length };
}
