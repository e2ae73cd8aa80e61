/**
 * Probe results on disk, keyed by the image's absolute path + size + mtime, so a re-check after
 * an edit to the JSON decodes nothing again. One JSON file per COCO file in the cache folder
 * (100k small files would cost more to open than the probes they save), written atomically.
 */
import { createHash } from 'node:crypto';
import { readFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import { PROBE_VERSION, type ImageProbe } from './probe';

interface Entry { size: number; mtimeMs: number; probe: ImageProbe }

export class ProbeCache {
  private entries = new Map<string, Entry>();
  private dirty = false;
  hits = 0;

  private constructor(private readonly file: string | undefined) {}

  /** The cache of one COCO file's images; no folder: in memory only. */
  static async open(cacheDir: string | undefined, cocoFile: string): Promise<ProbeCache> {
    if (!cacheDir) return new ProbeCache(undefined);
    const key = createHash('sha1').update(resolve(cocoFile)).digest('hex').slice(0, 16);
    const cache = new ProbeCache(join(cacheDir, `image-health-${key}.json`));
    try {
      const parsed = JSON.parse(await readFile(cache.file!, 'utf8')) as { version: number; entries: Record<string, Entry> };
      if (parsed.version === PROBE_VERSION && parsed.entries && typeof parsed.entries === 'object') cache.entries = new Map(Object.entries(parsed.entries));
    } catch {
      // absent or unreadable: start empty
    }
    return cache;
  }

  get(path: string, size: number, mtimeMs: number): ImageProbe | undefined {
    const e = this.entries.get(path);
    if (!e || e.size !== size || e.mtimeMs !== mtimeMs) return undefined;
    this.hits++;
    return e.probe;
  }

  set(path: string, size: number, mtimeMs: number, probe: ImageProbe): void {
    this.entries.set(path, { size, mtimeMs, probe });
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    await mkdir(join(this.file, '..'), { recursive: true });
    const body = JSON.stringify({ version: PROBE_VERSION, entries: Object.fromEntries(this.entries) });
    await writeFileAtomic(this.file, new TextEncoder().encode(body));
    this.dirty = false;
  }
}
