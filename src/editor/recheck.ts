/**
 * The re-check of edited annotations: what is sent to the check worker (the pending bytes of a
 * small file, or a small document of just the edited annotations of a big one), the in-process
 * check (tests, and the fallback), and the worker's problems placed back on the annotations.
 */
import type { IdKey, JsonObject } from '../core/coco/document';
import { parseCoco } from '../core/coco/parse';
import { checkDocument } from '../core/check';
import { idOf } from '../core/ruleKit/schema';
import type { Id, ProblemInfo } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { overrideByteEdits } from './documentBytes';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import type { ByteEdit } from '../core/problems';
import { PER_ANNOTATION_RULES } from './geometryEdits';
import { idKeyString } from './jsonValues';
import { byteLengthOf } from './lazyDocument';

/** Above this the re-check after an edit looks at the edited annotations alone (no re-parse of the file). */
export const FULL_RECHECK_MAX_BYTES = 50 * 1024 * 1024;

/** What the re-check of edited annotations sends to the check worker. */
export interface RecheckInput {
  /** The model version and generation it was made from (a result for an older one is dropped). */
  version: number;
  generation: number;
  bytes: Uint8Array;
  /**
   * The edited file is `bytes` (the base, in shared memory) with these applied, by whoever checks
   * it: the worker makes the edited copy on its own thread, the host makes none (a 40 MB copy
   * holds the extension host's thread for 100 ms and more). Absent: `bytes` as they are.
   */
  edits?: ByteEdit[];
  /** A small document of the edited annotations (big files), not the whole file. */
  mini: boolean;
  /** Annotation id key → annotation index. */
  ids: Map<string, number>;
  indices: number[];
}

/** A problem of the re-check, as the worker (or the in-process fallback) reports it. */
export interface RecheckedProblem {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  annotationId?: Id;
  /** 1-based line in the checked bytes. */
  line: number;
}

export interface RecheckResult { annotationId: Id; index: number; problems: Omit<ProblemInfo, 'key'>[] }

/**
 * What the re-check of the edited annotations checks (made on the host, checked in the worker):
 * files up to `fullMaxBytes` the pending bytes (lines are the pending text's); bigger files a
 * small document of just those annotations, their images and the categories (lines: where the
 * annotation starts in the file). Undefined: nothing to check.
 */
export function recheckInput(state: AnnotationState, generation: number, indices: readonly number[], fullMaxBytes = FULL_RECHECK_MAX_BYTES): RecheckInput | undefined {
  const want = indices.map((i) => ({ index: i, a: state.annotation(i) })).filter((x) => x.a && !x.a.ov?.deleted);
  if (!want.length) return undefined;
  const ids = new Map<string, number>();
  for (const w of want) ids.set(idKeyString(w.a!.value.id), w.index);
  const version = state.version;
  if (byteLengthOf(state.base) <= fullMaxBytes) return { version, generation, bytes: state.base.bytes, edits: overrideByteEdits(state), mini: false, ids, indices: want.map((w) => w.index) };
  const anns = want.map((w) => {
    const a = w.a!;
    const v: JsonObject = { ...a.value };
    if (a.ov?.categoryId !== undefined) v.category_id = a.ov.categoryId;
    if (a.ov?.segmentation) v.segmentation = a.ov.segmentation;
    if (a.ov?.bbox) v.bbox = a.ov.bbox;
    if (a.ov?.area !== undefined) v.area = a.ov.area;
    if (a.ov?.keypoints) v.keypoints = a.ov.keypoints;
    return v;
  });
  // Their images by id (every image with that id, in file order), not a walk over all images.
  const imageIdList = new Map<string, IdKey>();
  for (const v of anns) { const id = idOf(v.image_id); if (id !== undefined) imageIdList.set(idKeyString(id), id); }
  const images = [...new Set([...imageIdList.values()].flatMap((id) => state.imageColumns.withId(id)))].sort((x, y) => x - y)
    .map((i) => state.base.imageEntries[i].value);
  const mini = { images, annotations: anns, categories: state.base.categoryEntries.map((e) => e.value) };
  return { version, generation, bytes: new TextEncoder().encode(JSON.stringify(mini)), mini: true, ids, indices: want.map((w) => w.index) };
}

/** The re-check on this thread (tests; the host sends `input` to the check worker instead). */
export function recheckInProcess(state: AnnotationState, input: RecheckInput, fileName: string): RecheckResult[] {
  const doc = parseCoco(input.edits ? applyByteEdits(input.bytes, input.edits) : input.bytes, { path: fileName });
  const problems = checkDocument(doc, { only: PER_ANNOTATION_RULES }).problems
    .map((p) => ({ ...p, line: doc.lines.positionAt(p.start).line + 1 }));
  return recheckResult(state, input, problems);
}

/** The checked problems of `input` by edited annotation (lines in the file for a small document). */
export function recheckResult(state: AnnotationState, input: RecheckInput, problems: readonly RecheckedProblem[]): RecheckResult[] {
  const out = new Map<number, Omit<ProblemInfo, 'key'>[]>(input.indices.map((i) => [i, []]));
  for (const p of problems) {
    if (p.annotationId === undefined) continue;
    const i = input.ids.get(idKeyString(p.annotationId));
    const a = i === undefined ? undefined : state.annotation(i);
    if (i === undefined || !a) continue;
    let line = p.line;
    if (input.mini) {
      const e = state.base.annotationEntries[i];
      line = e ? state.base.lines.positionAt(e.start).line + 1 : 0;
    }
    out.get(i)!.push({
      rule: p.rule, severity: p.severity, message: p.message, annotationId: p.annotationId,
      imageIndex: state.imageIndexOfId(idOf(a.value.image_id) as IdKey) ?? -1,
      line,
    });
  }
  return input.indices.flatMap((index) => {
    const a = state.annotation(index);
    return a ? [{ annotationId: idOf(a.value.id) ?? `#${index}`, index, problems: out.get(index)! }] : [];
  });
}
