/** The input on disk as core/convert's SourceTree: a folder walked once, files read on demand. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { cocoRootFromBytes } from '../../core/convert/coco';
import { jsonFromBytes } from '../../core/convert/jsonBytes';
import { isImagePath, type SourceTree } from '../../core/convert/model';

/**
 * JSON files of at least this many bytes are parsed from their bytes (cocoRootFromBytes), not
 * as one string: V8's longest string is ~512 MiB (UTF-8 never decodes to more UTF-16 units than
 * it has bytes, so anything shorter fits). Smaller files keep JSON.parse, the faster path.
 */
export const JSON_AS_BYTES_FROM = bufferConstants.MAX_STRING_LENGTH;

/**
 * Files of at least this many bytes are read in chunks into one buffer: readFileSync refuses
 * 2 GiB and more (ERR_FS_FILE_TOO_LARGE), though a Buffer holds up to buffer.constants.MAX_LENGTH.
 */
export const READ_IN_CHUNKS_FROM = 2 ** 31 - 1;
const READ_CHUNK_BYTES = 1 << 30;

/** A whole file's bytes, whatever its size up to what a Buffer can hold. */
export function readFileBytes(file: string, opts: { chunksFrom?: number; chunkBytes?: number } = {}): Buffer {
  const size = fs.statSync(file).size;
  if (size < (opts.chunksFrom ?? READ_IN_CHUNKS_FROM)) return fs.readFileSync(file);
  if (size > bufferConstants.MAX_LENGTH) throw new Error(`${file} is ${size} bytes, more than one buffer of this Node.js can hold (${bufferConstants.MAX_LENGTH})`);
  const chunk = opts.chunkBytes ?? READ_CHUNK_BYTES;
  const buf = Buffer.allocUnsafe(size);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, done, Math.min(chunk, size - done), done);
      if (n === 0) throw new Error(`${file} became shorter while it was read (${done} of ${size} bytes)`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.labelscope', '__pycache__']);

export interface DiskTree extends SourceTree {
  /** Absolute folder the relative paths start from. */
  root: string;
  /** Reads image sizes from headers (sharp), `concurrency` at a time; call before imageSize(). */
  loadImageSizes(onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
}

/** A tree over `input`: a folder (walked recursively) or one file (the tree holds just it). */
export function diskTree(input: string, opts: { jsonAsBytesFrom?: number; readInChunksFrom?: number; readChunkBytes?: number } = {}): DiskTree {
  const jsonAsBytesFrom = opts.jsonAsBytesFrom ?? JSON_AS_BYTES_FROM;
  const readBytes = (file: string) => readFileBytes(file, { chunksFrom: opts.readInChunksFrom, chunkBytes: opts.readChunkBytes });
  const abs = path.resolve(input);
  const st = fs.statSync(abs);
  const root = st.isDirectory() ? abs : path.dirname(abs);
  const files: string[] = st.isDirectory() ? walk(abs) : [path.basename(abs)];
  const sizes = new Map<string, { width: number; height: number }>();
  const full = (p: string) => path.join(root, ...p.split('/'));
  return {
    root,
    list: () => files,
    text(p) {
      const size = fs.statSync(full(p)).size;
      if (size >= bufferConstants.MAX_STRING_LENGTH) throw new Error(`${p} is ${size} bytes, too big to read as one string (${bufferConstants.MAX_STRING_LENGTH} characters at most)`);
      return fs.readFileSync(full(p), 'utf8');
    },
    bytes: (p) => readBytes(full(p)),
    imageSize: (p) => sizes.get(p),
    json(p) {
      if (fs.statSync(full(p)).size >= jsonAsBytesFrom) return cocoRootFromBytes(readBytes(full(p)), p);
      const text = fs.readFileSync(full(p), 'utf8');
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`${p}: not valid JSON (${(e as Error).message})`, { cause: e });
      }
    },
    jsonValue(p) {
      if (fs.statSync(full(p)).size >= jsonAsBytesFrom) return jsonFromBytes(readBytes(full(p)), p);
      const text = fs.readFileSync(full(p), 'utf8');
      try {
        return JSON.parse(text);
      } catch {
        // the walker names the line and column of the first error
        return jsonFromBytes(readBytes(full(p)), p);
      }
    },
    async loadImageSizes(onProgress, signal) {
      const images = files.filter(isImagePath);
      // sharp is loaded only here (a VSIX packed without its binaries still converts)
      let sharp: typeof import('sharp').default | undefined;
      try { sharp = (await import('sharp')).default; } catch { sharp = undefined; }
      let next = 0, done = 0;
      const worker = async () => {
        while (next < images.length) {
          if (signal?.aborted) return;
          const p = images[next++];
          try {
            if (sharp) {
              const m = await sharp(full(p)).metadata();
              if (m.width && m.height) {
                // EXIF orientation 5–8 swaps what viewers (and Ultralytics' exif_size) show
                const swap = (m.orientation ?? 1) >= 5;
                sizes.set(p, swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height });
              }
            } else {
              const s = headerSize(await readHead(full(p)));
              if (s) sizes.set(p, s);
            }
          } catch {
            // unreadable image: its size stays unknown and the reader counts it
          }
          onProgress?.(++done, images.length);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    },
  };
}

function walk(root: string): string[] {
  const out: string[] = [];
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) stack.push(r); }
      else if (e.isFile()) out.push(r);
    }
  }
  return out.sort();
}

/** The first `bytes` of a file as text (format detection). */
export function peekFile(root: string, rel: string, bytes = 4096): string {
  const fd = fs.openSync(path.join(root, ...rel.split('/')), 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

async function readHead(file: string): Promise<Buffer> {
  const h = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/** PNG (IHDR) and JPEG (first SOFn) sizes from the file's head, when sharp is not installed. */
export function headerSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) { i++; continue; }
      const marker = b[i + 1];
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
      i += 2 + len;
    }
  }
  return undefined;
}
