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
import type { Rule } from './types';
import { wrongType } from './wrongType';

export const ALL_RULES: readonly Rule[] = [
  invalidJson,
  nonFiniteNumber,
  rootNotObject,
  missingSection,
  sectionWrongType,
  elementNotObject,
  missingField,
  wrongType,
  duplicateId,
  annotationUnknownImage,
  annotationUnknownCategory,
  imageFileMissing,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

export type { Rule, RuleMeta, RuleContext, Fix } from './types';
