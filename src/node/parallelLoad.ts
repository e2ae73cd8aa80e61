/**
 * Loads a COCO file on two threads: this thread reads the file into a
 * SharedArrayBuffer, a worker runs the scanner over the bytes read so far and
 * posts element ranges in batches, and this thread JSON.parses each batch as it
 * arrives. Read, scan and parse overlap. The result is the document `parseCoco`
 * gives for the same bytes: the worker only replays the scanner's sink calls
 * (parse.ts `ScanSink`), and the same `DocumentBuilder` parses them here, in
 * the same order.
 *
 * Falls back to the one-thread parse when no worker can be started (no
 * dist/scanWorker.js and no tsx), or when the worker fails.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CocoDocument, ParseIssue } from '../core/coco/document';
import type { JsonKind, Section } from '../core/coco/document';
import { abortError, buildDocument, DocumentBuilder, parseCoco, parseCocoAsync, Scanner, type ParseAsyncOptions, type ParseOptions, type ScanSink } from '../core/coco/parse';
import { type LineCheckpoints } from '../core/coco/lineIndex';
import { CocoReadError } from './loadCoco';
import { offerSegmentationFacts, SegmentationFactsBuilder, type SegmentationFacts } from '../core/ruleKit/facts';
import { polygonsMaskArea } from '../core/geometry';
import { ChunkOwner, FACTS_DONE, FACTS_FAILED, sameElements, takeChunks, type FactsSplit, type FactsTable } from './scanFacts';
import { CTL_FACTS, CTL_FACTS_STOP, CTL_LINES, CTL_READ, CTL_SLOTS, CTL_STARTED, CTL_STATE, FRONTIER_MARGIN, Op, SCAN_PROTOCOL, type ScanWorkerData, type ScanWorkerMessage } from './parallelLoadProtocol';

/**
 * What parses the scanner's findings into a document: a `DocumentBuilder` by default; the editor
 * passes one that keeps annotations as columns (src/editor/lazyDocument.ts).
 */
export interface DocumentSink extends ScanSink {
  finish(sections: Map<string, Section>, rootKind: JsonKind | undefined, path?: string): CocoDocument;
}

/** The default sink: parseCoco's document. */
function fullSink(bytes: Uint8Array, opts: ParseOptions): DocumentSink {
  const b = new DocumentBuilder(bytes, opts);
  return Object.assign(b, { finish: (sections: Map<string, Section>, rootKind: JsonKind | undefined, path?: string) => buildDocument(b, sections, rootKind, path) });
}

/** `parseCocoAsync` with any sink. */
async function parseWithSink(bytes: Uint8Array, sink: DocumentSink, opts: ParseAsyncOptions): Promise<CocoDocument> {
  const slice = Math.max(1024, opts.sliceBytes ?? 1 << 20);
  const p = new Scanner(bytes, opts, sink);
  const len = bytes.length;
  while (!p.done) {
    if (opts.signal?.aborted) throw abortError(opts.signal.reason);
    p.run(p.i + slice);
    if (p.done) break;
    opts.onProgress?.(len === 0 ? 0 : Math.min(p.i / len, 0.999));
    await (opts.yieldNow?.() ?? new Promise((resolve) => setImmediate(resolve)));
  }
  const doc = sink.finish(p.sections, p.rootKind, opts.path);
  opts.onProgress?.(1);
  return doc;
}

