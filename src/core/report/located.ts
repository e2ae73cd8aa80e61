/** Problems with 1-based line/column, the shape every output format starts from. */
import type { CocoDocument } from '../coco/document';
import type { Problem } from '../problems';

export interface PositionedProblem {
  rule: string;
  severity: Problem['severity'];
  message: string;
  jsonPath: string;
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units (what editors and SARIF count). */
  column: number;
  endLine: number;
  endColumn: number;
  annotationId?: number | string;
  imageId?: number | string;
  categoryId?: number | string;
  related?: { message: string; jsonPath: string; line: number; column: number }[];
}

export function positionProblems(doc: CocoDocument, problems: readonly Problem[]): PositionedProblem[] {
  return problems.map((p) => {
    const s = doc.lines.positionAt(p.start);
    // Keep end ranges short: a highlight over a whole 1 MB element helps nobody.
    const e = doc.lines.positionAt(Math.max(p.start, Math.min(p.end, p.start + 4096)));
    const out: PositionedProblem = {
      rule: p.rule,
      severity: p.severity,
      message: p.message,
      jsonPath: p.jsonPath,
      line: s.line + 1,
      column: s.character + 1,
      endLine: e.line + 1,
      endColumn: e.character + 1,
    };
    if (p.annotationId !== undefined) out.annotationId = p.annotationId;
    if (p.imageId !== undefined) out.imageId = p.imageId;
    if (p.categoryId !== undefined) out.categoryId = p.categoryId;
    if (p.related?.length) {
      out.related = p.related.map((r) => {
        const rp = doc.lines.positionAt(r.start);
        return { message: r.message, jsonPath: r.jsonPath, line: rp.line + 1, column: rp.character + 1 };
      });
    }
    return out;
  });
}
