/**
 * The check's problems placed on images: which image a problem belongs to (by annotation id,
 * image id, else its JSON path) and the problem list as the viewer shows it.
 *
 * The list is kept compact (issue 8.6): per row, in the viewer's order, the problem's key (its
 * index in the check's ProblemStore, or a local re-check key) and its image, in typed arrays.
 * A row becomes a ProblemInfo object only when it is sent to the webview (a page at a time) or
 * asked for; rule, severity and line are read from the store's columns.
 */
import type { ProblemStore } from '../core/report/problemTable';
import type { OutcomeProblem } from '../node/checkWorkerProtocol';
import type { ProblemInfo, ProblemsPayload } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { sliceClock, sortInSlices, STEPS, type SliceClock } from './slices';

type Id = number | string;

/** The image a check problem belongs to: by annotation id, image id, else its JSON path (-1: the file's). */
export function imageIndexOfProblem(state: AnnotationState, p: Pick<OutcomeProblem, 'annotationId' | 'imageId' | 'jsonPath'>): number {
  return imageIndexOf(state, p.annotationId, p.imageId, () => p.jsonPath);
}

/** As imageIndexOfProblem; the JSON path is read only when the ids do not place the problem. */
function imageIndexOf(state: AnnotationState, annotationId: Id | undefined, imageId: Id | undefined, jsonPath: () => string): number {
  if (annotationId !== undefined) {
    const i = state.imageIndexOfAnnotation(annotationId);
    if (i !== undefined) return i;
  }
  if (imageId !== undefined) {
    const i = state.imageIndexOfId(imageId);
    if (i !== undefined) return i;
  }
  const m = /^\$?\.?(images|annotations)\[(\d+)\]/.exec(jsonPath() ?? '');
  if (m) {
    const k = Number(m[2]);
    if (m[1] === 'images') return k < state.imageCount ? k : -1;
    const c = state.columns;
    if (k < c.length && c.isObject(k)) return state.imageIndexAt(k) ?? -1;
  }
  return -1;
}

/** Problems of the check left out of the list, by key (fixed here; re-checked annotations). */
export type Hide = (key: number) => boolean;

/** Keys at or above this are the viewer's own re-check's problems (ProblemInfo objects), not the check's. */
export const LOCAL_KEY = 1_000_000_000;

/**
 * The viewer's problem list: rows in the viewer's order (by image, the file's own first, then
 * line, then key), each a key and an image index; the check's rows read the store.
 */
export class ProblemList {
  private readonly localByKey = new Map<number, ProblemInfo>();

  constructor(
    readonly source: 'check' | 'none',
    /** Problems of the check tied to no image. */
    readonly fileLevel: number,
    /** The check's problems the keys below LOCAL_KEY index. */
    private readonly store: ProblemStore<OutcomeProblem> | undefined,
    /** Per row: the key. */
    private readonly keys: Uint32Array,
    /** Per row: the image index (-1: the file's). */
    private readonly images: Int32Array,
    /** The re-check's problems (keys ≥ LOCAL_KEY) among the rows. */
    local: readonly ProblemInfo[] = [],
  ) {
    for (const p of local) this.localByKey.set(p.key, p);
  }

  static readonly EMPTY = new ProblemList('none', 0, undefined, new Uint32Array(0), new Int32Array(0));

  get length(): number { return this.keys.length; }
  key(row: number): number { return this.keys[row]; }
  imageIndex(row: number): number { return this.images[row]; }
  private localAt(row: number): ProblemInfo | undefined { return this.keys[row] >= LOCAL_KEY ? this.localByKey.get(this.keys[row]) : undefined; }
  rule(row: number): string { return this.localAt(row)?.rule ?? this.store!.rule(this.keys[row]); }
  severity(row: number): ProblemInfo['severity'] { return this.localAt(row)?.severity ?? this.store!.severity(this.keys[row]); }
  line(row: number): number { return this.localAt(row)?.line ?? this.store!.line(this.keys[row]); }

  /** The row as the webview gets it. */
  info(row: number): ProblemInfo {
    const local = this.localAt(row);
    if (local) return local;
    const s = this.store!, key = this.keys[row];
    const annotationId = s.annotationId(key);
    const fix = s.extra(key, 'fix');
    const more = s.extra(key, 'moreFixes');
    return {
      key, rule: s.rule(key), severity: s.severity(key), message: s.message(key), imageIndex: this.images[row], line: s.line(key),
      ...(annotationId !== undefined ? { annotationId } : {}),
      ...(fix ? { fix: fix.title } : {}),
      // The other fixes ("Add category 7", "Change category_id to…") as buttons before the rule's own.
      ...(more?.length ? { moreFixes: more.map((f) => ({ id: f.id ?? f.title, title: f.title })) } : {}),
    };
  }

