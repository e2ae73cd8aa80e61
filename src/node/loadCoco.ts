/** Reads a COCO file from disk and parses it (bytes, not a text document: train2017 is 450 MB). */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { CocoDocument } from '../core/coco/document';
import { parseCoco, parseCocoAsync, type ParseAsyncOptions } from '../core/coco/parse';
import { loadCocoParallel, type ParallelLoadOptions } from './parallelLoad';

export interface LoadOptions extends ParseAsyncOptions, Pick<ParallelLoadOptions, 'onThreads' | 'ruleFacts' | 'onFacts'> {
  /**
   * Files of at least this many bytes are scanned in a worker thread while this
   * one parses (loadCocoParallel). Default 32 MiB; Infinity: always one thread.
   */
  parallelFromBytes?: number;
}

/** Default for LoadOptions.parallelFromBytes: below it a worker's start-up costs more than it saves. */
export const PARALLEL_FROM_BYTES = 32 << 20;

/** An Error naming the path and the OS reason; `code` is the OS code (ENOENT …). */
export class CocoReadError extends Error {
  readonly code?: string;
  constructor(readonly path: string, cause: unknown) {
    const err = cause as NodeJS.ErrnoException;
    const reason = err?.code === 'ENOENT' ? 'no such file or directory'
      : err?.code === 'EACCES' || err?.code === 'EPERM' ? 'permission denied'
      : err?.code === 'EISDIR' ? 'it is a directory'
      : err?.code === 'ERR_FS_FILE_TOO_LARGE' ? 'the file is too large to read (over 2 GiB)'
      : (err?.message ?? String(cause));
    super(`Cannot read ${path}: ${reason}${err?.code ? ` (${err.code})` : ''}`);
    this.name = 'CocoReadError';
    this.code = err?.code;
  }
}

function wrap(path: string, e: unknown): never {
  if ((e as Error)?.name === 'AbortError') throw e;
  throw new CocoReadError(path, e);
}

/** Reads and parses `path`. Rejects with CocoReadError when it can't be read; parse problems are in `doc.parseIssues`. */
export async function loadCoco(path: string, opts: LoadOptions = {}): Promise<CocoDocument> {
  let size = -1;
  try {
    size = (await stat(path)).size;
  } catch {
    // readFile below reports it
  }
  if (size >= (opts.parallelFromBytes ?? PARALLEL_FROM_BYTES)) return loadCocoParallel(path, opts);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path, opts.signal ? { signal: opts.signal } : undefined);
  } catch (e) {
    wrap(path, e);
  }
  if (opts.onProgress || opts.signal || opts.sliceBytes || opts.yieldNow) return parseCocoAsync(bytes, { ...opts, path });
  return parseCoco(bytes, { path, maxDepth: opts.maxDepth });
}

export function loadCocoSync(path: string, opts: { maxDepth?: number } = {}): CocoDocument {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    wrap(path, e);
  }
  return parseCoco(bytes, { path, maxDepth: opts.maxDepth });
}
