/**
 * Point and box prompts -> the decoder's `point_coords` [1, N, 2] and `point_labels` [1, N].
 * Labels: 1 foreground point, 0 background point, 2 / 3 the box's top-left / bottom-right
 * corner, -1 a padding point. Points come first, then the box corners (SAM's ONNX example).
 * SAM 1's export expects a (0, 0) / -1 padding point when there is no box (the official web
 * demo and notebook add one); samexporter's SAM 2 decoder appends its own padding point in the
 * graph, so none is added for it.
 */
import { boxToModelCorners, toModelCoords, type SamFrame } from './transforms';

export interface SamPoint {
  /** Original image pixel coordinates. */
  x: number;
  y: number;
  /** true: part of the object (label 1); false: not part of it (label 0). */
  positive: boolean;
}

export interface SamPrompt {
  points?: readonly SamPoint[];
  /** COCO box [x, y, w, h] in original image pixels. */
  box?: readonly number[];
}

export const LABEL_NEGATIVE = 0;
export const LABEL_POSITIVE = 1;
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

export interface EncodedPrompt {
  /** Flat [x0, y0, x1, y1, ...] in the encoder frame; dims [1, count, 2]. */
  coords: Float32Array;
  /** dims [1, count]. */
  labels: Float32Array;
  count: number;
}

export function promptIsEmpty(prompt: SamPrompt): boolean {
  return (prompt.points?.length ?? 0) === 0 && !prompt.box;
}

/** `padWithoutBox`: add SAM 1's (0, 0) / -1 padding point when the prompt has no box. */
export function encodePrompt(frame: SamFrame, prompt: SamPrompt, padWithoutBox: boolean): EncodedPrompt {
  if (promptIsEmpty(prompt)) throw new RangeError('a prompt needs at least one point or a box');
  const coords: number[] = [];
  const labels: number[] = [];
  for (const p of prompt.points ?? []) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new RangeError(`point (${p.x}, ${p.y}) is not finite`);
    coords.push(...toModelCoords(frame, p.x, p.y));
    labels.push(p.positive ? LABEL_POSITIVE : LABEL_NEGATIVE);
  }
  if (prompt.box) {
    const b = prompt.box;
    if (b.length !== 4 || !b.every(Number.isFinite) || b[2] < 0 || b[3] < 0) throw new RangeError(`box [${b.join(', ')}] is not [x, y, w, h] with w, h >= 0`);
    const [x0, y0, x1, y1] = boxToModelCorners(frame, b);
    coords.push(x0, y0, x1, y1);
    labels.push(LABEL_BOX_TOP_LEFT, LABEL_BOX_BOTTOM_RIGHT);
  } else if (padWithoutBox) {
    coords.push(0, 0);
    labels.push(LABEL_PADDING);
  }
  return { coords: Float32Array.from(coords), labels: Float32Array.from(labels), count: labels.length };
}

/**
 * SAM's advice: one click is ambiguous (whole, part, sub-part), so ask for the three multimask
 * candidates; several points or a box pin the object down, so take the single-mask output.
 */
export function wantsMultimask(prompt: SamPrompt): boolean {
  return !prompt.box && (prompt.points?.length ?? 0) === 1;
}
