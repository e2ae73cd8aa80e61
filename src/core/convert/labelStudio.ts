// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- every room that imports this file needs these packages' typings (node10 resolution ignores "exports")
/// <reference path="./modules.d.ts" />
/**
 * Label Studio JSON export ↔ the hub: tasks with `data.image` and `annotations[].result[]`;
 * rectanglelabels / polygonlabels / keypointlabels in percent of original_width/height
 * (rectangles rotate `rotation` degrees clockwise about their top-left corner), brushlabels as
 * Label Studio's RLE: the @thi.ng/rle-pack bitstream of the flattened RGBA image, alpha = mask
 * (not COCO RLE). The first annotation of a task is read (later ones are other annotators').
 */
import { decodeBinary, encodeBinary } from '@thi.ng/rle-pack/binary';
import { rleDecode, rleEncode, type Rle } from '../geometry/rle';
import { ConvertLog, DatasetBuilder, type CocoAnnotation, type CocoDataset, type Segmentation, type SourceTree, type WriteResult, basename, categoryNames, isRle, round, usablePolygons } from './model';
import { segmentationRle } from './shapes';

interface LsResult {
  id?: string;
  type?: string;
  original_width?: number;
  original_height?: number;
  value?: Record<string, unknown>;
}
interface LsTask {
  id?: number;
  data?: Record<string, unknown>;
  annotations?: { result?: LsResult[] }[];
  predictions?: { result?: LsResult[] }[];
}

/** Label Studio brush RLE → full-image RLE (alpha channel of the decoded RGBA). */
export function brushToRle(rle: number[], h: number, w: number): Rle {
  const rgba = decodeBinary(Uint8Array.from(rle));
  const mask = new Uint8Array(h * w);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4 + 3] > 0 ? 1 : 0;
  return rleEncode(mask, h, w);
}

/** Full-image RLE → Label Studio brush RLE (every channel 255 on the mask, as its converter writes). */
export function rleToBrush(rle: Rle): number[] {
  const [h, w] = rle.size;
  const mask = rleDecode(rle);
  const rgba = new Uint8Array(h * w * 4);
  for (let i = 0; i < mask.length; i++) if (mask[i]) rgba.fill(255, i * 4, i * 4 + 4);
  return Array.from(encodeBinary(rgba, rgba.length, 8));
}

function imageName(data: Record<string, unknown> | undefined): string {
  const v = data ? (data.image ?? Object.values(data).find((x) => typeof x === 'string')) : undefined;
  if (typeof v !== 'string') return '';
  // /data/local-files/?d=folder/x.jpg and /data/upload/3/abcd1234-x.jpg both end in the file
  const d = /[?&]d=([^&]+)/.exec(v);
  return d ? decodeURIComponent(d[1]) : v;
}

export function readLabelStudio(tree: SourceTree, log: ConvertLog): CocoDataset {
  const b = new DatasetBuilder();
  for (const file of tree.list().filter((p) => p.toLowerCase().endsWith('.json'))) {
    let tasks: unknown;
    try {
      tasks = tree.jsonValue ? tree.jsonValue(file) : JSON.parse(tree.text(file));
    } catch (e) {
      // jsonValue's message names the file, line and column; JSON.parse's gives the position
      const why = (e as Error).message;
      log.dropped('file-invalid', why.startsWith(`${file}:`) ? `${why}.` : `${file} is not valid JSON (${why}).`, { file });
      continue;
    }
    if (!Array.isArray(tasks)) tasks = [tasks];
    for (const task of tasks as LsTask[]) {
      const anns = task.annotations?.length ? task.annotations : task.predictions ?? [];
      if ((task.annotations?.length ?? 0) > 1) log.note('ls-extra-annotations', 'A task has several annotations (annotators); the first was read.', { file });
      const results = anns[0]?.result ?? [];
      const first = results.find((r) => r.original_width && r.original_height);
      const W = first?.original_width ?? 0, H = first?.original_height ?? 0;
      const img = b.image(imageName(task.data), W, H);
      for (const r of results) {
        const v = r.value ?? {};
        const labels = (v[r.type ?? ''] ?? v.rectanglelabels ?? v.polygonlabels ?? v.brushlabels ?? v.keypointlabels ?? v.labels) as string[] | undefined;
        const label = Array.isArray(labels) ? labels[0] : undefined;
        const at = { file, imageId: img.id, category: label };
        if (!label) { if (r.type !== 'choices' && r.type !== 'textarea') log.dropped('ls-unlabelled', `A ${r.type} result without a label was skipped.`, at); else log.lostField(`ls-${r.type}`, `Label Studio ${r.type} results (task-level) have no COCO object.`, at); continue; }
        const rw = r.original_width ?? W, rh = r.original_height ?? H;
        const X = (p: number) => round((p / 100) * rw, 4), Y = (p: number) => round((p / 100) * rh, 4);
        let seg: Segmentation | undefined;
        let bbox: [number, number, number, number] | undefined;
        if (r.type === 'rectanglelabels') {
          const x = Number(v.x), y = Number(v.y), w = Number(v.width), h = Number(v.height), rot = Number(v.rotation ?? 0);
          if (rot) {
            const t = (rot * Math.PI) / 180, c = Math.cos(t), s = Math.sin(t);
            const x0 = X(x), y0 = Y(y), pw = (w / 100) * rw, ph = (h / 100) * rh;
            seg = [[[0, 0], [pw, 0], [pw, ph], [0, ph]].flatMap(([dx, dy]) => [round(x0 + dx * c - dy * s, 4), round(y0 + dx * s + dy * c, 4)])];
            log.changed('rotated-box-as-polygon', 'A rotated rectangle became its polygon (COCO boxes are axis-aligned).', at);
          } else bbox = [X(x), Y(y), round((w / 100) * rw, 4), round((h / 100) * rh, 4)];
        } else if (r.type === 'polygonlabels') {
          const p = (v.points as number[][] | undefined) ?? [];
          if (p.length < 3) { log.dropped('shape-invalid', 'A polygon with fewer than 3 points was skipped.', at); continue; }
          seg = [p.flatMap(([px, py]) => [X(px), Y(py)])];
        } else if (r.type === 'brushlabels') {
          if (v.format !== 'rle' || !Array.isArray(v.rle)) { log.dropped('shape-invalid', 'A brush result without an RLE was skipped.', at); continue; }
          try { seg = brushToRle(v.rle as number[], rh, rw); } catch (e) { log.dropped('shape-invalid', `A brush RLE could not be decoded (${(e as Error).message}).`, at); continue; }
        } else if (r.type === 'keypointlabels') {
          const kx = X(Number(v.x)), ky = Y(Number(v.y));
          b.annotation(img, label, { bbox: [kx, ky, 0, 0], keypoints: [kx, ky, 2] }, { attributes: { labelstudio_shape: 'keypoint' } });
          log.changed('no-area-shape', 'A Label Studio keypoint has no area: it became an object with one keypoint.', at);
          continue;
        } else {
          log.dropped(`ls-${r.type}`, `Label Studio ${r.type} results are not converted.`, at);
          continue;
        }
        b.annotation(img, label, { ...(seg ? { segmentation: seg } : {}), ...(bbox ? { bbox } : {}) });
      }
    }
  }
  return b.dataset;
}

