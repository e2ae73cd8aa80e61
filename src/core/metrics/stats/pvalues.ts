/**
 * The two tail probabilities the split comparison needs, written out rather than pulled from a
 * library: the chi-square survival function (via the regularized upper incomplete gamma
 * function) and the Kolmogorov distribution's tail (two-sample KS test, asymptotic form).
 * Both follow Numerical Recipes (3rd ed., §6.2 and §14.3); tests pin them to textbook values.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; |error| < 1e-13 over the range used here). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x); // reflection
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const lnPrefix = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 - P.
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

/** P(χ²_df ≥ x): the p-value of a chi-square statistic with df degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) return NaN;
  if (!(x > 0)) return 1;
  return gammaQ(df / 2, x / 2);
}

/**
 * Q_KS(λ) = 2 Σ_{j≥1} (-1)^{j-1} e^{-2 j² λ²}: the probability that the Kolmogorov statistic
 * exceeds λ. For small λ the alternating series converges slowly, so the complementary form
 * 1 - (√(2π)/λ) Σ e^{-(2j-1)² π² / (8λ²)} is used there (NR §6.14).
 */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = Math.exp(-(Math.PI * Math.PI) / (8 * lambda * lambda));
    // P = (√(2π)/λ)(y + y⁹ + y²⁵ + y⁴⁹ …)
    const p = (Math.sqrt(2 * Math.PI) / lambda) * (y + Math.pow(y, 9) + Math.pow(y, 25) + Math.pow(y, 49));
    return Math.min(1, Math.max(0, 1 - p));
  }
  const x = Math.exp(-2 * lambda * lambda);
  // 2 (x - x⁴ + x⁹ - x¹⁶ …)
  return Math.min(1, Math.max(0, 2 * (x - Math.pow(x, 4) + Math.pow(x, 9) - Math.pow(x, 16))));
}

export interface KsResult {
  /** D = sup |F₁(x) - F₂(x)|. */
  readonly statistic: number;
  /** Asymptotic p-value: Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D), nₑ = n₁n₂/(n₁+n₂) (Stephens 1970, NR §14.3). */
  readonly pValue: number;
  readonly n1: number;
  readonly n2: number;
}

/** Two-sample Kolmogorov–Smirnov test on two SORTED samples (ascending, no NaN). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1, n1, n2 };
  let i = 0, j = 0, d = 0;
  while (i < n1 && j < n2) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    // Step past every copy of x in both samples, then compare the two empirical CDFs.
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  const ne = (n1 * n2) / (n1 + n2);
  const sq = Math.sqrt(ne);
  return { statistic: d, pValue: kolmogorovQ((sq + 0.12 + 0.11 / sq) * d), n1, n2 };
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  /** The smallest expected cell count: under 5 the chi-square approximation is rough. */
  readonly minExpected: number;
}

/**
 * Pearson's chi-square test of homogeneity on a contingency table (rows × columns of counts;
 * rows or columns that sum to zero are dropped). No continuity correction.
 */
export function chiSquareHomogeneity(table: readonly (readonly number[])[]): ChiSquareResult {
  const rowsAll = table.length;
  const colsAll = rowsAll > 0 ? table[0].length : 0;
  const rowSum = table.map((r) => r.reduce((s, v) => s + v, 0));
  const colSum = new Array<number>(colsAll).fill(0);
  for (const r of table) for (let c = 0; c < colsAll; c++) colSum[c] += r[c];
  const rows = [...rowSum.keys()].filter((r) => rowSum[r] > 0);
  const cols = [...colSum.keys()].filter((c) => colSum[c] > 0);
  const total = rows.reduce((s, r) => s + rowSum[r], 0);
  const df = (rows.length - 1) * (cols.length - 1);
  if (df <= 0 || total === 0) return { statistic: 0, df: Math.max(0, df), pValue: 1, minExpected: 0 };
  let stat = 0, minExpected = Infinity;
  for (const r of rows) {
    for (const c of cols) {
      const e = (rowSum[r] * colSum[c]) / total;
      if (e < minExpected) minExpected = e;
      const d = table[r][c] - e;
      stat += (d * d) / e;
    }
  }
  return { statistic: stat, df, pValue: chiSquareSurvival(stat, df), minExpected };
}
