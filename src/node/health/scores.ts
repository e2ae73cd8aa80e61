/**
 * Image-quality scores after cleanvision (cleanlab/cleanvision, issue_managers/image_property.py),
 * computed on decoded 8-bit pixels. Each score is in [0, 1]; low means the issue, and an image
 * has the issue when its score is below the threshold (cleanvision's defaults):
 *
 * - dark (0.32): the 99th percentile of per-pixel brightness √(0.241 R² + 0.691 G² + 0.068 B²) / 255
 *   (greyscale: v / 255). Even the brightest pixels are dim.
 * - light (0.05): 1 − the 5th percentile of the same brightness. Even the darkest pixels are bright.
 * - low information (0.3): min(1, 0.1 · entropy), entropy = −Σ p log₂ p of the 256-bin histograms of
 *   the colour channels taken together (PIL's Image.entropy()). A flat or nearly flat image.
 * - blurry (0.29): the image shrunk to at most 64 px per side (bicubic), converted to grey
 *   (ITU-R 601: (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16), filtered with PIL's FIND_EDGES kernel
 *   (8 in the centre, −1 around, border pixels copied); s = standard deviation of that edge image;
 *   score = 1 − e^(−0.01 s), raised by (1 − dark score) for dark images (a dark image is reported
 *   as dark, not also as blurry).
 *
 * Percentiles are read from a 4096-bin histogram of brightness (error < 1.3e-4); cleanvision uses
 * numpy's exact percentile. Brightness and entropy are computed on the full decoded image.
 */

export const HEALTH_THRESHOLDS = { dark: 0.32, light: 0.05, lowInformation: 0.3, blurry: 0.29 } as const;
/** cleanvision's normalizing factors for entropy and edge spread. */
const ENTROPY_FACTOR = 0.1;
const BLUR_FACTOR = 0.01;
/** cleanvision's MAX_RESOLUTION_FOR_BLURRY_DETECTION. */
export const BLUR_MAX_SIDE = 64;

export interface QualityScores {
  readonly dark: number;
  readonly light: number;
  readonly lowInformation: number;
  readonly blurry: number;
  /** Raw figures behind the scores, for messages. */
  readonly brightnessP99: number;
  readonly brightnessP5: number;
  readonly entropy: number;
  readonly edgeStd: number;
}

const BINS = 4096;

/** Brightness percentiles (0 … 1) and channel-histogram entropy of interleaved 8-bit pixels; alpha (4th / 2nd channel) ignored. */
export function brightnessAndEntropy(data: Uint8Array, channels: number, greyOnly = false): { p99: number; p5: number; entropy: number } {
  // A greyscale file decoded to RGB: one channel, as PIL sees an "L" image (256 bins, not 3 × 256).
  const colour = channels >= 3 && !greyOnly ? 3 : 1;
  const pixels = Math.floor(data.length / channels);
  const hist = new Float64Array(BINS);
  const chHist = new Float64Array(256 * colour);
  if (colour === 3) {
    for (let i = 0, p = 0; p < pixels; p++, i += channels) {
      const r = data[i], g = data[i + 1], b = data[i + 2];
      chHist[r]++; chHist[256 + g]++; chHist[512 + b]++;
      const v = Math.sqrt(0.241 * r * r + 0.691 * g * g + 0.068 * b * b) / 255;
      hist[Math.min(BINS - 1, Math.floor(v * BINS))]++;
    }
  } else {
    for (let i = 0, p = 0; p < pixels; p++, i += channels) {
      const v = data[i];
      chHist[v]++;
      hist[Math.min(BINS - 1, Math.floor((v / 255) * BINS))]++;
    }
  }
  const percentile = (q: number) => {
    const target = (q / 100) * pixels;
    let acc = 0;
    for (let k = 0; k < BINS; k++) {
      acc += hist[k];
      if (acc >= target) return (k + 0.5) / BINS;
    }
    return 1;
  };
  let entropy = 0;
  const total = pixels * colour;
  for (let k = 0; k < chHist.length; k++) {
    if (chHist[k] === 0) continue;
    const p = chHist[k] / total;
    entropy -= p * Math.log2(p);
  }
  return { p99: pixels ? percentile(99) : 0, p5: pixels ? percentile(5) : 0, entropy };
}

/** PIL's convert("L") of interleaved 8-bit pixels (1 channel: copied). */
export function toGrey(data: Uint8Array, channels: number): Uint8Array {
  const pixels = Math.floor(data.length / channels);
  const out = new Uint8Array(pixels);
  if (channels < 3) {
    for (let p = 0; p < pixels; p++) out[p] = data[p * channels];
    return out;
  }
  for (let p = 0, i = 0; p < pixels; p++, i += channels) out[p] = (data[i] * 19595 + data[i + 1] * 38470 + data[i + 2] * 7471 + 0x8000) >> 16;
  return out;
}

/** Standard deviation of PIL's FIND_EDGES filter over a grey image (border pixels copied, results clipped to 0 … 255). */
export function edgeStd(grey: Uint8Array, w: number, h: number): number {
  let sum = 0, sum2 = 0;
  const n = w * h;
  if (n === 0) return 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v: number;
      if (y === 0 || y === h - 1 || x === 0 || x === w - 1) v = grey[i];
      else {
        const s = 8 * grey[i] - grey[i - w - 1] - grey[i - w] - grey[i - w + 1] - grey[i - 1] - grey[i + 1] - grey[i + w - 1] - grey[i + w] - grey[i + w + 1];
        v = s < 0 ? 0 : s > 255 ? 255 : s;
      }
      sum += v;
      sum2 += v * v;
    }
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
}

/** The four scores from the full image's brightness / entropy and the ≤ 64 px grey image's edges. */
export function qualityScores(full: { data: Uint8Array; channels: number; grey?: boolean }, small: { grey: Uint8Array; width: number; height: number }): QualityScores {
  const { p99, p5, entropy } = brightnessAndEntropy(full.data, full.channels, full.grey);
  const dark = Math.min(1, p99);
  const light = 1 - Math.min(1, p5);
  const lowInformation = Math.min(1, ENTROPY_FACTOR * entropy);
  const es = edgeStd(small.grey, small.width, small.height);
  const isDark = dark < HEALTH_THRESHOLDS.dark ? 1 : 0;
  const blurry = Math.min(1, 1 - Math.exp(-BLUR_FACTOR * es) + isDark * (1 - dark));
  return { dark, light, lowInformation, blurry, brightnessP99: p99, brightnessP5: p5, entropy, edgeStd: es };
}

/** cleanvision's resize for blur detection: (w // ratio, h // ratio) with ratio = max(w, h) / 64, when above 64. */
export function blurSize(w: number, h: number): { width: number; height: number } {
  const ratio = Math.max(w, h) / BLUR_MAX_SIDE;
  if (ratio <= 1) return { width: w, height: h };
  return { width: Math.max(1, Math.floor(w / ratio)), height: Math.max(1, Math.floor(h / ratio)) };
}
