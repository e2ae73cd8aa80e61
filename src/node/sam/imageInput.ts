/**
 * Image file -> the RGB pixels the encoder wants, with sharp. The stored pixel grid is used
 * (no EXIF rotation), as COCO coordinates refer to it (see node/displayImage.ts).
 * SAM 1: resized so the longest side is 1024 (ResizeLongestSide; sharp's linear kernel, which
 * like PIL's BILINEAR used by SAM widens its support when shrinking); SAM 2: stretched to 1024².
 */
import { samFrame, type RgbImage, type ResizeMode, type SamFrame } from '../../core/sam';

/** sharp loads on first use: the CLI and the extension start without its native module. */
const loadSharp = async (): Promise<typeof import('sharp').default> => (await import('sharp')).default;

export interface EncoderImage {
  frame: SamFrame;
  /** The resized RGB pixels (frame.resizedWidth x frame.resizedHeight). */
  rgb: RgbImage;
}

export async function readEncoderImage(input: string | Uint8Array, mode: ResizeMode): Promise<EncoderImage> {
  const sharp = await loadSharp();
  const meta = await sharp(input).metadata();
  if (!meta.width || !meta.height) throw new Error(`${typeof input === 'string' ? input : 'the image'} has no pixel size sharp can read`);
  const frame = samFrame(meta.height, meta.width, mode);
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(frame.resizedWidth, frame.resizedHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { frame, rgb: { data, width: info.width, height: info.height } };
}
