/**
 * Evaluation problems placed in their files: an EvalProblem names an element by section and
 * index (and a key inside it in its JSON path); here it gets the byte range of that value, so
 * the CLI prints line:column and the extension shows a diagnostic at the right place.
 */
import { locate, type CocoDocument } from '../../core/coco';
import type { EvalProblem } from '../../core/metrics/eval';
import type { Problem } from '../../core/problems';

/** The key after the element in a JSON path like `$.annotations[3].bbox` (undefined for the element itself). */
function keyOf(jsonPath: string): string | undefined {
  const m = /\]\.([A-Za-z_]+)$/.exec(jsonPath);
  return m?.[1];
}

/** Problems of one file (`gt` or `dt`) with byte ranges; a problem on the whole file sits at its start. */
export function placeEvalProblems(doc: CocoDocument | undefined, problems: readonly EvalProblem[], file: 'gt' | 'dt'): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    if (p.file !== file) continue;
    let start = 0;
    let end = 0;
    if (doc && p.index >= 0 && p.section !== 'results') {
      const entry = doc.entries(p.section)[p.index];
      if (entry) {
        const key = keyOf(p.jsonPath);
        const r = key ? locate(doc, entry, [key]) : undefined;
        start = r?.start ?? entry.start;
        end = r?.end ?? entry.end;
      }
    }
    out.push({
      rule: p.rule, severity: p.severity, message: p.message, jsonPath: p.jsonPath, start, end,
      ...(p.annotationId !== undefined ? { annotationId: p.annotationId } : {}),
      ...(p.imageId !== undefined ? { imageId: p.imageId } : {}),
      ...(p.categoryId !== undefined ? { categoryId: p.categoryId } : {}),
    });
  }
  return out;
}
