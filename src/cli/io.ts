/** What every `labelscope` sub-command shares: its output streams, the version, progress on stderr. */
import * as fs from 'node:fs';

declare const LABELSCOPE_VERSION: string;
export const VERSION = typeof LABELSCOPE_VERSION === 'string' ? LABELSCOPE_VERSION : '0.0.0-dev';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stderrIsTTY: boolean;
}

export const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/** Progress on stderr for big inputs (over 20 MB): a live line on a terminal, a few lines in CI logs. */
export function makeProgress(io: CliIo, size: number) {
  const enabled = size > 20 * 1024 * 1024;
  let lastPrinted = -1;
  let lastPhase = '';
  return {
    update(phase: string, fraction: number) {
      if (!enabled) return;
      const pct = Math.floor(fraction * 100);
      if (io.stderrIsTTY) {
        if (pct !== lastPrinted || phase !== lastPhase) io.stderr(`\rlabelscope: ${phase} ${pct}%   `);
      } else if (phase !== lastPhase || pct >= lastPrinted + 25) {
        io.stderr(`labelscope: ${phase} ${pct}%\n`);
      } else return;
      lastPrinted = pct;
      lastPhase = phase;
    },
    done() {
      if (enabled && io.stderrIsTTY) io.stderr('\r\x1b[K');
    },
  };
}

/**
 * The size of a readable regular file; undefined after saying on stderr why it cannot be read
 * (the caller then exits 2, as every sub-command does for unreadable input).
 */
export function readableFileSize(file: string, io: CliIo): number | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    fs.accessSync(file, fs.constants.R_OK);
    return st.size;
  } catch (e) {
    io.stderr(`labelscope: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return undefined;
  }
}
