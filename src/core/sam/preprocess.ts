/**
 * Encoder input tensors from an RGB image that has already been resized (the resize itself is
 * done by the Node side with sharp, which the core cannot import).
 *
 * - SAM 1 (Sam.preprocess): (pixel - mean) / std on the 0-255 scale, CHW, zero-padded at the
 *   bottom and right to 1024 x 1024 (zeros after normalising).
 * - SAM 1 with embedded preprocessing (`input_image` of rank 3): the resized HWC RGB as float32.
 * - SAM 2 (samexporter): the image stretched to 1024 x 1024, RGB / 255, ImageNet mean/std, CHW.
 */

export const SAM1_PIXEL_MEAN = [123.675, 116.28, 103.53] as const;
export const SAM1_PIXEL_STD = [58.395, 57.12, 57.375] as const;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** An interleaved RGB (3 channels) image, row-major, 0-255. */
export interface RgbImage {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

function checkRgb(img: RgbImage): void {
  if (img.data.length !== img.width * img.height * 3) {
    throw new RangeError(`expected ${img.width}x${img.height}x3 = ${img.width * img.height * 3} values, got ${img.data.length}`);
  }
}

/** SAM 1: normalised CHW in a `size` x `size` tensor, the image top-left and zeros elsewhere. */
export function sam1EncoderInput(img: RgbImage, size = 1024): Float32Array {
  checkRgb(img);
  if (img.width > size || img.height > size) throw new RangeError(`resized image ${img.width}x${img.height} is larger than ${size}`);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    const mean = SAM1_PIXEL_MEAN[c];
    const inv = 1 / SAM1_PIXEL_STD[c];
    const base = c * plane;
    for (let y = 0; y < img.height; y++) {
      let src = y * img.width * 3 + c;
      let dst = base + y * size;
      for (let x = 0; x < img.width; x++, src += 3, dst++) out[dst] = (img.data[src] - mean) * inv;
    }
  }
  return out;
}

/** SAM 1 encoder with embedded preprocessing: the resized image as HWC float32 0-255. */
export function sam1EmbeddedInput(img: RgbImage): Float32Array {
  checkRgb(img);
  return Float32Array.from(img.data as ArrayLike<number>);
}

/** SAM 2: the (already 1024 x 1024) image as CHW, (pixel / 255 - mean) / std. */
export function sam2EncoderInput(img: RgbImage): Float32Array {
  checkRgb(img);
  const plane = img.width * img.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = IMAGENET_MEAN[c];
    const inv = 1 / IMAGENET_STD[c];
    for (let i = 0, src = c; i < plane; i++, src += 3) out[c * plane + i] = (img.data[src] / 255 - mean) * inv;
  }
  return out;
}
