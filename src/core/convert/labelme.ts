/**
 * labelme JSON (v4/v5) ↔ the hub, one JSON per image. Shapes with the same label and a non-null
 * group_id are one instance (as labelme2coco); rectangle and circle become polygons the way
 * labelme2coco builds them; `mask` shapes are a base64 PNG of the crop between their two points
 * (ends inclusive); points, lines and line strips have no area and keep their points as
 * attributes. The label `__ignore__` is skipped (labelme's ignore label), counted.
 */
import { polygonsToRle } from '../geometry/polygon';
import { rleCounts, unionCounts, type Rle } from '../geometry/rle';
import { ConvertLog, DatasetBuilder, type CocoDataset, type OutputFile, type Segmentation, type SourceTree, type WriteResult, basename, categoryNames, dirname, isImagePath, isRle, joinPath, round, stem, usablePolygons } from './model';
import { decodeIndexedPng, encodeIndexedPng, fromBase64, toBase64 } from './png';
import { cropToRle, rleToCrop, segmentationRle } from './shapes';

interface LabelmeShape {
  label: string;
  points: number[][];
  group_id?: number | null;
  shape_type?: string;
  flags?: Record<string, unknown>;
  description?: string | null;
  mask?: string | null;
}

interface LabelmeFile {
  version?: string;
  flags?: Record<string, unknown>;
  shapes: LabelmeShape[];
  imagePath: string;
  imageData?: string | null;
  imageHeight: number;
  imageWidth: number;
}

export function isLabelmeJson(v: unknown): v is LabelmeFile {
  return !!v && typeof v === 'object' && Array.isArray((v as LabelmeFile).shapes) && typeof (v as LabelmeFile).imagePath === 'string';
}

/** labelme2coco's circle: n = max(⌊π / acos(1 − 1/r)⌋, 12) points, x = cx + r sin, y = cy + r cos. */
export function circlePolygon(cx: number, cy: number, px: number, py: number): number[] {
  const r = Math.hypot(px - cx, py - cy);
  const n = r > 0.5 ? Math.max(Math.floor(Math.PI / Math.acos(1 - 1 / r)), 12) : 12;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(cx + r * Math.sin((2 * Math.PI * i) / n), cy + r * Math.cos((2 * Math.PI * i) / n));
  return out;
}

export function readLabelme(tree: SourceTree, log: ConvertLog): CocoDataset {
  const b = new DatasetBuilder();
  const files = tree.list().filter((p) => p.toLowerCase().endsWith('.json'));
  for (const file of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(tree.text(file));
    } catch (e) {
      log.dropped('file-invalid', `${file} is not valid JSON (${(e as Error).message}).`, { file });
      continue;
    }
    if (!isLabelmeJson(doc)) { log.note('not-labelme', `${file} is not a labelme file; skipped.`, { file }); continue; }
    const W = doc.imageWidth, H = doc.imageHeight;
    const fileName = joinPath(dirname(file), doc.imagePath.replace(/\\/g, '/'));
    const img = b.image(fileName, W, H, doc.flags && Object.keys(doc.flags).length ? { attributes: { flags: doc.flags } } : {});
    // group shapes into instances: same label + group_id (null group = its own instance)
    const instances = new Map<string, LabelmeShape[]>();
    doc.shapes.forEach((s, i) => {
      const key = s.group_id === null || s.group_id === undefined ? `#${i}` : `${s.label}\u0000${s.group_id}`;
      const l = instances.get(key) ?? [];
      l.push(s);
      instances.set(key, l);
    });
    for (const shapes of instances.values()) {
      const label = shapes[0].label;
      const at = { file, imageId: img.id, category: label };
      if (label === '__ignore__') { log.dropped('labelme-ignore', 'A shape labelled __ignore__ (labelme\'s ignore label) was skipped, as labelme2coco does.', at); continue; }
      const polys: number[][] = [];
      const rles: number[][] = [];
      const attributes: Record<string, unknown> = {};
      let lineLike: { type: string; points: number[] } | undefined;
      for (const s of shapes) {
        const type = s.shape_type ?? 'polygon';
        const pts = s.points ?? [];
        if (s.flags) for (const [k, v] of Object.entries(s.flags)) attributes[k] = v;
        if (s.description) attributes.description = s.description;
        if (type === 'polygon' && pts.length >= 3) polys.push(pts.flat());
        else if (type === 'rectangle' && pts.length === 2) {
          const [x1, x2] = [pts[0][0], pts[1][0]].sort((p, q) => p - q);
          const [y1, y2] = [pts[0][1], pts[1][1]].sort((p, q) => p - q);
          polys.push([x1, y1, x2, y1, x2, y2, x1, y2]);
        } else if (type === 'circle' && pts.length === 2) polys.push(circlePolygon(pts[0][0], pts[0][1], pts[1][0], pts[1][1]));
        else if (type === 'mask' && s.mask && pts.length === 2) {
          try {
            const m = decodeIndexedPng(fromBase64(s.mask));
            rles.push(rleCounts(cropToRle(m.data, m.width, m.height, Math.trunc(pts[0][0]), Math.trunc(pts[0][1]), H, W)));
          } catch (e) {
            log.dropped('mask-invalid', `A mask shape's PNG could not be decoded (${(e as Error).message}).`, at);
          }
        } else if (type === 'point' || type === 'line' || type === 'linestrip' || type === 'points' || (type === 'polygon' && pts.length < 3)) {
          lineLike = { type, points: pts.flat() };
        } else {
          log.dropped('shape-unknown', `Shape type "${type}" with ${pts.length} points can't be converted.`, at);
        }
      }
      if (lineLike && polys.length === 0 && rles.length === 0) {
        const xs = lineLike.points.filter((_, i) => i % 2 === 0), ys = lineLike.points.filter((_, i) => i % 2 === 1);
        const x = Math.min(...xs), y = Math.min(...ys);
        const bbox: [number, number, number, number] = [x, y, Math.max(...xs) - x, Math.max(...ys) - y];
        const extra = { attributes: { ...attributes, labelme_shape: lineLike.type, points: lineLike.points } };
        if (lineLike.type === 'point') b.annotation(img, label, { bbox, keypoints: [lineLike.points[0], lineLike.points[1], 2] }, extra);
        else b.annotation(img, label, { bbox }, extra);
        log.changed('no-area-shape', `A labelme ${lineLike.type} has no area: it became a box (its points kept in attributes).`, at);
        continue;
      }
      let segmentation: Segmentation | undefined;
      if (rles.length) {
        const all = [...rles, ...(polys.length ? [rleCounts(polygonsToRle(polys, H, W))] : [])];
        segmentation = { size: [H, W], counts: all.length === 1 ? all[0] : unionCounts(all) } as Rle;
      } else if (polys.length) segmentation = polys.map((p) => p.map((v) => round(v, 4)));
      if (!segmentation) continue;
      b.annotation(img, label, { segmentation }, Object.keys(attributes).length ? { attributes } : {});
    }
  }
  return b.dataset;
}

