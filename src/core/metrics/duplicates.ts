/**
 * Exact and near-duplicate images, within a file and across split files (leakage), from the
 * fingerprints node/health/hash.ts makes: a hash of the decoded pixels (equal = exact copy) and a
 * 64-bit perceptual hash (pHash; Hamming distance ≤ threshold = near copy).
 *
 * Near pairs are found with multi-index hashing (Norouzi et al., 2012): the 64 bits are cut into
 * 4 chunks of 16; if two hashes differ in at most t bits, some chunk differs in at most ⌊t/4⌋, so
 * each hash is looked up in 4 tables under every 16-bit value within that radius (137 probes per
 * chunk at t ≤ 11) and only those candidates are compared: never all 5·10⁹ pairs of 100k images.
 *
 * What hashing finds: the same picture resized, re-encoded (JPEG quality), slightly brightened or
 * contrast-changed. What it does not: crops, rotations, flips, different shots of one scene
 * (an image-embedding model is needed for those).
 */
import { isJsonObject, type CocoDocument } from '../coco/document';
import { placeIn } from '../check';
import { ruleSetting, type LabelscopeConfig } from '../config';
import type { Problem, RelatedLocation, Severity } from '../problems';
import type { RuleMeta } from '../ruleKit/types';
import { DATASET_KINDS } from '../coco/kind';

/** Hamming distance at or below which two pHashes are near duplicates (see bench/dup.ts for its precision and recall). */
export const DEFAULT_NEAR_THRESHOLD = 8;

export interface HashedImage {
  /** Which file (split) the image is in: an index into the caller's list of documents. */
  readonly split: number;
  /** Index in that file's "images". */
  readonly index: number;
  readonly pixelHash?: string;
  /** 16 hex digits. */
  readonly phash?: string;
}

