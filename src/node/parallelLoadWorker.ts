/**
 * Worker-thread entry (bundled as dist/scanWorker.js): runs the COCO scanner
 * over the shared file bytes while the parent reads them in, and posts what
 * it finds in batches, so the parent can JSON.parse elements while the scan
 * (and the read) go on. See parallelLoad.ts.
 */
import { isAscii } from 'node:buffer';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ParseIssue } from '../core/coco/document';
import { Scanner, type ScanSink } from '../core/coco/parse';
import { lineCheckpoints } from '../core/coco/lineIndex';
import { lowerThreadPriority } from './threadPriority';
import { ChunkOwner, FACTS_DONE, FACTS_FAILED, SectionRanges, startScanFacts, takeChunks } from './scanFacts';
import { CTL_FACTS, CTL_FACTS_STOP, CTL_LINES, CTL_READ, CTL_STARTED, CTL_STATE, Op, SCAN_PROTOCOL, type ScanWorkerData, type ScanWorkerMessage } from './parallelLoadProtocol';

/**
 * Records sink calls as [op, a, b] triples (strings and issues ride along in
 * `extras`) until `post` or `drop`. `skip`: drop this many calls first (a
 * rescan repeating what was posted already).
 */
class Recorder implements ScanSink {
  private ops = new Float64Array(3 * 1024);
  private n = 0;
  private extras: unknown[] = [];
  /** Calls posted so far. */
  posted = 0;
  /** Told of every batch just before it is posted (the calls the parent will replay). */
  onPost?: (ops: Float64Array, n: number, extras: readonly unknown[]) => void;
  skip = 0;

  constructor(private readonly port: MessagePort) {}

  private put(op: number, a: number, b: number): void {
    let ops = this.ops;
    let n = this.n;
    if (n + 3 > ops.length) {
      const grown = new Float64Array(ops.length * 2);
      grown.set(ops);
      this.ops = ops = grown;
    }
    ops[n++] = op; ops[n++] = a; ops[n++] = b;
    this.n = n;
  }

  member(key: string): void { if (this.skip > 0) { this.skip--; return; } this.put(Op.Member, this.extras.push(key) - 1, 0); }
  element(start: number, end: number, nf: boolean): void { if (this.skip > 0) { this.skip--; return; } this.put(nf ? Op.ElementNf : Op.Element, start, end); }
  value(start: number, end: number, nf: boolean): void { if (this.skip > 0) { this.skip--; return; } this.put(nf ? Op.ValueNf : Op.Value, start, end); }
  issue(issue: ParseIssue): void { if (this.skip > 0) { this.skip--; return; } this.put(Op.Issue, this.extras.push(issue) - 1, 0); }
  invalid(offset: number, message: string): void { if (this.skip > 0) { this.skip--; return; } this.put(Op.Invalid, offset, this.extras.push(message) - 1); }

  send(m: ScanWorkerMessage, transfer?: ArrayBuffer[]): void {
    this.port.postMessage(m, transfer);
  }

  /** Posts the calls recorded since the last post. */
  post(): void {
    if (this.n === 0) return;
    const ops = this.ops;
    this.onPost?.(ops, this.n, this.extras);
    this.send({ type: 'batch', ops, n: this.n, extras: this.extras }, [ops.buffer as ArrayBuffer]);
    this.posted += this.n / 3;
    this.ops = new Float64Array(Math.max(3 * 1024, ops.length));
    this.n = 0;
    this.extras = [];
  }

  /** Forgets the calls recorded since the last post. */
  drop(): void {
    this.n = 0;
    this.extras = [];
  }
}

/** lineCheckpoints' fast test for a block with no '\n' and no non-ASCII byte, by Node's native isAscii and indexOf. */
function plainBlockTest(buf: Buffer): ((from: number, to: number) => boolean) | undefined {
  if (typeof isAscii !== 'function') return undefined; // Node before 18.15: the plain loop
  return (from, to) => {
    const block = buf.subarray(from, to);
    return isAscii(block) && block.indexOf(10) === -1;
  };
}

