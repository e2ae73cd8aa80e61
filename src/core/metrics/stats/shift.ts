/**
 * Distribution shift between split files (train / val / test), each compared with the first.
 *
 * - Category shares: Pearson's chi-square test of homogeneity on the categories × splits table of
 *   annotation counts (overall), and per category a 2 × 2 table (this category vs the rest, split
 *   A vs split B, 1 degree of freedom).
 * - Box sizes: the two-sample Kolmogorov–Smirnov test on ln(box area), per category and overall.
 *
 * With hundreds of thousands of annotations every tiny difference is "significant", so a category
 * is flagged only when the test rejects at `alpha` / (number of categories) (Bonferroni) AND the
 * effect is large enough to matter: shares that differ by at least `minShareRatio` (default 1.5×),
 * or a KS distance D of at least `minKsD` (default 0.1). Categories are matched by id.
 */
import type { IdKey } from '../../coco/document';
import type { DatasetStats, StatsResult } from './compute';
import { chiSquareHomogeneity, ksTwoSample, type ChiSquareResult, type KsResult } from './pvalues';

export interface ShiftOptions {
  alpha?: number;
  minShareRatio?: number;
  minKsD?: number;
  /** Fewest boxes per split for a KS test (default 20). */
  minSamples?: number;
}

export const SHIFT_DEFAULTS = { alpha: 0.01, minShareRatio: 1.5, minKsD: 0.1, minSamples: 20 } as const;

export interface CategoryShift {
  readonly id: IdKey;
  readonly name: string;
  /** Share of the split's annotations in the reference split and in the other one. */
  readonly shareA: number;
  readonly shareB: number;
  readonly shareTest: { readonly test: 'chi-square 2x2'; readonly statistic: number; readonly df: number; readonly pValue: number };
  /** Absent when either split has fewer than minSamples boxes of this category. */
  readonly sizeTest?: { readonly test: 'two-sample KS on ln(box area)'; readonly statistic: number; readonly pValue: number; readonly n1: number; readonly n2: number };
  readonly shareShift: boolean;
  readonly sizeShift: boolean;
}

export interface SplitComparison {
  /** The reference split (the first file) and the compared one. */
  readonly a: string;
  readonly b: string;
  readonly categoryShares: { readonly test: 'chi-square homogeneity'; readonly statistic: number; readonly df: number; readonly pValue: number; readonly minExpected: number };
  readonly boxSizes: { readonly test: 'two-sample KS on ln(box area)'; readonly statistic: number; readonly pValue: number; readonly n1: number; readonly n2: number };
  readonly categories: CategoryShift[];
  /** Human-readable lines for every flagged category. */
  readonly flagged: string[];
}

export interface ShiftReport {
  readonly options: Required<ShiftOptions>;
  readonly comparisons: SplitComparison[];
}

/** Sorted ln(area) per category id (and all together) from one split's samples. */
function sortedSamples(r: StatsResult): { byId: Map<IdKey, Float64Array>; all: Float64Array } {
  const { row, lnArea, categoryIds } = r.samples;
  const counts = new Int32Array(categoryIds.length);
  let total = 0;
  for (let a = 0; a < row.length; a++) if (row[a] >= 0) { counts[row[a]]++; total++; }
  const arrays = Array.from(counts, (c) => new Float64Array(c));
  const fill = new Int32Array(categoryIds.length);
  const all = new Float64Array(total);
  let k = 0;
  for (let a = 0; a < row.length; a++) {
    const c = row[a];
    if (c < 0) continue;
    arrays[c][fill[c]++] = lnArea[a];
    all[k++] = lnArea[a];
  }
  const byId = new Map<IdKey, Float64Array>();
  categoryIds.forEach((id, c) => byId.set(id, arrays[c].sort()));
  return { byId, all: all.sort() };
}

