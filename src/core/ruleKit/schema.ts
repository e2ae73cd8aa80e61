/** The fields COCO requires per section, and the JSON type each must have. */
import type { ArraySectionName } from '../coco/document';

export type FieldType = 'id' | 'integer' | 'positive-number' | 'number' | 'string' | 'array' | 'object';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Missing is an error (`coco/missing-field`) when true. */
  readonly required: boolean;
}

export const FIELDS: Readonly<Record<ArraySectionName, readonly FieldSpec[]>> = {
  images: [
    { name: 'id', type: 'id', required: true },
    { name: 'width', type: 'number', required: true },
    { name: 'height', type: 'number', required: true },
    { name: 'file_name', type: 'string', required: true },
  ],
  annotations: [
    { name: 'id', type: 'id', required: true },
    { name: 'image_id', type: 'id', required: true },
    { name: 'category_id', type: 'id', required: true },
    { name: 'bbox', type: 'array', required: true },
    { name: 'area', type: 'number', required: false },
    { name: 'iscrowd', type: 'integer', required: false },
  ],
  categories: [
    { name: 'id', type: 'id', required: true },
    { name: 'name', type: 'string', required: true },
    { name: 'supercategory', type: 'string', required: false },
  ],
  licenses: [
    { name: 'id', type: 'id', required: false },
  ],
};

/** Singular nouns for messages. */
export const NOUN: Readonly<Record<ArraySectionName, string>> = {
  images: 'image',
  annotations: 'annotation',
  categories: 'category',
  licenses: 'license',
};

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Why a value does not fit `type`, or undefined when it fits. Non-finite numbers are left to `coco/non-finite-number`. */
export function typeMismatch(value: unknown, type: FieldType): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  switch (type) {
    case 'id':
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return undefined;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return `is ${describeJson(value)}: ids must be JSON integers, not strings`;
      return `must be an integer, found ${describeJson(value)}`;
    case 'positive-number':
    case 'number':
      if (typeof value === 'number') return undefined;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return `is ${describeJson(value)}: a number written as a string`;
      return `must be a number, found ${describeJson(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, found ${describeJson(value)}`;
    case 'array':
      return Array.isArray(value) ? undefined : `must be an array, found ${describeJson(value)}`;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `must be an object, found ${describeJson(value)}`;
  }
}

/** An id usable as a key: integers and strings (a string id is reported by `coco/wrong-type` but still matched). */
export function idOf(value: unknown): number | string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}
