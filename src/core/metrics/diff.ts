/**
 * Semantic diff of two COCO documents (OLD → NEW): images added / removed / renamed, per image
 * the annotations added, removed, moved or reshaped (with IoU), relabelled and with attributes
 * changed, categories added / removed / renamed, and a one-line summary. Built on the matching
 * engine: images paired by id and file_name, annotations by id first (always), leftovers by
 * overlap. Bytes that differ only in formatting (key order, spacing, `1.0` vs `1`) are no change.
 */
import { isJsonObject, type CocoDocument, type IdKey, type JsonObject } from '../coco/document';
import { matchDocuments, sameBytes, type MatchOptions, type ObjectPair } from './match';

export type DiffOptions = Pick<MatchOptions, 'iouThreshold' | 'onImage'>;

export type AnnotationChangeKind = 'moved' | 'reshaped' | 'relabelled' | 'attributes' | 'renumbered';

export interface AnnotationRef {
  id?: IdKey;
  /** Entry index in its document's `annotations`. */
  entry: number;
  category?: string;
  bbox?: number[];
}

export interface AnnotationChange {
  oldId?: IdKey;
  newId?: IdKey;
  entryOld: number;
  entryNew: number;
  kinds: AnnotationChangeKind[];
  /** Similarity of the old and new shape (mask IoU, box IoU or OKS) when the geometry changed. */
  iou?: number;
  oldCategory?: string;
  newCategory?: string;
  /** Fields that changed besides geometry, category and id (`attributes.occluded`, `iscrowd`, `area` …). */
  attributes?: string[];
}

export interface ImageRef { id?: IdKey; fileName?: string; entry: number }

export interface ImageDiff {
  /** The image in NEW (OLD's when it was removed). */
  imageId?: IdKey;
  fileName?: string;
  entryOld?: number;
  entryNew?: number;
  /** 'added' / 'removed': the whole image (its annotations are listed as added / removed). */
  status: 'added' | 'removed' | 'changed';
  added: AnnotationRef[];
  removed: AnnotationRef[];
  changed: AnnotationChange[];
}

export interface CocoDiff {
  images: {
    added: ImageRef[];
    removed: ImageRef[];
    renamed: { id?: IdKey; oldFileName?: string; newFileName?: string; entryOld: number; entryNew: number }[];
    /** Other image fields that changed (width, height, id …). */
    changed: { id?: IdKey; fileName?: string; fields: string[]; entryOld: number; entryNew: number }[];
  };
  categories: {
    added: { id?: IdKey; name?: string }[];
    removed: { id?: IdKey; name?: string }[];
    renamed: { id?: IdKey; oldName?: string; newName?: string }[];
    changed: { id?: IdKey; name?: string; fields: string[] }[];
  };
  /** Images with annotation changes (and added / removed images with annotations), in NEW's order. */
  perImage: ImageDiff[];
  /** Top-level keys other than images / annotations / categories whose value changed (info, licenses …). */
  otherSections: string[];
  summary: {
    annotationsAdded: number;
    annotationsRemoved: number;
    annotationsChanged: number;
    annotationsUnchanged: number;
    imagesWithAnnotationChanges: number;
    imagesAdded: number;
    imagesRemoved: number;
    imagesRenamed: number;
    categoriesAdded: number;
    categoriesRemoved: number;
    categoriesRenamed: number;
    /** "+120 −14 ~37 annotations on 85 images; 2 categories renamed" */
    line: string;
  };
}

const GEOMETRY = ['bbox', 'segmentation', 'keypoints'] as const;
/** Fields that are not "attributes": geometry, label, identity, and area (follows the geometry). */
const NOT_ATTRIBUTES = new Set<string>([...GEOMETRY, 'category_id', 'id', 'image_id', 'area']);

/** Canonical JSON (sorted keys; numbers as JS prints them, so `1.0` equals `1`). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}
const same = (a: unknown, b: unknown) => a === b || canonicalJson(a) === canonicalJson(b);
const idOf = (v: unknown): IdKey | undefined => {
  const id = isJsonObject(v) ? v.id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};
const str = (v: unknown, k: string): string | undefined => (isJsonObject(v) && typeof v[k] === 'string' ? (v[k] as string) : undefined);

/** Changed keys between two objects (nested one level for `attributes`: `attributes.occluded`). */
function changedKeys(a: JsonObject, b: JsonObject, skip: Set<string>): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (skip.has(k) || same(a[k], b[k])) continue;
    if (k === 'attributes' && isJsonObject(a[k]) && isJsonObject(b[k])) {
      const x = a[k] as JsonObject, y = b[k] as JsonObject;
      for (const s of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) if (!same(x[s], y[s])) out.push(`attributes.${s}`);
    } else out.push(k);
  }
  return out;
}