export interface ParallelLoadOptions extends ParseAsyncOptions {
  /** Makes the document from what the scan finds (default: parseCoco's, every element parsed and kept). */
  sink?: (bytes: Uint8Array, opts: ParseOptions) => DocumentSink;
  /** The worker posts at least every this many bytes scanned (default 4 MiB). */
  scanSliceBytes?: number;
  /** First read size (default 1 MiB; each next read doubles, up to 8 MiB). Small values are for tests. */
  readChunkBytes?: number;
  /** For tests: start reading only once the worker runs, and pause 1 ms after each read, so the scan meets the read frontier. */
  waitForWorker?: boolean;
  /** How close to the read frontier the worker scans (default 4096 bytes). Small values are for tests. */
  frontierMargin?: number;
  /** For tests: the worker script to run (a .js file, or a .ts file run through tsx). Null: no worker. */
  workerScript?: string | null;
  /**
   * The full check (CLI): once its scan is done the worker also makes the rules' segmentation
   * facts from the bytes while this thread parses, and this thread takes the chunks it has not
   * reached when the first rule asks (scanFacts.ts; offerSegmentationFacts). Costs the worker one
   * more read of the annotations it does (polygonReader.ts); only worth it when every rule runs.
   */
  ruleFacts?: boolean;
  /** For tests: which chunks of the facts each thread may take (scanFacts.ts FactsSplit). */
  factsSplit?: FactsSplit;
  /** For tests: annotations per chunk of the facts (default scanFacts.ts FACTS_CHUNK). */
  factsChunk?: number;
  /** Told, once the facts are taken, how many chunks each thread did, or why this thread made them all alone. */
  onFacts?: (info: { chunks: number; byWorker: number; byMain: number } | { reason: string }) => void;
  /** Told how the file was parsed: on 2 threads, or on 1 and why. */
  onThreads?: (info: { threads: 1 | 2; batches: number; reason?: string }) => void;
}

/**
 * How a worker is started: the bundled dist/<bundle>.js, else the .ts source through tsx (tests,
 * benches). Default: the scan worker.
 */
export function workerSource(explicit?: string | null, bundle = 'scanWorker.js', source = 'parallelLoadWorker.ts'): { script: string; eval: boolean } | undefined {
  if (explicit === null) return undefined;
  const candidates = explicit ? [explicit] : [join(__dirname, bundle), join(__dirname, source)];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    if (!file.endsWith('.ts')) return { script: file, eval: false };
    let tsx: string;
    try {
      tsx = require.resolve('tsx/cjs');
    } catch {
      continue;
    }
    // tsx's CommonJS hook only: much cheaper to start than `--import tsx` (ESM hooks thread).
    return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, eval: true };
  }
  return undefined;
}

/** A started worker that posts line checkpoints after its result (the scan worker, the columns worker). */
export interface Started {
  worker: Worker; port: MessagePort; ctl: Int32Array;
  /** Line checkpoints that came in while batches were still queued (consume takes messages one per turn). */
  early?: LineCheckpoints;
  /** The rules' facts table, when it came in before anyone asked (ruleFacts). */
  earlyFacts?: FactsTable;
}

function startWorker(src: { script: string; eval: boolean }, bytes: SharedArrayBuffer, length: number, opts: ParallelLoadOptions): Started | undefined {
  const control = new SharedArrayBuffer(CTL_SLOTS * 4);
  const { port1, port2 } = new MessageChannel();
  const data: ScanWorkerData = {
    kind: 'labelscope-scan', protocol: SCAN_PROTOCOL, bytes, length, control, port: port2, maxDepth: opts.maxDepth,
    sliceBytes: Math.max(256, opts.scanSliceBytes ?? 4 << 20),
    frontierMargin: Math.max(16, opts.frontierMargin ?? FRONTIER_MARGIN),
    ...(opts.ruleFacts ? { ruleFacts: true } : {}),
    ...(opts.factsSplit ? { factsSplit: opts.factsSplit } : {}),
    ...(opts.factsChunk ? { factsChunk: Math.max(1, Math.floor(opts.factsChunk)) } : {}),
  };
  try {
    // execArgv [] : not the parent's `--import tsx` or heap flags; the scan needs neither.
    const worker = new Worker(src.script, { eval: src.eval, workerData: data, transferList: [port2], execArgv: [], stdout: false, stderr: false });
    worker.unref();
    return { worker, port: port1, ctl: new Int32Array(control) };
  } catch {
    port1.close();
    return undefined;
  }
}

