/** An EvalResult as the report view's message (free of `vscode`, so tests build real messages). */
import type { EvalResult } from '../../core/metrics/eval';
import type { EvalReportData } from '../../shared/evalProtocol';

export function toReportData(result: EvalResult, gtFile: string, dtFile: string, durationMs: number): EvalReportData {
  const curves = new Map(result.analysis.curves.map((c) => [c.categoryId, c]));
  const count = (s: string) => result.problems.filter((p) => p.severity === s).length;
  return {
    gtFile,
    dtFile,
    iouType: result.iouType,
    summary: result.summary.map(({ key, line, value, ap, iouThr, areaRng, maxDets }) => ({ key, line, value, ap, iouThr, areaRng, maxDets })),
    summaryText: result.summaryText,
    analysisIou: result.analysis.iou,
    recThrs: result.analysis.recThrs,
    classes: result.perCategory.map((c) => {
      const cv = curves.get(c.id);
      return { ...c, precision: cv?.precision ?? [], f1: cv?.f1 ?? [], best: cv?.best };
    }),
    confusion: result.analysis.confusion,
    counts: { images: result.counts.images, categories: result.counts.categories, gt: result.counts.gt, results: result.counts.results, resultsUsed: result.counts.resultsUsed },
    problems: { errors: count('error'), warnings: count('warning'), infos: count('info') },
    durationMs,
  };
}
