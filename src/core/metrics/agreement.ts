/**
 * Inter-annotator agreement of B against A (A is the reference): per-class and overall
 * precision / recall / F1, mean IoU and Dice of matched pairs, Cohen's kappa on the labels of
 * matched pairs (and on image-level labels), a confusion matrix with an "unmatched" row and
 * column, and CVAT-like conflicts with a per-image disagreement score. Built on the matching
 * engine (`./match`); conflict names are CVAT's (cvat/apps/quality_control).
 */
import { isJsonObject, type CocoDocument, type IdKey, type JsonObject } from '../coco/document';
import { matchDocuments, type DocumentMatch, type MatchOptions, type ObjectPair } from './match';

export interface AgreementOptions extends MatchOptions {
  /** Matched pairs under this similarity are `low_overlap` conflicts. Default 0.8 (CVAT's). */
  lowOverlap?: number;
}

export type ConflictType = 'missing_annotation' | 'extra_annotation' | 'mismatching_label' | 'low_overlap' | 'mismatching_attributes';
export const CONFLICT_TYPES: ConflictType[] = ['missing_annotation', 'extra_annotation', 'mismatching_label', 'low_overlap', 'mismatching_attributes'];
/** As CVAT: objects missing, extra or mislabelled are errors; imprecise ones are warnings. */
export const CONFLICT_SEVERITY: Record<ConflictType, 'error' | 'warning'> = {
  missing_annotation: 'error', extra_annotation: 'error', mismatching_label: 'error', low_overlap: 'warning', mismatching_attributes: 'warning',
};

export interface Conflict {
  type: ConflictType;
  severity: 'error' | 'warning';
  message: string;
  /** The image (A's id and file_name when A has it, else B's). */
  imageId?: IdKey;
  fileName?: string;
  /** Annotation ids and their entry indexes in A's / B's `annotations`. */
  annotationA?: IdKey;
  annotationB?: IdKey;
  entryA?: number;
  entryB?: number;
  /** Entry index of the image in B's `images` (where a conflict without a B annotation is shown). */
  imageEntryB?: number;
  similarity?: number;
  /** For mismatching_attributes: the attribute names that differ. */
  attributes?: string[];
}

export interface Counts {
  /** Objects in A (the reference) and in B. */
  countA: number;
  countB: number;
  /** Pairs with the same label (true positives), B objects without one (false positives), A objects without one (false negatives). */
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Over matched pairs measured by IoU (mask or box) and by OKS (keypoints). */
  meanIou: number | null;
  meanDice: number | null;
  meanOks: number | null;
  matchedPairs: number;
}

export interface ClassAgreement extends Counts { label: string; name: string }

export interface Kappa {
  /** Cohen's kappa; 1 when every pair agrees even if only one label occurs; null without pairs. */
  kappa: number | null;
  /** How many pairs it rests on. */
  pairs: number;
  observed: number | null;
  expected: number | null;
}

export interface ImageAgreement {
  imageId?: IdKey;
  fileName?: string;
  imageEntryA?: number;
  imageEntryB?: number;
  countA: number;
  countB: number;
  conflicts: number;
  /** 1 − 2·(label-agreeing pairs with IoU ≥ lowOverlap and equal attributes) / (countA + countB); 0 = full agreement. */
  score: number;
}

export interface AgreementReport {
  options: DocumentMatch['options'] & { lowOverlap: number };
  images: { paired: number; onlyA: number; onlyB: number; identical: number };
  overall: Counts;
  perClass: ClassAgreement[];
  kappa: Kappa;
  /** Kappa on image-level labels (annotations without geometry), when both files have them. */
  imageLabelKappa: Kappa | null;
  confusion: { labels: string[]; axes: { rows: 'A'; cols: 'B' }; rows: number[][] };
  conflicts: Conflict[];
  conflictsByType: Record<ConflictType, number>;
  /** Paired images, most disagreement first. */
  perImage: ImageAgreement[];
}

const UNKNOWN = '(unknown category)';

/** Cohen's kappa of a square contingency table (rows: rater A, columns: rater B). */
export function cohensKappa(table: number[][]): Kappa {
  const k = table.length;
  let n = 0, agree = 0;
  const rowSum = new Array<number>(k).fill(0), colSum = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    const v = table[i][j];
    n += v; rowSum[i] += v; colSum[j] += v;
    if (i === j) agree += v;
  }
  if (n === 0) return { kappa: null, pairs: 0, observed: null, expected: null };
  const po = agree / n;
  let pe = 0;
  for (let i = 0; i < k; i++) pe += (rowSum[i] / n) * (colSum[i] / n);
  const kappa = pe === 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
  return { kappa, pairs: n, observed: po, expected: pe };
}

