/**
 * Worker-thread entry (bundled as dist/columnsWorker.js): parses the viewer's file into the
 * editor's lazy document (annotation and image columns, categories, info, parse issues) off the
 * extension host's thread, from bytes the host read once into shared memory, and posts the
 * result with its typed arrays transferred. The host then builds no part of it (issue 7: the
 * per-element JSON.parse and its garbage were the host's longest stalls while a big file
 * opened). The same Scanner and LazyBuilder as parseLazy, so the same document. See columnsLoad.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lineCheckpoints } from '../core/coco/lineIndex';
import { fingerprint } from '../core/edits/fingerprint';
import { Scanner } from '../core/coco/parse';
import { LazyBuilder, lazyDataTransferList } from '../editor/lazyDocument';
import { COLUMNS_PROTOCOL, type ColumnsWorkerData, type ColumnsWorkerMessage } from './columnsProtocol';
import { CTL_LINES, CTL_STATE } from './parallelLoadProtocol';

function main(): void {
  const data = workerData as ColumnsWorkerData;
  const ctl = new Int32Array(data.control);
  const send = (m: ColumnsWorkerMessage, transfer?: ArrayBuffer[]) => data.port.postMessage(m, transfer);
  try {
    if (data.protocol !== COLUMNS_PROTOCOL) throw new Error(`columns worker protocol ${COLUMNS_PROTOCOL}, asked for ${data.protocol}: rebuild`);
    // A Buffer: the builder decodes elements with its fast utf8Slice.
    const bytes = Buffer.from(data.bytes, 0, data.length);
    const builder = new LazyBuilder(bytes, { maxDepth: data.maxDepth });
    const scanner = new Scanner(bytes, { maxDepth: data.maxDepth }, builder);
    while (!scanner.done) {
      if (Atomics.load(ctl, CTL_STATE) < 0) return;
      scanner.run(scanner.i + data.sliceBytes);
      if (!scanner.done) send({ type: 'progress', at: scanner.i });
    }
    // With the lookups by id / image and the category counts: the viewer's first reads, not built on the host.
    const result = builder.data(scanner.sections, scanner.rootKind, true);
    // The host would hash the bytes next, before the viewer shows them (edits carry it): here, in one go.
    send({ type: 'end', data: result, fingerprint: fingerprint(bytes) }, lazyDataTransferList(result));
  } catch (e) {
    Atomics.store(ctl, CTL_LINES, -1);
    Atomics.notify(ctl, CTL_LINES);
    send({ type: 'failed', message: (e as Error)?.stack ?? String(e) });
    return;
  }
  // The host shows the file meanwhile: build the line index's checkpoints on this core (the host
  // takes them when it first needs a line number; see parallelLoad's takeLines).
  try {
    if (Atomics.load(ctl, CTL_STATE) < 0) return;
    const { lines, cols } = lineCheckpoints(new Uint8Array(data.bytes, 0, data.length));
    send({ type: 'lines', lines, cols }, [lines.buffer as ArrayBuffer, cols.buffer as ArrayBuffer]);
    Atomics.store(ctl, CTL_LINES, 1);
  } catch {
    Atomics.store(ctl, CTL_LINES, -1);
  } finally {
    Atomics.notify(ctl, CTL_LINES);
  }
}

if (parentPort && workerData && (workerData as ColumnsWorkerData).kind === 'labelscope-columns') main();
