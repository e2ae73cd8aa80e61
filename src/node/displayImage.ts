/**
 * Images for the image view. Browsers show JPEG, PNG, WebP, GIF and BMP, but not
 * TIFF (nor JPEG 2000, HEIF…), and very large bitmaps are slow or fail as <img>.
 * Such files are converted with sharp to an 8-bit sRGB PNG, downscaled so the
 * longest side is at most `maxSide` and the pixel count at most `maxPixels`,
 * cached on disk (keyed by path + mtime + size + limits), at most `concurrency`
 * conversions at a time. The viewer is told the ORIGINAL pixel size and stretches
 * the converted bitmap to it, so overlays stay in the JSON's image coordinates.
 *
 * EXIF orientation is NOT applied: COCO's width/height (and every coordinate) refer
 * to the stored pixel grid, as pycocotools and most COCO tools read it, so the view
 * shows the stored grid. Converted output carries no EXIF, so the browser does not
 * rotate it either; a browser-friendly file with an orientation tag is converted
 * for that reason (an <img> would apply the tag).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { Semaphore } from './semaphore';

/** Longest side the webview gets (larger images are downscaled to this). */
export const DISPLAY_MAX_SIDE = 8192;
/** Most pixels the webview gets (64 MP). */
export const DISPLAY_MAX_PIXELS = 64_000_000;
/** Bump when the output changes, so old cache entries are not used. */
const CACHE_VERSION = 1;

/** Extensions an <img> decodes (when the file is within the limits). */
const BROWSER_EXTS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp']);
/** sharp's format names of those. */
const BROWSER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif']);

export interface DisplayImage {
  /** The file the webview loads: the image itself, or the converted copy in the cache. */
  path: string;
  converted: boolean;
  /** Pixel size of the source file's stored grid (0 when unknown: sharp can't read it). */
  width: number;
  height: number;
  /** Pixel size of `path` (smaller than width × height when downscaled). */
  displayWidth: number;
  displayHeight: number;
  /** Why it was converted ('tiff', '16-bit', 'cmyk', 'exif orientation', 'too large'…). */
  reasons: string[];
}

export interface DisplayImagesOptions {
  /** Folder for converted images (the extension's globalStorageUri/display). */
  cacheDir: string;
  /** Conversions at once (default 2: each may hold a few hundred MB). */
  concurrency?: number;
  maxSide?: number;
  maxPixels?: number;
}

interface Meta { format?: string; width?: number; height?: number; depth?: string; space?: string; orientation?: number; pages?: number }

/** Why an image can't go to the browser as it is ([] when it can). */
export function conversionReasons(file: string, m: Meta, maxSide = DISPLAY_MAX_SIDE, maxPixels = DISPLAY_MAX_PIXELS): string[] {
  const r: string[] = [];
  const ext = path.extname(file).toLowerCase();
  if (!m.format || !BROWSER_FORMATS.has(m.format) || !BROWSER_EXTS.has(ext)) r.push(m.format ?? ext.slice(1));
  const w = m.width ?? 0, h = m.height ?? 0;
  if (w > maxSide || h > maxSide || w * h > maxPixels) r.push('too large');
  if (m.depth && m.depth !== 'uchar' && m.format !== 'png') r.push(`${m.depth} samples`);
  if (m.space === 'cmyk') r.push('cmyk');
  if (m.orientation !== undefined && m.orientation > 1) r.push('exif orientation');
  return r;
}

