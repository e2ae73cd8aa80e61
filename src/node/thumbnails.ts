/**
 * Grid thumbnails: 192 px on the longest side, made with sharp (JPEG, WebP,
 * PNG, TIFF and 16-bit images alike), cached on disk keyed by the source's
 * path + mtime + size, at most `concurrency` decodes at a time.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { Semaphore } from './semaphore';

export const THUMB_SIZE = 192;

export interface ThumbnailerOptions {
  /** Folder for cached thumbnails (the extension's globalStorageUri/thumbnails). */
  cacheDir: string;
  /** Decodes at once (default 4). */
  concurrency?: number;
  format?: 'jpeg' | 'webp';
  size?: number;
}

export class Thumbnailer {
  private readonly decodes: Semaphore;
  private readonly inflight = new Map<string, Promise<string>>();
  readonly format: 'jpeg' | 'webp';
  readonly size: number;
  /** Thumbnails made (not from the cache), for tests. */
  made = 0;

  constructor(private readonly o: ThumbnailerOptions) {
    this.format = o.format ?? 'webp';
    this.size = o.size ?? THUMB_SIZE;
    this.decodes = new Semaphore(o.concurrency ?? 4);
  }

  /** The cache file for an image (made if absent). Rejects when the image can't be decoded. */
  async thumbnail(file: string): Promise<string> {
    const st = await fs.promises.stat(file);
    const key = createHash('sha1').update(`${path.resolve(file)}\0${st.mtimeMs}\0${st.size}\0${this.size}`).digest('hex');
    const out = path.join(this.o.cacheDir, key.slice(0, 2), `${key}.${this.format === 'jpeg' ? 'jpg' : 'webp'}`);
    let p = this.inflight.get(out);
    if (!p) {
      p = this.make(file, out).finally(() => this.inflight.delete(out));
      this.inflight.set(out, p);
    }
    return p;
  }

  private async make(file: string, out: string): Promise<string> {
    try { await fs.promises.access(out); return out; } catch { /* not cached */ }
    return this.decodes.run(async () => {
      const { default: sharp } = await import('sharp');
      const img = sharp(file, { failOn: 'none', limitInputPixels: 1 << 30 })
        .rotate()
        .resize(this.size, this.size, { fit: 'inside', withoutEnlargement: true })
        // 16-bit and float TIFFs: down to 8 bits per channel.
        .toColourspace('srgb');
      const buf = this.format === 'jpeg' ? await img.flatten({ background: '#808080' }).jpeg({ quality: 78 }).toBuffer() : await img.webp({ quality: 75 }).toBuffer();
      await fs.promises.mkdir(path.dirname(out), { recursive: true });
      await writeFileAtomic(out, buf, { durable: false }); // a cache: remade if lost
      this.made++;
      return out;
    });
  }
}
