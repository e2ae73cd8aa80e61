/**
 * Category mapping, by name: a map `{ "old": "new" | null }` renames (several old names to one
 * new name merge), `null` drops the class (its objects are counted as dropped). COCO's 91 → 80
 * renumbering (ids 1…90 with gaps → 1…80 contiguous, Ultralytics' coco91_to_coco80_class) only
 * when asked.
 */
import type { CocoCategory, CocoDataset, ConvertLog } from './model';

export type ClassMap = Record<string, string | null>;

/** Parses a --classes file's JSON; throws an Error that says what is wrong. */
export function parseClassMap(json: unknown, file = 'classes map'): ClassMap {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: must be a JSON object {"source name": "target name" | null}`);
  const out: ClassMap = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (v !== null && typeof v !== 'string') throw new Error(`${file}: the value of "${k}" must be a class name or null`);
    out[k] = v;
  }
  return out;
}

export function applyClassMap(ds: CocoDataset, map: ClassMap, log: ConvertLog): void {
  const unknown = Object.keys(map).filter((k) => !ds.categories.some((c) => c.name === k));
  for (const k of unknown) log.note('class-map-unused', `The class map names "${k}", which is not in the input.`);
  const idMap = new Map<number, number | null>();
  const out: CocoCategory[] = [];
  const byName = new Map<string, CocoCategory>();
  for (const c of ds.categories) {
    const target = Object.prototype.hasOwnProperty.call(map, c.name) ? map[c.name] : c.name;
    if (target === null) { idMap.set(c.id, null); continue; }
    let t = byName.get(target);
    if (!t) {
      t = { ...c, name: target };
      // keep the source id unless a merged class already took it
      if (out.some((o) => o.id === t!.id)) t.id = Math.max(...out.map((o) => o.id)) + 1;
      byName.set(target, t);
      out.push(t);
    } else {
      log.changed('class-merged', `Class "${c.name}" was merged into "${target}".`, { category: c.name });
    }
    idMap.set(c.id, t.id);
  }
  const kept = [];
  for (const a of ds.annotations) {
    const to = idMap.get(a.category_id);
    if (to === null) { log.dropped('class-dropped', 'The class map drops this class.', { annotationId: a.id, imageId: a.image_id, category: ds.categories.find((c) => c.id === a.category_id)?.name }); continue; }
    if (to !== undefined) a.category_id = to;
    kept.push(a);
  }
  ds.annotations = kept;
  ds.categories = out;
}

/** Renumbers category ids 1…N contiguous in id order (COCO's 91 → 80 table for COCO's classes). */
export function contiguousCategoryIds(ds: CocoDataset, log: ConvertLog): void {
  const sorted = [...ds.categories].sort((a, b) => a.id - b.id);
  const m = new Map(sorted.map((c, i) => [c.id, i + 1]));
  if (sorted.every((c, i) => c.id === i + 1)) return;
  for (const c of ds.categories) c.id = m.get(c.id)!;
  for (const a of ds.annotations) a.category_id = m.get(a.category_id) ?? a.category_id;
  log.changed('category-ids-renumbered', `Category ids were renumbered 1…${sorted.length} (COCO 91 → 80 style).`);
}