export function diffDocuments(OLD: CocoDocument, NEW: CocoDocument, options: DiffOptions = {}): CocoDiff {
  const match = matchDocuments(OLD, NEW, { iouThreshold: options.iouThreshold, onImage: options.onImage, sameIdsFirst: true, crossCategory: true, categoriesBy: 'id', identicalPairs: false });
  const labels = new Map(match.categories.labels.map((l) => [l.key, l]));
  const catName = (doc: 'old' | 'new', v: JsonObject): string | undefined => {
    const c = v.category_id;
    if (typeof c !== 'number' && typeof c !== 'string') return undefined;
    const key = (doc === 'old' ? match.categories.keyOfA : match.categories.keyOfB).get(c);
    const l = key === undefined ? undefined : labels.get(key);
    return (doc === 'old' ? l?.nameA : l?.nameB) ?? String(c);
  };
  // A malformed element (a number, null) reads as an empty object: no crash.
  const oldAnn = (e: number): JsonObject => { const v = OLD.annotationEntries[e].value; return isJsonObject(v) ? v : {}; };
  const newAnn = (e: number): JsonObject => { const v = NEW.annotationEntries[e].value; return isJsonObject(v) ? v : {}; };
  const ref = (doc: 'old' | 'new', e: number): AnnotationRef => {
    const v = doc === 'old' ? oldAnn(e) : newAnn(e);
    return { id: idOf(v), entry: e, category: isJsonObject(v) ? catName(doc, v) : undefined, bbox: isJsonObject(v) && Array.isArray(v.bbox) ? (v.bbox as number[]) : undefined };
  };

  const diff: CocoDiff = {
    images: { added: [], removed: [], renamed: [], changed: [] },
    categories: { added: [], removed: [], renamed: [], changed: [] },
    perImage: [],
    otherSections: [],
    summary: { annotationsAdded: 0, annotationsRemoved: 0, annotationsChanged: 0, annotationsUnchanged: 0, imagesWithAnnotationChanges: 0, imagesAdded: 0, imagesRemoved: 0, imagesRenamed: 0, categoriesAdded: 0, categoriesRemoved: 0, categoriesRenamed: 0, line: '' },
  };

  for (const l of match.categories.labels) {
    if (l.idA === undefined) diff.categories.added.push({ id: l.idB, name: l.nameB });
    else if (l.idB === undefined) diff.categories.removed.push({ id: l.idA, name: l.nameA });
    else {
      if (l.nameA !== l.nameB) diff.categories.renamed.push({ id: l.idB, oldName: l.nameA, newName: l.nameB });
      const a = OLD.categoryById(l.idA), b = NEW.categoryById(l.idB);
      if (a && b) {
        const fields = changedKeys(a, b, new Set(['name', 'id']));
        if (fields.length) diff.categories.changed.push({ id: l.idB, name: l.nameB, fields });
      }
    }
  }

  for (const im of match.images) {
    const oldImg = im.a === undefined ? undefined : OLD.imageEntries[im.a].value;
    const newImg = im.b === undefined ? undefined : NEW.imageEntries[im.b].value;
    const img = newImg ?? oldImg;
    const base = { imageId: idOf(img), fileName: str(img, 'file_name'), entryOld: im.a, entryNew: im.b };
    if (im.a === undefined || im.b === undefined) {
      const added = im.a === undefined;
      (added ? diff.images.added : diff.images.removed).push({ id: base.imageId, fileName: base.fileName, entry: (added ? im.b : im.a)! });
      const d: ImageDiff = { ...base, status: added ? 'added' : 'removed', added: im.onlyB.map((e) => ref('new', e)), removed: im.onlyA.map((e) => ref('old', e)), changed: [] };
      diff.summary.annotationsAdded += d.added.length;
      diff.summary.annotationsRemoved += d.removed.length;
      if (d.added.length || d.removed.length) diff.perImage.push(d);
      continue;
    }
    if (str(oldImg, 'file_name') !== str(newImg, 'file_name')) diff.images.renamed.push({ id: base.imageId, oldFileName: str(oldImg, 'file_name'), newFileName: str(newImg, 'file_name'), entryOld: im.a, entryNew: im.b });
    if (isJsonObject(oldImg) && isJsonObject(newImg) && !sameBytes(OLD, OLD.imageEntries[im.a], NEW, NEW.imageEntries[im.b])) {
      const fields = changedKeys(oldImg, newImg, new Set(['file_name']));
      if (fields.length) diff.images.changed.push({ id: base.imageId, fileName: base.fileName, fields, entryOld: im.a, entryNew: im.b });
    }
    if (im.identical) { diff.summary.annotationsUnchanged += im.identicalCount; continue; }
    const changed: AnnotationChange[] = [];
    for (const p of im.pairs) {
      const c = describePair(p);
      if (c) changed.push(c); else diff.summary.annotationsUnchanged++;
    }
    if (changed.length || im.onlyA.length || im.onlyB.length) {
      diff.perImage.push({ ...base, status: 'changed', added: im.onlyB.map((e) => ref('new', e)), removed: im.onlyA.map((e) => ref('old', e)), changed });
      diff.summary.annotationsAdded += im.onlyB.length;
      diff.summary.annotationsRemoved += im.onlyA.length;
      diff.summary.annotationsChanged += changed.length;
    }
  }

  function describePair(p: ObjectPair): AnnotationChange | undefined {
    if (p.kind === 'identical' && p.by === 'identical') return undefined;
    const a = oldAnn(p.a), b = newAnn(p.b);
    const kinds: AnnotationChangeKind[] = [];
    const change: AnnotationChange = { oldId: idOf(a), newId: idOf(b), entryOld: p.a, entryNew: p.b, kinds };
    if (!GEOMETRY.every((k) => same(a[k], b[k]))) {
      kinds.push(isTranslation(a, b) ? 'moved' : 'reshaped');
      change.iou = p.similarity;
    }
    if (!p.sameLabel) {
      kinds.push('relabelled');
      change.oldCategory = catName('old', a);
      change.newCategory = catName('new', b);
    }
    const attrs = changedKeys(a, b, NOT_ATTRIBUTES);
    if (!kinds.includes('moved') && !kinds.includes('reshaped') && !same(a.area, b.area)) attrs.push('area');
    if (attrs.length) { kinds.push('attributes'); change.attributes = attrs; }
    if (!same(change.oldId, change.newId)) kinds.push('renumbered');
    return kinds.length ? change : undefined;
  }

  for (const [name, sa] of OLD.sections) {
    if (name === 'images' || name === 'annotations' || name === 'categories') continue;
    const sb = NEW.sections.get(name);
    if (!sb || !sameSectionValue(OLD, sa, NEW, sb)) diff.otherSections.push(name);
  }
  for (const name of NEW.sections.keys()) if (!OLD.sections.has(name) && !['images', 'annotations', 'categories'].includes(name)) diff.otherSections.push(name);

  const s = diff.summary;
  s.imagesAdded = diff.images.added.length;
  s.imagesRemoved = diff.images.removed.length;
  s.imagesRenamed = diff.images.renamed.length;
  s.categoriesAdded = diff.categories.added.length;
  s.categoriesRemoved = diff.categories.removed.length;
  s.categoriesRenamed = diff.categories.renamed.length;
  s.imagesWithAnnotationChanges = diff.perImage.length;
  s.line = summaryLine(diff);
  return diff;
}

