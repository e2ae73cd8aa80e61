/**
 * A conversion in a worker thread (dist/convertWorker.js), so reading, tracing and writing a big
 * dataset never blocks the extension host. Cancel arrives as a message and aborts runConvert,
 * which removes its staging folder; the caller may also terminate the thread and remove it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ConvertFromWorker, ConvertToWorker, ConvertWorkerData } from './convertWorkerProtocol';
import { runConvert } from './runConvert';

const post = (m: ConvertFromWorker) => parentPort!.postMessage(m);
const abort = new AbortController();
parentPort!.on('message', (m: ConvertToWorker) => { if (m.type === 'cancel') abort.abort(); });

runConvert({
  ...(workerData as ConvertWorkerData),
  signal: abort.signal,
  onProgress: (phase, fraction) => post({ type: 'progress', phase, fraction }),
  onCommit: () => post({ type: 'committing' }),
}).then(
  (result) => post({ type: 'done', result }),
  (e: unknown) => post({ type: 'error', name: (e as Error)?.name ?? 'Error', message: (e as Error)?.message ?? String(e) }),
).finally(() => parentPort!.close());
