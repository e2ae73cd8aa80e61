/**
 * File bytes in a SharedArrayBuffer: read once on the extension host, then handed to the
 * check worker (and its scan worker) without a copy. A Uint8Array over a SharedArrayBuffer
 * travels through postMessage / workerData as a reference to the same memory; any other
 * Uint8Array is copied on the sending thread (a 40 MB memcpy, and 450 MB more in the worker's
 * heap). The bytes are never written after they are handed over: edits make new bytes.
 */
import { open } from 'node:fs/promises';

/** Whether `bytes` is a view of shared memory (sent to a worker without a copy). */
export function isShared(bytes: Uint8Array): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
}

/**
 * A Buffer over new shared memory of `size` bytes (a Buffer for its fast utf8Slice; the
 * parser uses it when present).
 */
export function allocShared(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size), 0, size);
}

/** `bytes` itself when shared, else one copy into shared memory (the last copy it will need). */
export function toShared(bytes: Uint8Array): Uint8Array {
  if (isShared(bytes)) return bytes;
  const out = allocShared(bytes.length);
  out.set(bytes);
  return out;
}

/** Reads a whole file into shared memory, in chunks (the event loop runs between them). */
export async function readFileShared(path: string, signal?: AbortSignal): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const bytes = allocShared(size);
    let off = 0;
    let chunk = 1 << 20;
    while (off < size) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(bytes, off, Math.min(chunk, size - off), off);
      if (bytesRead === 0) break; // the file shrank while read: what is there
      off += bytesRead;
      chunk = Math.min(chunk * 2, 8 << 20);
    }
    return off < size ? bytes.subarray(0, off) : bytes;
  } finally {
    await fh.close();
  }
}
