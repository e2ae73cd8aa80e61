/**
 * A fingerprint of the bytes an edit was computed from: the length and a 32-bit FNV-1a hash
 * of every byte. Fixes, backups and saves carry one, and nothing is applied to bytes with
 * another (offsets from one version of a file must never land in another).
 *
 * Not a cryptographic hash: it guards against honest mistakes (a file changed under us), and
 * the length is part of it, so the common case (an edit changed the size) never collides.
 */
export type Fingerprint = string;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Hashes in pieces (big files are hashed between other work, never in one block). */
export class Fingerprinter {
  private h = FNV_OFFSET;
  private n = 0;

  update(bytes: Uint8Array): this {
    let h = this.h;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    this.h = h;
    this.n += bytes.length;
    return this;
  }

  digest(): Fingerprint {
    return `${this.n}:${(this.h >>> 0).toString(16).padStart(8, '0')}`;
  }
}

export function fingerprint(bytes: Uint8Array): Fingerprint {
  return new Fingerprinter().update(bytes).digest();
}

/** The length part of a fingerprint (a cheap first test). */
export function fingerprintLength(f: Fingerprint): number {
  return Number(f.slice(0, f.indexOf(':')));
}

/**
 * The fingerprint of big bytes without blocking the thread for long: `sliceBytes` at a time,
 * yielding (via `yieldFn`, default setTimeout 0) between slices.
 */
export async function fingerprintAsync(bytes: Uint8Array, sliceBytes = 4 * 1024 * 1024, yieldFn: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0))): Promise<Fingerprint> {
  const f = new Fingerprinter();
  for (let i = 0; i < bytes.length; i += sliceBytes) {
    f.update(bytes.subarray(i, Math.min(bytes.length, i + sliceBytes)));
    if (i + sliceBytes < bytes.length) await yieldFn();
  }
  return f.digest();
}
