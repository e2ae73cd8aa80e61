/**
 * A worker thread's scheduling priority. On Linux a thread is a task with its own nice value, so
 * a worker can step back for the main thread without touching the process's other threads.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** This thread's id as the kernel knows it (Linux /proc), or undefined elsewhere. */
export function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return tid > 0 ? tid : undefined;
  } catch {
    return undefined; // no /proc (macOS, Windows)
  }
}

/**
 * Raises this worker thread's nice value to `nice` (lower priority; raising it needs no
 * privilege, lowering it again would). Nothing on the main thread, where it would slow the whole
 * process's main work, and nothing where threads have no nice value of their own. Returns the
 * thread's nice value after, or undefined when nothing was changed.
 */
export function lowerThreadPriority(nice: number): number | undefined {
  if (!(nice > 0)) return undefined;
  const tid = threadId();
  if (tid === undefined || tid === process.pid) return undefined;
  try {
    // Only ever up: a thread already as low (a niced process's threads start at its nice value)
    // stays, and lowering a nice value would need a privilege.
    if (getPriority(tid) < nice) setPriority(tid, Math.min(19, nice));
    return getPriority(tid);
  } catch {
    return undefined;
  }
}