  /** Rows [from, to) as the webview gets them. */
  page(from: number, to: number): ProblemInfo[] {
    const out: ProblemInfo[] = [];
    for (let r = Math.max(0, from); r < Math.min(to, this.length); r++) out.push(this.info(r));
    return out;
  }

  /** The first row with this rule and line (the Problems panel's and the tree's reveal). */
  find(rule: string, line: number): number {
    for (let r = 0; r < this.length; r++) if (this.line(r) === line && this.rule(r) === rule) return r;
    return -1;
  }

  /** The whole list as one payload (small lists, tests). */
  payload(): ProblemsPayload {
    return { problems: this.page(0, this.length), source: this.source, fileLevel: this.fileLevel };
  }

  /**
   * This list with the re-check's problems merged in (both sorted: one linear merge; a
   * comparator sort of a 124k list would hold the thread ~100 ms). Ties: this list's rows first.
   */
  withLocal(local: readonly ProblemInfo[]): ProblemList {
    if (!local.length) return this;
    const b = [...local].sort(byPlace);
    const n = this.length + b.length;
    const keys = new Uint32Array(n), images = new Int32Array(n);
    let i = 0, j = 0;
    for (let r = 0; r < n; r++) {
      const fromA = j >= b.length || (i < this.length && compare(this.images[i], this.line(i), this.keys[i], b[j]) <= 0);
      if (fromA) { keys[r] = this.keys[i]; images[r] = this.images[i]; i++; } else { keys[r] = b[j].key; images[r] = b[j].imageIndex; j++; }
    }
    return new ProblemList('check', this.fileLevel, this.store, keys, images, [...this.localByKey.values(), ...b]);
  }
}

function compare(image: number, line: number, key: number, y: ProblemInfo): number {
  return image - y.imageIndex || line - y.line || key - y.key;
}

/** Places the store's problems [from, to) (kept ones' keys and images into `keys` / `images` from `at`); returns the new `at` and the file-level count. */
function place(state: AnnotationState, store: ProblemStore<OutcomeProblem>, from: number, to: number, keys: Uint32Array, images: Int32Array, at: number, hide?: Hide): { at: number; fileLevel: number } {
  let fileLevel = 0;
  for (let key = from; key < to; key++) {
    if (hide?.(key)) continue;
    const imageIndex = imageIndexOf(state, store.annotationId(key), store.imageId(key), () => store.jsonPath(key));
    if (imageIndex < 0) fileLevel++;
    keys[at] = key;
    images[at] = imageIndex;
    at++;
  }
  return { at, fileLevel };
}

/** The check's problems as the viewer lists them (`hide`: problems already fixed here), in one go. */
export function problemList(state: AnnotationState, problems: ProblemStore<OutcomeProblem> | undefined, hide?: Hide): ProblemList {
  if (!problems) return ProblemList.EMPTY;
  const keys = new Uint32Array(problems.length), images = new Int32Array(problems.length);
  const { at, fileLevel } = place(state, problems, 0, problems.length, keys, images, 0, hide);
  const order = orderOf(keys.subarray(0, at), images, (k) => problems.line(k));
  return sortedList(problems, fileLevel, keys.subarray(0, at), images, order);
}

/**
 * `problemList` in slices between which the event loop runs (124k problems on an 860k-annotation
 * file: ~1.5 s in one go): the base's lookups built in slices first, the problems placed a few
 * thousand at a time, sorted by the typed array's sort on packed keys.
 */
export async function problemListInSlices(state: AnnotationState, problems: ProblemStore<OutcomeProblem> | undefined, hide?: Hide, yieldNow?: () => Promise<void>, sliceMs?: number): Promise<ProblemList> {
  if (!problems) return ProblemList.EMPTY;
  await state.prepareLookups(yieldNow);
  const tick = sliceClock(yieldNow, sliceMs);
  const keys = new Uint32Array(problems.length), images = new Int32Array(problems.length);
  let at = 0, fileLevel = 0;
  for (let from = 0; from < problems.length; from += STEPS) {
    const r = place(state, problems, from, Math.min(problems.length, from + STEPS), keys, images, at, hide);
    at = r.at;
    fileLevel += r.fileLevel;
    await tick();
  }
  const placed = keys.subarray(0, at);
  const order = await orderInSlices(placed, images, (k) => problems.line(k), tick);
  return sortedList(problems, fileLevel, placed, images, order);
}

