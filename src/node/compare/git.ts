/**
 * The old version of a file from git, for `labelscope diff REV -- path`: `git show REV:./name`
 * run in the file's folder, so the path is relative to where the user stands and any
 * subfolder of the repository works. Bytes, not text: train2017 is 450 MB.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Runs git with `args` in `cwd`; resolves to its standard output as bytes, rejects with git's message. */
export function runGit(args: string[], cwd: string, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn('git', args, { cwd, signal, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      reject(new GitError(`cannot run git: ${(e as Error).message}`));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(e);
      else reject(new GitError(e.code === 'ENOENT' ? 'git is not installed (or not on PATH)' : `cannot run git: ${e.message}`));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(Buffer.concat(err).toString('utf8').trim() || `git ${args[0]} exited with ${code}`));
    });
  });
}

/** The bytes of `file` (a path on disk, inside a git work tree) as of revision `rev`. */
export async function gitShowFile(rev: string, file: string, signal?: AbortSignal): Promise<Uint8Array> {
  if (rev.startsWith('-')) throw new GitError(`"${rev}" is not a revision`);
  const abs = path.resolve(file);
  return runGit(['show', `${rev}:./${path.basename(abs)}`], path.dirname(abs), signal);
}

/** A revision git knows (`HEAD~1`, a branch, a hash)? */
export async function isRevision(rev: string, cwd: string): Promise<boolean> {
  if (rev.startsWith('-')) return false;
  try {
    await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], cwd);
    return true;
  } catch {
    return false;
  }
}
