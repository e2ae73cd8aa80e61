/**
 * A crowd-tracing worker (started by tracePool.traceAhead): claims masks from the shared counter,
 * traces each and posts its polygons (a transferred Float64Array), until every mask is claimed.
 */
import { workerData } from 'node:worker_threads';
import { rleToPolygons, type TracedMask } from '../../core/convert/shapes';
import { CONSUMED, MAX_AHEAD, NEXT, PRODUCED, STOP, encodeResult, type TraceWorkerData } from './tracePool';

const { state: stateBuffer, table: tableBuffer, counts: countsBuffer, masks, port } = workerData as TraceWorkerData;
const state = new Int32Array(stateBuffer);
const table = new Float64Array(tableBuffer);
const counts = new Float64Array(countsBuffer);

for (;;) {
  if (Atomics.load(state, STOP)) break;
  // stay at most MAX_AHEAD masks ahead of the writer (it takes results in order)
  const consumed = Atomics.load(state, CONSUMED);
  if (Atomics.load(state, NEXT) - consumed > MAX_AHEAD) { Atomics.wait(state, CONSUMED, consumed, 1000); continue; }
  const k = Atomics.add(state, NEXT, 1);
  if (k >= masks) break;
  const runs = table[4 * k + 1], at = table[4 * k];
  let mask: TracedMask | undefined;
  try {
    // runs < 0: counts the writer could not read; it meets the error itself
    if (runs >= 0) mask = rleToPolygons({ size: [table[4 * k + 2], table[4 * k + 3]], counts: Array.from(counts.subarray(at, at + runs)) });
  } catch {
    mask = undefined; // the writer traces it again and reports the error itself
  }
  const message = encodeResult(k, mask);
  port.postMessage(message, [message.buffer as ArrayBuffer]);
  Atomics.add(state, PRODUCED, 1);
  Atomics.notify(state, PRODUCED);
}
