/**
 * Loads one side of a comparison (a file on disk, or bytes from git) and refuses what cannot be
 * compared: a file that is not JSON, or whose top level is not an object. The error names the
 * file, line and column.
 */
import type { CocoDocument } from '../../core/coco/document';
import { parseCoco, parseCocoAsync } from '../../core/coco/parse';
import { loadCoco } from '../loadCoco';

export class CompareInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareInputError';
  }
}

export interface CompareLoadOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export async function loadCompareFile(path: string, opts: CompareLoadOptions = {}): Promise<CocoDocument> {
  let doc: CocoDocument;
  try {
    doc = await loadCoco(path, { signal: opts.signal, onProgress: opts.onProgress ?? (() => {}) });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new CompareInputError((e as Error).message);
  }
  return usable(doc, path);
}

/** `name` is how the error names the source (`HEAD:annotations/train.json`). */
export async function parseCompareBytes(bytes: Uint8Array, name: string, opts: CompareLoadOptions = {}): Promise<CocoDocument> {
  const doc = opts.onProgress || opts.signal ? await parseCocoAsync(bytes, { path: name, ...opts }) : parseCoco(bytes, { path: name });
  return usable(doc, name);
}

function usable(doc: CocoDocument, name: string): CocoDocument {
  const bad = doc.parseIssues.find((p) => p.rule === 'coco/invalid-json');
  if (bad) {
    const pos = doc.lines.positionAt(bad.start);
    throw new CompareInputError(`${name}:${pos.line + 1}:${pos.character + 1}: not valid JSON: ${bad.message}`);
  }
  if (doc.rootKind !== 'object') throw new CompareInputError(`${name}: the top level is ${doc.rootKind ?? 'empty'}, not a COCO object`);
  return doc;
}