/** Reads the file into `bytes` in order, telling `onRead` how far it got after each chunk. */
async function readInto(path: string, bytes: Uint8Array, signal?: AbortSignal, onRead?: (read: number) => void, firstChunk = 1 << 20, pause = false): Promise<void> {
  const fh = await open(path, 'r');
  try {
    let chunk = Math.max(1, firstChunk); // small first: the worker starts scanning sooner
    let off = 0;
    while (off < bytes.length) {
      if (signal?.aborted) throw abortError(signal.reason);
      const { bytesRead } = await fh.read(bytes, off, Math.min(chunk, bytes.length - off), off);
      if (bytesRead === 0) break; // the file shrank: parse what is there
      off += bytesRead;
      onRead?.(off);
      if (pause) await new Promise((resolve) => setTimeout(resolve, 1));
      chunk = Math.min(chunk * 2, Math.max(8 << 20, firstChunk));
    }
    if (off < bytes.length) bytes.fill(0x20, off); // trailing spaces: same JSON as the shorter file
  } finally {
    await fh.close();
  }
}

/**
 * Reads and parses `path` on two threads (see the file comment). Rejects with
 * CocoReadError when the file can't be read, AbortError when `signal` aborts.
 */
export async function loadCocoParallel(path: string, opts: ParallelLoadOptions = {}): Promise<CocoDocument> {
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal.reason);
  let size: number;
  try {
    const fh = await open(path, 'r');
    try { size = (await fh.stat()).size; } finally { await fh.close(); }
    if (size > 2 ** 31 - 1) throw Object.assign(new Error('too large'), { code: 'ERR_FS_FILE_TOO_LARGE' });
  } catch (e) {
    throw new CocoReadError(path, e);
  }
  const shared = new SharedArrayBuffer(size);
  const bytes = Buffer.from(shared, 0, size); // a Buffer: utf8Slice, the fast decode
  const single = async () => {
    await readInto(path, bytes, signal).catch((e) => readFailed(path, e));
    if (opts.sink) return parseWithSink(bytes, opts.sink(bytes, opts), { ...opts, path });
    return opts.onProgress || signal || opts.sliceBytes || opts.yieldNow
      ? parseCocoAsync(bytes, { ...opts, path })
      : parseCoco(bytes, { path, maxDepth: opts.maxDepth });
  };
  const src = workerSource(opts.workerScript);
  const started = src ? startWorker(src, shared, size, opts) : undefined;
  if (!started) {
    opts.onThreads?.({ threads: 1, batches: 0, reason: src ? 'the worker could not be started' : 'no worker script (dist/scanWorker.js, or the .ts source with tsx)' });
    return single();
  }
  const { ctl } = started;
  const giveUp = () => {
    Atomics.store(ctl, CTL_STATE, -1);
    Atomics.store(ctl, CTL_LINES, -1);
    Atomics.store(ctl, CTL_FACTS, -1);
    Atomics.store(ctl, CTL_FACTS_STOP, 1);
    Atomics.notify(ctl, CTL_FACTS);
    Atomics.notify(ctl, CTL_STATE);
    Atomics.notify(ctl, CTL_READ);
    Atomics.notify(ctl, CTL_LINES);
    started.port.close();
    void started.worker.terminate();
  };
  const parsed = consume(started, bytes, path, opts);
  if (opts.waitForWorker) {
    let exited = false;
    started.worker.once('exit', () => { exited = true; });
    while (!exited && Atomics.load(ctl, CTL_STARTED) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const read = readInto(path, bytes, signal, (n) => { Atomics.store(ctl, CTL_READ, n); Atomics.notify(ctl, CTL_READ); }, opts.readChunkBytes, opts.waitForWorker).then(
    () => { Atomics.store(ctl, CTL_READ, size); Atomics.store(ctl, CTL_STATE, 1); Atomics.notify(ctl, CTL_READ); },
    (e) => { giveUp(); readFailed(path, e); },
  );
  let doc: CocoDocument | undefined;
  try {
    [doc] = await Promise.all([parsed, read]);
  } finally {
    // Success leaves the worker to finish the line checkpoints (it then ends by itself).
    if (!doc) giveUp();
  }
  if (doc) {
    adoptLinesLater(doc, started);
    if (opts.ruleFacts) offerFactsLater(doc, started, { factsSplit: opts.factsSplit, onFacts: opts.onFacts });
    return doc;
  }
  opts.onThreads?.({ threads: 1, batches: 0, reason: 'the worker failed' });
  return single(); // the bytes may not all be read: single() reads them again
}

/**
 * Parses bytes already in shared memory (read once by the extension host, handed over without a
 * copy) on two threads: the scan worker scans them while this thread parses its batches, as
 * loadCocoParallel does with nothing left to read. Bytes that are not a whole SharedArrayBuffer
 * from offset 0, or no worker: the one-thread parse in slices.
 */
export async function parseSharedParallel(bytes: Uint8Array, opts: ParallelLoadOptions & { path?: string } = {}): Promise<CocoDocument> {
  const path = opts.path ?? '';
  if (opts.signal?.aborted) throw abortError(opts.signal.reason);
  const shared = bytes.buffer;
  const buf = Buffer.from(shared, bytes.byteOffset, bytes.length); // a Buffer: utf8Slice, the fast decode
  const single = () => opts.sink ? parseWithSink(buf, opts.sink(buf, opts), { ...opts, path }) : parseCocoAsync(buf, { ...opts, path });
  if (!(shared instanceof SharedArrayBuffer) || bytes.byteOffset !== 0) {
    opts.onThreads?.({ threads: 1, batches: 0, reason: 'the bytes are not shared' });
    return single();
  }
  const src = workerSource(opts.workerScript);
  const started = src ? startWorker(src, shared, bytes.length, opts) : undefined;
  if (!started) {
    opts.onThreads?.({ threads: 1, batches: 0, reason: src ? 'the worker could not be started' : 'no worker script (dist/scanWorker.js, or the .ts source with tsx)' });
    return single();
  }
  const { ctl } = started;
  // Everything is read already.
  Atomics.store(ctl, CTL_READ, bytes.length);
  Atomics.store(ctl, CTL_STATE, 1);
  Atomics.notify(ctl, CTL_READ);
  let doc: CocoDocument | undefined;
  try {
    doc = await consume(started, buf, path, opts);
  } finally {
    // Success leaves the worker to finish the line checkpoints (it then ends by itself).
    if (!doc) {
      Atomics.store(ctl, CTL_STATE, -1);
      Atomics.store(ctl, CTL_LINES, -1);
      Atomics.notify(ctl, CTL_READ);
      Atomics.notify(ctl, CTL_LINES);
      started.port.close();
      void started.worker.terminate();
    }
  }
  if (doc) {
    adoptLinesLater(doc, started);
    return doc;
  }
  opts.onThreads?.({ threads: 1, batches: 0, reason: 'the worker failed' });
  return single();
}

/** Longest wait for the worker's line checkpoints before building them here (a safety net: they take ~1 s per 300 MB). */
const LINES_WAIT_MS = 30_000;

/**
 * The document takes the worker's line checkpoints on its first line lookup. Made here, not in
 * the loader: a closure there would share the loader's scope, which holds the file's bytes, and
 * keep them alive as long as the lookup is pending (the viewer of a big file lets its bytes go).
 */
export function adoptLinesLater(doc: CocoDocument, started: Started): void {
  doc.lines.adoptLater(() => takeLines(started));
}

/** The worker's facts, offered to the rules; made here, outside the loader's scope, for the same reason as adoptLinesLater. */
function offerFactsLater(doc: CocoDocument, started: Started, opts: Pick<ParallelLoadOptions, 'factsSplit' | 'onFacts'>): void {
  offerSegmentationFacts(doc, () => takeFacts(started, doc, opts));
}

/**
 * The line checkpoints the worker computes after 'end', taken synchronously when the first
 * line number is needed (by then the rules have run, so they are usually there). Undefined
 * when the worker could not make them: the LineIndex then builds its own.
 */
export function takeLines(started: Started): LineCheckpoints | undefined {
  const { port, ctl } = started;
  const deadline = Date.now() + LINES_WAIT_MS;
  // Lines wanted before any rule asked for the facts (a results file: no rule reads them): the
  // worker stops making them and goes on to the lines (a later ask makes the rest here).
  Atomics.compareExchange(ctl, CTL_FACTS, 0, -2);
  Atomics.store(ctl, CTL_FACTS_STOP, 1);
  try {
    if (started.early) return started.early;
    for (;;) {
      const state = Atomics.load(ctl, CTL_LINES); // read before draining: 1 means the message is queued
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as ScanWorkerMessage;
        if (msg.type === 'lines') return { lines: msg.lines, cols: msg.cols };
        if (msg.type === 'facts') started.earlyFacts = msg.table; // posted before the lines; kept for takeFacts
      }
      const left = deadline - Date.now();
      if (state !== 0 || left <= 0) return undefined;
      Atomics.wait(ctl, CTL_LINES, 0, left);
    }
  } finally {
    port.close();
    void started.worker.terminate();
  }
}

