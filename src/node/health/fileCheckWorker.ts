/**
 * The extension's automatic image checks, one COCO file per task (piscina; bundled as
 * dist/imageCheckWorker.js). Progress goes back through the MessagePort the task carries;
 * piscina's abort signal ends the task (the worker is terminated, with its probe pool).
 */
import type { MessagePort } from 'node:worker_threads';
import { checkImagesOfFile, type FileImageCheckResult, type FileImageCheckTask } from './fileCheck';

export default function run(task: FileImageCheckTask & { port?: MessagePort }): Promise<FileImageCheckResult> {
  const { port, ...rest } = task;
  let last = 0;
  return checkImagesOfFile(rest, {
    onProgress: (done, total) => {
      // At most ~10 messages a second, and always the last one.
      const now = Date.now();
      if (done === total || now - last > 100) { last = now; port?.postMessage({ done, total }); }
    },
  }).finally(() => port?.close());
}
