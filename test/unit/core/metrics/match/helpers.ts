/** Small COCO documents for the matching, agreement and diff tests. */
import { parseCoco } from '../../../../../src/core/coco/parse';
import type { CocoDocument } from '../../../../../src/core/coco/document';

export interface Ann { id: number; image_id: number; category_id: number; bbox?: number[]; segmentation?: unknown; area?: number; iscrowd?: number; keypoints?: number[]; attributes?: Record<string, unknown>; [k: string]: unknown }
export interface Coco { images: { id: number; file_name: string; width: number; height: number }[]; annotations: Ann[]; categories: { id: number; name: string; supercategory?: string; keypoints?: string[] }[] }

export const doc = (c: Coco): CocoDocument => parseCoco(new TextEncoder().encode(JSON.stringify(c)));

export const image = (id: number, file = `img${id}.jpg`, width = 100, height = 100) => ({ id, file_name: file, width, height });
export const box = (id: number, image_id: number, category_id: number, bbox: number[], extra: Partial<Ann> = {}): Ann =>
  ({ id, image_id, category_id, bbox, area: bbox[2] * bbox[3], iscrowd: 0, ...extra });
/** A rectangle given as a polygon (its mask) with its box. */
export const poly = (id: number, image_id: number, category_id: number, [x, y, w, h]: number[], extra: Partial<Ann> = {}): Ann =>
  ({ id, image_id, category_id, bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]], ...extra });

export const CATS = [{ id: 1, name: 'car' }, { id: 2, name: 'truck' }, { id: 3, name: 'person' }];