/** Longest wait for the worker's facts table, then for its last chunks, before computing them here. */
const FACTS_WAIT_MS = 60_000;

/**
 * The rules' segmentation facts (ruleFacts), made when the first rule needs them: the worker's
 * table, with the chunks it has not reached done here from this thread's parsed annotations
 * (scanFacts.ts). Undefined (compute them all here) when the worker could not make the table,
 * failed on a chunk, took too long, or worked from other elements than `doc` has. Leaves the
 * port open for takeLines.
 */
function takeFacts(started: Started, doc: CocoDocument, opts: Pick<ParallelLoadOptions, 'factsSplit' | 'onFacts'>): SegmentationFacts | undefined {
  const { port, ctl } = started;
  const deadline = Date.now() + FACTS_WAIT_MS;
  const none = (reason: string): undefined => {
    Atomics.store(ctl, CTL_FACTS_STOP, 1); // take no more chunks: this thread computes its own
    Atomics.compareExchange(ctl, CTL_FACTS, 0, -2);
    opts.onFacts?.({ reason });
    return undefined;
  };
  let table = started.earlyFacts;
  started.earlyFacts = undefined;
  try {
    while (table === undefined) {
      const state = Atomics.load(ctl, CTL_FACTS); // read before draining: 1 means the message is queued
      for (let m = receiveMessageOnPort(port); m && table === undefined; m = receiveMessageOnPort(port)) {
        const msg = m.message as ScanWorkerMessage;
        if (msg.type === 'facts') table = msg.table;
        else if (msg.type === 'lines') started.early = { lines: msg.lines, cols: msg.cols };
      }
      if (table !== undefined) break;
      const left = deadline - Date.now();
      // The lines come after the facts: lines while no facts were ever posted means none are coming.
      const noneComing = (started.early !== undefined || Atomics.load(ctl, CTL_LINES) !== 0) && Atomics.load(ctl, CTL_FACTS) === 0;
      if (state !== 0 || left <= 0 || noneComing) return none(left <= 0 ? 'the worker took too long' : 'the worker made no facts table');
      Atomics.wait(ctl, CTL_FACTS, 0, Math.min(left, 200));
    }
  } catch {
    return none('the port was closed'); // takeLines ran first, and the table had not come
  }
  if (!sameElements(table, doc.imageEntries, doc.annotationEntries)) return none('the worker saw other elements');
  const entries = doc.annotationEntries;
  const n = entries.length;
  // This thread's share: the chunks the worker has not taken, from the annotations parsed here.
  const builder = new SegmentationFactsBuilder(doc.imageEntries, n, { polygonMaskArea: polygonsMaskArea, columns: table.columns, deferUnknownImages: true });
  // (A split for tests holds for the worker's chunks only while it may still take them.)
  const split = Atomics.load(ctl, CTL_FACTS_STOP) === 0 ? opts.factsSplit : undefined;
  takeChunks(table, ChunkOwner.Main, split, (from, to) => {
    for (let a = from; a < to; a++) builder.add(a, entries[a].value);
  });
  // Then the worker's chunks still in progress.
  const { control, owner } = table;
  for (;;) {
    const done = Atomics.load(control, FACTS_DONE);
    if (done === owner.length) break;
    if (Atomics.load(control, FACTS_FAILED) !== 0) return none('the worker failed on a chunk');
    const left = deadline - Date.now();
    if (left <= 0) return none('the worker took too long');
    Atomics.wait(control, FACTS_DONE, done, Math.min(left, 200));
  }
  // The worker's reader is exact on valid JSON only: an element that did not parse into an object here gets its facts again.
  for (let a = 0; a < n; a++) {
    const v = entries[a].value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) builder.redo(a, v);
  }
  builder.resolveDeferred((a) => (entries[a].value as { image_id?: unknown }).image_id);
  const facts = builder.finish();
  if (opts.onFacts) {
    let byWorker = 0, byMain = 0;
    for (let c = 0; c < owner.length; c++) if (owner[c] === ChunkOwner.Worker) byWorker++; else byMain++;
    opts.onFacts({ chunks: owner.length, byWorker, byMain });
  }
  return facts;
}

