/**
 * SAM's `ResizeLongestSide` geometry (segment_anything/utils/transforms.py) and SAM 2's plain
 * resize, both ways: original image pixels <-> the encoder's 1024 frame.
 *
 * SAM 1: scale = 1024 / max(H, W); newW = floor(W * scale + 0.5), newH likewise; a point
 * (x, y) becomes (x * newW / W, y * newH / H) — the per-axis ratio the official predictor uses
 * (SAM's web demo multiplies by `scale`, which differs by under half a pixel). The image sits
 * top-left in the 1024² input, zero-padded bottom/right.
 * SAM 2 (samexporter): the image is stretched to 1024 x 1024; (x, y) -> (x * 1024 / W, y * 1024 / H).
 */

export const SAM_INPUT_SIZE = 1024;
/** Side of the decoder's low-resolution mask logits (`low_res_masks`, `mask_input`). */
export const SAM_LOW_RES_SIZE = 256;

export type ResizeMode = 'longest-side' | 'stretch';

/** The original image size and where it lands in the encoder's input. */
export interface SamFrame {
  /** Original image height and width in pixels. */
  readonly height: number;
  readonly width: number;
  /** Size of the image inside the encoder input (before padding, if any). */
  readonly resizedHeight: number;
  readonly resizedWidth: number;
  /** The encoder input's side (1024). */
  readonly inputSize: number;
  readonly mode: ResizeMode;
}

/** SAM's get_preprocess_shape: [newH, newW] with the longest side = `longSide`. */
export function preprocessShape(height: number, width: number, longSide = SAM_INPUT_SIZE): [number, number] {
  if (!(height > 0 && width > 0)) throw new RangeError(`image size must be positive, got ${width}x${height}`);
  const scale = longSide / Math.max(height, width);
  return [Math.floor(height * scale + 0.5), Math.floor(width * scale + 0.5)];
}

export function samFrame(height: number, width: number, mode: ResizeMode, inputSize = SAM_INPUT_SIZE): SamFrame {
  const [rh, rw] = mode === 'longest-side' ? preprocessShape(height, width, inputSize) : [inputSize, inputSize];
  if (mode === 'stretch' && !(height > 0 && width > 0)) throw new RangeError(`image size must be positive, got ${width}x${height}`);
  return { height, width, resizedHeight: rh, resizedWidth: rw, inputSize, mode };
}

/** Original pixel coordinates -> encoder-frame coordinates (SAM's apply_coords). */
export function toModelCoords(frame: SamFrame, x: number, y: number): [number, number] {
  return [x * (frame.resizedWidth / frame.width), y * (frame.resizedHeight / frame.height)];
}

/** Encoder-frame coordinates -> original pixel coordinates (the inverse of toModelCoords). */
export function fromModelCoords(frame: SamFrame, x: number, y: number): [number, number] {
  return [x * (frame.width / frame.resizedWidth), y * (frame.height / frame.resizedHeight)];
}

/** A COCO box [x, y, w, h] -> its two corners in the encoder frame [x0, y0, x1, y1] (SAM's apply_boxes on xyxy). */
export function boxToModelCorners(frame: SamFrame, bbox: ArrayLike<number>): [number, number, number, number] {
  const [x0, y0] = toModelCoords(frame, bbox[0], bbox[1]);
  const [x1, y1] = toModelCoords(frame, bbox[0] + bbox[2], bbox[1] + bbox[3]);
  return [x0, y0, x1, y1];
}
