/**
 * Everything the health checks and the duplicate search need from one image file, from one
 * header read and one full decode with sharp: the stored size and EXIF orientation, the colour
 * mode, whether every pixel decodes (a truncated JPEG fails here, not at epoch 37), the quality
 * scores (scores.ts) and the fingerprints (hash.ts). Runs in a pool worker (worker.ts).
 */
import { stat } from 'node:fs/promises';
import { blurSize, qualityScores, toGrey, type QualityScores } from './scores';
import { perceptualHash, pixelHash, PHASH_SIDE } from './hash';

/** Bumped when a probe's fields or scores change meaning: cached probes of another version are ignored. */
export const PROBE_VERSION = 1;

/** Images above this many pixels are refused before decoding (sharp's limitInputPixels default is 268 Mpx). */
export const DEFAULT_MAX_PIXELS = 16384 * 16384;

export interface ImageProbe {
  readonly status: 'ok' | 'missing' | 'unreadable' | 'too-large';
  /** Why it could not be read or was refused. */
  readonly error?: string;
  readonly format?: string;
  /** Size as stored in the file (before EXIF orientation). */
  readonly width?: number;
  readonly height?: number;
  /** EXIF orientation 1 … 8 (absent: none). 5 … 8 swap width and height when applied. */
  readonly orientation?: number;
  /** Size as shown by viewers that apply EXIF orientation. */
  readonly displayWidth?: number;
  readonly displayHeight?: number;
  /** sharp's interpretation: srgb, cmyk, b-w, rgb16, grey16 … */
  readonly space?: string;
  readonly channels?: number;
  /** uchar = 8 bits per sample, ushort = 16 … */
  readonly depth?: string;
  readonly isPalette?: boolean;
  readonly hasAlpha?: boolean;
  readonly scores?: QualityScores;
  readonly pixelHash?: string;
  readonly phash?: string;
}

export interface ProbeTask {
  readonly file: string;
  readonly maxPixels?: number;
  /** Skip scores and hashes (header and decode only). */
  readonly decodeOnly?: boolean;
}

export async function probeImage(task: ProbeTask): Promise<ImageProbe> {
  const { default: sharp } = await import('sharp');
  try {
    const st = await stat(task.file);
    if (!st.isFile()) return { status: 'unreadable', error: 'not a regular file' };
  } catch {
    return { status: 'missing' };
  }
  const maxPixels = task.maxPixels ?? DEFAULT_MAX_PIXELS;
  let meta;
  try {
    meta = await sharp(task.file, { limitInputPixels: false }).metadata();
  } catch (e) {
    return { status: 'unreadable', error: clean(e) };
  }
  const width = meta.width ?? 0, height = meta.height ?? 0;
  const orientation = meta.orientation;
  const swap = orientation !== undefined && orientation >= 5 && orientation <= 8;
  const header = {
    format: meta.format, width, height,
    ...(orientation !== undefined ? { orientation } : {}),
    displayWidth: swap ? height : width, displayHeight: swap ? width : height,
    space: meta.space, channels: meta.channels, depth: meta.depth,
    isPalette: meta.isPalette === true, hasAlpha: meta.hasAlpha === true,
  };
  // A decompression bomb: a small file that declares a huge canvas. Refused before any decode.
  if (!(width > 0 && height > 0) || width * height > maxPixels) {
    return { status: 'too-large', ...header, error: `${width} × ${height} = ${(width * height / 1e6).toFixed(0)} Mpx is above the limit of ${(maxPixels / 1e6).toFixed(0)} Mpx (not decoded)` };
  }
  // failOn 'truncated': a JPEG or PNG that ends early is an error, not grey pixels.
  const decode = () => sharp(task.file, { failOn: 'truncated', limitInputPixels: maxPixels })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  try {
    let decoded;
    try {
      decoded = await decode();
    } catch (e) {
      // libvips' error buffer is shared by the threads of a process: under load another thread can
      // take the message and leave "Unknown error". A second decode names the cause.
      if (!/unknown error/i.test(clean(e))) throw e;
      decoded = await decode();
    }
    const { data, info } = decoded;
    if (task.decodeOnly) return { status: 'ok', ...header };
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } };
    const bs = blurSize(info.width, info.height);
    const blurRgb = await sharp(data, raw)
      .resize(bs.width, bs.height, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const blurGrey = toGrey(new Uint8Array(blurRgb.data.buffer, blurRgb.data.byteOffset, blurRgb.data.length), blurRgb.info.channels);
    const ph = await sharp(data, raw).resize(PHASH_SIDE, PHASH_SIDE, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
    const phGrey = toGrey(new Uint8Array(ph.data.buffer, ph.data.byteOffset, ph.data.length), ph.info.channels);
    return {
      status: 'ok',
      ...header,
      scores: qualityScores({ data: pixels, channels: info.channels, grey: (meta.channels ?? 3) <= 2 }, { grey: blurGrey, width: blurRgb.info.width, height: blurRgb.info.height }),
      pixelHash: pixelHash(pixels, info.width, info.height, info.channels),
      phash: perceptualHash(phGrey),
    };
  } catch (e) {
    const msg = clean(e);
    if (/pixel limit/i.test(msg)) return { status: 'too-large', ...header, error: msg };
    return { status: 'unreadable', ...header, error: msg };
  }
}

/** sharp's messages without the trailing newline and the libvips prefix noise. */
function clean(e: unknown): string {
  return String((e as Error)?.message ?? e).trim().split('\n')[0];
}