function main(): void {
  const data = workerData as ScanWorkerData;
  const ctl = new Int32Array(data.control);
  const rec = new Recorder(data.port);
  const size = data.length;
  const ranges = data.ruleFacts ? new SectionRanges() : undefined;
  if (ranges) rec.onPost = (ops, n, extras) => ranges.replay(ops, n, extras);
  Atomics.store(ctl, CTL_STARTED, 1);
  // This thread's work is the main thread's helper, never its critical path (see WORKER_NICE).
  lowerThreadPriority(WORKER_NICE);
  try {
    if (data.protocol !== SCAN_PROTOCOL) throw new Error(`scan worker protocol ${SCAN_PROTOCOL}, asked for ${data.protocol}: rebuild`);
    const bytes = new Uint8Array(data.bytes, 0, size);
    // Made once the first bytes are read: the constructor looks for a BOM.
    let scanner: Scanner | undefined;
    const fresh = () => new Scanner(bytes, { maxDepth: data.maxDepth }, rec);
    let slice = Math.min(256 << 10, data.sliceBytes); // small first posts: the parent starts parsing sooner
    let unsafe = false;
    for (;;) {
      const state = Atomics.load(ctl, CTL_STATE);
      if (state < 0) return;
      const read = state === 1 ? size : Atomics.load(ctl, CTL_READ);
      if (read < size) {
        // Scan only what is read. A run that ended at or past the frontier, or stopped
        // (an error, maybe from bytes not read yet), may have seen unread bytes:
        // its calls are dropped, and once all is read a fresh scanner redoes the file.
        const limit = read - data.frontierMargin;
        if (unsafe || (scanner?.i ?? 0) >= limit) { Atomics.wait(ctl, CTL_READ, read, 100); continue; }
        scanner ??= fresh(); // limit > 0: more than the margin (≥ 16 bytes) is read
        scanner.run(Math.min(scanner.i + slice, limit));
        if (scanner.done || scanner.i >= read) { rec.drop(); unsafe = true; continue; }
      } else {
        if (unsafe) {
          scanner = fresh();
          rec.skip = rec.posted;
          unsafe = false;
        }
        scanner ??= fresh();
        if (scanner.done) break;
        scanner.run(scanner.i + slice);
      }
      rec.post();
      slice = Math.min(slice * 2, data.sliceBytes);
    }
    rec.post();
    rec.send({ type: 'end', sections: scanner!.sections, rootKind: scanner!.rootKind });
  } catch (e) {
    Atomics.store(ctl, CTL_LINES, -1);
    Atomics.notify(ctl, CTL_LINES);
    Atomics.store(ctl, CTL_FACTS, -1);
    Atomics.notify(ctl, CTL_FACTS);
    rec.send({ type: 'failed', message: (e as Error)?.stack ?? String(e) });
    return;
  }
  // The CLI check: the rules' facts from the same bytes, while the parent still parses (scanFacts.ts).
  if (ranges) {
    let made: ReturnType<typeof startScanFacts> | undefined;
    try {
      if (Atomics.load(ctl, CTL_STATE) >= 0 && Atomics.load(ctl, CTL_FACTS) === 0) made = startScanFacts(Buffer.from(data.bytes, 0, size), ranges, data.maxDepth, data.factsChunk);
    } catch {
      made = undefined;
    }
    if (made && Atomics.load(ctl, CTL_FACTS) === 0) {
      const { table } = made;
      rec.send({ type: 'facts', table }, [table.imageStarts.buffer as ArrayBuffer, table.annotationStarts.buffer as ArrayBuffer]);
      // 1 once posted (the parent reads it before draining the port). The parent may have said
      // "none wanted" meanwhile (-2: lines first); it then takes any chunks itself if it ever asks.
      const posted = Atomics.compareExchange(ctl, CTL_FACTS, 0, 1) === 0;
      Atomics.notify(ctl, CTL_FACTS);
      if (posted) {
        try {
          takeChunks(table, ChunkOwner.Worker, data.factsSplit, made.fill, () => Atomics.load(ctl, CTL_STATE) < 0 || Atomics.load(ctl, CTL_FACTS_STOP) !== 0);
        } catch {
          Atomics.store(table.control, FACTS_FAILED, 1);
          Atomics.notify(table.control, FACTS_DONE);
        }
      }
    } else {
      Atomics.compareExchange(ctl, CTL_FACTS, 0, -1);
      Atomics.notify(ctl, CTL_FACTS);
    }
  }
  // The parent finishes parsing and runs the rules: build the line index's checkpoints on this
  // core meanwhile (posted after 'end', so the rules never wait for them).
  try {
    if (Atomics.load(ctl, CTL_STATE) < 0) return;
    const { lines, cols } = lineCheckpoints(new Uint8Array(data.bytes, 0, size), plainBlockTest(Buffer.from(data.bytes, 0, size)));
    rec.send({ type: 'lines', lines, cols }, [lines.buffer as ArrayBuffer, cols.buffer as ArrayBuffer]);
    Atomics.store(ctl, CTL_LINES, 1);
  } catch {
    Atomics.store(ctl, CTL_LINES, -1);
  } finally {
    Atomics.notify(ctl, CTL_LINES);
  }
}

/**
 * The worker's nice value (Linux; threadPriority.ts). On two cores the main thread's parse, with
 * its garbage collector's parallel helper threads, is the check's critical path: the scan stays
 * ahead of the parse on whatever the main thread leaves (it is ~8x faster), and the facts only
 * have to be there when the rules start (the main thread takes the chunks still free then).
 * Measured on train2017 (2 cores, 455 MB): the full check at 1.42-1.51x a bare JSON.parse with
 * the worker at nice 0, medians of 1.17-1.32x at nice 10 (`LABELSCOPE_BENCH_ROUNDS`); lowered for
 * its facts only, 1.24-1.41x; the main thread's run-queue wait in the parse 1.25 s -> 0.8-1 s.
 */
const WORKER_NICE = 10;

if (parentPort && workerData && (workerData as ScanWorkerData).kind === 'labelscope-scan') main();
