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
  const out = new Float32Array(keepH * keepW);
  if (inH === outH && inW === outW) {
    // Scale 1: every source index is exact (weight 0), so this is a copy.
    for (let y = 0; y < keepH; y++) for (let x = 0; x < keepW; x++) out[y * keepW + x] = src[y * stride + x];
    return out;
  }
  const ys = axisWeights(inH, outH);
  const xs = axisWeights(inW, outW);
  const lastRow = keepH > 0 ? ys.i1[keepH - 1] : -1;
  const rows = new Float64Array((lastRow + 1) * keepW);
  for (let r = 0; r <= lastRow; r++) {
    const base = r * stride;
    const o = r * keepW;
    for (let x = 0; x < keepW; x++) {
      const wx = xs.w1[x];
      rows[o + x] = src[base + xs.i0[x]] * (1 - wx) + src[base + xs.i1[x]] * wx;
    }
  }
  for (let y = 0; y < keepH; y++) {
    const t = ys.i0[y] * keepW;
    const b = ys.i1[y] * keepW;
    const wy = ys.w1[y];
    const o = y * keepW;
    for (let x = 0; x < keepW; x++) out[o + x] = rows[t + x] * (1 - wy) + rows[b + x] * wy;
  }
  return out;
}

/** Logits of one low-resolution candidate (lowSize²) -> logits at the original image size. */
export function lowResToImageLogits(lowRes: ArrayLike<number>, lowSize: number, frame: SamFrame): Float32Array {
  if (lowRes.length < lowSize * lowSize) throw new RangeError(`expected ${lowSize}x${lowSize} logits, got ${lowRes.length} values`);
  if (frame.mode === 'stretch') return resizeBilinear(lowRes, lowSize, lowSize, lowSize, frame.height, frame.width);
  const s = frame.inputSize;
  const crop = resizeBilinear(lowRes, lowSize, lowSize, lowSize, s, s, frame.resizedHeight, frame.resizedWidth);
  return resizeBilinear(crop, frame.resizedHeight, frame.resizedWidth, frame.resizedWidth, frame.height, frame.width);
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
