/**
 * Every rule, in reporting order. A new rule: one file in this folder exporting
 * a `Rule`, added here, documented in docs/rules.md, with a unit test.
 */
import { annotationUnknownCategory } from './annotationUnknownCategory';
import { annotationUnknownImage } from './annotationUnknownImage';
import { duplicateId } from './duplicateId';
import { elementNotObject } from './elementNotObject';
import { imageFileMissing } from './imageFileMissing';
import { invalidJson } from './invalidJson';
import { missingField } from './missingField';
import { missingSection } from './missingSection';
import { nonFiniteNumber } from './nonFiniteNumber';
import { rootNotObject } from './rootNotObject';
import { sectionWrongType } from './sectionWrongType';
import type { Rule } from '../ruleKit/types';
import { wrongType } from './wrongType';
import { missingInfo } from './missingInfo';
import { duplicateCategoryName } from './duplicateCategoryName';
import { duplicateFileName } from './duplicateFileName';
import { annotationIdZero } from './annotationIdZero';
import { categoryIdsNotContiguous } from './categoryIdsNotContiguous';
import { imageSizeInvalid } from './imageSizeInvalid';
import { imageWithoutAnnotations } from './imageWithoutAnnotations';
import { bboxInvalid } from './bboxInvalid';
import { bboxNonPositive } from './bboxNonPositive';
import { bboxTiny } from './bboxTiny';
import { bboxOutOfImage } from './bboxOutOfImage';
import { iscrowdInvalid } from './iscrowdInvalid';
import { keypointsLength } from './keypointsLength';
import { numKeypointsMismatch } from './numKeypointsMismatch';
import { keypointsOutsideBbox } from './keypointsOutsideBbox';
import { categoryUnused } from './categoryUnused';
import { singleCategory } from './singleCategory';
import { categoryFewSamples } from './categoryFewSamples';
import { classImbalance } from './classImbalance';
import { bboxSizeOutlier } from './bboxSizeOutlier';
import { segmentationFlatList } from './segmentationFlatList';
import { polygonTooShort } from './polygonTooShort';
import { polygonFourNumbers } from './polygonFourNumbers';
import { polygonOddLength } from './polygonOddLength';
import { polygonOutsideImage } from './polygonOutsideImage';
import { polygonZeroArea } from './polygonZeroArea';
import { polygonSelfIntersecting } from './polygonSelfIntersecting';
import { segmentationEmpty } from './segmentationEmpty';
import { rleSizeMismatch } from './rleSizeMismatch';
import { rleCountsSum } from './rleCountsSum';
import { rleInvalidString } from './rleInvalidString';
import { crowdWithPolygons } from './crowdWithPolygons';
import { areaInvalid } from './areaInvalid';
import { areaMismatch } from './areaMismatch';
import { bboxSegmentationMismatch } from './bboxSegmentationMismatch';
import { duplicateAnnotation } from './duplicateAnnotation';
import { resultScoreInvalid } from './resultScoreInvalid';
import { resultScoreRange } from './resultScoreRange';
import { resultUnknownImage } from './resultUnknownImage';
import { resultUnknownCategory } from './resultUnknownCategory';
import { resultKeypointsLength } from './resultKeypointsLength';
import { resultRleSizeMismatch } from './resultRleSizeMismatch';
import { resultTooManyPerImage } from './resultTooManyPerImage';
import { resultDuplicate } from './resultDuplicate';
import { resultBboxMaskMismatch } from './resultBboxMaskMismatch';
import { captionInvalid } from './captionInvalid';
import { areaBboxMismatch } from './areaBboxMismatch';
import { panopticSegmentInvalid } from './panopticSegmentInvalid';
import { panopticDuplicateSegmentId } from './panopticDuplicateSegmentId';
import { panopticUnknownCategory } from './panopticUnknownCategory';
import { panopticIsthingInvalid } from './panopticIsthingInvalid';
import { panopticSegmentAreaBbox } from './panopticSegmentAreaBbox';
import { panopticPngMissing } from './panopticPngMissing';
import { panopticPngSegmentsMismatch } from './panopticPngSegmentsMismatch';
import { panopticSegmentPngArea } from './panopticSegmentPngArea';
import { panopticPngSizeMismatch } from './panopticPngSizeMismatch';
import { resultListInconsistent } from './resultListInconsistent';
import { notCocoFile } from './notCocoFile';
import { optionalSectionWrongType } from './optionalSectionWrongType';
import { optionalFieldWrongType } from './optionalFieldWrongType';

export const ALL_RULES: readonly Rule[] = [
  invalidJson,
  nonFiniteNumber,
  rootNotObject,
  notCocoFile,
  missingSection,
  sectionWrongType,
  optionalSectionWrongType,
  elementNotObject,
  missingField,
  wrongType,
  optionalFieldWrongType,
  duplicateId,
  annotationUnknownImage,
  annotationUnknownCategory,
  missingInfo,
  duplicateCategoryName,
  duplicateFileName,
  annotationIdZero,
  categoryIdsNotContiguous,
  imageSizeInvalid,
  imageWithoutAnnotations,
  bboxInvalid,
  bboxNonPositive,
  bboxTiny,
  bboxOutOfImage,
  iscrowdInvalid,
  keypointsLength,
  numKeypointsMismatch,
  keypointsOutsideBbox,
  categoryUnused,
  singleCategory,
  categoryFewSamples,
  classImbalance,
  bboxSizeOutlier,
  segmentationFlatList,
  polygonTooShort,
  polygonFourNumbers,
  polygonOddLength,
  polygonOutsideImage,
  polygonZeroArea,
  polygonSelfIntersecting,
  segmentationEmpty,
  rleSizeMismatch,
  rleCountsSum,
  rleInvalidString,
  crowdWithPolygons,
  areaInvalid,
  areaMismatch,
  areaBboxMismatch,
  bboxSegmentationMismatch,
  duplicateAnnotation,
  imageFileMissing,
  resultListInconsistent,
  resultScoreInvalid,
  resultScoreRange,
  resultUnknownImage,
  resultUnknownCategory,
  resultKeypointsLength,
  resultRleSizeMismatch,
  resultTooManyPerImage,
  resultDuplicate,
  resultBboxMaskMismatch,
  captionInvalid,
  panopticSegmentInvalid,
  panopticDuplicateSegmentId,
  panopticUnknownCategory,
  panopticIsthingInvalid,
  panopticSegmentAreaBbox,
  panopticPngMissing,
  panopticPngSegmentsMismatch,
  panopticSegmentPngArea,
  panopticPngSizeMismatch,
];

/**
 * The foundation's structural checks: is this a readable COCO file whose references
 * hold? Cheap, O(n) over elements; the benchmark's loader target is measured with them.
 */
export const STRUCTURAL_RULE_IDS: readonly string[] = [
  'coco/invalid-json',
  'coco/non-finite-number',
  'coco/root-not-object',
  'coco/not-coco-file',
  'coco/missing-section',
  'coco/section-wrong-type',
  'coco/element-not-object',
  'coco/missing-field',
  'coco/wrong-type',
  'coco/duplicate-id',
  'coco/annotation-unknown-image',
  'coco/annotation-unknown-category',
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

export type { Rule, RuleMeta, RuleContext, Fix } from '../ruleKit/types';
