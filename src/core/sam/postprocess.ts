/**
 * Decoder output -> a binary mask at the original image size, and the choice of candidate.
 *
 * Resizing follows PyTorch's `F.interpolate(mode='bilinear', align_corners=False)` (what SAM's
 * `postprocess_masks` and its ONNX export use, and what OpenCV's INTER_LINEAR gives for
 * upscaling): source = (dst + 0.5) * in / out - 0.5, clamped at 0, no antialiasing.
 * SAM 1: 256² logits -> 1024², crop the image's part (the rest is padding), -> H x W.
 * SAM 2: the image was stretched, so 256² -> H x W directly.
 * Only the chosen candidate is resized, and only the crop is computed.
 */
import type { SamFrame } from './transforms';

/** Per output index: the two source indices and the weight of the second (torch's bilinear). */
function axisWeights(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    let src = (d + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, inSize - 1);
    w1[d] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * Bilinear resize of a row-major plane (`stride` values per row) of logical size inH x inW
 * to outH x outW; with `keepH` / `keepW` only the top-left keepH x keepW of the output is
 * computed (the rest of the returned keepH x keepW plane is all of it). Separable: a
 * horizontal pass over the source rows the kept output rows use, then a vertical pass, with
 * the same arithmetic per pixel as the 2-D formula (rows interpolated first, in doubles).
 */
export function resizeBilinear(
  src: ArrayLike<number>, inH: number, inW: number, stride: number,
  outH: number, outW: number, keepH = outH, keepW = outW,
): Float32Array {
  return resizeBilinearWindow(src, inH, inW, stride, outH, outW, 0, keepH, 0, keepW);
}

/**
 * resizeBilinear restricted to the output window rows [y0, y1) x columns [x0, x1): the values
 * are those of the full resize at the same places (same arithmetic), as a (y1 - y0) x (x1 - x0)
 * plane. `src` may hold only part of the source plane: the part whose top-left is source
 * (srcY0, srcX0), `stride` values per row; the window must read only inside it.
 */
export function resizeBilinearWindow(
  src: ArrayLike<number>, inH: number, inW: number, stride: number,
  outH: number, outW: number, y0: number, y1: number, x0: number, x1: number, srcY0 = 0, srcX0 = 0,
): Float32Array {
  const h = Math.max(0, y1 - y0);
  const w = Math.max(0, x1 - x0);
  const out = new Float32Array(h * w);
  if (h === 0 || w === 0) return out;
  if (inH === outH && inW === outW) {
    // Scale 1: every source index is exact (weight 0), so this is a copy.
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = src[(y0 + y - srcY0) * stride + x0 + x - srcX0];
    return out;
  }
  const ys = axisWeights(inH, outH);
  const { rows, firstRow } = interpolateRows(src, ys, axisWeights(inW, outW), y0, y1, x0, w, stride, srcY0, srcX0);
  for (let y = 0; y < h; y++) {
    const t = (ys.i0[y0 + y] - firstRow) * w;
    const b = (ys.i1[y0 + y] - firstRow) * w;
    const wy = ys.w1[y0 + y];
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = rows[t + x] * (1 - wy) + rows[b + x] * wy;
  }
  return out;
}

/**
 * The horizontal pass of a bilinear window resize: every source row the window's output rows
 * read (from ys.i0[y0] to ys.i1[y1 - 1]), interpolated across the window's `w` columns.
 */
function interpolateRows(
  src: ArrayLike<number>, ys: ReturnType<typeof axisWeights>, xs: ReturnType<typeof axisWeights>,
  y0: number, y1: number, x0: number, w: number, stride: number, srcY0: number, srcX0: number,
): { rows: Float64Array; firstRow: number } {
  const firstRow = ys.i0[y0];
  const lastRow = ys.i1[y1 - 1];
  const rows = new Float64Array((lastRow - firstRow + 1) * w);
  for (let r = firstRow; r <= lastRow; r++) {
    const base = (r - srcY0) * stride - srcX0;
    const o = (r - firstRow) * w;
    for (let x = 0; x < w; x++) {
      const wx = xs.w1[x0 + x];
      rows[o + x] = src[base + xs.i0[x0 + x]] * (1 - wx) + src[base + xs.i1[x0 + x]] * wx;
    }
  }
  return { rows, firstRow };
}

/**
 * thresholdLogits of resizeBilinearWindow(...) written straight into `mask` (row stride
 * `maskW`, window top-left at (y0, x0) of the mask): the same arithmetic, each value rounded to
 * float32 as the plane would store it before the comparison, without the plane.
 */
function thresholdResizeWindow(
  src: ArrayLike<number>, inH: number, inW: number, stride: number,
  outH: number, outW: number, y0: number, y1: number, x0: number, x1: number, srcY0: number, srcX0: number,
  mask: Uint8Array, maskW: number,
): void {
  const w = x1 - x0;
  if (y1 <= y0 || w <= 0) return;
  if (inH === outH && inW === outW) {
    for (let y = y0; y < y1; y++) {
      const s = (y - srcY0) * stride - srcX0;
      const o = y * maskW;
      for (let x = x0; x < x1; x++) if (src[s + x] > 0) mask[o + x] = 1;
    }
    return;
  }
  const ys = axisWeights(inH, outH);
  const { rows, firstRow } = interpolateRows(src, ys, axisWeights(inW, outW), y0, y1, x0, w, stride, srcY0, srcX0);
  const fround = Math.fround;
  for (let y = y0; y < y1; y++) {
    const t = (ys.i0[y] - firstRow) * w;
    const b = (ys.i1[y] - firstRow) * w;
    const wy = ys.w1[y];
    const wt = 1 - wy;
    const o = y * maskW + x0;
    for (let x = 0; x < w; x++) if (fround(rows[t + x] * wt + rows[b + x] * wy) > 0) mask[o + x] = 1;
  }
}

/**
 * The output indices [lo, hi) of a bilinear resize (inSize -> outSize) that read a source index
 * in [srcLo, srcHi]: outside them every output is a blend of sources outside that range.
 */
function outputsReading(inSize: number, outSize: number, srcLo: number, srcHi: number): [number, number] {
  const { i0, i1 } = axisWeights(inSize, outSize);
  let lo = 0;
  while (lo < outSize && i1[lo] < srcLo) lo++;
  let hi = outSize;
  while (hi > lo && i0[hi - 1] > srcHi) hi--;
  return [lo, hi];
}

/** Logits of one low-resolution candidate (lowSize²) -> logits at the original image size. */
export function lowResToImageLogits(lowRes: ArrayLike<number>, lowSize: number, frame: SamFrame): Float32Array {
  if (lowRes.length < lowSize * lowSize) throw new RangeError(`expected ${lowSize}x${lowSize} logits, got ${lowRes.length} values`);
  if (frame.mode === 'stretch') return resizeBilinear(lowRes, lowSize, lowSize, lowSize, frame.height, frame.width);
  const s = frame.inputSize;
  const crop = resizeBilinear(lowRes, lowSize, lowSize, lowSize, s, s, frame.resizedHeight, frame.resizedWidth);
  return resizeBilinear(crop, frame.resizedHeight, frame.resizedWidth, frame.resizedWidth, frame.height, frame.width);
}

/**
 * thresholdLogits(lowResToImageLogits(...)) with the same pixels, computed only where the mask
 * can be foreground: the box of the low-res cells above 0, widened to every output pixel that
 * reads one of them. Outside it each output is a blend, with weights >= 0, of logits <= 0, so
 * it is <= 0 exactly. A small object on a large image costs a fraction of the full upscaling.
 */
export function lowResToImageMask(lowRes: ArrayLike<number>, lowSize: number, frame: SamFrame): Uint8Array {
  if (lowRes.length < lowSize * lowSize) throw new RangeError(`expected ${lowSize}x${lowSize} logits, got ${lowRes.length} values`);
  const mask = new Uint8Array(frame.width * frame.height);
  let ly0 = lowSize, ly1 = -1, lx0 = lowSize, lx1 = -1;
  for (let y = 0; y < lowSize; y++) {
    for (let x = 0; x < lowSize; x++) {
      if (!(lowRes[y * lowSize + x] > 0)) continue;
      if (y < ly0) ly0 = y;
      if (y > ly1) ly1 = y;
      if (x < lx0) lx0 = x;
      if (x > lx1) lx1 = x;
    }
  }
  if (ly1 < 0) return mask;
  // Stage 1 (SAM 1: the 1024 frame, of which only the image's part is kept; SAM 2: the image).
  const s1H = frame.mode === 'stretch' ? frame.height : frame.inputSize;
  const s1W = frame.mode === 'stretch' ? frame.width : frame.inputSize;
  const keepH = frame.mode === 'stretch' ? frame.height : frame.resizedHeight;
  const keepW = frame.mode === 'stretch' ? frame.width : frame.resizedWidth;
  const [ay0, ay1r] = outputsReading(lowSize, s1H, ly0, ly1);
  const [ax0, ax1r] = outputsReading(lowSize, s1W, lx0, lx1);
  const ay1 = Math.min(ay1r, keepH);
  const ax1 = Math.min(ax1r, keepW);
  if (ay1 <= ay0 || ax1 <= ax0) return mask;
  if (frame.mode === 'stretch') {
    thresholdResizeWindow(lowRes, lowSize, lowSize, lowSize, s1H, s1W, ay0, ay1, ax0, ax1, 0, 0, mask, frame.width);
    return mask;
  }
  if (keepH === frame.height && keepW === frame.width) {
    // The long side is 1024: the resized image is the image, the second resize the identity.
    thresholdResizeWindow(lowRes, lowSize, lowSize, lowSize, s1H, s1W, ay0, ay1, ax0, ax1, 0, 0, mask, frame.width);
    return mask;
  }
  // Stage 2: the kept resizedHeight x resizedWidth part -> the image; only outputs reading the
  // stage-1 window are computed, and they read only inside it.
  const [by0, by1] = outputsReading(keepH, frame.height, ay0, ay1 - 1);
  const [bx0, bx1] = outputsReading(keepW, frame.width, ax0, ax1 - 1);
  if (by1 <= by0 || bx1 <= bx0) return mask;
  const ys = axisWeights(keepH, frame.height);
  const xs = axisWeights(keepW, frame.width);
  // The stage-1 rows/columns those outputs read (may reach one past the window, into logits <= 0 or beyond it).
  const ry0 = ys.i0[by0], ry1 = ys.i1[by1 - 1] + 1, rx0 = xs.i0[bx0], rx1 = xs.i1[bx1 - 1] + 1;
  const stage1 = resizeBilinearWindow(lowRes, lowSize, lowSize, lowSize, s1H, s1W, ry0, ry1, rx0, rx1);
  thresholdResizeWindow(stage1, keepH, keepW, rx1 - rx0, frame.height, frame.width, by0, by1, bx0, bx1, ry0, rx0, mask, frame.width);
  return mask;
}

/** Logits -> 0/1 mask: SAM's mask_threshold is 0 (logit > 0 is foreground). */
export function thresholdLogits(logits: ArrayLike<number>, threshold = 0): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] > threshold ? 1 : 0;
  return out;
}

/** The one low-res candidate `index` of a [1, C, S, S] tensor. */
export function candidatePlane(lowRes: Float32Array, index: number, size: number): Float32Array {
  const plane = size * size;
  if ((index + 1) * plane > lowRes.length) throw new RangeError(`candidate ${index} is out of range (${lowRes.length / plane} candidates)`);
  return lowRes.subarray(index * plane, (index + 1) * plane);
}

/**
 * Candidates in the order to offer them, best predicted IoU first. SAM 1's decoder returns 4:
 * index 0 is the single-mask output, 1-3 the multimask outputs, so `multimask` picks among 1-3
 * and otherwise index 0 comes first (the others follow, one key away). Any other count (SAM 2's
 * 3 multimask outputs, an export with `return_single_mask`) ranks all of them.
 */
export function rankCandidates(iou: ArrayLike<number>, multimask: boolean): number[] {
  const all = Array.from({ length: iou.length }, (_, i) => i);
  const byIou = (a: number, b: number) => (iou[b] - iou[a]) || a - b;
  if (iou.length !== 4) return all.sort(byIou);
  if (multimask) return [...[1, 2, 3].sort(byIou), 0];
  return [0, ...[1, 2, 3].sort(byIou)];
}
