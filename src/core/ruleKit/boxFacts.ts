/**
 * Per-annotation bbox facts the bbox rules share, computed in ONE pass over the annotations
 * and cached per document (see facts.ts for the segmentation side and its image slots).
 */
import type { CocoDocument, JsonObject, Located } from '../coco/document';
import { cachedPerDocument } from './documentCache';
import { allocateColumns } from './factColumns';
import { segmentationFacts } from './facts';

/** document's isJsonObject, local: a module-local call stays cheap in the hot pass. */
function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bbox is an array of exactly 4 finite numbers (isNumericBbox). */
export const B_NUMERIC = 1;
/** The bbox is an array of 4 whose width and height (elements 2 and 3) are numbers (finite or not). */
export const B_WH_NUMBERS = 2;

export interface BoxFacts {
  readonly count: number;
  /** B_* bits per annotation (0 for non-objects and boxes that are not 4-element arrays). */
  readonly flags: Uint8Array;
  /** bbox[0..3] where B_WH_NUMBERS (x, y only meaningful with B_NUMERIC). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
  /** imageSizes (datasetStats) per image slot of segmentationFacts: positive finite width/height, else 0. */
  readonly slotWidth: Float64Array;
  readonly slotHeight: Float64Array;
}

/** One pass over the annotations' bboxes, shared by the bbox rules; cached per document. */
export const boxFacts: (doc: CocoDocument) => BoxFacts = cachedPerDocument(computeBoxFacts);

function computeBoxFacts(doc: CocoDocument): BoxFacts {
  const seg = segmentationFacts(doc);
  const entries = doc.annotationEntries;
  const n = entries.length;
  const [flags, x, y, w, h] = allocateColumns(n, ['u8', 'f64', 'f64', 'f64', 'f64'] as const);
  for (let a = 0; a < n; a++) {
    const ann = entries[a].value;
    if (!isJsonObject(ann)) continue;
    const b = ann.bbox;
    if (!Array.isArray(b) || b.length !== 4) continue;
    const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
    if (typeof b2 !== 'number' || typeof b3 !== 'number') continue;
    let fl = B_WH_NUMBERS;
    w[a] = b2; h[a] = b3;
    if (typeof b0 === 'number' && typeof b1 === 'number' && b0 - b0 === 0 && b1 - b1 === 0 && b2 - b2 === 0 && b3 - b3 === 0) {
      fl |= B_NUMERIC;
      x[a] = b0; y[a] = b1;
    }
    flags[a] = fl;
  }
  // imageSizes' rule (first image per id, positive finite width and height) on the same slots.
  const [slotWidth, slotHeight] = allocateColumns(seg.slotW.length, ['f64', 'f64'] as const);
  const seen = new Uint8Array(seg.imageKeyCount);
  for (const e of doc.imageEntries) {
    const img = e.value;
    if (!isJsonObject(img)) continue;
    const id = img.id;
    if (typeof id !== 'number' && typeof id !== 'string') continue;
    const s = seg.slots.get(id);
    if (s === undefined || s >= seg.imageKeyCount || seen[s]) continue;
    seen[s] = 1;
    const iw = img.width, ih = img.height;
    if (typeof iw === 'number' && typeof ih === 'number' && iw - iw === 0 && ih - ih === 0 && iw > 0 && ih > 0) {
      slotWidth[s] = iw; slotHeight[s] = ih;
    }
  }
  return { count: n, flags, x, y, w, h, slotWidth, slotHeight };
}

/** Calls `fn` with the width and height of every bbox of 4 finite numbers (B_NUMERIC), in file order. */
export function forEachNumericBox(doc: CocoDocument, fn: (entry: Located, w: number, h: number) => void): void {
  const box = boxFacts(doc);
  const entries = doc.annotationEntries;
  for (let a = 0; a < box.count; a++) {
    if ((box.flags[a] & B_NUMERIC) === 0) continue;
    fn(entries[a], box.w[a], box.h[a]);
  }
}
