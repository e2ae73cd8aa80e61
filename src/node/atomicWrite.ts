/** Saves never leave a half-written file: write a temp file beside the target, fsync, rename. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AtomicWriteOptions {
  /**
   * fsync before the rename (default true): the user's data survives a power cut.
   * Caches that can be remade (thumbnails, display copies) pass false: still never
   * half-written, just not forced to disk.
   */
  durable?: boolean;
}

export async function writeFileAtomic(file: string, data: Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.labelscope-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  let mode: number | undefined;
  try { mode = (await fs.promises.stat(file)).mode; } catch { /* new file */ }
  const handle = await fs.promises.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    if (opts.durable !== false) await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}
