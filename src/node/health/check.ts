/**
 * Image health of one COCO file: find each image's file, refuse names that leave the dataset's
 * folders, probe the rest in a bounded worker pool (cached by path + size + mtime), and turn the
 * results into Problems with the image-health rules (rules.ts).
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { checkDocument } from '../../core/check';
import { isJsonObject, type CocoDocument } from '../../core/coco/document';
import type { LabelscopeConfig } from '../../core/config';
import type { Problem } from '../../core/problems';
import { imageLookup } from '../imageFiles';
import { ProbeCache } from './cache';
import { createProbePool, type ProbePool } from './pool';
import type { ImageProbe } from './probe';
import { imageHealthRules, type ImageFacts } from './rules';

export interface ImageHealthOptions {
  /** Folder the file names are relative to (CLI --images, setting imageRoot); else found as `check` does. */
  imageRoot?: string;
  /** Where probes are cached between runs (extension: globalStorage; CLI: .labelscope-cache). */
  cacheDir?: string;
  /** An existing pool (several files share one); else one is made and closed. */
  pool?: ProbePool;
  threads?: number;
  maxPixels?: number;
  config?: LabelscopeConfig;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ProbedImage {
  /** Index in "images". */
  readonly index: number;
  readonly path: string;
  readonly probe: ImageProbe;
}

export interface ImageHealthResult {
  readonly problems: Problem[];
  readonly images: ProbedImage[];
  /** Probes served from the cache. */
  readonly cached: number;
  readonly missing: number;
}

/** Why a file_name may not be opened, or undefined when it stays inside `root`. */
export function escapeReason(fileName: string, root: string): string | undefined {
  if (path.isAbsolute(fileName) || path.win32.isAbsolute(fileName) || /^[a-zA-Z]:/.test(fileName)) return 'is an absolute path';
  const resolved = path.resolve(root, fileName);
  const rel = path.relative(root, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return `leaves the image folder ${JSON.stringify(root)}`;
  if (fileName.includes('\0')) return 'contains a NUL character';
  return undefined;
}

export async function checkImageHealth(doc: CocoDocument, cocoFile: string, opts: ImageHealthOptions = {}): Promise<ImageHealthResult> {
  const lookup = imageLookup(cocoFile, opts.imageRoot);
  const jsonDir = path.dirname(path.resolve(cocoFile));
  // A name may climb from the JSON's folder to its parent (annotations/ next to images/), no further.
  const roots = [...new Set([opts.imageRoot ? path.resolve(jsonDir, opts.imageRoot) : undefined, path.dirname(jsonDir)].filter((r): r is string => !!r))];
  const escaping = new Map<number, string>();
  const work: { index: number; file: string }[] = [];
  let missing = 0;
  for (const e of doc.imageEntries) {
    const v = e.value;
    if (!isJsonObject(v) || typeof v.file_name !== 'string' || v.file_name === '') continue;
    const reasons = roots.map((r) => escapeReason(v.file_name as string, r));
    if (reasons.every((r) => r !== undefined)) { escaping.set(e.index, reasons[0]!); continue; }
    const file = lookup.resolve(v.file_name);
    if (!file) { missing++; continue; } // coco/image-file-missing reports it
    work.push({ index: e.index, file });
  }

  const cache = await ProbeCache.open(opts.cacheDir, cocoFile);
  const pool = opts.pool ?? await createProbePool(opts.threads);
  const probes = new Map<number, ImageProbe>();
  const images: ProbedImage[] = [];
  let done = 0;
  try {
    // A sliding window keeps the queue short, so a cancel stops promptly.
    const window = Math.max(2, pool.threads * 2);
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < work.length) {
        if (opts.signal?.aborted) throw Object.assign(new Error('Image check cancelled'), { name: 'AbortError' });
        const w = work[next++];
        let probe: ImageProbe;
        const st = await stat(w.file).catch(() => undefined);
        const hit = st ? cache.get(w.file, st.size, st.mtimeMs) : undefined;
        if (hit) probe = hit;
        else {
          probe = await pool.run({ file: w.file, maxPixels: opts.maxPixels });
          if (st && probe.status !== 'missing') cache.set(w.file, st.size, st.mtimeMs, probe);
        }
        probes.set(w.index, probe);
        images.push({ index: w.index, path: w.file, probe });
        opts.onProgress?.(++done, work.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, work.length) }, runOne));
  } finally {
    if (!opts.pool) await pool.close();
    await cache.save().catch(() => {});
  }
  images.sort((a, b) => a.index - b.index);
  let colour = 0, grey = 0;
  for (const p of probes.values()) {
    if (p.status !== 'ok') continue;
    if (p.space === 'b-w' || p.space === 'grey16' || (p.channels !== undefined && p.channels <= 2 && !p.isPalette)) grey++;
    else colour++;
  }
  const facts: ImageFacts = { probes, escaping, colourDataset: colour > grey };
  const { problems } = checkDocument(doc, { rules: imageHealthRules(facts), config: opts.config });
  return { problems, images, cached: cache.hits, missing };
}
