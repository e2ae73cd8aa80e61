/**
 * The check's problems placed on images: which image a problem belongs to (by annotation id,
 * image id, else its JSON path) and the problem list as the viewer shows it.
 */
import type { OutcomeProblem } from '../node/checkWorkerProtocol';
import type { ProblemInfo, ProblemsPayload } from '../shared/protocol';
import type { AnnotationState } from './annotationState';

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

/** The check's problems as the viewer lists them (`hide`: problems already fixed here). */
export function problemsPayload(state: AnnotationState, problems: readonly OutcomeProblem[] | undefined, hide?: (p: OutcomeProblem) => boolean): ProblemsPayload {
  if (!problems) return { problems: [], source: 'none', fileLevel: 0 };
  const out: ProblemInfo[] = [];
  let fileLevel = 0;
  problems.forEach((p, key) => {
    if (hide?.(p)) return;
    const imageIndex = imageIndexOfProblem(state, p);
    if (imageIndex < 0) fileLevel++;
    out.push({
      key, rule: p.rule, severity: p.severity, message: p.message, imageIndex, line: p.line,
      ...(p.annotationId !== undefined ? { annotationId: p.annotationId } : {}),
      ...(p.fix ? { fix: p.fix.title } : {}),
    });
  });
  out.sort((x, y) => x.imageIndex - y.imageIndex || x.line - y.line || x.key - y.key);
  return { problems: out, source: 'check', fileLevel };
}