/** The list from the placed rows and their order (positions into them). */
function sortedList(store: ProblemStore<OutcomeProblem>, fileLevel: number, keys: Uint32Array, images: Int32Array, order: Uint32Array): ProblemList {
  const k = new Uint32Array(order.length), im = new Int32Array(order.length);
  for (let r = 0; r < order.length; r++) { k[r] = keys[order[r]]; im[r] = images[order[r]]; }
  return new ProblemList('check', fileLevel, store, k, im);
}

/** The check's problems as the viewer lists them, as one payload (`hide`: problems already fixed here). */
export function problemsPayload(state: AnnotationState, problems: ProblemStore<OutcomeProblem> | undefined, hide?: Hide): ProblemsPayload {
  return problemList(state, problems, hide).payload();
}

/** The viewer's order: by image (the file's own first), line, key. */
export function byPlace(x: ProblemInfo, y: ProblemInfo): number {
  return x.imageIndex - y.imageIndex || x.line - y.line || x.key - y.key;
}

const bitsFor = (max: number) => Math.max(1, Math.ceil(Math.log2(max + 1)));

/** The rows' order (positions, ascending keys within ties) by (image, line, key), in one go. */
function orderOf(keys: Uint32Array, images: Int32Array, lineOf: (key: number) => number): Uint32Array {
  const order = Uint32Array.from(keys.keys());
  const lines = Float64Array.from(keys, lineOf);
  return order.sort((x, y) => images[x] - images[y] || lines[x] - lines[y] || keys[x] - keys[y]);
}

/**
 * The rows' order by (image, line, key) — positions into `keys` — by the typed array's own sort
 * on packed keys, in slices. The keys ascend along the rows (as placed), so a row's position
 * stands for its key. When (image, line, position) fit in 52 bits, one key per row; else two
 * stable passes, by (line, position) then by (image, rank of the first pass). Else a
 * comparator sort (one go).
 */
async function orderInSlices(keys: Uint32Array, images: Int32Array, lineOf: (key: number) => number, tick: SliceClock): Promise<Uint32Array> {
  const n = keys.length;
  const lines = new Float64Array(n);
  let maxImage = 0, maxLine = 0, integral = true;
  for (let k = 0; k < n; k++) {
    const line = (lines[k] = lineOf(keys[k]));
    if (!Number.isInteger(line) || line < 0 || images[k] < -1) integral = false;
    if (images[k] + 1 > maxImage) maxImage = images[k] + 1;
    if (line > maxLine) maxLine = line;
    if ((k & (STEPS - 1)) === 0) await tick();
  }
  const imageBits = bitsFor(maxImage);
  const lineBits = bitsFor(maxLine);
  const posBits = bitsFor(n);
  if (!integral || Math.max(imageBits, lineBits) + posBits > 52) {
    const order = Uint32Array.from(keys.keys());
    return order.sort((x, y) => images[x] - images[y] || lines[x] - lines[y] || keys[x] - keys[y]);
  }
  const P = 2 ** posBits;
  const posOf = (x: number) => x - Math.floor(x / P) * P;
  const packed = new Float64Array(n);
  let first: Uint32Array | undefined;
  if (imageBits + lineBits + posBits <= 52) {
    const L = 2 ** lineBits;
    for (let k = 0; k < n; k++) packed[k] = ((images[k] + 1) * L + lines[k]) * P + k;
  } else {
    // By (line, position) first; then by image, ties kept in that order (their rank in it).
    for (let k = 0; k < n; k++) packed[k] = lines[k] * P + k;
    await tick();
    const byLine = await sortInSlices(packed, tick);
    first = new Uint32Array(n);
    for (let r = 0; r < n; r++) first[r] = posOf(byLine[r]);
    for (let r = 0; r < n; r++) packed[r] = (images[first[r]] + 1) * P + r;
  }
  await tick();
  const sorted = await sortInSlices(packed, tick);
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) { const r = posOf(sorted[k]); order[k] = first ? first[r] : r; }
  return order;
}

/**
 * `list` in the viewer's order (by image, line, key), by the packed-key sort in slices. Needs the
 * keys to ascend along the list; else a comparator sort.
 */
export async function sortProblemsInSlices(list: ProblemInfo[], tick: SliceClock): Promise<ProblemInfo[]> {
  for (let k = 1; k < list.length; k++) if (list[k - 1].key >= list[k].key || list[k].key < 0 || list[k].key > 0xffffffff) return list.sort(byPlace);
  if (list.length && (list[0].key < 0 || !list.every((p) => Number.isInteger(p.key)))) return list.sort(byPlace);
  const keys = Uint32Array.from(list, (p) => p.key);
  const images = Int32Array.from(list, (p) => p.imageIndex);
  const byKey = new Map(list.map((p) => [p.key, p]));
  const order = await orderInSlices(keys, images, (key) => byKey.get(key)!.line, tick);
  return Array.from(order, (r) => list[r]);
}