const hasGeometry = (v: JsonObject) => v.bbox !== undefined || v.segmentation !== undefined || v.keypoints !== undefined;
const idOf = (v: unknown): IdKey | undefined => {
  const id = isJsonObject(v) ? v.id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};

/** Canonical JSON (sorted keys) so `{a:1,b:2}` equals `{b:2,a:1}`. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** Names of the attributes that differ: keys of `attributes` (CVAT's COCO export) and `iscrowd`. */
export function attributeDifferences(a: JsonObject, b: JsonObject): string[] {
  const out: string[] = [];
  if ((a.iscrowd ?? 0) !== (b.iscrowd ?? 0)) out.push('iscrowd');
  const aa = isJsonObject(a.attributes) ? a.attributes : {};
  const bb = isJsonObject(b.attributes) ? b.attributes : {};
  for (const k of [...new Set([...Object.keys(aa), ...Object.keys(bb)])].sort()) if (canonical(aa[k]) !== canonical(bb[k])) out.push(k);
  return out;
}

const fmt = (x: number) => x.toFixed(2);

export function computeAgreement(A: CocoDocument, B: CocoDocument, options: AgreementOptions = {}): AgreementReport {
  const lowOverlap = options.lowOverlap ?? 0.8;
  // Pairs of identical images are made per image below and dropped right after: a train2017-size
  // match would otherwise keep 860k pair objects alive (old-generation GC over a 2.5 GB heap).
  const match = matchDocuments(A, B, { ...options, identicalPairs: false });
  const { labels } = match.categories;
  const keyIndex = new Map(labels.map((l, i) => [l.key, i]));
  const unknownIdx = labels.length; // objects whose category is in neither list
  const unmatchedIdx = labels.length + 1;
  const names = [...labels.map((l) => l.name), UNKNOWN, 'unmatched'];
  const size = names.length;
  const confusion = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const catIdx = (map: Map<IdKey, string>, v: JsonObject) => {
    const c = v.category_id;
    const key = typeof c === 'number' || typeof c === 'string' ? map.get(c) : undefined;
    return key === undefined ? unknownIdx : keyIndex.get(key)!;
  };
  // A malformed element (a number, null) reads as an empty object: no crash, no geometry.
  const EMPTY: JsonObject = {};
  const ia = (e: number): JsonObject => { const v = A.annotationEntries[e].value; return isJsonObject(v) ? v : EMPTY; };
  const ib = (e: number): JsonObject => { const v = B.annotationEntries[e].value; return isJsonObject(v) ? v : EMPTY; };
  const labelName = (i: number) => names[i];

  const sums = Array.from({ length: size }, () => ({ countA: 0, countB: 0, tp: 0, iou: 0, dice: 0, nIou: 0, oks: 0, nOks: 0, pairs: 0 }));
  const conflicts: Conflict[] = [];
  const perImage: ImageAgreement[] = [];
  const imageLabelTable = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  let imageLabelPairs = 0;
  let paired = 0, onlyA = 0, onlyB = 0, identical = 0;

  function identicalPairs(a: number, b: number, n: number): ObjectPair[] {
    const [a0] = match.groupsA.range(a), [b0] = match.groupsB.range(b);
    const out: ObjectPair[] = [];
    for (let k = 0; k < n; k++) {
      const ea = match.groupsA.order[a0 + k], eb = match.groupsB.order[b0 + k];
      out.push({ a: ea, b: eb, similarity: 1, kind: 'identical', by: 'identical', sameLabel: catIdx(match.categories.keyOfA, ia(ea)) === catIdx(match.categories.keyOfB, ib(eb)) });
    }
    return out;
  }

  for (const im of match.images) {
    const imgA = im.a !== undefined && isJsonObject(A.imageEntries[im.a].value) ? (A.imageEntries[im.a].value as JsonObject) : undefined;
    const imgB = im.b !== undefined && isJsonObject(B.imageEntries[im.b].value) ? (B.imageEntries[im.b].value as JsonObject) : undefined;
    if (im.a === undefined) { onlyB++; continue; }
    if (im.b === undefined) { onlyA++; continue; }
    paired++;
    if (im.identical) identical++;
    const img = imgA ?? imgB;
    const where = { imageId: idOf(img), fileName: typeof img?.file_name === 'string' ? img.file_name : undefined, imageEntryB: im.b };
    let countA = 0, countB = 0, strict = 0, nConflicts = 0;
    const imageLabelsA: number[] = [], imageLabelsB: number[] = [];
    const conflict = (c: Omit<Conflict, 'severity' | keyof typeof where>) => { conflicts.push({ ...c, severity: CONFLICT_SEVERITY[c.type], ...where }); nConflicts++; };
    const pairs: ObjectPair[] = [];
    for (const p of im.identical ? identicalPairs(im.a, im.b, im.identicalCount) : im.pairs) {
      const va = ia(p.a), vb = ib(p.b);
      if (!hasGeometry(va) || !hasGeometry(vb)) {
        // Image-level labels are not objects; a geometry-less one paired by bytes or id counts below.
        if (!hasGeometry(va)) imageLabelsA.push(catIdx(match.categories.keyOfA, va)); else { countA++; sums[catIdx(match.categories.keyOfA, va)].countA++; missing(p.a); }
        if (!hasGeometry(vb)) imageLabelsB.push(catIdx(match.categories.keyOfB, vb)); else { countB++; sums[catIdx(match.categories.keyOfB, vb)].countB++; extra(p.b); }
        continue;
      }
      pairs.push(p);
    }
    function missing(e: number) {
      const v = ia(e), c = catIdx(match.categories.keyOfA, v);
      confusion[c][unmatchedIdx]++;
      conflict({ type: 'missing_annotation', message: `${labelName(c)} ${idOf(v) ?? `#${e}`} in A has no match in B`, annotationA: idOf(v), entryA: e });
    }
    function extra(e: number) {
      const v = ib(e), c = catIdx(match.categories.keyOfB, v);
      confusion[unmatchedIdx][c]++;
      conflict({ type: 'extra_annotation', message: `${labelName(c)} ${idOf(v) ?? `#${e}`} in B has no match in A`, annotationB: idOf(v), entryB: e });
    }
    for (const e of im.onlyA) {
      const v = ia(e);
      if (!hasGeometry(v)) { imageLabelsA.push(catIdx(match.categories.keyOfA, v)); continue; }
      countA++; sums[catIdx(match.categories.keyOfA, v)].countA++;
      missing(e);
    }
    for (const e of im.onlyB) {
      const v = ib(e);
      if (!hasGeometry(v)) { imageLabelsB.push(catIdx(match.categories.keyOfB, v)); continue; }
      countB++; sums[catIdx(match.categories.keyOfB, v)].countB++;
      extra(e);
    }
    for (const p of pairs) {
      const va = ia(p.a), vb = ib(p.b);
      const ca = catIdx(match.categories.keyOfA, va), cb = catIdx(match.categories.keyOfB, vb);
      countA++; countB++;
      sums[ca].countA++; sums[cb].countB++;
      confusion[ca][cb]++;
      const s = sums[ca];
      s.pairs++;
      if (p.kind === 'oks') { s.oks += p.similarity; s.nOks++; } else { s.iou += p.similarity; s.dice += (2 * p.similarity) / (1 + p.similarity); s.nIou++; }
      const base = { annotationA: idOf(va), annotationB: idOf(vb), entryA: p.a, entryB: p.b, similarity: p.similarity };
      // Objects of a category in neither list agree when their category_id does.
      const sameLabel = ca === cb && (ca !== unknownIdx || va.category_id === vb.category_id);
      if (sameLabel) s.tp++;
      else conflict({ type: 'mismatching_label', message: `B labels it ${labelName(cb)}, A ${labelName(ca)} (${p.kind === 'oks' ? 'OKS' : 'IoU'} ${fmt(p.similarity)})`, ...base });
      const low = p.similarity < lowOverlap;
      if (low) conflict({ type: 'low_overlap', message: `${labelName(ca)}: ${p.kind === 'oks' ? 'OKS' : 'IoU'} ${fmt(p.similarity)} < ${lowOverlap}`, ...base });
      let attrsOk = true;
      if (sameLabel && p.kind !== 'identical') {
        const diff = attributeDifferences(va, vb);
        if (diff.length > 0) {
          attrsOk = false;
          conflict({ type: 'mismatching_attributes', message: `${labelName(ca)}: attributes differ: ${diff.join(', ')}`, ...base, attributes: diff });
        }
      }
      if (sameLabel && !low && attrsOk) strict++;
    }
    if (imageLabelsA.length === 1 && imageLabelsB.length === 1) { imageLabelTable[imageLabelsA[0]][imageLabelsB[0]]++; imageLabelPairs++; }
    perImage.push({
      imageId: where.imageId, fileName: where.fileName, imageEntryA: im.a, imageEntryB: im.b, countA, countB, conflicts: nConflicts,
      score: countA + countB === 0 ? 0 : 1 - (2 * strict) / (countA + countB),
    });
  }
  perImage.sort((x, y) => y.score - x.score || y.conflicts - x.conflicts);

  const counts = (s: (typeof sums)[number]): Counts => {
    const fp = s.countB - s.tp, fn = s.countA - s.tp;
    return {
      countA: s.countA, countB: s.countB, tp: s.tp, fp, fn,
      precision: s.countB > 0 ? s.tp / s.countB : null,
      recall: s.countA > 0 ? s.tp / s.countA : null,
      f1: s.countA + s.countB > 0 ? (2 * s.tp) / (s.countA + s.countB) : null,
      meanIou: s.nIou > 0 ? s.iou / s.nIou : null,
      meanDice: s.nIou > 0 ? s.dice / s.nIou : null,
      meanOks: s.nOks > 0 ? s.oks / s.nOks : null,
      matchedPairs: s.pairs,
    };
  };
  const total = sums.slice(0, unmatchedIdx).reduce((t, s) => {
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += s[k];
    return t;
  }, { countA: 0, countB: 0, tp: 0, iou: 0, dice: 0, nIou: 0, oks: 0, nOks: 0, pairs: 0 });
  const perClass: ClassAgreement[] = [];
  for (let i = 0; i < unmatchedIdx; i++) {
    if (sums[i].countA + sums[i].countB === 0) continue;
    perClass.push({ label: i === unknownIdx ? UNKNOWN : labels[i].key, name: names[i], ...counts(sums[i]) });
  }
  const kappaTable = confusion.slice(0, unmatchedIdx).map((r) => r.slice(0, unmatchedIdx));
  const conflictsByType = Object.fromEntries(CONFLICT_TYPES.map((t) => [t, 0])) as Record<ConflictType, number>;
  for (const c of conflicts) conflictsByType[c.type]++;
  // Drop labels that never occur from the matrix (and the unknown row when empty) so it stays readable.
  const keep = names.map((_, i) => i === unmatchedIdx || confusion[i].some((v) => v > 0) || confusion.some((r) => r[i] > 0));
  const kept = names.map((_, i) => i).filter((i) => keep[i]);
  return {
    options: { ...match.options, identicalPairs: true, lowOverlap },
    images: { paired, onlyA, onlyB, identical },
    overall: counts(total),
    perClass,
    kappa: cohensKappa(kappaTable),
    imageLabelKappa: imageLabelPairs > 0 ? cohensKappa(imageLabelTable.slice(0, unmatchedIdx).map((r) => r.slice(0, unmatchedIdx))) : null,
    confusion: { labels: kept.map((i) => names[i]), axes: { rows: 'A', cols: 'B' }, rows: kept.map((i) => kept.map((j) => confusion[i][j])) },
    conflicts,
    conflictsByType,
    perImage,
  };
}

const pct = (x: number | null) => (x === null ? '–' : x.toFixed(3));

/** A plain-text report for the terminal. */
export function formatAgreementText(r: AgreementReport, fileA = 'A', fileB = 'B', maxConflicts = 50): string {
  const o = r.overall;
  const lines = [
    `Agreement of ${fileB} (B) against ${fileA} (A): IoU ≥ ${r.options.iouThreshold}, low overlap < ${r.options.lowOverlap}`,
    `images: ${r.images.paired} paired (${r.images.identical} identical), ${r.images.onlyA} only in A, ${r.images.onlyB} only in B`,
    `objects: A ${o.countA}, B ${o.countB}; matched with the same label ${o.tp}`,
    `precision ${pct(o.precision)}  recall ${pct(o.recall)}  F1 ${pct(o.f1)}  mean IoU ${pct(o.meanIou)}  mean Dice ${pct(o.meanDice)}${o.meanOks !== null ? `  mean OKS ${pct(o.meanOks)}` : ''}`,
    `Cohen's kappa (labels of ${r.kappa.pairs} matched pairs): ${pct(r.kappa.kappa)}`,
  ];
  if (r.imageLabelKappa) lines.push(`Cohen's kappa (image-level labels of ${r.imageLabelKappa.pairs} images): ${pct(r.imageLabelKappa.kappa)}`);
  lines.push(`conflicts: ${r.conflicts.length} (${CONFLICT_TYPES.map((t) => `${t} ${r.conflictsByType[t]}`).join(', ')})`, '', 'per class:');
  const w = Math.max(5, ...r.perClass.map((c) => c.name.length));
  lines.push(`  ${'class'.padEnd(w)}  ${'A'.padStart(6)} ${'B'.padStart(6)} ${'TP'.padStart(6)}  prec   rec    F1     IoU    Dice`);
  for (const c of r.perClass) lines.push(`  ${c.name.padEnd(w)}  ${String(c.countA).padStart(6)} ${String(c.countB).padStart(6)} ${String(c.tp).padStart(6)}  ${pct(c.precision)}  ${pct(c.recall)}  ${pct(c.f1)}  ${pct(c.meanIou)}  ${pct(c.meanDice)}`);
  const worst = r.perImage.filter((i) => i.score > 0).slice(0, 10);
  if (worst.length) {
    lines.push('', 'images with the most disagreement:');
    for (const i of worst) lines.push(`  ${i.fileName ?? i.imageId}  score ${i.score.toFixed(3)}  conflicts ${i.conflicts}`);
  }
  if (r.conflicts.length) {
    lines.push('', `conflicts${r.conflicts.length > maxConflicts ? ` (first ${maxConflicts}; --format json lists all)` : ''}:`);
    for (const c of r.conflicts.slice(0, maxConflicts)) lines.push(`  ${c.severity.padEnd(7)} ${c.type.padEnd(22)} ${c.fileName ?? c.imageId}: ${c.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A Markdown report (for pull requests and issue comments). */
export function formatAgreementMarkdown(r: AgreementReport, fileA = 'A', fileB = 'B', maxConflicts = 100): string {
  const o = r.overall;
  const out = [
    `## Agreement of \`${fileB}\` against \`${fileA}\``, '',
    `IoU threshold ${r.options.iouThreshold}, low overlap below ${r.options.lowOverlap}. Images: ${r.images.paired} paired, ${r.images.onlyA} only in A, ${r.images.onlyB} only in B.`, '',
    '| | A | B | TP | precision | recall | F1 | mean IoU | mean Dice |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| **overall** | ${o.countA} | ${o.countB} | ${o.tp} | ${pct(o.precision)} | ${pct(o.recall)} | ${pct(o.f1)} | ${pct(o.meanIou)} | ${pct(o.meanDice)} |`,
    ...r.perClass.map((c) => `| ${c.name} | ${c.countA} | ${c.countB} | ${c.tp} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} | ${pct(c.meanIou)} | ${pct(c.meanDice)} |`),
    '', `Cohen's kappa on the labels of ${r.kappa.pairs} matched pairs: **${pct(r.kappa.kappa)}**${r.imageLabelKappa ? `; on image-level labels of ${r.imageLabelKappa.pairs} images: **${pct(r.imageLabelKappa.kappa)}**` : ''}.`, '',
    '### Confusion matrix (rows A, columns B)', '',
    `| A \\ B | ${r.confusion.labels.join(' | ')} |`, `| --- | ${r.confusion.labels.map(() => '---:').join(' | ')} |`,
    ...r.confusion.rows.map((row, i) => `| ${r.confusion.labels[i]} | ${row.join(' | ')} |`),
    '', `### Conflicts (${r.conflicts.length})`, '',
    CONFLICT_TYPES.map((t) => `${t}: ${r.conflictsByType[t]}`).join(' · '), '',
  ];
  if (r.conflicts.length) {
    out.push('| severity | type | image | detail |', '| --- | --- | --- | --- |');
    for (const c of r.conflicts.slice(0, maxConflicts)) out.push(`| ${c.severity} | ${c.type} | ${c.fileName ?? c.imageId} | ${c.message.replace(/\|/g, '\\|')} |`);
    if (r.conflicts.length > maxConflicts) out.push('', `… ${r.conflicts.length - maxConflicts} more (JSON output lists all).`);
  }
  return `${out.join('\n')}\n`;
}
