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
  /**
   * imageSizes (datasetStats) per image slot of segmentationFacts: width at 2·slot, height at
   * 2·slot + 1 (one cache line for both: slots are looked up in the annotations' random order),
   * positive finite, else 0.
   */
  readonly slotSize: Float64Array;
  /** SLOT_* bits per image slot: 1 byte a slot, so train2017's slots stay in the CPU's cache. */
  readonly slotFlags: Uint8Array;
  /**
   * Per image entry: the slot of its id (segmentationFacts' slots), -1 when it is not an object
   * with a number or string id, NO_SLOT when the slots lack its id.
   */
  readonly imageEntrySlot: Int32Array;
}

/** imageEntrySlot of an image whose id the slots lack (never, when the facts saw these images). */
export const NO_SLOT = -2;

/** The slot's image has a size imageSizeOf accepts (facts.slotW > 0: positive integers). */
export const SLOT_INTEGER_SIZE = 1;
/** The slot's image has a size imageSizes accepts (slotSize > 0: positive finite numbers). */
export const SLOT_SIZE = 2;

/** Marks a slot whose first image was seen (cleared before the facts are handed out). */
const SLOT_SEEN = 128;

/** One pass over the annotations' bboxes, shared by the bbox rules; cached per document. */
export const boxFacts: (doc: CocoDocument) => BoxFacts = cachedPerDocument(computeBoxFacts);

function computeBoxFacts(doc: CocoDocument): BoxFacts {
  const seg = segmentationFacts(doc);
  // The per-annotation box columns come from the one shared pass over the annotations.
  const { count, boxFlags: flags, x, y, w, h } = annotationFields(doc);
  // imageSizes' rule (first image per id, positive finite width and height) on the same slots.
  const [slotSize] = allocateColumns(2 * seg.slotW.length, ['f64'] as const);
  const slotFlags = new Uint8Array(seg.slotW.length);
  const images = doc.imageEntries;
  const imageEntrySlot = new Int32Array(images.length).fill(-1);
  for (let k = 0; k < images.length; k++) {
    const img = images[k].value;
    if (!isJsonObject(img)) continue;
    const id = img.id;
    if (typeof id !== 'number' && typeof id !== 'string') continue;
    const s = seg.slots.get(id);
    if (s === undefined) { imageEntrySlot[k] = NO_SLOT; continue; }
    imageEntrySlot[k] = s;
    if (s >= seg.imageKeyCount || (slotFlags[s] & SLOT_SEEN) !== 0) continue;
    slotFlags[s] |= SLOT_SEEN;
    const iw = img.width, ih = img.height;
    if (typeof iw === 'number' && typeof ih === 'number' && iw - iw === 0 && ih - ih === 0 && iw > 0 && ih > 0) {
      slotSize[2 * s] = iw; slotSize[2 * s + 1] = ih;
      slotFlags[s] |= SLOT_SIZE;
    }
  }
  for (let s = 0; s < slotFlags.length; s++) {
    slotFlags[s] &= ~SLOT_SEEN;
    if (seg.slotW[s] > 0) slotFlags[s] |= SLOT_INTEGER_SIZE;
  }
  return { count, flags, x, y, w, h, slotSize, slotFlags, imageEntrySlot };
}
