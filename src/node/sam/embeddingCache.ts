/**
 * Image embeddings, so the encoder runs once per image: in memory (LRU, bounded by bytes) and,
 * when a folder is given, on disk, keyed by the image's content hash + the model pair's hash
 * (renaming an image keeps its entry; a new model gets new ones). Disk entries are written
 * atomically; a damaged one is ignored and removed.
 *
 * File layout: "LSEMB1\n", a uint32 LE header length, the JSON header (frame, tensor dims), then
 * the float32 data of each tensor in order, little-endian.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import type { SamEmbedding } from './samModel';

const MAGIC = 'LSEMB1\n';
export const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;

export function embeddingBytes(e: SamEmbedding): number {
  return e.tensors.reduce((a, t) => a + t.data.byteLength, 0);
}

export function imageContentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface EmbeddingCacheOptions {
  maxMemoryBytes?: number;
  /** Folder for the disk cache (the extension's globalStorage/sam-embeddings); none: memory only. */
  dir?: string;
}

export class EmbeddingCache {
  private readonly memory = new Map<string, SamEmbedding>();
  private bytes = 0;
  private readonly maxBytes: number;
  readonly hits = { memory: 0, disk: 0, miss: 0 };

  constructor(private readonly opts: EmbeddingCacheOptions = {}) {
    this.maxBytes = opts.maxMemoryBytes ?? DEFAULT_MEMORY_BYTES;
  }

  static key(imageHash: string, modelHash: string): string {
    return createHash('sha256').update(imageHash).update(':').update(modelHash).digest('hex').slice(0, 40);
  }

  get memoryBytes(): number { return this.bytes; }
  get memoryEntries(): number { return this.memory.size; }

  async get(key: string): Promise<SamEmbedding | undefined> {
    const hit = this.memory.get(key);
    if (hit) {
      this.memory.delete(key);
      this.memory.set(key, hit); // most recent last
      this.hits.memory++;
      return hit;
    }
    const fromDisk = await this.readDisk(key);
    if (fromDisk) {
      this.hits.disk++;
      this.remember(key, fromDisk);
      return fromDisk;
    }
    this.hits.miss++;
    return undefined;
  }

  async set(key: string, e: SamEmbedding): Promise<void> {
    this.remember(key, e);
    if (this.opts.dir) {
      try { await this.writeDisk(key, e); } catch { /* a full or read-only disk only costs a re-encode later */ }
    }
  }

  private remember(key: string, e: SamEmbedding): void {
    const size = embeddingBytes(e);
    if (size > this.maxBytes) return;
    const old = this.memory.get(key);
    if (old) { this.bytes -= embeddingBytes(old); this.memory.delete(key); }
    this.memory.set(key, e);
    this.bytes += size;
    for (const [k, v] of this.memory) {
      if (this.bytes <= this.maxBytes) break;
      this.memory.delete(k);
      this.bytes -= embeddingBytes(v);
    }
  }

  private file(key: string): string {
    return path.join(this.opts.dir!, `${key}.emb`);
  }

  private async writeDisk(key: string, e: SamEmbedding): Promise<void> {
    await fs.promises.mkdir(this.opts.dir!, { recursive: true });
    const header = Buffer.from(JSON.stringify({ frame: e.frame, dims: e.tensors.map((t) => t.dims) }));
    const parts: Uint8Array[] = [Buffer.from(MAGIC), Buffer.alloc(4), header];
    new DataView(parts[1].buffer, parts[1].byteOffset, 4).setUint32(0, header.length, true);
    for (const t of e.tensors) parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    await writeFileAtomic(this.file(key), Buffer.concat(parts));
  }

  private async readDisk(key: string): Promise<SamEmbedding | undefined> {
    if (!this.opts.dir) return undefined;
    let buf: Buffer;
    try { buf = await fs.promises.readFile(this.file(key)); } catch { return undefined; }
    try {
      if (buf.subarray(0, MAGIC.length).toString() !== MAGIC) throw new Error('bad magic');
      const hlen = buf.readUInt32LE(MAGIC.length);
      let pos = MAGIC.length + 4;
      const header = JSON.parse(buf.subarray(pos, pos + hlen).toString()) as { frame: SamEmbedding['frame']; dims: number[][] };
      pos += hlen;
      const tensors = header.dims.map((dims) => {
        const n = dims.reduce((a, b) => a * b, 1);
        if (pos + n * 4 > buf.length) throw new Error('truncated');
        const data = new Float32Array(n);
        new Uint8Array(data.buffer).set(buf.subarray(pos, pos + n * 4));
        pos += n * 4;
        return { data, dims };
      });
      if (pos !== buf.length) throw new Error('trailing bytes');
      return { frame: header.frame, tensors };
    } catch {
      await fs.promises.rm(this.file(key), { force: true });
      return undefined;
    }
  }
}