function sameSectionValue(A: CocoDocument, sa: { valueStart: number; valueEnd: number }, B: CocoDocument, sb: { valueStart: number; valueEnd: number }): boolean {
  const x = A.bytes.subarray(sa.valueStart, sa.valueEnd), y = B.bytes.subarray(sb.valueStart, sb.valueEnd);
  if (x.length === y.length && x.every((v, i) => v === y[i])) return true;
  try {
    const dec = new TextDecoder();
    return canonicalJson(JSON.parse(dec.decode(x))) === canonicalJson(JSON.parse(dec.decode(y)));
  } catch {
    return false;
  }
}

/** Same size and shape, only shifted: the box keeps its width and height and every vertex moves by the same offset. */
function isTranslation(a: JsonObject, b: JsonObject): boolean {
  const ba = a.bbox, bb = b.bbox;
  if (!Array.isArray(ba) || !Array.isArray(bb) || ba.length !== 4 || bb.length !== 4) return false;
  const eps = 1e-6;
  if (Math.abs(ba[2] - bb[2]) > eps || Math.abs(ba[3] - bb[3]) > eps) return false;
  const dx = bb[0] - ba[0], dy = bb[1] - ba[1];
  const sa = a.segmentation, sb = b.segmentation;
  if (Array.isArray(sa) && Array.isArray(sb)) {
    if (sa.length !== sb.length) return false;
    for (let i = 0; i < sa.length; i++) {
      const p = sa[i], q = sb[i];
      if (!Array.isArray(p) || !Array.isArray(q) || p.length !== q.length) return false;
      for (let k = 0; k < p.length; k++) if (Math.abs(q[k] - p[k] - (k % 2 === 0 ? dx : dy)) > 1e-3) return false;
    }
  } else if (!same(sa, sb) && (sa !== undefined || sb !== undefined)) return false;
  return true;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function summaryLine(d: CocoDiff): string {
  const s = d.summary;
  const parts: string[] = [];
  if (s.annotationsAdded || s.annotationsRemoved || s.annotationsChanged) {
    parts.push(`+${s.annotationsAdded} −${s.annotationsRemoved} ~${s.annotationsChanged} annotations on ${plural(s.imagesWithAnnotationChanges, 'image')}`);
  }
  const img = [s.imagesAdded && `${s.imagesAdded} added`, s.imagesRemoved && `${s.imagesRemoved} removed`, s.imagesRenamed && `${s.imagesRenamed} renamed`].filter(Boolean);
  if (img.length) parts.push(`images ${img.join(', ')}`);
  const cat = [s.categoriesAdded && `${s.categoriesAdded} added`, s.categoriesRemoved && `${s.categoriesRemoved} removed`, s.categoriesRenamed && `${s.categoriesRenamed} renamed`].filter(Boolean);
  if (cat.length) parts.push(cat.length === 1 && s.categoriesRenamed ? `${plural(s.categoriesRenamed, 'category', 'categories')} renamed` : `categories ${cat.join(', ')}`);
  if (d.images.changed.length) parts.push(`${plural(d.images.changed.length, 'image')} with other fields changed`);
  if (d.categories.changed.length) parts.push(`${plural(d.categories.changed.length, 'category', 'categories')} with other fields changed`);
  if (d.otherSections.length) parts.push(`${d.otherSections.join(', ')} changed`);
  return parts.length ? parts.join('; ') : 'no semantic changes';
}

const fmtBox = (b?: unknown) => (Array.isArray(b) ? `[${b.map((v) => (typeof v !== 'number' ? JSON.stringify(v) : Number.isInteger(v) ? v : v.toFixed(1))).join(', ')}]` : '');
const imageName = (i: { fileName?: string; imageId?: IdKey }) => `${i.fileName ?? '(no file_name)'}${i.imageId !== undefined ? ` (id ${i.imageId})` : ''}`;

export function describeChange(c: AnnotationChange): string {
  const parts: string[] = [];
  for (const k of c.kinds) {
    if (k === 'moved' || k === 'reshaped') parts.push(`${k} (IoU ${c.iou!.toFixed(2)})`);
    else if (k === 'relabelled') parts.push(`relabelled ${c.oldCategory} → ${c.newCategory}`);
    else if (k === 'attributes') parts.push(`${c.attributes!.join(', ')} changed`);
    else parts.push(`id ${c.oldId} → ${c.newId}`);
  }
  return `annotation ${c.newId ?? c.oldId}: ${parts.join('; ')}`;
}

/** Human-readable diff, like `git diff --stat` followed by the changes. */
export function formatDiffText(d: CocoDiff, name: string, maxImages = 200): string {
  const out = [`${name}: ${d.summary.line}`];
  for (const c of d.categories.renamed) out.push(`  category ${c.id}: renamed "${c.oldName}" → "${c.newName}"`);
  for (const c of d.categories.added) out.push(`+ category ${c.id} "${c.name}"`);
  for (const c of d.categories.removed) out.push(`− category ${c.id} "${c.name}"`);
  for (const c of d.categories.changed) out.push(`~ category ${c.id} "${c.name}": ${c.fields.join(', ')} changed`);
  for (const i of d.images.renamed) out.push(`  image ${i.id}: renamed ${i.oldFileName} → ${i.newFileName}`);
  for (const i of d.images.added) out.push(`+ image ${imageName({ fileName: i.fileName, imageId: i.id })}`);
  for (const i of d.images.removed) out.push(`− image ${imageName({ fileName: i.fileName, imageId: i.id })}`);
  for (const i of d.images.changed) out.push(`~ image ${imageName({ fileName: i.fileName, imageId: i.id })}: ${i.fields.join(', ')} changed`);
  for (const im of d.perImage.slice(0, maxImages)) {
    out.push(`${imageName(im)}${im.status === 'changed' ? '' : ` [image ${im.status}]`}: +${im.added.length} −${im.removed.length} ~${im.changed.length}`);
    for (const a of im.added) out.push(`  + annotation ${a.id} ${a.category ?? ''} ${fmtBox(a.bbox)}`.trimEnd());
    for (const a of im.removed) out.push(`  − annotation ${a.id} ${a.category ?? ''} ${fmtBox(a.bbox)}`.trimEnd());
    for (const c of im.changed) out.push(`  ~ ${describeChange(c)}`);
  }
  if (d.perImage.length > maxImages) out.push(`… ${d.perImage.length - maxImages} more images (--format json lists all)`);
  return `${out.join('\n')}\n`;
}

export function formatDiffMarkdown(d: CocoDiff, name: string, maxImages = 200): string {
  const out = [`### \`${name}\``, '', `**${d.summary.line}**`, ''];
  const rows: string[] = [];
  for (const c of d.categories.renamed) rows.push(`| category ${c.id} | renamed | "${c.oldName}" → "${c.newName}" |`);
  for (const c of d.categories.added) rows.push(`| category ${c.id} | added | "${c.name}" |`);
  for (const c of d.categories.removed) rows.push(`| category ${c.id} | removed | "${c.name}" |`);
  for (const i of d.images.renamed) rows.push(`| image ${i.id} | renamed | ${i.oldFileName} → ${i.newFileName} |`);
  for (const i of d.images.added) rows.push(`| image ${i.id} | added | ${i.fileName} |`);
  for (const i of d.images.removed) rows.push(`| image ${i.id} | removed | ${i.fileName} |`);
  for (const im of d.perImage.slice(0, maxImages)) {
    for (const a of im.added) rows.push(`| ${im.fileName} | + annotation ${a.id} | ${a.category ?? ''} ${fmtBox(a.bbox)} |`);
    for (const a of im.removed) rows.push(`| ${im.fileName} | − annotation ${a.id} | ${a.category ?? ''} ${fmtBox(a.bbox)} |`);
    for (const c of im.changed) rows.push(`| ${im.fileName} | ~ annotation ${c.newId ?? c.oldId} | ${describeChange(c).replace(/^annotation \S+: /, '')} |`);
  }
  if (rows.length) out.push('| where | what | detail |', '| --- | --- | --- |', ...rows);
  if (d.perImage.length > maxImages) out.push('', `… ${d.perImage.length - maxImages} more images (JSON output lists all).`);
  return `${out.join('\n')}\n`;
}

/**
 * One line per category, image and annotation, sorted by id: what `git diff` shows through
 * `textconv`, so a one-line 50 MB COCO file diffs as objects. Polygons are summarized (vertex
 * count and a short checksum) to keep lines short.
 */
export function cocoToText(doc: CocoDocument): string {
  const lines: string[] = [];
  const byId = <T extends { id?: IdKey }>(xs: T[]) => xs.sort((x, y) => (x.id === y.id ? 0 : x.id === undefined ? 1 : y.id === undefined ? -1 : x.id < y.id ? -1 : 1));
  const cats = byId(doc.categoryEntries.map((e) => ({ id: idOf(e.value), v: e.value })));
  for (const c of cats) lines.push(`category ${c.id} ${str(c.v, 'name') ?? ''}${str(c.v, 'supercategory') ? ` (${str(c.v, 'supercategory')})` : ''}`);
  const names = new Map<IdKey, string>();
  for (const c of cats) if (c.id !== undefined) names.set(c.id, str(c.v, 'name') ?? String(c.id));
  const images = byId(doc.imageEntries.map((e) => ({ id: idOf(e.value), v: e.value as JsonObject })));
  for (const i of images) lines.push(`image ${i.id} ${str(i.v, 'file_name') ?? ''} ${i.v?.width ?? '?'}x${i.v?.height ?? '?'}`);
  const anns = doc.annotationEntries.map((e) => ({ id: idOf(e.value), v: (isJsonObject(e.value) ? e.value : {}) as JsonObject }));
  anns.sort((x, y) => {
    const ix = x.v.image_id as IdKey, iy = y.v.image_id as IdKey;
    if (ix !== iy) return ix < iy ? -1 : 1;
    return x.id === y.id ? 0 : (x.id as IdKey) < (y.id as IdKey) ? -1 : 1;
  });
  for (const a of anns) {
    const v = a.v;
    const cat = typeof v.category_id === 'number' || typeof v.category_id === 'string' ? names.get(v.category_id) ?? `#${v.category_id}` : '?';
    const rest = changedKeys({}, v, new Set([...NOT_ATTRIBUTES, 'iscrowd'])).map((k) => `${k}=${canonicalJson(v[k])}`);
    lines.push(`annotation ${a.id} image ${v.image_id} ${cat} bbox ${fmtBox(v.bbox as number[])} area ${typeof v.area === 'number' ? Math.round(v.area * 100) / 100 : '?'}${v.iscrowd ? ' crowd' : ''} ${segmentationSummary(v.segmentation)}${v.keypoints ? ` keypoints ${checksum(canonicalJson(v.keypoints))}` : ''}${rest.length ? ` ${rest.join(' ')}` : ''}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

function segmentationSummary(seg: unknown): string {
  if (seg === undefined) return '';
  if (Array.isArray(seg)) return `polygons ${seg.length}/${seg.reduce((n: number, p) => n + (Array.isArray(p) ? p.length / 2 : 0), 0)}pts #${checksum(canonicalJson(seg))}`;
  return `rle #${checksum(canonicalJson(seg))}`;
}

/** FNV-1a over the text: a short stable tag that changes when the geometry does. */
function checksum(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * One change as the viewer's diff mode draws it (structurally the viewer's `DiffChange` in
 * src/shared/protocol.ts): the old and the new geometry as in the files (bbox, polygons or RLE).
 */
export interface DiffOverlayChange {
  kind: 'added' | 'removed' | 'changed';
  old?: { bbox?: number[]; segmentation?: unknown };
  new?: { bbox?: number[]; segmentation?: unknown };
  label?: string;
}

/**
 * The changes of ONE image with their geometry, read on demand from the two documents: the diff
 * itself carries only entry indices, so a train2017-scale diff copies no polygons.
 * `imageKey` is the image's id (NEW's, or OLD's for a removed image), or its entry of
 * `result.perImage` (no search); [] when the image has no changes.
 */
export function diffOverlayFor(OLD: CocoDocument, NEW: CocoDocument, result: CocoDiff, imageKey: IdKey | ImageDiff): DiffOverlayChange[] {
  const im = typeof imageKey === 'object' ? imageKey
    : result.perImage.find((i) => i.imageId === imageKey && i.status !== 'removed') ?? result.perImage.find((i) => i.imageId === imageKey);
  if (!im) return [];
  const geometry = (doc: CocoDocument, entry: number) => {
    const v = doc.annotationEntries[entry]?.value;
    if (!isJsonObject(v)) return {};
    const g: { bbox?: number[]; segmentation?: unknown } = {};
    if (Array.isArray(v.bbox)) g.bbox = v.bbox as number[];
    if (v.segmentation !== undefined) g.segmentation = v.segmentation;
    return g;
  };
  const out: DiffOverlayChange[] = [];
  for (const c of im.changed) {
    const label = c.kinds.includes('relabelled') ? `${c.oldCategory} → ${c.newCategory}` : describeChange(c).replace(/^annotation /, '');
    out.push({ kind: 'changed', old: geometry(OLD, c.entryOld), new: geometry(NEW, c.entryNew), label });
  }
  for (const a of im.added) out.push({ kind: 'added', new: geometry(NEW, a.entry), label: a.category });
  for (const a of im.removed) out.push({ kind: 'removed', old: geometry(OLD, a.entry), label: a.category });
  return out;
}
