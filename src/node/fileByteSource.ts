/**
 * The editor's `ByteSource` over a file on disk (editor/byteSource.ts): ranges read with
 * positioned reads of a file handle, each after an fstat that the file is still the size and
 * mtime it was loaded at; the whole file read again into shared memory and checked against the
 * fingerprint of the bytes as loaded. A mismatch throws OutsideChangeError and tells `onChange`
 * once (the viewer then reloads the file): a read never gives bytes the document's offsets do
 * not describe.
 *
 * The handle is opened on the first read and closed after a second without reads. While it is
 * open, a file replaced by a rename (an atomic save, `git checkout`) still reads as the one
 * opened: the bytes as loaded, which is what the offsets describe.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fingerprint, fingerprintAsync, type Fingerprint } from '../core/edits/fingerprint';
import { OutsideChangeError, type ByteSource } from '../editor/byteSource';
import { allocShared, readFileShared } from './sharedBytes';

/** The file as it was when its bytes were read. */
export interface FileStamp { size: number; mtimeMs: number }

/** Milliseconds without a read after which the handle is closed. */
const IDLE_CLOSE_MS = 1000;

export class FileByteSource implements ByteSource {
  private fd?: number;
  private idle?: ReturnType<typeof setTimeout>;
  private told = false;

  constructor(
    readonly file: string,
    private readonly stamp: FileStamp,
    readonly fingerprint: Fingerprint,
    /** Told (once) that the file changed: the first read that found out throws too. */
    private readonly onChange?: () => void,
  ) {}

  get length(): number { return this.stamp.size; }

  range(start: number, end: number): Uint8Array {
    if (!(start >= 0 && end >= start && end <= this.stamp.size)) throw new RangeError(`bytes ${start}–${end} of a ${this.stamp.size}-byte file`);
    const fd = this.open();
    this.same(fs.fstatSync(fd));
    // A Buffer: the parser decodes it with its fast utf8Slice.
    const out = Buffer.allocUnsafe(end - start);
    let off = 0;
    while (off < out.length) {
      const n = fs.readSync(fd, out, off, out.length - off, start + off);
      if (n === 0) throw this.changed('it is shorter');
      off += n;
    }
    return out;
  }

  /** Only the fingerprint decides here (a file touched but the same bytes is the same), the size first (no read when it differs). */
  async readAll(signal?: AbortSignal): Promise<Uint8Array> {
    const s = await fs.promises.stat(this.file).catch(() => undefined);
    if (!s || s.size !== this.stamp.size) throw this.changed(s ? 'another size' : 'it is gone');
    const bytes = await readFileShared(this.file, signal);
    if (bytes.length !== this.stamp.size || (await fingerprintAsync(bytes)) !== this.fingerprint) throw this.changed('other bytes');
    return bytes;
  }

  readAllSync(): Uint8Array {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'r');
      if (fs.fstatSync(fd).size !== this.stamp.size) throw this.changed('another size');
      const bytes = allocShared(this.stamp.size);
      let off = 0;
      while (off < bytes.length) {
        const n = fs.readSync(fd, bytes, off, bytes.length - off, off);
        if (n === 0) throw this.changed('it is shorter');
        off += n;
      }
      if (fingerprint(bytes) !== this.fingerprint) throw this.changed('other bytes');
      return bytes;
    } catch (e) {
      if (e instanceof OutsideChangeError) throw e;
      throw this.changed((e as Error)?.message ?? String(e));
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** Closes the handle now (it reopens on the next read). */
  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.fd !== undefined) { try { fs.closeSync(this.fd); } catch { /* already gone */ } }
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) {
      try { this.fd = fs.openSync(this.file, 'r'); } catch (e) { throw this.changed((e as Error)?.message ?? String(e)); }
    }
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), IDLE_CLOSE_MS);
    this.idle.unref?.();
    return this.fd;
  }

  private same(s: { size: number; mtimeMs: number } | undefined): void {
    if (!s) throw this.changed('it is gone');
    if (s.size !== this.stamp.size || s.mtimeMs !== this.stamp.mtimeMs) throw this.changed(s.size !== this.stamp.size ? 'another size' : 'another modification time');
  }

  private changed(why: string): OutsideChangeError {
    this.close();
    if (!this.told) { this.told = true; this.onChange?.(); }
    return new OutsideChangeError(path.basename(this.file), why);
  }
}
