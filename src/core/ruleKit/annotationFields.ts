/**
 * The fields most rules read of every annotation (id, image_id, category_id, bbox, area,
 * iscrowd), read in ONE pass over the annotations and cached per document: each field's JSON
 * type, the numbers several rules compare, the category slot and the bbox's numbers.
 *
 * Why: every rule that walked the annotations itself paid for loading 860k objects scattered
 * over a ~1.5 GB heap (50–70 ns per annotation per pass on train2017, memory-bound), about
 * twenty times over. Rules now test these columns first and read an annotation's value only
 * when it may be a problem, with their original code, so messages and results stay the same.
 * The segmentation side (polygons, RLE) is facts.ts's; the bbox columns are boxFacts.ts's.
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../coco/document';
import { cachedPerDocument } from './documentCache';
import { allocateColumns } from './factColumns';
import type { FieldType } from './schema';
import { IdSet, IdSlots } from './idSlots';

// A field's JSON type, 4 bits (T_ABSENT: the object has no such member).
export const T_ABSENT = 0;
/** A number for which Number.isInteger holds. */
export const T_INTEGER = 1;
/** Any other finite number. */
export const T_NUMBER = 2;
/** NaN or ±Infinity (patched in by the parser for bare tokens). */
export const T_NON_FINITE = 3;
export const T_STRING = 4;
export const T_ARRAY = 5;
export const T_OBJECT = 6;
export const T_NULL = 7;
export const T_TRUE = 8;
export const T_FALSE = 9;

/** The fields kept, and where each one's type sits in `types` (bits shift … shift + 3). */
export const FIELD_SHIFT = { id: 0, image_id: 4, category_id: 8, bbox: 12, area: 16, iscrowd: 20 } as const;
export type AnnotationField = keyof typeof FIELD_SHIFT;

/** The annotation is a JSON object (isJsonObject); when clear, every other bit is too. */
export const A_OBJECT = 1 << 24;
/** image_id is a number or string that some image (an object) has as its id. */
export const A_IMAGE_KNOWN = 1 << 25;
/** iscrowd is the number 0. */
export const A_CROWD_ZERO = 1 << 26;
/** iscrowd is the number 1. */
export const A_CROWD_ONE = 1 << 27;

/** The bbox is an array of exactly 4 finite numbers (isNumericBbox). */
export const B_NUMERIC = 1;
/** The bbox is an array of 4 whose width and height (elements 2 and 3) are numbers (finite or not). */
export const B_WH_NUMBERS = 2;

