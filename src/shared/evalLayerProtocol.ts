/**
 * The viewer's second layer (issue 12 predictions, issue 13 annotator B): what the host sends per
 * image. Predictions: `EvalLayer` (every IoU threshold's TP / FP state, matched label and IoU,
 * outlines of masks), computed by core/metrics/eval/layer.ts. Annotator A in an agreement:
 * `AgreementLayer` (core/metrics/agreementLayer.ts). Types only.
 */
export type { EvalLayer, EvalLayerDetection, EvalLayerLabel, EvalLayerGeometry } from '../core/metrics/eval/layer';
export type { AgreementLayer, AgreementLayerConflict, AgreementLayerObject, AgreementShape } from '../core/metrics/agreementLayer';
