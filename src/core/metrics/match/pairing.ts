/** Which image of A is which image of B, and which category is which. */
import { isJsonObject, type CocoDocument, type IdKey } from '../../coco/document';
import type { CategoryPairing, LabelInfo } from './types';

export interface ImagePair { a?: number; b?: number; pairedBy?: 'id' | 'file_name' }

const idOf = (v: unknown): IdKey | undefined => {
  if (!isJsonObject(v)) return undefined;
  const id = v.id;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};
const fileOf = (v: unknown): string | undefined => (isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name : undefined);

/**
 * Images are paired (1) by id when the file_name agrees too, (2) by file_name (the ids were
 * renumbered, or the files come from two tools), (3) by id alone (the image was renamed).
 * The first image with a given id or name wins; later duplicates stay unpaired.
 */
export function pairImages(A: CocoDocument, B: CocoDocument): ImagePair[] {
  const bById = new Map<IdKey, number>();
  const bByFile = new Map<string, number>();
  B.imageEntries.forEach((e) => {
    const id = idOf(e.value);
    if (id !== undefined && !bById.has(id)) bById.set(id, e.index);
    const f = fileOf(e.value);
    if (f !== undefined && !bByFile.has(f)) bByFile.set(f, e.index);
  });
  const usedB = new Uint8Array(B.imageEntries.length);
  const pairOfA: (ImagePair | undefined)[] = new Array(A.imageEntries.length);
  const take = (ai: number, bi: number | undefined, by: 'id' | 'file_name') => {
    if (bi === undefined || usedB[bi] || pairOfA[ai]) return;
    usedB[bi] = 1;
    pairOfA[ai] = { a: ai, b: bi, pairedBy: by };
  };
  for (const e of A.imageEntries) {
    const id = idOf(e.value);
    const bi = id === undefined ? undefined : bById.get(id);
    if (bi !== undefined && fileOf(B.imageEntries[bi].value) === fileOf(e.value)) take(e.index, bi, 'id');
  }
  // Usually every image pairs in the first pass; the others only look at what is left.
  const left = A.imageEntries.filter((e) => !pairOfA[e.index]);
  for (const e of left) {
    const f = fileOf(e.value);
    if (f !== undefined) take(e.index, bByFile.get(f), 'file_name');
  }
  for (const e of left) {
    const id = idOf(e.value);
    if (id !== undefined) take(e.index, bById.get(id), 'id');
  }
  const out: ImagePair[] = [];
  for (let i = 0; i < pairOfA.length; i++) out.push(pairOfA[i] ?? { a: i });
  for (let j = 0; j < usedB.length; j++) if (!usedB[j]) out.push({ b: j });
  return out;
}

/**
 * Categories are paired by id (diffs: a renamed category is still itself) or by name (two
 * annotators' files may number categories differently); leftovers of the name pass fall back
 * to id. Each pair gets one label key used for matching and reporting.
 */
export function pairCategories(A: CocoDocument, B: CocoDocument, by: 'id' | 'name'): CategoryPairing {
  const read = (doc: CocoDocument) => doc.categoryEntries.flatMap((e) => {
    const id = idOf(e.value);
    if (id === undefined) return [];
    const name = isJsonObject(e.value) && typeof e.value.name === 'string' ? e.value.name : undefined;
    return [{ id, name }];
  });
  const ca = read(A);
  const cb = read(B);
  const labels: LabelInfo[] = [];
  const keyOfA = new Map<IdKey, string>();
  const keyOfB = new Map<IdKey, string>();
  const usedB = new Set<number>();
  const add = (a: { id: IdKey; name?: string } | undefined, b: { id: IdKey; name?: string } | undefined) => {
    const key = `${labels.length}`;
    labels.push({ key, name: b?.name ?? a?.name ?? String(b?.id ?? a?.id), idA: a?.id, idB: b?.id, nameA: a?.name, nameB: b?.name });
    if (a && !keyOfA.has(a.id)) keyOfA.set(a.id, key);
    if (b && !keyOfB.has(b.id)) keyOfB.set(b.id, key);
  };
  const pending: typeof ca = [];
  const bIndex = (pred: (c: (typeof cb)[number]) => boolean) => cb.findIndex((c, j) => !usedB.has(j) && pred(c));
  for (const a of ca) {
    if (keyOfA.has(a.id)) continue;
    const j = by === 'name' && a.name !== undefined ? bIndex((c) => c.name === a.name) : bIndex((c) => c.id === a.id);
    if (j >= 0) { usedB.add(j); add(a, cb[j]); } else pending.push(a);
  }
  for (const a of pending) {
    const j = by === 'name' ? bIndex((c) => c.id === a.id && (c.name === undefined || !ca.some((x) => x.name === c.name))) : -1;
    if (j >= 0) { usedB.add(j); add(a, cb[j]); } else add(a, undefined);
  }
  cb.forEach((b, j) => { if (!usedB.has(j) && !keyOfB.has(b.id)) add(undefined, b); });
  return { labels, keyOfA, keyOfB };
}
