/**
 * Per-annotation bbox facts the bbox rules share (the bbox columns of annotationFields.ts' one
 * pass over the annotations) with the image sizes per image slot of facts.ts, cached per document.
 */
import { isJsonObject, type CocoDocument } from '../coco/document';
import { annotationFields } from './annotationFields';
import { cachedPerDocument } from './documentCache';
import { allocateColumns } from './factColumns';
import { segmentationFacts } from './facts';

export { B_NUMERIC, B_WH_NUMBERS } from './annotationFields';

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
  // The per-annotation box columns come from the one shared pass over the annotations.
  const { count, boxFlags: flags, x, y, w, h } = annotationFields(doc);
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
  return { count, flags, x, y, w, h, slotWidth, slotHeight };
}
