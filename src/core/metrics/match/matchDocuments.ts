/**
 * Match the objects of two COCO documents image by image:
 *   0. an image whose annotations are byte-identical in A and B (same order) costs nothing;
 *   1. (sameIdsFirst) annotations with the same id are paired whatever their overlap;
 *   2. per label, an optimal assignment on 1 − similarity, pairs under the threshold dropped;
 *   3. (crossCategory) the leftovers of every label together: pairs found here are label conflicts.
 */
import { isJsonObject, type CocoDocument, type IdKey, type Located } from '../../coco/document';
import { assignOptimal } from './assign';
import { makeMatchObject } from './objects';
import { pairCategories, pairImages } from './pairing';
import { similarity } from './similarity';
import { DEFAULT_MATCH_OPTIONS, type AnnotationGroups, type DocumentMatch, type ImageMatch, type MatchOptions, type ObjectPair } from './types';

export function matchDocuments(A: CocoDocument, B: CocoDocument, options: MatchOptions = {}): DocumentMatch {
  const opts = { ...DEFAULT_MATCH_OPTIONS, ...withoutUndefined(options) };
  delete (opts as MatchOptions).onImage;
  const categories = pairCategories(A, B, opts.categoriesBy);
  const byImageA = annotationsByImageEntry(A);
  const byImageB = annotationsByImageEntry(B);
  const imagePairs = pairImages(A, B);
  const images: ImageMatch[] = [];
  let done = 0;
  for (const p of imagePairs) {
    options.onImage?.(done++, imagePairs.length);
    const [a0, a1] = p.a === undefined ? [0, 0] : byImageA.range(p.a);
    const [b0, b1] = p.b === undefined ? [0, 0] : byImageB.range(p.b);
    if (p.a === undefined || p.b === undefined) {
      images.push({ a: p.a, b: p.b, pairs: [], onlyA: [...byImageA.order.subarray(a0, a1)], onlyB: [...byImageB.order.subarray(b0, b1)], identical: false, identicalCount: 0 });
      continue;
    }
    // 0. Byte-identical image (same annotations, same order): nothing to measure, nothing allocated.
    let identical = a1 - a0 === b1 - b0;
    for (let k = 0; identical && k < a1 - a0; k++) identical = sameBytes(A, A.annotationEntries[byImageA.order[a0 + k]], B, B.annotationEntries[byImageB.order[b0 + k]]);
    if (identical && !opts.identicalPairs) {
      images.push({ a: p.a, b: p.b, pairedBy: p.pairedBy, pairs: [], onlyA: [], onlyB: [], identical: true, identicalCount: a1 - a0 });
      continue;
    }
    const annA: Located[] = [], annB: Located[] = [];
    for (let k = a0; k < a1; k++) annA.push(A.annotationEntries[byImageA.order[k]]);
    for (let k = b0; k < b1; k++) annB.push(B.annotationEntries[byImageB.order[k]]);
    images.push(matchImage(A, B, p.a, p.b, p.pairedBy, annA, annB, categories.keyOfA, categories.keyOfB, opts, identical));
  }
  return { images, categories, orphansA: byImageA.orphans, orphansB: byImageB.orphans, options: opts, groupsA: byImageA, groupsB: byImageB };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Annotations grouped by the entry index of their image (the first image with that id), in file
 * order: a counting sort into one Int32Array, so a 860k-annotation file allocates no list per image.
 */
function annotationsByImageEntry(doc: CocoDocument): AnnotationGroups & { orphans: number } {
  const entryOfId = new Map<IdKey, number>();
  for (const e of doc.imageEntries) {
    const id = isJsonObject(e.value) ? e.value.id : undefined;
    if ((typeof id === 'number' || typeof id === 'string') && !entryOfId.has(id)) entryOfId.set(id, e.index);
  }
  const n = doc.annotationEntries.length;
  const imageOf = new Int32Array(n);
  const offsets = new Int32Array(doc.imageEntries.length + 1);
  let orphans = 0;
  for (let k = 0; k < n; k++) {
    const v = doc.annotationEntries[k].value;
    const imageId = isJsonObject(v) ? v.image_id : undefined;
    const i = typeof imageId === 'number' || typeof imageId === 'string' ? entryOfId.get(imageId) : undefined;
    if (i === undefined) { imageOf[k] = -1; orphans++; continue; }
    imageOf[k] = i;
    offsets[i + 1]++;
  }
  for (let i = 0; i < doc.imageEntries.length; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, doc.imageEntries.length);
  const order = new Int32Array(n - orphans);
  for (let k = 0; k < n; k++) if (imageOf[k] >= 0) order[fill[imageOf[k]]++] = k;
  return { order, range: (i) => [offsets[i], offsets[i + 1]], orphans };
}

/**
 * memcmp when the host has one: Node's Buffer.prototype.compare takes ranges and works on any
 * Uint8Array. Looked up on globalThis (core imports no `node:` module); the webview falls back to
 * the loop below.
 */
const nativeCompare = (globalThis as { Buffer?: { prototype: { compare?: unknown } } }).Buffer?.prototype.compare as
  | ((this: Uint8Array, target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number)
  | undefined;

/** The element's bytes are the same in both files. */
export function sameBytes(A: CocoDocument, a: Located, B: CocoDocument, b: Located): boolean {
  const n = a.end - a.start;
  if (n !== b.end - b.start) return false;
  const x = A.bytes, y = B.bytes;
  if (nativeCompare && n > 32) return nativeCompare.call(x, y, b.start, b.end, a.start, a.end) === 0;
  for (let i = 0, p = a.start, q = b.start; i < n; i++, p++, q++) if (x[p] !== y[q]) return false;
  return true;
}

/** The object's label key; a category_id in neither list is a label of its own (`?number:99`), so it still matches itself. */
const keyOf = (map: Map<IdKey, string>, v: unknown): string | undefined => {
  const c = isJsonObject(v) ? v.category_id : undefined;
  return typeof c === 'number' || typeof c === 'string' ? map.get(c) ?? `?${typeof c}:${c}` : undefined;
};
const idOf = (v: unknown): IdKey | undefined => {
  const id = isJsonObject(v) ? v.id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};

function imageSize(doc: CocoDocument, i: number): { h: number; w: number } {
  const v = doc.imageEntries[i].value;
  const h = isJsonObject(v) && Number.isInteger(v.height) ? (v.height as number) : 0;
  const w = isJsonObject(v) && Number.isInteger(v.width) ? (v.width as number) : 0;
  return { h, w };
}

function matchImage(
  A: CocoDocument, B: CocoDocument, ia: number, ib: number, pairedBy: 'id' | 'file_name' | undefined,
  annA: Located[], annB: Located[], keyOfA: Map<IdKey, string>, keyOfB: Map<IdKey, string>,
  opts: typeof DEFAULT_MATCH_OPTIONS, identical: boolean,
): ImageMatch {
  const pairs: ObjectPair[] = [];
  // 0. Byte-identical image: pair in order, measure nothing.
  if (identical) {
    for (let k = 0; k < annA.length; k++) {
      const la = keyOf(keyOfA, annA[k].value);
      pairs.push({ a: annA[k].index, b: annB[k].index, similarity: 1, kind: 'identical', by: 'identical', sameLabel: la !== undefined && la === keyOf(keyOfB, annB[k].value) });
    }
    return { a: ia, b: ib, pairedBy, pairs, onlyA: [], onlyB: [], identical: true, identicalCount: annA.length };
  }
  const sa = imageSize(A, ia), sb = imageSize(B, ib);
  const objA = annA.map((e) => makeMatchObject(e.index, e.value, keyOf(keyOfA, e.value), sa.h, sa.w));
  const objB = annB.map((e) => makeMatchObject(e.index, e.value, keyOf(keyOfB, e.value), sb.h, sb.w));
  const freeA = new Set(objA.keys());
  const freeB = new Set(objB.keys());
  const addPair = (i: number, j: number, value: number, kind: ObjectPair['kind'], by: ObjectPair['by']) => {
    freeA.delete(i);
    freeB.delete(j);
    pairs.push({ a: objA[i].entry, b: objB[j].entry, similarity: value, kind, by, sameLabel: objA[i].label !== undefined && objA[i].label === objB[j].label });
  };

  // 0b. Objects byte-identical to one on the other side (ids included) pair without measuring.
  const bOfLength = new Map<number, number[]>();
  annB.forEach((e, j) => { const n = e.end - e.start; const l = bOfLength.get(n); if (l) l.push(j); else bOfLength.set(n, [j]); });
  annA.forEach((e, i) => {
    const list = bOfLength.get(e.end - e.start);
    if (!list) return;
    const k = list.findIndex((j) => freeB.has(j) && sameBytes(A, e, B, annB[j]));
    if (k >= 0) addPair(i, list[k], 1, 'identical', 'identical');
  });

  // 1. Same ids (the first of duplicated ids only); identical bytes need no measuring.
  if (opts.sameIdsFirst) {
    const bOfId = new Map<IdKey, number>();
    objB.forEach((o, j) => { const id = idOf(o.value); if (id !== undefined && !bOfId.has(id)) bOfId.set(id, j); });
    objA.forEach((o, i) => {
      if (!freeA.has(i)) return;
      const id = idOf(o.value);
      const j = id === undefined ? undefined : bOfId.get(id);
      if (j === undefined || !freeB.has(j)) return;
      if (sameBytes(A, annA[i], B, annB[j])) addPair(i, j, 1, 'identical', 'identical');
      else { const s = similarity(o, objB[j], opts.oksSigma); addPair(i, j, s.value, s.kind, 'id'); }
    });
  }

  // 2. Per label, optimal assignment.
  const groups = new Map<string, { a: number[]; b: number[] }>();
  const group = (label: string | undefined) => {
    const k = label ?? '\u0000unknown';
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { a: [], b: [] }));
    return g;
  };
  for (const i of freeA) group(objA[i].label).a.push(i);
  for (const j of freeB) group(objB[j].label).b.push(j);
  const kinds = new Map<string, ObjectPair['kind']>();
  const measure = (i: number, j: number, threshold: number) => {
    const s = similarity(objA[i], objB[j], opts.oksSigma, threshold);
    kinds.set(`${i},${j}`, s.kind);
    return s.value;
  };
  for (const g of groups.values()) {
    for (const m of assignOptimal(g.a.length, g.b.length, (r, c, t) => measure(g.a[r], g.b[c], t), opts.iouThreshold)) {
      const i = g.a[m.row], j = g.b[m.col];
      addPair(i, j, m.similarity, kinds.get(`${i},${j}`) ?? 'box', 'overlap');
    }
  }

  // 3. Leftovers across labels: label conflicts.
  if (opts.crossCategory && freeA.size > 0 && freeB.size > 0) {
    const ra = [...freeA], rb = [...freeB];
    for (const m of assignOptimal(ra.length, rb.length, (r, c, t) => measure(ra[r], rb[c], t), opts.iouThreshold)) {
      const i = ra[m.row], j = rb[m.col];
      addPair(i, j, m.similarity, kinds.get(`${i},${j}`) ?? 'box', 'cross-category');
    }
  }
  return {
    a: ia, b: ib, pairedBy, pairs,
    onlyA: [...freeA].map((i) => objA[i].entry),
    onlyB: [...freeB].map((j) => objB[j].entry),
    identical: false,
    identicalCount: pairs.reduce((n, p) => n + (p.kind === 'identical' ? 1 : 0), 0),
  };
}
