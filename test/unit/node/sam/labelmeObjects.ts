/**
 * labelme's own examples as box -> mask cases (../shared/fixtures/labelme, PASCAL VOC 2011 photos
 * with labelme polygons): each object's box is the extent of its polygons, its truth mask the
 * polygons rasterized the pycocotools way. Shared by the GrabCut test and bench/samGrabcut.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rleDecode, segmentationToRle } from '../../../../src/core/geometry';
import { readRgb, type RgbPixels } from '../../../../src/node/sam/grabcut';
import { SHARED_FIXTURES_DIR } from './sharedDir';

export const LABELME_DATA = path.join(SHARED_FIXTURES_DIR, 'labelme', 'instance_segmentation', 'data_annotated');

interface Shape { label: string; group_id: number | null; shape_type: string; points: [number, number][] }

export interface BoxCase { file: string; img: RgbPixels; label: string; box: number[]; truth: Uint8Array }

/** labelme instances: shapes with the same label and group_id are one object; no group_id: each its own. */
function instances(shapes: Shape[]): { label: string; polygons: number[][] }[] {
  const out = new Map<string, { label: string; polygons: number[][] }>();
  shapes.forEach((s, i) => {
    if (s.shape_type !== 'polygon' || s.label.startsWith('__')) return;
    const key = s.group_id === null ? `#${i}` : `${s.label}/${s.group_id}`;
    const inst = out.get(key) ?? { label: s.label, polygons: [] };
    inst.polygons.push(s.points.flat());
    out.set(key, inst);
  });
  return [...out.values()];
}

export const labelmeAvailable = () => existsSync(LABELME_DATA);

/**
 * Every labelme object of a folder of labelme JSON + image files (default: the fixture folder),
 * in file then shape order. The image is `imagePath`, else the JSON's name with .jpg.
 */
export async function labelmeObjects(dir = LABELME_DATA): Promise<BoxCase[]> {
  const out: BoxCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const lm = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { shapes: Shape[]; imagePath: string; imageWidth: number; imageHeight: number };
    const named = path.join(dir, path.basename(lm.imagePath));
    const img = await readRgb(existsSync(named) && !named.endsWith('.json') ? named : path.join(dir, file.replace(/\.json$/, '.jpg')));
    assert.deepEqual([img.width, img.height], [lm.imageWidth, lm.imageHeight]);
    for (const inst of instances(lm.shapes)) {
      const xs = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 0));
      const ys = inst.polygons.flatMap((p) => p.filter((_, k) => k % 2 === 1));
      const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
      const truth = rleDecode(segmentationToRle(inst.polygons, img.height, img.width)!);
      out.push({ file, img, label: inst.label, box, truth });
    }
  }
  return out;
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) { if (a[i] && b[i]) inter++; if (a[i] || b[i]) union++; }
  return union ? inter / union : 1;
}