function readFailed(path: string, e: unknown): never {
  if ((e as Error)?.name === 'AbortError') throw e;
  throw new CocoReadError(path, e);
}

/** Parses the worker's batches as they come. Undefined when the worker fails before its end message. */
function consume(started: Started, bytes: Buffer, path: string, opts: ParallelLoadOptions): Promise<CocoDocument | undefined> {
  const { worker, port } = started;
  const { signal, onProgress } = opts;
  const builder = (opts.sink ?? fullSink)(bytes, opts);
  const len = bytes.length;
  return new Promise<CocoDocument | undefined>((resolve, reject) => {
    let settled = false;
    let batches = 0;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      port.off('message', onMessage);
      worker.off('error', onFail);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onFail = () => finish(() => resolve(undefined));
    /**
     * One batch per turn of the event loop. Node hands a port's waiting messages over in one go:
     * when the scan runs far ahead (bytes that were all read already), parsing them as they are
     * handed over would hold this thread for the whole parse (25 s on 455 MB).
     */
    const queue: ScanWorkerMessage[] = [];
    let pumping = false;
    let exited = false;
    const schedule = () => { if (!pumping) { pumping = true; setImmediate(pump); } };
    const pump = () => {
      pumping = false;
      if (settled) return;
      const m = queue.shift();
      if (m !== undefined) handle(m);
      if (settled) return;
      if (queue.length > 0) schedule();
      else if (exited) onFail();
    };
    const take = (m: ScanWorkerMessage) => {
      // The checkpoints and facts follow 'end'; kept aside so takeLines / takeFacts find them even if they came in early.
      if (m.type === 'lines') started.early = { lines: m.lines, cols: m.cols };
      else if (m.type === 'facts') started.earlyFacts = m.table;
      else queue.push(m);
    };
    const onMessage = (m: ScanWorkerMessage) => { if (!settled) { take(m); schedule(); } };
    // 'exit' can overtake the last messages (they travel on another channel): take those first.
    const onExit = () => {
      for (let m = receiveMessageOnPort(port); m && !settled; m = receiveMessageOnPort(port)) take(m.message as ScanWorkerMessage);
      exited = true;
      schedule();
    };
    const onAbort = () => finish(() => reject(abortError(signal!.reason)));
    const handle = (m: ScanWorkerMessage) => {
      try {
        if (m.type === 'batch') {
          batches++;
          const at = replay(builder, m.ops, m.n, m.extras);
          if (onProgress && len > 0) onProgress(Math.min(at / len, 0.999));
        } else if (m.type === 'end') {
          const doc = builder.finish(m.sections, m.rootKind, path);
          finish(() => resolve(doc));
          opts.onThreads?.({ threads: 2, batches });
          onProgress?.(1);
        } else {
          onFail();
        }
      } catch (e) {
        finish(() => reject(e));
      }
    };
    port.on('message', onMessage);
    worker.on('error', onFail);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
  });
}

/** Replays one batch of sink calls into the builder; returns the furthest byte offset reached. */
export function replay(builder: ScanSink, ops: Float64Array, n: number, extras: unknown[]): number {
  let at = 0;
  for (let k = 0; k < n; k += 3) {
    const a = ops[k + 1], b = ops[k + 2];
    switch (ops[k] as Op) {
      case Op.Element: builder.element(a, b, false); at = b; break;
      case Op.ElementNf: builder.element(a, b, true); at = b; break;
      case Op.Value: builder.value(a, b, false); at = b; break;
      case Op.ValueNf: builder.value(a, b, true); at = b; break;
      case Op.Member: builder.member(extras[a] as string); break;
      case Op.Issue: builder.issue(extras[a] as ParseIssue); break;
      case Op.Invalid: builder.invalid(a, extras[b] as string); at = a; break;
    }
  }
  return at;
}