export interface AnnotationFields {
  readonly count: number;
  /** Per annotation: the T_* of each field at FIELD_SHIFT, and the A_* bits. */
  readonly types: Int32Array;
  /** `id` where it is a number (T_INTEGER, T_NUMBER, T_NON_FINITE), else 0. */
  readonly id: Float64Array;
  /** `area` where it is a number, else 0. */
  readonly area: Float64Array;
  /**
   * Slot of category_id (a number or string; -1 otherwise): slots below categoryKeyCount are the
   * categories' distinct ids in file order (categoryRows), the ones above ids no category has.
   */
  readonly categorySlot: Int32Array;
  readonly categoryKeyCount: number;
  /** Per category slot below categoryKeyCount: the id, and the first category (an object) with it. */
  readonly categoryRows: readonly { readonly id: IdKey; readonly entry: Located<JsonObject> }[];
  /** B_* bits per annotation (0 for non-objects and boxes that are not 4-element arrays). */
  readonly boxFlags: Uint8Array;
  /** bbox[0..3] where B_WH_NUMBERS (x, y only meaningful with B_NUMERIC). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly h: Float64Array;
}

/** The JSON type of one field (a member's value, undefined when absent). */
export function typeCode(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? T_INTEGER : v - v === 0 ? T_NUMBER : T_NON_FINITE;
  if (v === undefined) return T_ABSENT;
  if (typeof v === 'string') return T_STRING;
  if (v === null) return T_NULL;
  if (typeof v === 'object') return Array.isArray(v) ? T_ARRAY : T_OBJECT;
  return v === true ? T_TRUE : T_FALSE;
}

/** The T_* of `field` in one annotation's `types` word. */
export function fieldType(types: number, field: AnnotationField): number {
  return (types >>> FIELD_SHIFT[field]) & 15;
}

/**
 * For each FieldType, a 16-bit mask of the T_* codes that do NOT fit it (schema.ts typeMismatch:
 * absent and non-finite numbers always fit). `(mask >> code) & 1` is typeMismatch(value, type) !== undefined.
 */
export const MISFIT: Readonly<Record<FieldType, number>> = (() => {
  const fits: Record<FieldType, number[]> = {
    id: [T_INTEGER], integer: [T_INTEGER],
    number: [T_INTEGER, T_NUMBER], 'positive-number': [T_INTEGER, T_NUMBER],
    string: [T_STRING], array: [T_ARRAY], object: [T_OBJECT],
  };
  const out = {} as Record<FieldType, number>;
  for (const type of Object.keys(fits) as FieldType[]) {
    let mask = 0xffff;
    for (const code of [T_ABSENT, T_NON_FINITE, ...fits[type]]) mask &= ~(1 << code);
    out[type] = mask;
  }
  return out;
})();

/** Whether the annotation fields cover `name` (FIELD_SHIFT has it). */
export function isAnnotationField(name: string): name is AnnotationField {
  return Object.prototype.hasOwnProperty.call(FIELD_SHIFT, name);
}

/** One pass over the annotations; cached per document. */
export const annotationFields: (doc: CocoDocument) => AnnotationFields = cachedPerDocument(computeAnnotationFields);

function computeAnnotationFields(doc: CocoDocument): AnnotationFields {
  // Image ids (of objects) and the categories' distinct ids, as the rules' Sets and Maps had them.
  const imageIds = new IdSet(doc.imageEntries.length);
  for (const e of doc.imageEntries) {
    const v = e.value;
    if (!isObject(v)) continue;
    const id = v.id;
    if (typeof id === 'number' || typeof id === 'string') imageIds.add(id);
  }
  const categories = new IdSlots(doc.categoryEntries.length);
  const categoryRows: { id: IdKey; entry: Located<JsonObject> }[] = [];
  for (const e of doc.categoryEntries) {
    const v = e.value;
    if (!isObject(v)) continue;
    const id = v.id;
    if ((typeof id !== 'number' && typeof id !== 'string') || categories.get(id) >= 0) continue;
    categories.add(id);
    categoryRows.push({ id, entry: e as Located<JsonObject> });
  }
  const categoryKeyCount = categories.size;

  const entries = doc.annotationEntries;
  const n = entries.length;
  const [id, area, x, y, w, h, types, categorySlot, boxFlags] =
    allocateColumns(n, ['f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'i32', 'i32', 'u8'] as const);
  for (let a = 0; a < n; a++) {
    const v = entries[a].value;
    if (!isObject(v)) { categorySlot[a] = -1; continue; }
    let t = A_OBJECT;
    const vid = v.id;
    if (typeof vid === 'number') id[a] = vid;
    t |= typeCode(vid);
    const iid = v.image_id;
    t |= typeCode(iid) << 4;
    if ((typeof iid === 'number' || typeof iid === 'string') && imageIds.has(iid)) t |= A_IMAGE_KNOWN;
    const cid = v.category_id;
    t |= typeCode(cid) << 8;
    categorySlot[a] = typeof cid === 'number' || typeof cid === 'string' ? categories.add(cid) : -1;
    const b = v.bbox;
    t |= typeCode(b) << 12;
    if (Array.isArray(b) && b.length === 4) {
      const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
      if (typeof b2 === 'number' && typeof b3 === 'number') {
        let fl = B_WH_NUMBERS;
        w[a] = b2; h[a] = b3;
        if (typeof b0 === 'number' && typeof b1 === 'number' && b0 - b0 === 0 && b1 - b1 === 0 && b2 - b2 === 0 && b3 - b3 === 0) {
          fl |= B_NUMERIC;
          x[a] = b0; y[a] = b1;
        }
        boxFlags[a] = fl;
      }
    }
    const ar = v.area;
    if (typeof ar === 'number') area[a] = ar;
    t |= typeCode(ar) << 16;
    const c = v.iscrowd;
    t |= typeCode(c) << 20;
    if (c === 0) t |= A_CROWD_ZERO;
    else if (c === 1) t |= A_CROWD_ONE;
    types[a] = t;
  }
  return { count: n, types, id, area, categorySlot, categoryKeyCount, categoryRows, boxFlags, x, y, w, h };
}

/** document's isJsonObject, local: a module-local call stays cheap in the hot pass. */
function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
