import type { CocoDocument } from '../coco/document';

/** `compute` run once per document and remembered (documents are immutable once parsed). */
export function cachedPerDocument<T>(compute: (doc: CocoDocument) => T): (doc: CocoDocument) => T {
  const cache = new WeakMap<CocoDocument, T>();
  return (doc) => {
    let v = cache.get(doc);
    if (v === undefined) { v = compute(doc); cache.set(doc, v); }
    return v;
  };
}
