/**
 * Loads both sides and runs the agreement or the diff; turns byte offsets into text ranges of B
 * (NEW) so the extension can show conflicts as problems. Runs in the compare worker, or in
 * process for tests.
 */
import type { CocoDocument } from '../../core/coco/document';
import { computeAgreement } from '../../core/metrics/agreement';
import { agreementLayerFor, type AgreementLayer } from '../../core/metrics/agreementLayer';
import { diffDocuments, diffOverlayFor, type DiffOverlayChange } from '../../core/metrics/diff';
import { loadCompareFile, parseCompareBytes } from './loadDocument';
import type { CompareOutcome, CompareRequest, CompareSource, TextRange } from './protocol';

/** The compare report lists this many changed images (webview-ui/src/reports/compare/main.ts). */
export const REPORT_IMAGE_LIMIT = 1000;

export type CompareProgress = (phase: 'read' | 'match', fraction: number) => void;

async function load(s: CompareSource, onProgress: (x: number) => void, signal?: AbortSignal): Promise<CocoDocument> {
  return 'path' in s ? loadCompareFile(s.path, { onProgress, signal }) : parseCompareBytes(s.bytes, s.name, { onProgress, signal });
}

export function rangeOf(doc: CocoDocument, start: number, end: number): TextRange {
  const s = doc.lines.positionAt(start), e = doc.lines.positionAt(end);
  return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character };
}

export async function runCompare(req: CompareRequest, onProgress: CompareProgress = () => {}, signal?: AbortSignal): Promise<CompareOutcome> {
  const t0 = performance.now();
  const progress = [0, 0];
  const side = (i: number) => (x: number) => { progress[i] = x; onProgress('read', (progress[0] + progress[1]) / 2); };
  const [A, B] = await Promise.all([load(req.a, side(0), signal), load(req.b, side(1), signal)]);
  let last = 0;
  const onImage = (done: number, total: number) => {
    if (signal?.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
    if (done - last >= 2000) { last = done; onProgress('match', done / total); }
  };
  if (req.kind === 'agree') {
    const report = computeAgreement(A, B, { iouThreshold: req.iouThreshold, lowOverlap: req.lowOverlap, sameIdsFirst: req.sameIdsFirst, onImage });
    const conflictRanges = report.conflicts.map((c) => {
      const e = c.entryB !== undefined ? B.annotationEntries[c.entryB] : c.imageEntryB !== undefined ? B.imageEntries[c.imageEntryB] : undefined;
      return e ? rangeOf(B, e.start, e.end) : null;
    });
    // The viewer's A/B view for the images the report lists (those with any disagreement, in
    // report order), geometry read only for those.
    const fileA = 'path' in req.a ? req.a.path.split(/[\\/]/).pop() ?? req.a.path : req.a.name;
    const layers: Record<number, AgreementLayer> = {};
    report.perImage.filter((i) => i.score > 0).slice(0, REPORT_IMAGE_LIMIT).forEach((row, i) => {
      if (row.imageEntryB !== undefined) layers[i] = agreementLayerFor(A, B, report, row, fileA);
    });
    return { kind: 'agree', report, conflictRanges, layers, ms: performance.now() - t0 };
  }
  const diff = diffDocuments(A, B, { iouThreshold: req.iouThreshold, onImage });
  const ranges: Record<string, TextRange> = {};
  diff.perImage.forEach((im, i) => {
    im.changed.forEach((c, k) => { const e = B.annotationEntries[c.entryNew]; ranges[`${i}:changed:${k}`] = rangeOf(B, e.start, e.end); });
    im.added.forEach((a, k) => { const e = B.annotationEntries[a.entry]; ranges[`${i}:added:${k}`] = rangeOf(B, e.start, e.end); });
    if (im.entryNew !== undefined) { const e = B.imageEntries[im.entryNew]; ranges[`${i}:image`] = rangeOf(B, e.start, e.end); }
  });
  // The viewer's diff mode for the images the report lists (its first REPORT_IMAGE_LIMIT), with
  // geometry read only for those: the documents stay in the worker, the report stays small.
  const overlays: Record<number, DiffOverlayChange[]> = {};
  diff.perImage.slice(0, REPORT_IMAGE_LIMIT).forEach((im, i) => {
    if (im.entryNew !== undefined && im.imageId !== undefined) overlays[i] = diffOverlayFor(A, B, diff, im);
  });
  return { kind: 'diff', diff, ranges, overlays, ms: performance.now() - t0 };
}