export function writeLabelStudio(ds: CocoDataset, log: ConvertLog): WriteResult {
  const names = categoryNames(ds);
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of ds.annotations) { const l = byImage.get(a.image_id) ?? []; l.push(a); byImage.set(a.image_id, l); }
  let rid = 0;
  const tasks = ds.images.map((img, i) => {
    const W = img.width, H = img.height;
    const px = (x: number) => (x / W) * 100, py = (y: number) => (y / H) * 100;
    const result: LsResult[] = [];
    const base = () => ({ id: `r${++rid}`, from_name: 'label', to_name: 'image', original_width: W, original_height: H, image_rotation: 0 });
    for (const a of byImage.get(img.id) ?? []) {
      const label = names.get(a.category_id) ?? String(a.category_id);
      const at = { imageId: img.id, annotationId: a.id, category: label, file: img.file_name };
      for (const k of Object.keys(a.attributes ?? {})) if (k !== 'labelstudio_shape') log.lostField(`attributes.${k}`, `Label Studio regions have no attributes: "${k}" was not written.`, at);
      if (a.iscrowd === 1) log.lostField('iscrowd', 'Label Studio has no crowd flag.', at);
      const polys = usablePolygons(a.segmentation);
      if (a.attributes?.labelstudio_shape === 'keypoint' && a.keypoints) {
        result.push({ ...base(), type: 'keypointlabels', value: { x: px(a.keypoints[0]), y: py(a.keypoints[1]), width: 0.5, keypointlabels: [label] } });
      } else if (isRle(a.segmentation) || polys.length > 1) {
        // several parts: one brush mask keeps the object whole (Label Studio polygons are one ring)
        if (polys.length > 1) log.changed('multipart-as-brush', 'A multi-part polygon became one brush mask (Label Studio polygons have one ring).', at);
        result.push({ ...base(), type: 'brushlabels', value: { format: 'rle', rle: rleToBrush(segmentationRle(a.segmentation!, H, W)), brushlabels: [label] } });
      } else if (polys.length === 1) {
        const p = polys[0];
        const points: number[][] = [];
        for (let j = 0; j + 1 < p.length; j += 2) points.push([px(p[j]), py(p[j + 1])]);
        result.push({ ...base(), type: 'polygonlabels', value: { points, closed: true, polygonlabels: [label] } as Record<string, unknown> });
      } else {
        const [x, y, w, h] = a.bbox;
        result.push({ ...base(), type: 'rectanglelabels', value: { x: px(x), y: py(y), width: px(w), height: py(h), rotation: 0, rectanglelabels: [label] } });
      }
      if (a.keypoints?.some((v) => v > 0) && a.attributes?.labelstudio_shape !== 'keypoint') log.lostField('keypoints', 'Label Studio keypoints are regions of their own: an object\'s keypoints were not written.', at);
      log.countWritten(label);
    }
    return { id: i + 1, data: { image: img.file_name }, annotations: [{ id: i + 1, result }] };
  });
  return { files: [{ path: 'labelstudio.json', data: JSON.stringify(tasks) }], images: ds.images.map((i) => ({ imageId: i.id, fileName: i.file_name, target: `images/${basename(i.file_name)}` })) };
}