/** The display size: within maxSide on the longest side and maxPixels in all, aspect kept. */
export function displaySize(w: number, h: number, maxSide = DISPLAY_MAX_SIDE, maxPixels = DISPLAY_MAX_PIXELS): [number, number] {
  const s = Math.min(1, maxSide / Math.max(w, h), Math.sqrt(maxPixels / (w * h)));
  if (s >= 1) return [w, h];
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

export class DisplayImages {
  private readonly conversions: Semaphore;
  private readonly inflight = new Map<string, Promise<DisplayImage>>();
  /** Recent answers (a metadata read per image shown is cheap, but not free). */
  private readonly memo = new Map<string, DisplayImage>();
  private readonly maxSide: number;
  private readonly maxPixels: number;
  /** Conversions made (not from the cache), for tests. */
  made = 0;

  constructor(private readonly o: DisplayImagesOptions) {
    this.maxSide = o.maxSide ?? DISPLAY_MAX_SIDE;
    this.maxPixels = o.maxPixels ?? DISPLAY_MAX_PIXELS;
    this.conversions = new Semaphore(o.concurrency ?? 2);
  }

  /**
   * What the webview should load for an image file. Rejects (with the reason) when the
   * file needs converting and sharp can't convert it.
   */
  async prepare(file: string): Promise<DisplayImage> {
    const st = await fs.promises.stat(file);
    const key = createHash('sha1').update(`${CACHE_VERSION}\0${path.resolve(file)}\0${st.mtimeMs}\0${st.size}\0${this.maxSide}\0${this.maxPixels}`).digest('hex');
    const known = this.memo.get(key);
    if (known) return known;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.run(file, path.join(this.o.cacheDir, key.slice(0, 2), key)).then((d) => {
        this.memo.set(key, d);
        if (this.memo.size > 1000) this.memo.delete(this.memo.keys().next().value!);
        return d;
      }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async run(file: string, base: string): Promise<DisplayImage> {
    // A converted copy from before: `<key>.png` with its sizes in `<key>.json`.
    try {
      const d = JSON.parse(await fs.promises.readFile(`${base}.json`, 'utf8')) as DisplayImage;
      await fs.promises.access(d.path);
      return d;
    } catch { /* not cached */ }
    let sharp: typeof import('sharp').default;
    let meta: Meta;
    try {
      sharp = (await import('sharp')).default;
      meta = await sharp(file, { limitInputPixels: false }).metadata();
    } catch (e) {
      // Not readable by sharp (BMP, say), or no sharp (a VSIX without its binaries): a browser-friendly file goes as it is.
      if (BROWSER_EXTS.has(path.extname(file).toLowerCase())) return { path: file, converted: false, width: 0, height: 0, displayWidth: 0, displayHeight: 0, reasons: [] };
      throw new Error(`Can't read ${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const w = meta.width ?? 0, h = meta.height ?? 0;
    const reasons = conversionReasons(file, meta, this.maxSide, this.maxPixels);
    if (!reasons.length) return { path: file, converted: false, width: w, height: h, displayWidth: w, displayHeight: h, reasons };
    return this.conversions.run(async () => {
      try {
        const [dw, dh] = displaySize(w, h, this.maxSide, this.maxPixels);
        // No .rotate(): the stored grid (see the top of this file). Multi-page TIFFs: the first page.
        let img = sharp(file, { failOn: 'none', limitInputPixels: false, sequentialRead: true });
        if (dw !== w || dh !== h) img = img.resize(dw, dh, { fit: 'fill', kernel: 'lanczos3' });
        // 16-bit / float → 8-bit, CMYK (with its ICC profile, else a generic one) → sRGB.
        const out = `${base}.png`;
        const buf = await img.toColourspace('srgb').png({ compressionLevel: 3, adaptiveFiltering: false }).toBuffer();
        await fs.promises.mkdir(path.dirname(out), { recursive: true });
        await writeFileAtomic(out, buf, { durable: false }); // a cache: remade if lost
        const d: DisplayImage = { path: out, converted: true, width: w, height: h, displayWidth: dw, displayHeight: dh, reasons };
        await writeFileAtomic(`${base}.json`, Buffer.from(JSON.stringify(d)), { durable: false });
        this.made++;
        return d;
      } catch (e) {
        throw new Error(`Can't convert ${path.basename(file)} (${reasons.join(', ')}) for display: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    });
  }
}
