/**
 * The check's problems placed on images: which image a problem belongs to (by annotation id,
 * image id, else its JSON path) and the problem list as the viewer shows it.
 */
import type { OutcomeProblem } from '../node/checkWorkerProtocol';
import type { ProblemInfo, ProblemsPayload } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { sliceClock, sortInSlices, STEPS, type SliceClock } from './slices';

/** The image a check problem belongs to: by annotation id, image id, else its JSON path (-1: the file's). */
export function imageIndexOfProblem(state: AnnotationState, p: Pick<OutcomeProblem, 'annotationId' | 'imageId' | 'jsonPath'>): number {
  if (p.annotationId !== undefined) {
    const i = state.imageIndexOfAnnotation(p.annotationId);
    if (i !== undefined) return i;
  }
  if (p.imageId !== undefined) {
    const i = state.imageIndexOfId(p.imageId);
    if (i !== undefined) return i;
  }
  const m = /^\$?\.?(images|annotations)\[(\d+)\]/.exec(p.jsonPath ?? '');
  if (m) {
    const k = Number(m[2]);
    if (m[1] === 'images') return k < state.imageCount ? k : -1;
    const c = state.columns;
    if (k < c.length && c.isObject(k)) return state.imageIndexAt(k) ?? -1;
  }
  return -1;
}

type Hide = (p: OutcomeProblem) => boolean;

/** Places problems [from, to) into `out`; returns how many are the file's (no image). */
function place(state: AnnotationState, problems: readonly OutcomeProblem[], from: number, to: number, out: ProblemInfo[], hide?: Hide): number {
  let fileLevel = 0;
  for (let key = from; key < to; key++) {
    const p = problems[key];
    if (hide?.(p)) continue;
    const imageIndex = imageIndexOfProblem(state, p);
    if (imageIndex < 0) fileLevel++;
    out.push({
      key, rule: p.rule, severity: p.severity, message: p.message, imageIndex, line: p.line,
      ...(p.annotationId !== undefined ? { annotationId: p.annotationId } : {}),
      ...(p.fix ? { fix: p.fix.title } : {}),
    });
  }
  return fileLevel;
}

/** The check's problems as the viewer lists them (`hide`: problems already fixed here). */
export function problemsPayload(state: AnnotationState, problems: readonly OutcomeProblem[] | undefined, hide?: Hide): ProblemsPayload {
  if (!problems) return { problems: [], source: 'none', fileLevel: 0 };
  const out: ProblemInfo[] = [];
  const fileLevel = place(state, problems, 0, problems.length, out, hide);
  out.sort(byPlace);
  return { problems: out, source: 'check', fileLevel };
}

/**
 * `problemsPayload` in slices between which the event loop runs (124k problems on an 860k-annotation
 * file: ~1.5 s in one go): the base's lookups built in slices first, the problems placed a few
 * thousand at a time, sorted by the typed array's sort on packed keys.
 */
export async function problemsPayloadInSlices(state: AnnotationState, problems: readonly OutcomeProblem[] | undefined, hide?: Hide, yieldNow?: () => Promise<void>): Promise<ProblemsPayload> {
  if (!problems) return { problems: [], source: 'none', fileLevel: 0 };
  await state.prepareLookups(yieldNow);
  const tick = sliceClock(yieldNow);
  const out: ProblemInfo[] = [];
  let fileLevel = 0;
  for (let from = 0; from < problems.length; from += STEPS) {
    fileLevel += place(state, problems, from, Math.min(problems.length, from + STEPS), out, hide);
    await tick();
  }
  return { problems: await sortProblemsInSlices(out, tick), source: 'check', fileLevel };
}

/** The viewer's order: by image (the file's own first), line, key. */
export function byPlace(x: ProblemInfo, y: ProblemInfo): number {
  return x.imageIndex - y.imageIndex || x.line - y.line || x.key - y.key;
}

const bitsFor = (max: number) => Math.max(1, Math.ceil(Math.log2(max + 1)));

/**
 * `list` in the viewer's order, by the typed array's own sort on packed keys, in slices. Needs
 * the keys to ascend along the list (as placed: the list's position stands for the key). When
 * (image, line, position) fit in 52 bits, one key per problem; else two stable passes, by
 * (line, position) then by (image, rank of the first pass). Else a comparator sort (one go).
 */
export async function sortProblemsInSlices(list: ProblemInfo[], tick: SliceClock): Promise<ProblemInfo[]> {
  let maxImage = 0, maxLine = 0, ascending = true, integral = true;
  for (let k = 0; k < list.length; k++) {
    const p = list[k];
    if (k > 0 && list[k - 1].key >= p.key) ascending = false;
    if (!Number.isInteger(p.line) || p.line < 0 || !Number.isInteger(p.imageIndex) || p.imageIndex < -1) integral = false;
    if (p.imageIndex + 1 > maxImage) maxImage = p.imageIndex + 1;
    if (p.line > maxLine) maxLine = p.line;
  }
  const imageBits = bitsFor(maxImage);
  const lineBits = bitsFor(maxLine);
  const posBits = bitsFor(list.length);
  if (!ascending || !integral || Math.max(imageBits, lineBits) + posBits > 52) return list.sort(byPlace);
  const P = 2 ** posBits;
  const posOf = (x: number) => x - Math.floor(x / P) * P;
  const keys = new Float64Array(list.length);
  let order: Uint32Array | undefined;
  if (imageBits + lineBits + posBits <= 52) {
    const L = 2 ** lineBits;
    for (let k = 0; k < list.length; k++) { const p = list[k]; keys[k] = ((p.imageIndex + 1) * L + p.line) * P + k; }
  } else {
    // By (line, position) first; then by image, ties kept in that order (their rank in it).
    for (let k = 0; k < list.length; k++) keys[k] = list[k].line * P + k;
    await tick();
    const byLine = await sortInSlices(keys, tick);
    order = new Uint32Array(list.length);
    for (let r = 0; r < list.length; r++) order[r] = posOf(byLine[r]);
    for (let r = 0; r < list.length; r++) keys[r] = (list[order[r]].imageIndex + 1) * P + r;
  }
  await tick();
  const sorted = await sortInSlices(keys, tick);
  const out: ProblemInfo[] = new Array<ProblemInfo>(list.length);
  for (let k = 0; k < sorted.length; k++) { const r = posOf(sorted[k]); out[k] = list[order ? order[r] : r]; }
  return out;
}
