/**
 * A bounded pool of worker threads (piscina) that probe images. Bundled: dist/healthWorker.js;
 * from sources (tests, bench): worker.ts through tsx. Without either, probes run on this thread,
 * `threads` at a time.
 */
import { cpus } from 'node:os';
import { poolWorkerFile } from '../poolWorkerFile';
import { probeImage, type ImageProbe, type ProbeTask } from './probe';

export interface ProbePool {
  run(task: ProbeTask): Promise<ImageProbe>;
  readonly threads: number;
  readonly inWorkers: boolean;
  close(): Promise<void>;
}

/** Default pool size: the cores less one for the caller, 1 … 4 (decoding is memory-hungry). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, cpus().length - 1));
}

function workerFile(): { filename: string; execArgv: string[] } | undefined {
  return poolWorkerFile(__dirname, 'healthWorker.js', 'worker.ts');
}

export async function createProbePool(threads = defaultThreads(), opts: { inProcess?: boolean } = {}): Promise<ProbePool> {
  const w = opts.inProcess ? undefined : workerFile();
  if (w) {
    try {
      const { Piscina } = await import('piscina');
      const pool = new Piscina({ filename: w.filename, execArgv: w.execArgv, minThreads: 0, maxThreads: threads, idleTimeout: 2000 });
      return { run: (t) => pool.run(t) as Promise<ImageProbe>, threads, inWorkers: true, close: () => pool.destroy() };
    } catch {
      // fall through to the in-process pool
    }
  }
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    threads, inWorkers: false,
    async run(task) {
      while (active >= threads) await new Promise<void>((r) => waiting.push(r));
      active++;
      try {
        return await probeImage(task);
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
    close: async () => {},
  };
}
