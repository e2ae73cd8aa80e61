/**
 * Model downloads: HTTP(S) GET into `<dest>.part`, resumed with a Range request when a partial
 * file is there (a 200 answer instead of 206 starts over), redirects followed (at most 5),
 * then the SHA-256 of the whole file checked before it is renamed to `dest`. A wrong checksum
 * deletes the partial file (a resume could never fix it); a cut connection keeps it for resume.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';

export interface DownloadOptions {
  /** Expected SHA-256 (hex); the file is refused when it differs. */
  sha256?: string;
  signal?: AbortSignal;
  /** Bytes so far (including a resumed part) and the total when the server says it. */
  onProgress?(received: number, total: number | undefined): void;
  maxRedirects?: number;
}

export class DownloadError extends Error {
  constructor(message: string, readonly kind: 'http' | 'checksum' | 'network' | 'cancelled' | 'redirects') {
    super(message);
    this.name = 'DownloadError';
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function get(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!lib) { reject(new DownloadError(`unsupported URL scheme ${u.protocol} in ${url}`, 'http')); return; }
    const req = lib.get(u, { headers: { 'user-agent': 'labelscope', ...headers }, signal }, resolve);
    req.on('error', (e) => reject(signal?.aborted ? new DownloadError('download cancelled', 'cancelled') : new DownloadError(`${url}: ${e.message}`, 'network')));
  });
}

/** Downloads `url` to `dest` (resuming `dest.part`); resolves to dest's SHA-256. */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<string> {
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let have = 0;
  try { have = (await fs.promises.stat(part)).size; } catch { /* fresh start */ }
  let current = url;
  let res: http.IncomingMessage | undefined;
  for (let hop = 0; ; hop++) {
    res = await get(current, have > 0 ? { range: `bytes=${have}-` } : {}, opts.signal);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      if (hop >= (opts.maxRedirects ?? 5)) throw new DownloadError(`too many redirects from ${url}`, 'redirects');
      current = new URL(res.headers.location, current).href;
      continue;
    }
    if (status === 416 && have > 0) {
      // The part is already complete (or the server disagrees): check it as it is.
      res.resume();
      break;
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      throw new DownloadError(`HTTP ${status} ${res.statusMessage ?? ''} for ${current}`.trim(), 'http');
    }
    if (status === 200) have = 0; // the server ignored the Range: start over
    break;
  }
  if (res.statusCode === 200 || res.statusCode === 206) {
    const length = Number(res.headers['content-length']);
    const total = Number.isFinite(length) ? have + length : undefined;
    const out = fs.createWriteStream(part, { flags: have > 0 ? 'a' : 'w' });
    let received = have;
    opts.onProgress?.(received, total);
    try {
      await new Promise<void>((resolve, reject) => {
        res!.on('data', (chunk: Buffer) => { received += chunk.length; opts.onProgress?.(received, total); });
        res!.on('aborted', () => reject(new DownloadError(`the connection to ${current} was cut at ${received} bytes; run the download again to resume`, 'network')));
        res!.on('error', (e) => reject(opts.signal?.aborted ? new DownloadError('download cancelled', 'cancelled') : new DownloadError(`${current}: ${e.message}`, 'network')));
        out.on('error', reject);
        res!.pipe(out);
        out.on('finish', () => {
          if (total !== undefined && received < total) reject(new DownloadError(`the connection to ${current} was cut at ${received} of ${total} bytes; run the download again to resume`, 'network'));
          else resolve();
        });
      });
    } finally {
      out.end();
      await new Promise((r) => out.close(r));
    }
  }
  const digest = await sha256OfFile(part);
  if (opts.sha256 && digest.toLowerCase() !== opts.sha256.toLowerCase()) {
    await fs.promises.rm(part, { force: true });
    throw new DownloadError(`${path.basename(dest)} from ${url} has SHA-256 ${digest}, expected ${opts.sha256}; the file was deleted`, 'checksum');
  }
  await fs.promises.rename(part, dest);
  return digest;
}
