/**
 * The "clip to the image" fix shared by coco/bbox-out-of-image and
 * coco/polygon-outside-image: polygons are clipped to the image rectangle
 * (Sutherland–Hodgman), then bbox and area are recomputed from what is left,
 * so the fix never trades one warning for a bbox/segmentation mismatch.
 */
import { isJsonObject, type CocoDocument, type JsonObject } from '../coco/document';
import { locate } from '../coco/locate';
import { replaceRange, round2 } from '../edits/jsonEdits';
import { polygonBbox, polygonsMaskArea } from '../geometry';
import { clipToRect } from '../geometry/clip';
import type { ByteEdit } from '../problems';
import { formatBox, formatNumber, imageSizeOf, isZeroAreaPolygon, setAreaEdit, usablePolygons } from './segmentationShared';
import type { Fix } from './types';

/** Clips one closed polygon (flat [x0, y0, x1, y1, …]) to [0, w] × [0, h], rounded to COCO's 2 decimals. */
export function clipPolygonToRect(poly: readonly number[], w: number, h: number): number[] {
  const pts = clipToRect(poly, w, h);
  if (pts.length < 6) return [];
  // Keep the clipped points exactly on the image edge after rounding to 2 decimals,
  // and drop repeated points (a corner cut by two edges is produced twice).
  const rounded = pts.map((v, k) => Math.min(Math.max(round2(v), 0), k % 2 === 0 ? w : h));
  const out: number[] = [];
  for (let i = 0; i < rounded.length; i += 2) {
    const n = out.length;
    if (n >= 2 && out[n - 2] === rounded[i] && out[n - 1] === rounded[i + 1]) continue;
    out.push(rounded[i], rounded[i + 1]);
  }
  while (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) out.length -= 2;
  return out.length >= 6 ? out : [];
}

/** Whether any vertex of the annotation's polygons lies outside its image. */
export function polygonsLeaveImage(doc: CocoDocument, ann: JsonObject): boolean {
  const size = imageSizeOf(doc, ann);
  const polys = usablePolygons(ann.segmentation);
  if (!size || !polys) return false;
  for (const p of polys) {
    for (let i = 0; i + 1 < p.length; i += 2) {
      if (p[i] < 0 || p[i] > size.w || p[i + 1] < 0 || p[i + 1] > size.h) return true;
    }
  }
  return false;
}

/** Clip an annotation's polygons and box to its image; undefined when nothing would be left or nothing changes. */
export function clipAnnotationFix(doc: CocoDocument, index: number | undefined): Fix | undefined {
  const entry = index === undefined ? undefined : doc.annotationEntries[index];
  if (!entry || !isJsonObject(entry.value)) return undefined;
  const ann = entry.value as JsonObject;
  const size = imageSizeOf(doc, ann);
  const polys = usablePolygons(ann.segmentation);
  if (!size || !polys || polys.length === 0) return undefined;
  const clipped = polys.map((p) => clipPolygonToRect(p, size.w, size.h)).filter((p) => p.length >= 6 && !isZeroAreaPolygon(p));
  if (clipped.length === 0) return undefined;
  const segRange = locate(doc, entry, ['segmentation']);
  const boxRange = locate(doc, entry, ['bbox']);
  if (!segRange) return undefined;
  const box = polygonBbox(clipped);
  const area = polygonsMaskArea(clipped, size.h, size.w);
  const edits: ByteEdit[] = [replaceRange(segRange, `[${clipped.map((p) => `[${p.map(formatNumber).join(', ')}]`).join(', ')}]`)];
  if (boxRange) edits.push(replaceRange(boxRange, formatBox(box)));
  const areaEdit = setAreaEdit(doc, entry, area);
  if (areaEdit) edits.push(areaEdit);
  return {
    title: `Clip the polygons to the image (${size.w} × ${size.h}) and recompute bbox and area`,
    edits,
  };
}
