/**
 * Histograms with fixed, documented bins, so the same quantity from two split files lands in
 * the same bins and can be overlaid. Log-scale bins are powers of two split into `perOctave`
 * equal steps in log₂ (box areas span six orders of magnitude; linear bins hide the small ones).
 */

export interface Histogram {
  /** 'log2': bin k covers [lo·2^(k/perOctave), lo·2^((k+1)/perOctave)); 'linear': [lo + k·step, lo + (k+1)·step). */
  readonly scale: 'log2' | 'linear';
  /** Bin edges, counts.length + 1 of them. */
  readonly edges: number[];
  readonly counts: number[];
  /** Values below edges[0] and at or above the last edge. */
  readonly below: number;
  readonly above: number;
}

/** A fixed log₂ binning from `lo` to `hi` (both powers of two), `perOctave` bins per doubling. */
export class LogBins {
  readonly bins: number;
  private readonly lnLo: number;
  private readonly scale: number;
  constructor(readonly lo: number, readonly hi: number, readonly perOctave: number) {
    this.bins = Math.round(Math.log2(hi / lo) * perOctave);
    this.lnLo = Math.log2(lo);
    this.scale = perOctave;
  }
  private edgeList?: number[];
  /** Bin of v: -1 below lo (or not a positive number), `bins` at or above hi. */
  index(v: number): number {
    if (!(v >= this.lo)) return -1;
    if (v >= this.hi) return this.bins;
    return this.indexLog2(Math.log2(v));
  }
  /** Bin of the value whose log₂ is l (callers that already have the logarithm save one). */
  indexLog2(l: number): number {
    const k = Math.floor((l - this.lnLo) * this.scale);
    return k < 0 ? -1 : k >= this.bins ? this.bins : k;
  }
  edges(): number[] {
    if (!this.edgeList) {
      this.edgeList = [];
      for (let k = 0; k <= this.bins; k++) this.edgeList.push(Number((this.lo * Math.pow(2, k / this.perOctave)).toPrecision(6)));
    }
    return this.edgeList.slice();
  }
}

/** Box and image sides in px: 1 … 16384, two bins per octave. */
export const SIDE_BINS = new LogBins(1, 16384, 2);
/** Box areas in px²: 1 … 2²⁸, two bins per octave (32² = 2¹⁰ and 96² ≈ 2¹³·² fall inside). */
export const AREA_BINS = new LogBins(1, 2 ** 28, 2);
/** Aspect ratio w / h: 1/32 … 32, four bins per octave (1 is an edge). */
export const ASPECT_BINS = new LogBins(1 / 32, 32, 4);

/** Counts in a flat Int32Array, several histograms (one per category) side by side. */
export class HistogramSet {
  readonly counts: Float64Array;
  readonly below: Float64Array;
  readonly above: Float64Array;
  constructor(readonly bins: LogBins, readonly rows: number) {
    this.counts = new Float64Array(rows * bins.bins);
    this.below = new Float64Array(rows);
    this.above = new Float64Array(rows);
  }
  add(row: number, v: number): void {
    this.addBin(row, this.bins.index(v));
  }
  /** Adds the value whose log₂ is l. */
  addLog2(row: number, l: number): void {
    this.addBin(row, this.bins.indexLog2(l));
  }
  private addBin(row: number, k: number): void {
    if (k < 0) this.below[row]++;
    else if (k >= this.bins.bins) this.above[row]++;
    else this.counts[row * this.bins.bins + k]++;
  }
  histogram(row: number): Histogram {
    const n = this.bins.bins;
    return {
      scale: 'log2',
      edges: this.bins.edges(),
      counts: Array.from(this.counts.subarray(row * n, row * n + n)),
      below: this.below[row],
      above: this.above[row],
    };
  }
  /** The sum of every row's histogram. */
  total(): Histogram {
    const n = this.bins.bins;
    const counts = new Array<number>(n).fill(0);
    let below = 0, above = 0;
    for (let r = 0; r < this.rows; r++) {
      for (let k = 0; k < n; k++) counts[k] += this.counts[r * n + k];
      below += this.below[r];
      above += this.above[r];
    }
    return { scale: 'log2', edges: this.bins.edges(), counts, below, above };
  }
}

/** A histogram of small non-negative integers 0 … max-1, the rest counted in `above`. */
export function integerHistogram(values: ArrayLike<number>, max: number): Histogram {
  const counts = new Array<number>(max).fill(0);
  let above = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < max) counts[v]++;
    else above++;
  }
  const edges: number[] = [];
  for (let k = 0; k <= max; k++) edges.push(k);
  return { scale: 'linear', edges, counts, below: 0, above };
}
