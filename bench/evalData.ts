/**
 * The evaluation benchmark pair: a COCO-val-like ground truth (5,000 images, ~36k labels over
 * 80 categories, polygons) and detections at ~100 per image, as a bbox results list and as a
 * segm results list (compressed RLE + bbox, like mmdetection's output). Seeded, so pycocotools
 * (scripts/oracle/bench-pycocotools.py) and Labelscope time the very same files.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { polygonsToRle, rleFromBbox, rleToBbox, rleArea, rleToString, type Rle } from '../src/core/geometry';
import { CATEGORY_IDS, DATA_DIR, annotationPolygons, prng } from './generate';

export const EVAL_DATA_VERSION = 2;

export interface EvalBenchFiles { gt: string; bbox: string; segm: string; images: number; labels: number; detections: number }

const r2 = (x: number) => Math.round(x * 100) / 100;

export function evalBenchFiles(images = Number(process.env.LABELSCOPE_BENCH_EVAL_IMAGES ?? 5000)): EvalBenchFiles {
  const dir = join(DATA_DIR, `eval-v${EVAL_DATA_VERSION}-${images}`);
  const files = { gt: join(dir, 'gt.json'), bbox: join(dir, 'dt-bbox.json'), segm: join(dir, 'dt-segm.json') };
  const stamp = join(dir, 'stamp.json');
  if (existsSync(stamp)) return { ...files, ...JSON.parse(readFileSync(stamp, 'utf8')) };
  mkdirSync(dir, { recursive: true });
  const rand = prng(12012);
  const W = 640, H = 480;
  const cats = CATEGORY_IDS.slice(0, 80);
  const imgs: object[] = [];
  const anns: object[] = [];
  const bboxDets: object[] = [];
  const segmDets: object[] = [];
  let annId = 1;
  const pushDet = (imageId: number, categoryId: number, rle: Rle, score: number) => {
    const b = rleToBbox(rle);
    bboxDets.push({ image_id: imageId, category_id: categoryId, bbox: b, score });
    segmDets.push({ image_id: imageId, category_id: categoryId, segmentation: { size: rle.size, counts: rleToString(rle.counts as number[]) }, bbox: b, score });
  };
  for (let i = 1; i <= images; i++) {
    imgs.push({ id: i, width: W, height: H, file_name: `${String(i).padStart(12, '0')}.jpg` });
    const n = Math.floor(rand() * rand() * 28); // mean ~7, long tail (COCO val: 7.3)
    let dets = 0;
    for (let j = 0; j < n + 2 * Math.floor(rand() * 1.2); j++) {
      const cat = cats[Math.floor(Math.pow(rand(), 2) * cats.length)];
      const polys = annotationPolygons(rand, W, H);
      const rle = polygonsToRle(polys, H, W);
      const area = rleArea(rle);
      if (area === 0) continue;
      const crowd = rand() < 0.01 ? 1 : 0;
      anns.push({ id: annId++, image_id: i, category_id: cat, segmentation: polys, area, bbox: rleToBbox(rle), iscrowd: crowd });
      // A detector's guesses at this object: a good one most of the time, sometimes a second or the wrong class.
      for (let k = 0; k < (rand() < 0.8 ? 1 : 2) && dets < 100; k++, dets++) {
        const s = 0.04 + 0.12 * rand();
        const moved = polys.map((p) => p.map((v, q) => r2(Math.max(0, Math.min((q % 2 ? H : W) - 0.01, v + (rand() - 0.5) * s * 100)))));
        const drle = polygonsToRle(moved, H, W);
        if (rleArea(drle) === 0) continue;
        pushDet(i, rand() < 0.92 ? cat : cats[Math.floor(rand() * cats.length)], drle, Math.round(rand() * 1000) / 1000);
      }
    }
    // Low-score filler up to ~100 per image, as detectors emit with a 0.05 threshold.
    for (; dets < 100; dets++) {
      const w = 4 + Math.exp(rand() * Math.log(200)), h = 4 + Math.exp(rand() * Math.log(200));
      const x = rand() * (W - w), y = rand() * (H - h);
      pushDet(i, cats[Math.floor(rand() * cats.length)], rleFromBbox([Math.floor(x), Math.floor(y), Math.ceil(w), Math.ceil(h)], H, W), Math.round(rand() * rand() * 300) / 1000);
    }
  }
  const gt = { info: { description: `labelscope eval bench v${EVAL_DATA_VERSION}` }, images: imgs, annotations: anns, categories: cats.map((id) => ({ id, name: `c${id}`, supercategory: 'x' })) };
  writeFileSync(files.gt, JSON.stringify(gt));
  writeFileSync(files.bbox, JSON.stringify(bboxDets));
  writeFileSync(files.segm, JSON.stringify(segmDets));
  const meta = { images, labels: anns.length, detections: bboxDets.length };
  writeFileSync(stamp, JSON.stringify(meta));
  return { ...files, ...meta };
}