export interface DuplicateGroup {
  readonly kind: 'exact' | 'near';
  readonly members: readonly HashedImage[];
  /** Largest pHash distance between linked members (0 for exact groups). */
  readonly maxDistance: number;
  /** Members come from more than one split file. */
  readonly leakage: boolean;
  /** Lowest embedding cosine similarity of the links an embedding model added (absent: none). */
  readonly minSimilarity?: number;
  /** Linked by the embedding model only (no two members within the pHash threshold). */
  readonly byEmbeddingOnly?: boolean;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The two 32-bit halves of a 16-hex-digit hash, or undefined when it is not one. */
function halves(h: string | undefined): [number, number] | undefined {
  if (!h || !/^[0-9a-f]{16}$/i.test(h)) return undefined;
  return [parseInt(h.slice(0, 8), 16) >>> 0, parseInt(h.slice(8), 16) >>> 0];
}

export function hammingHex(a: string, b: string): number {
  const x = halves(a), y = halves(b);
  if (!x || !y) return 64;
  return popcount32((x[0] ^ y[0]) >>> 0) + popcount32((x[1] ^ y[1]) >>> 0);
}

/** Every 16-bit value within Hamming distance r of 0 (XOR masks), r ≤ 3. */
function masks(r: number): number[] {
  const out = [0];
  for (let a = 0; a < 16 && r >= 1; a++) {
    out.push(1 << a);
    for (let b = a + 1; b < 16 && r >= 2; b++) {
      out.push((1 << a) | (1 << b));
      for (let c = b + 1; c < 16 && r >= 3; c++) out.push((1 << a) | (1 << b) | (1 << c));
    }
  }
  return out;
}

/**
 * All pairs (i < j) of 64-bit hashes (hi[i], lo[i]) at Hamming distance ≤ t (t ≤ 15), by
 * multi-index hashing; `onPair` gets each pair once.
 */
export function nearPairs(hi: Uint32Array, lo: Uint32Array, t: number, onPair: (i: number, j: number, d: number) => void): { candidates: number } {
  const n = hi.length;
  const radius = Math.floor(t / 4);
  if (radius > 3) throw new Error(`near-duplicate threshold ${t} is above 15`);
  // Chunk k of every hash, and four tables: chunk value → indices (counting-sorted: offsets + members).
  const chunks: Uint16Array[] = [];
  const starts: Uint32Array[] = [];
  const members: Uint32Array[] = [];
  for (let k = 0; k < 4; k++) {
    const ch = new Uint16Array(n);
    for (let i = 0; i < n; i++) ch[i] = k < 2 ? (hi[i] >>> (16 * (1 - k))) & 0xffff : (lo[i] >>> (16 * (3 - k))) & 0xffff;
    const start = new Uint32Array(65537);
    for (let i = 0; i < n; i++) start[ch[i] + 1]++;
    for (let v = 0; v < 65536; v++) start[v + 1] += start[v];
    const fill = start.slice(0, 65536);
    const mem = new Uint32Array(n);
    for (let i = 0; i < n; i++) mem[fill[ch[i]]++] = i;
    chunks.push(ch); starts.push(start); members.push(mem);
  }
  const probe = Uint32Array.from(masks(radius));
  const np = probe.length;
  const seen = new Int32Array(n).fill(-1);
  let candidates = 0;
  for (let k = 0; k < 4; k++) {
    const ch = chunks[k], start = starts[k], mem = members[k];
    for (let i = 0; i < n; i++) {
      const c = ch[i];
      const hii = hi[i], loi = lo[i];
      for (let q = 0; q < np; q++) {
        const v = c ^ probe[q];
        const end = start[v + 1];
        for (let p = start[v]; p < end; p++) {
          const j = mem[p];
          if (j <= i) continue;
          const d = popcount32((hii ^ hi[j]) >>> 0) + popcount32((loi ^ lo[j]) >>> 0);
          candidates++;
          if (d > t) continue;
          // The same pair can come up in several chunks: report it from the first chunk where it does.
          if (firstChunkWithin(hii, loi, hi[j], lo[j], radius) !== k) continue;
          if (seen[j] === i) continue;
          seen[j] = i;
          onPair(i, j, d);
        }
      }
    }
  }
  return { candidates };
}

/** The first 16-bit chunk in which a and b differ in at most r bits (where the search finds the pair first). */
function firstChunkWithin(ahi: number, alo: number, bhi: number, blo: number, r: number): number {
  const x = (ahi ^ bhi) >>> 0, y = (alo ^ blo) >>> 0;
  if (popcount32(x >>> 16) <= r) return 0;
  if (popcount32(x & 0xffff) <= r) return 1;
  if (popcount32(y >>> 16) <= r) return 2;
  return 3;
}

/** Two items (indices into findDuplicates' `items`) that another measure (an embedding model) calls near copies. */
export interface LinkedPair { readonly a: number; readonly b: number; readonly similarity: number }

/**
 * Exact groups (same pixel hash), then near groups among the remaining distinct pictures: linked
 * by pHash distance ≤ threshold, and by `similar` pairs (an embedding model's cosine similarity).
 */
export function findDuplicates(items: readonly HashedImage[], opts: { threshold?: number; similar?: readonly LinkedPair[] } = {}): DuplicateGroup[] {
  const t = opts.threshold ?? DEFAULT_NEAR_THRESHOLD;
  const groups: DuplicateGroup[] = [];
  // Exact: by pixel hash; each distinct picture keeps one representative for the near search.
  const byPixels = new Map<string, number>();
  const reps: HashedImage[][] = [];
  const repOf = new Int32Array(items.length).fill(-1);
  items.forEach((it, k) => {
    const r = it.pixelHash ? byPixels.get(it.pixelHash) : undefined;
    if (r !== undefined) { reps[r].push(it); repOf[k] = r; return; }
    if (!it.pixelHash && !it.phash && !opts.similar) return;
    if (it.pixelHash) byPixels.set(it.pixelHash, reps.length);
    repOf[k] = reps.length;
    reps.push([it]);
  });
  for (const r of byPixels.values()) if (reps[r].length > 1) groups.push({ kind: 'exact', members: reps[r], maxDistance: 0, leakage: spansSplits(reps[r]) });
  // Near: connected components of near pairs among representatives.
  const withHash: number[] = [];
  reps.forEach((l, r) => { if (halves(l[0].phash)) withHash.push(r); });
  const hi = new Uint32Array(withHash.length), lo = new Uint32Array(withHash.length);
  withHash.forEach((r, i) => { const h = halves(reps[r][0].phash)!; hi[i] = h[0]; lo[i] = h[1]; });
  const parent = Int32Array.from(reps.keys());
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
  const union = (a: number, b: number) => { const x = find(a), y = find(b); if (x !== y) parent[x] = y; };
  const hashLinks: [number, number][] = [];
  nearPairs(hi, lo, t, (i, j, d) => { hashLinks.push([withHash[i], d]); union(withHash[i], withHash[j]); });
  const simLinks: [number, number][] = [];
  for (const p of opts.similar ?? []) {
    const a = repOf[p.a] ?? -1, b = repOf[p.b] ?? -1;
    if (a < 0 || b < 0 || a === b) continue;
    simLinks.push([a, p.similarity]);
    union(a, b);
  }
  const maxD = new Map<number, number>();
  const minSim = new Map<number, number>();
  for (const [r, d] of hashLinks) { const root = find(r); maxD.set(root, Math.max(maxD.get(root) ?? 0, d)); }
  for (const [r, s] of simLinks) { const root = find(r); minSim.set(root, Math.min(minSim.get(root) ?? 1, s)); }
  const comps = new Map<number, HashedImage[]>();
  for (let r = 0; r < reps.length; r++) {
    const root = find(r);
    if (!maxD.has(root) && !minSim.has(root)) continue;
    const list = comps.get(root);
    if (list) list.push(...reps[r]);
    else comps.set(root, [...reps[r]]);
  }
  for (const [root, members] of comps) {
    const sim = minSim.get(root);
    groups.push({ kind: 'near', members, maxDistance: maxD.get(root) ?? 0, leakage: spansSplits(members), ...(maxD.has(root) ? {} : { byEmbeddingOnly: true }), ...(sim !== undefined ? { minSimilarity: sim } : {}) });
  }
  return groups;
}

function spansSplits(list: readonly HashedImage[]): boolean {
  return list.some((m) => m.split !== list[0].split);
}

export const DUPLICATE_RULES = {
  exact: { id: 'coco/image-duplicate', severity: 'warning' as Severity },
  near: { id: 'coco/image-near-duplicate', severity: 'info' as Severity },
  leakage: { id: 'coco/image-leakage', severity: 'error' as Severity },
};

/** What the duplicate and leakage checks report, for the rules reference and the config schema. */
export const DUPLICATE_RULE_DOCS: readonly RuleMeta[] = [
  {
    id: DUPLICATE_RULES.exact.id, defaultSeverity: DUPLICATE_RULES.exact.severity, kinds: DATASET_KINDS,
    description: 'Two or more images of the dataset have the same decoded pixels (found by the Dataset Report, `labelscope card` and `labelscope check --image-health`).',
    why: 'A duplicated image counts twice in training and in the statistics; with different labels on each copy the model is taught two answers for one picture.',
  },
  {
    id: DUPLICATE_RULES.near.id, defaultSeverity: DUPLICATE_RULES.near.severity, kinds: DATASET_KINDS,
    description: 'Two or more images are the same picture resized, re-encoded or slightly brightened (64-bit pHash within the Hamming threshold).',
    why: 'Near copies inflate the weight of one scene and, across splits, make validation scores optimistic.',
  },
  {
    id: DUPLICATE_RULES.leakage.id, defaultSeverity: DUPLICATE_RULES.leakage.severity, kinds: DATASET_KINDS,
    description: 'The same or nearly the same image is in two split files (train and val/test): reported in both, with the twin named.',
    why: 'An image seen in training and scored in validation measures memory, not generalisation: mAP on the leaked split is optimistic.',
  },
];


/**
 * One problem per member of every group, on its image entry (`file_name`), in its own file's
 * list: twins in the same file are related locations; twins in other files are named in the
 * message and in `data.twins` (a related location carries no file).
 */
export function duplicateProblems(docs: readonly CocoDocument[], names: readonly string[], groups: readonly DuplicateGroup[], config?: LabelscopeConfig): Problem[][] {
  const out: Problem[][] = docs.map(() => []);
  for (const g of groups) {
    const rule = g.leakage ? DUPLICATE_RULES.leakage : g.kind === 'exact' ? DUPLICATE_RULES.exact : DUPLICATE_RULES.near;
    // Severities from .labelscope.json / settings, as for every rule; "off" drops the group's problems.
    const severity = ruleSetting(config, { id: rule.id, defaultSeverity: rule.severity }).severity;
    if (severity === 'off') continue;
    const measures = [
      ...(g.byEmbeddingOnly ? [] : [`pHash distance ≤ ${g.maxDistance}`]),
      ...(g.minSimilarity !== undefined ? [`embedding cosine similarity ≥ ${g.minSimilarity.toFixed(3)}`] : []),
    ];
    const what = g.kind === 'exact' ? 'the same pixels as' : `nearly the same picture as (${measures.join('; ')})`;
    for (const m of g.members) {
      const doc = docs[m.split];
      const entry = doc.imageEntries[m.index];
      if (!entry || !isJsonObject(entry.value)) continue;
      const twins = g.members.filter((x) => x !== m);
      const related: RelatedLocation[] = [];
      const elsewhere: string[] = [];
      const data: { file: string; imageId: unknown; jsonPath: string }[] = [];
      for (const t of twins) {
        const te = docs[t.split].imageEntries[t.index];
        const tv = isJsonObject(te?.value) ? te.value : {};
        const place = placeIn(docs[t.split], 'images', te, ['file_name']);
        data.push({ file: names[t.split], imageId: tv.id, jsonPath: place.jsonPath });
        if (t.split === m.split) related.push({ message: `Twin: image ${JSON.stringify(tv.id)} ${JSON.stringify(tv.file_name)}`, ...place });
        else elsewhere.push(`image ${JSON.stringify(tv.id)} ${JSON.stringify(tv.file_name)} in ${names[t.split]}`);
      }
      const here = twins.filter((t) => t.split === m.split).map((t) => {
        const tv = docs[t.split].imageEntries[t.index]?.value;
        return `image ${JSON.stringify(isJsonObject(tv) ? tv.id : undefined)} ${JSON.stringify(isJsonObject(tv) ? tv.file_name : undefined)}`;
      });
      const list = [...here, ...elsewhere];
      const shown = list.slice(0, 3).join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
      const prefix = g.leakage ? `Leakage: image ${JSON.stringify(entry.value.id)} ${JSON.stringify(entry.value.file_name)} appears in another split` : `Image ${JSON.stringify(entry.value.id)} ${JSON.stringify(entry.value.file_name)} is a ${g.kind === 'exact' ? 'duplicate' : 'near duplicate'}`;
      const place = placeIn(doc, 'images', entry, ['file_name']);
      out[m.split].push({
        rule: rule.id,
        severity,
        message: `${prefix}: ${what} ${shown}.`,
        jsonPath: place.jsonPath,
        start: place.start,
        end: place.end,
        ...(typeof entry.value.id === 'number' || typeof entry.value.id === 'string' ? { imageId: entry.value.id } : {}),
        ...(related.length ? { related } : {}),
        data: { kind: g.kind, twins: data },
      });
    }
  }
  return out;
}

/**
 * Byte edits that remove the images at `imageIndexes` and every annotation of those images
 * ("keep one" of a duplicate group). Consecutive elements go as one run, so edits never overlap.
 */
export function removeImagesEdits(doc: CocoDocument, imageIndexes: readonly number[]): { start: number; end: number; newText: string }[] {
  const remove = new Set(imageIndexes);
  const ids = new Set<unknown>();
  for (const i of remove) { const v = doc.imageEntries[i]?.value; if (isJsonObject(v)) ids.add(v.id); }
  const annIdx: number[] = [];
  doc.annotationEntries.forEach((e) => { if (isJsonObject(e.value) && ids.has(e.value.image_id)) annIdx.push(e.index); });
  return [...removeRuns(doc, doc.imageEntries, [...remove]), ...removeRuns(doc, doc.annotationEntries, annIdx)];
}

function removeRuns(doc: CocoDocument, entries: readonly { start: number; end: number }[], indexes: number[]) {
  const sorted = [...new Set(indexes)].filter((i) => i >= 0 && i < entries.length).sort((a, b) => a - b);
  const edits: { start: number; end: number; newText: string }[] = [];
  for (let k = 0; k < sorted.length;) {
    let j = k;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const a = sorted[k], b = sorted[j];
    if (a > 0) edits.push({ start: entries[a - 1].end, end: entries[b].end, newText: '' });
    else if (b < entries.length - 1) edits.push({ start: entries[0].start, end: entries[b + 1].start, newText: '' });
    else {
      // Every element: leave the brackets, drop the elements and the whitespace around them.
      let s = entries[0].start, t = entries[b].end;
      while (s > 0 && /\s/.test(String.fromCharCode(doc.bytes[s - 1]))) s--;
      while (t < doc.bytes.length && /\s/.test(String.fromCharCode(doc.bytes[t]))) t++;
      edits.push({ start: s, end: t, newText: '' });
    }
    k = j + 1;
  }
  return edits;
}