export function compareSplits(results: readonly StatsResult[], opts: ShiftOptions = {}): ShiftReport {
  const o = { ...SHIFT_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Required<ShiftOptions>;
  const comparisons: SplitComparison[] = [];
  if (results.length < 2) return { options: o, comparisons };
  const samples = results.map(sortedSamples);
  const ref = results[0].stats;
  for (let s = 1; s < results.length; s++) comparisons.push(compare(ref, results[s].stats, samples[0], samples[s], o));
  return { options: o, comparisons };
}

function compare(
  A: DatasetStats, B: DatasetStats,
  sa: ReturnType<typeof sortedSamples>, sb: ReturnType<typeof sortedSamples>,
  o: Required<ShiftOptions>,
): SplitComparison {
  const bById = new Map(B.perCategory.map((c) => [c.id, c]));
  const ids: IdKey[] = A.perCategory.map((c) => c.id);
  for (const c of B.perCategory) if (!A.perCategory.some((x) => x.id === c.id)) ids.push(c.id);
  const aById = new Map(A.perCategory.map((c) => [c.id, c]));
  const countA = (id: IdKey) => aById.get(id)?.instances ?? 0;
  const countB = (id: IdKey) => bById.get(id)?.instances ?? 0;
  const totalA = ids.reduce<number>((t, id) => t + countA(id), 0);
  const totalB = ids.reduce<number>((t, id) => t + countB(id), 0);
  const overall: ChiSquareResult = chiSquareHomogeneity(ids.map((id) => [countA(id), countB(id)]));
  const used = ids.filter((id) => countA(id) + countB(id) > 0).length;
  const threshold = o.alpha / Math.max(1, used);
  const categories: CategoryShift[] = [];
  const flagged: string[] = [];
  for (const id of ids) {
    const ca = countA(id), cb = countB(id);
    if (ca + cb === 0) continue;
    const name = aById.get(id)?.name ?? bById.get(id)?.name ?? String(id);
    const t = chiSquareHomogeneity([[ca, cb], [totalA - ca, totalB - cb]]);
    const shareA = totalA > 0 ? ca / totalA : 0, shareB = totalB > 0 ? cb / totalB : 0;
    const ratio = Math.max(shareA, shareB) / Math.max(Math.min(shareA, shareB), 1e-300);
    const shareShift = t.pValue < threshold && ratio >= o.minShareRatio;
    const xa = sa.byId.get(id), xb = sb.byId.get(id);
    let size: KsResult | undefined;
    if (xa && xb && xa.length >= o.minSamples && xb.length >= o.minSamples) size = ksTwoSample(xa, xb);
    const sizeShift = !!size && size.pValue < threshold && size.statistic >= o.minKsD;
    categories.push({
      id, name, shareA, shareB,
      shareTest: { test: 'chi-square 2x2', statistic: t.statistic, df: t.df, pValue: t.pValue },
      ...(size ? { sizeTest: { test: 'two-sample KS on ln(box area)' as const, statistic: size.statistic, pValue: size.pValue, n1: size.n1, n2: size.n2 } } : {}),
      shareShift, sizeShift,
    });
    const label = `${JSON.stringify(name)} (id ${JSON.stringify(id)})`;
    if (shareShift) flagged.push(`${label}: share ${pct(shareA)} in ${A.name} vs ${pct(shareB)} in ${B.name} (chi-square ${t.statistic.toFixed(1)}, df 1, p = ${pFmt(t.pValue)})`);
    if (sizeShift && size) flagged.push(`${label}: box sizes differ between ${A.name} and ${B.name} (KS D = ${size.statistic.toFixed(3)}, p = ${pFmt(size.pValue)}, n = ${size.n1} / ${size.n2})`);
  }
  const all = ksTwoSample(sa.all, sb.all);
  return {
    a: A.name, b: B.name,
    categoryShares: { test: 'chi-square homogeneity', statistic: overall.statistic, df: overall.df, pValue: overall.pValue, minExpected: overall.minExpected },
    boxSizes: { test: 'two-sample KS on ln(box area)', statistic: all.statistic, pValue: all.pValue, n1: all.n1, n2: all.n2 },
    categories,
    flagged,
  };
}

export function pct(x: number): string {
  if (x === 0) return '0%';
  return `${(x * 100).toFixed(x < 0.001 ? 3 : 2)}%`;
}

/** p-values as people read them: 0.0123, 3.2e-7, < 1e-300. */
export function pFmt(p: number): string {
  if (!(p > 0)) return '< 1e-300';
  if (p >= 0.001) return p.toFixed(4);
  return p.toExponential(1);
}