export function writeLabelme(ds: CocoDataset, log: ConvertLog): WriteResult {
  const names = categoryNames(ds);
  const byImage = new Map<number, typeof ds.annotations>();
  for (const a of ds.annotations) { const l = byImage.get(a.image_id) ?? []; l.push(a); byImage.set(a.image_id, l); }
  const files: OutputFile[] = [];
  const images: WriteResult['images'] = [];
  for (const img of ds.images) {
    const target = img.file_name.replace(/\\/g, '/').replace(/^\/+/, '');
    images.push({ imageId: img.id, fileName: img.file_name, target });
    const shapes: LabelmeShape[] = [];
    let group = 0;
    for (const a of byImage.get(img.id) ?? []) {
      const label = names.get(a.category_id) ?? String(a.category_id);
      const at = { imageId: img.id, annotationId: a.id, category: label, file: img.file_name };
      const flags: Record<string, unknown> = {};
      if (a.iscrowd === 1) flags.iscrowd = true;
      for (const [k, v] of Object.entries(a.attributes ?? {})) {
        if (typeof v === 'boolean') flags[k] = v;
        else if (k !== 'labelme_shape' && k !== 'points') log.lostField(`attributes.${k}`, `labelme shape flags hold booleans only: attribute "${k}" was not written.`, at);
      }
      if (a.keypoints?.some((v) => v > 0) && a.attributes?.labelme_shape !== 'point') log.lostField('keypoints', 'labelme has no keypoints of an object: they were not written.', at);
      const base = { label, flags, description: '', mask: null as string | null };
      const polys = usablePolygons(a.segmentation);
      const ls = a.attributes?.labelme_shape;
      if (typeof ls === 'string' && Array.isArray(a.attributes?.points)) {
        const p = a.attributes!.points as number[];
        const pts: number[][] = [];
        for (let i = 0; i + 1 < p.length; i += 2) pts.push([p[i], p[i + 1]]);
        shapes.push({ ...base, points: pts, group_id: null, shape_type: ls });
      } else if (isRle(a.segmentation)) {
        const crop = rleToCrop(segmentationRle(a.segmentation, img.height, img.width));
        if (!crop) { log.dropped('mask-empty', 'The mask is empty.', at); continue; }
        const png = encodeIndexedPng({ width: crop.width, height: crop.height, data: crop.data.map((v) => (v ? 255 : 0)) });
        shapes.push({ ...base, mask: toBase64(png), points: [[crop.left, crop.top], [crop.left + crop.width - 1, crop.top + crop.height - 1]], group_id: null, shape_type: 'mask' });
      } else if (polys.length) {
        const gid = polys.length > 1 ? ++group : null;
        for (const p of polys) {
          const pts: number[][] = [];
          for (let i = 0; i + 1 < p.length; i += 2) pts.push([p[i], p[i + 1]]);
          shapes.push({ ...base, points: pts, group_id: gid, shape_type: 'polygon' });
        }
      } else {
        const [x, y, w, h] = a.bbox;
        shapes.push({ ...base, points: [[x, y], [x + w, y + h]], group_id: null, shape_type: 'rectangle' });
      }
      log.countWritten(label);
    }
    const json: LabelmeFile & Record<string, unknown> = {
      version: '5.5.0',
      flags: (img.attributes as { flags?: Record<string, unknown> } | undefined)?.flags ?? {},
      shapes,
      imagePath: basename(target),
      imageData: null,
      imageHeight: img.height,
      imageWidth: img.width,
    };
    files.push({ path: joinPath(dirname(target), `${stem(target)}.json`), data: JSON.stringify(json, null, 2) + '\n' });
  }
  return { files, images };
}

export { isImagePath };
