/**
 * The viewer's second layer (issue 12 predictions, issue 13 annotator B): what the host sends per
 * image. Predictions: `EvalLayer` (every IoU threshold's TP / FP state, matched label and IoU,
 * outlines of masks), computed by core/metrics/eval/layer.ts. Types only.
 */
export type { EvalLayer, EvalLayerDetection, EvalLayerLabel, EvalLayerGeometry } from '../core/metrics/eval/layer';
