/**
 * Where the editor's document reads its file's bytes from while it does not keep them (a big
 * file that is only viewed, as microsoft/vscode-hexeditor reads from disk on demand): one
 * element's range at a time, or the whole file again (the first edit, a fix, a save), always
 * guarded so that offsets from the bytes as loaded never land in other bytes.
 */
import type { Fingerprint } from '../core/edits/fingerprint';

/**
 * Files up to this size keep their bytes in memory while viewed (as VS Code keeps a text
 * document, which it hands extensions up to 50 MB: every file that can be open as text beside
 * the viewer is one of these). Bigger files are read from disk on demand until their first edit.
 */
export const RESIDENT_MAX_BYTES = 50 * 1024 * 1024;

/** The file is not the bytes the document was loaded from any more (it changed on disk). */
export class OutsideChangeError extends Error {
  constructor(readonly file: string, why: string) {
    super(`${file} changed on disk since the viewer read it (${why}): the viewer shows it again as it is now.`);
    this.name = 'OutsideChangeError';
  }
}

/** The bytes of a file as they were loaded, read on demand. */
export interface ByteSource {
  /** The length of the bytes as loaded. */
  readonly length: number;
  /** Their fingerprint (what `readAll` checks the file against). */
  readonly fingerprint: Fingerprint;
  /** Bytes [start, end), read now; throws OutsideChangeError when the file is not those bytes any more. */
  range(start: number, end: number): Uint8Array;
  /** The whole file, read again and checked against `fingerprint`; rejects with OutsideChangeError. */
  readAll(signal?: AbortSignal): Promise<Uint8Array>;
  /** The same, on this thread in one go (a last resort: a caller that needs the bytes at once). */
  readAllSync(): Uint8Array;
}
