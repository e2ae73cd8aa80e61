/**
 * `dist/core.js` (+ `dist/core.d.ts`): Labelscope's core for users' own Node
 * scripts (CommonJS, no `vscode`). THE PUBLIC SURFACE: everything users may
 * import is listed here by name (a contract: add, never rename); anything not
 * listed is internal and may change. Geometry follows pycocotools' meanings:
 * an RLE is `{ size: [h, w], counts }`, counts column-major, a number array or a string.
 */

// Reading COCO files: the document model with byte offsets of every element.
export { loadCoco, loadCocoSync, type LoadOptions } from './node/loadCoco';
export { parseCoco, parseCocoAsync, type ParseOptions, type ParseAsyncOptions } from './core/coco/parse';
export { CocoDocument } from './core/coco/document';
export type { Located, Section, JsonObject, JsonKind, IdKey, ParseIssue } from './core/coco/document';
export type { Position } from './core/coco/lineIndex';

// pycocotools-exact masks: RLE (maskApi.c), boxes, polygons.
export {
  type Rle, rleCounts, rleEncode, rleEncodeColumnMajor, rleDecode, rleDecodeColumnMajor, rleArea, countsArea,
  rleToBbox, countsToBbox, rleMerge, unionCounts, rleIou, countsIou, rleProblem,
} from './core/geometry/rle';
export { rleToString, rleFromString, isWellFormedRleString } from './core/geometry/rleString';
export { type Bbox, bboxArea, isFiniteBbox, bboxIou } from './core/geometry/bbox';
export {
  polygonCounts, polygonMaskArea, polygonsMaskArea, polygonToRle, polygonsToRle, rleFromBbox, bboxCounts,
  polygonArea, polygonsArea, polygonBbox, polygonSelfIntersects,
} from './core/geometry/polygon';
export { type SegmentationOptions, type SegmentationKind, segmentationKind, segmentationToRle } from './core/geometry/segmentation';
export { type MaskToPolygonsOptions, maskToPolygons } from './core/geometry/contours';

// The checks: the same rules and report as the CLI.
export { checkDocument, type CheckResult, type CheckSummary, type CheckOptions } from './core/check';
export { ALL_RULES, ruleById } from './core/rules';
export type { Rule, RuleMeta, FileAccess } from './core/ruleKit/types';
export type { Problem, Severity } from './core/problems';
export { positionProblems, type PositionedProblem } from './core/report/located';
export { checkFile, type CheckFileOptions, type CheckFileResult } from './node/checkFile';
