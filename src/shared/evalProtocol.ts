/**
 * Messages of the evaluation report view (webview-ui/src/reports/eval/) and its host panel
 * (src/extension/eval/), and the two messages the COCO viewer needs for its evaluation hooks
 * (filter the grid, colour TP / FP / FN). Types only: `core` types, no `vscode`, no DOM.
 */
import type { EvalLayer, EvalOverlayItem, SummaryEntry } from '../core/metrics/eval';

export type { EvalOverlayItem };

export interface EvalReportClass {
  id: number;
  name: string;
  gtCount: number;
  dtCount: number;
  ap: number;
  ap50: number;
  ap75: number;
  ar: number;
  /** Precision at `recThrs` at the analysis IoU (-1 when the class has no ground truth). */
  precision: number[];
  f1: { score: number; precision: number; recall: number; f1: number }[];
  best?: { score: number; precision: number; recall: number; f1: number };
}

export interface EvalReportData {
  gtFile: string;
  dtFile: string;
  iouType: 'bbox' | 'segm' | 'keypoints';
  summary: Pick<SummaryEntry, 'key' | 'line' | 'value' | 'ap' | 'iouThr' | 'areaRng' | 'maxDets'>[];
  /** The summary lines as pycocotools prints them. */
  summaryText: string;
  analysisIou: number;
  recThrs: number[];
  classes: EvalReportClass[];
  confusion?: { labels: string[]; categoryIds: number[]; cells: number[][]; iou: number; minScore: number };
  counts: { images: number; categories: number; gt: number; results: number; resultsUsed: number };
  problems: { errors: number; warnings: number; infos: number };
  durationMs: number;
}

/** Host -> report. */
export type EvalHostMessage =
  | { type: 'evalReport'; data: EvalReportData }
  | { type: 'exported'; path: string };

/** Report -> host. */
export type EvalViewMessage =
  | { type: 'ready' }
  /** Save a chart: `data` is an SVG document or a PNG data URL. */
  | { type: 'export'; chart: 'pr' | 'f1' | 'confusion'; format: 'png' | 'svg'; data: string }
  /** Filter the viewer's grid to the images of a class, or of a confusion-matrix cell (row = label class, column = detected class; -1 = unmatched). */
  | { type: 'filter'; categoryId?: number; cell?: { labelCategoryId: number; detectedCategoryId: number } }
  | { type: 'showSummaryText' };

/** Host -> COCO viewer (the hook the viewer has to add): show only these images in the grid. */
export interface EvalViewerFilter {
  type: 'evalFilter';
  /** What the filter is, for the filter chip ("cat → dog at IoU 0.50"). */
  label: string;
  imageIds: (number | string)[];
}

/** Host -> COCO viewer (the hook the viewer has to add): predictions of one image, coloured TP / FP / FN. */
export interface EvalViewerOverlay {
  type: 'evalOverlay';
  imageId: number | string;
  iou: number;
  items: EvalOverlayItem[];
  /** Every threshold's states and the outlines (the viewer's prediction layer). */
  layer?: EvalLayer;
}
