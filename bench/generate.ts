/**
 * A deterministic COCO train2017-scale file: 118,287 images, ~860k annotations,
 * 80 categories with COCO's ids (1..90 with gaps), polygons of 6–50 vertices
 * printed with 2 decimals, ~1% crowd annotations with uncompressed RLE, all on
 * one line like the real instances_train2017.json (~450 MB at scale 1).
 *
 *   LABELSCOPE_BENCH_SCALE=0.05 npx tsx bench/generate.ts
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../src/core/seededRandom';

export const GENERATOR_VERSION = 6;
export const DATA_DIR = join(__dirname, '.data');

export interface GenParams { scale: number; seed: number; version: number }

/** The seeded generator the files are made with (mulberry32, shared with src/core). */
export const prng = mulberry32;

const MISSING = new Set([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
export const CATEGORY_IDS: number[] = [];
for (let id = 1; id <= 90; id++) if (!MISSING.has(id)) CATEGORY_IDS.push(id);

/** Python-like float text with at most 2 decimals: 222.0, 239.97. */
function f2(x: number): string {
  const v = Math.round(x * 100) / 100;
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
const r2 = (x: number) => Math.round(x * 100) / 100;

export interface GenAnnotation { polygons: number[][]; h: number; w: number }

/** One polygon part: a star-shaped ring around (cx, cy), clamped to the image. */
export function polygon(rand: () => number, cx: number, cy: number, r: number, w: number, h: number): number[] {
  const n = 6 + Math.floor(Math.pow(rand(), 2.75) * 45); // 6..50, more small ones
  const pts: number[] = [];
  const a0 = rand() * Math.PI * 2;
  for (let k = 0; k < n; k++) {
    const a = a0 + (k / n) * Math.PI * 2;
    const rr = r * (0.55 + 0.45 * rand());
    pts.push(r2(Math.min(w - 0.01, Math.max(0, cx + Math.cos(a) * rr))), r2(Math.min(h - 0.01, Math.max(0, cy + Math.sin(a) * rr))));
  }
  return pts;
}

/** Polygons of one annotation (1–3 parts). */
export function annotationPolygons(rand: () => number, w: number, h: number): number[][] {
  const maxR = Math.min(w, h) / 2;
  const r = 3 + Math.exp(rand() * Math.log(maxR / 3)) ; // log-uniform 3..maxR
  const cx = r + rand() * Math.max(1, w - 2 * r);
  const cy = r + rand() * Math.max(1, h - 2 * r);
  const parts = rand() < 0.12 ? (rand() < 0.5 ? 2 : 3) : 1;
  const out: number[][] = [];
  for (let p = 0; p < parts; p++) {
    // Extra parts sit beside the main one, not on it, like the visible pieces of an
    // occluded object in COCO: their areas add up, as pycocotools' union does.
    const angle = rand() * Math.PI * 2;
    const dx = p === 0 ? 0 : Math.cos(angle) * r * 1.5;
    const dy = p === 0 ? 0 : Math.sin(angle) * r * 1.5;
    out.push(polygon(rand, cx + dx, cy + dy, p === 0 ? r : r * 0.4, w, h));
  }
  return out;
}

function shoelace(pts: number[]): number {
  let s = 0;
  const n = pts.length / 2;
  for (let k = 0; k < n; k++) {
    const j = (k + 1) % n;
    s += pts[2 * k] * pts[2 * j + 1] - pts[2 * j] * pts[2 * k + 1];
  }
  return Math.abs(s) / 2;
}

function polygonAnnotation(rand: () => number, id: number, imageId: number, w: number, h: number, cat: number): string {
  const polys = annotationPolygons(rand, w, h);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, area = 0;
  const segs: string[] = [];
  for (const p of polys) {
    for (let k = 0; k < p.length; k += 2) {
      if (p[k] < minX) minX = p[k]; if (p[k] > maxX) maxX = p[k];
      if (p[k + 1] < minY) minY = p[k + 1]; if (p[k + 1] > maxY) maxY = p[k + 1];
    }
    area += shoelace(p);
    segs.push(`[${p.map(f2).join(', ')}]`);
  }
  return `{"segmentation": [${segs.join(', ')}], "area": ${area}, "iscrowd": 0, "image_id": ${imageId}, "bbox": [${f2(minX)}, ${f2(minY)}, ${f2(maxX - minX)}, ${f2(maxY - minY)}], "category_id": ${cat}, "id": ${id}}`;
}

/** Uncompressed RLE (column-major, starting with background) of a blob; counts sum to h*w. */
function crowdAnnotation(rand: () => number, id: number, imageId: number, w: number, h: number, cat: number): string {
  const bw = Math.max(2, Math.floor(w * (0.1 + 0.5 * rand())));
  const bh = Math.max(2, Math.floor(h * (0.1 + 0.5 * rand())));
  const x0 = Math.floor(rand() * (w - bw));
  const y0 = Math.floor(rand() * (h - bh));
  const counts: number[] = [];
  let pos = 0, area = 0, minY = h, maxY = 0;
  for (let x = x0; x < x0 + bw; x++) {
    const top = y0 + Math.floor(rand() * bh * 0.2);
    const bottom = Math.max(top + 1, y0 + bh - Math.floor(rand() * bh * 0.2));
    const fgStart = x * h + top;
    counts.push(fgStart - pos, bottom - top);
    pos = x * h + bottom;
    area += bottom - top;
    if (top < minY) minY = top;
    if (bottom > maxY) maxY = bottom;
  }
  counts.push(h * w - pos);
  return `{"segmentation": {"counts": [${counts.join(', ')}], "size": [${h}, ${w}]}, "area": ${area}, "iscrowd": 1, "image_id": ${imageId}, "bbox": [${x0}.0, ${minY}.0, ${bw}.0, ${maxY - minY}.0], "category_id": ${cat}, "id": ${id}}`;
}

export function dataFile(scale: number): string {
  return join(DATA_DIR, scale === 1 ? 'train2017-like.json' : `train2017-like-x${scale}.json`);
}

/** Generates (or reuses, when its stamp matches) the file; returns its path. */
export async function generate(scale: number, seed = 2017, log: (s: string) => void = () => {}): Promise<string> {
  const file = dataFile(scale);
  const params: GenParams = { scale, seed, version: GENERATOR_VERSION };
  const stampFile = `${file}.stamp.json`;
  if (existsSync(file) && existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (JSON.stringify(stamp.params) === JSON.stringify(params) && stamp.bytes === statSync(file).size) {
        log(`reusing ${file} (${(stamp.bytes / 1e6).toFixed(0)} MB)`);
        return file;
      }
    } catch { /* regenerate */ }
  }
  mkdirSync(dirname(file), { recursive: true });
  const t0 = Date.now();
  const rand = prng(seed);
  const nImages = Math.max(1, Math.round(118287 * scale));
  const nAnns = Math.max(1, Math.round(860001 * scale));
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await new Promise<void>((res) => out.once('drain', () => res()));
  };
  await write('{"info": {"description": "Labelscope train2017-like benchmark", "url": "http://cocodataset.org", "version": "1.0", "year": 2017, "contributor": "Labelscope bench", "date_created": "2017/09/01"}, "licenses": [');
  const licenses: string[] = [];
  for (let k = 1; k <= 8; k++) licenses.push(`{"url": "http://creativecommons.org/licenses/by/2.0/#${k}", "id": ${k}, "name": "License ${k}"}`);
  await write(licenses.join(', ') + '], "images": [');
  const ids = new Int32Array(nImages), ws = new Int32Array(nImages), hs = new Int32Array(nImages);
  let id = 0;
  let chunk: string[] = [];
  for (let k = 0; k < nImages; k++) {
    id += 1 + Math.floor(rand() * 9);
    const landscape = rand() < 0.75;
    const long = rand() < 0.85 ? 640 : 480 + Math.floor(rand() * 160);
    const short = 300 + Math.floor(rand() * 181);
    const w = landscape ? long : short, h = landscape ? short : long;
    ids[k] = id; ws[k] = w; hs[k] = h;
    const name = String(id).padStart(12, '0');
    chunk.push(`{"license": ${1 + Math.floor(rand() * 8)}, "file_name": "${name}.jpg", "coco_url": "http://images.cocodataset.org/train2017/${name}.jpg", "height": ${h}, "width": ${w}, "date_captured": "2013-11-14 ${String(10 + Math.floor(rand() * 12)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}", "flickr_url": "http://farm${1 + Math.floor(rand() * 9)}.staticflickr.com/${Math.floor(rand() * 9000)}/${Math.floor(rand() * 1e10)}_z.jpg", "id": ${id}}`);
    if (chunk.length >= 2000) { await write((k + 1 > chunk.length ? ', ' : '') + chunk.join(', ')); chunk = []; }
  }
  if (chunk.length) await write((nImages > chunk.length ? ', ' : '') + chunk.join(', '));
  chunk = [];
  await write('], "annotations": [');
  let annId = 0;
  let written = 0;
  for (let k = 0; k < nAnns; k++) {
    const im = Math.floor(rand() * nImages);
    const cat = CATEGORY_IDS[Math.floor(Math.pow(rand(), 2) * CATEGORY_IDS.length)];
    annId += 1 + Math.floor(rand() * 3);
    const crowd = rand() < 0.01;
    chunk.push(crowd
      ? crowdAnnotation(rand, 900100000000 + annId, ids[im], ws[im], hs[im], cat)
      : polygonAnnotation(rand, annId, ids[im], ws[im], hs[im], cat));
    if (chunk.length >= 2000) { await write((written > 0 ? ', ' : '') + chunk.join(', ')); written += chunk.length; chunk = []; }
  }
  if (chunk.length) await write((written > 0 ? ', ' : '') + chunk.join(', '));
  await write('], "categories": [');
  await write(CATEGORY_IDS.map((c) => `{"supercategory": "super${Math.floor((c - 1) / 10)}", "id": ${c}, "name": "category_${c}"}`).join(', '));
  await write(']}');
  await new Promise<void>((res, rej) => { out.end(() => res()); out.once('error', rej); });
  writeFileSync(stampFile, JSON.stringify({ params, bytes, images: nImages, annotations: nAnns }));
  log(`generated ${file}: ${(bytes / 1e6).toFixed(0)} MB, ${nImages} images, ${nAnns} annotations in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

export function benchScale(): number {
  const s = Number(process.env.LABELSCOPE_BENCH_SCALE ?? '1');
  return Number.isFinite(s) && s > 0 ? s : 1;
}

if (require.main === module) {
  generate(benchScale(), 2017, console.log).catch((e) => { console.error(e); process.exit(1); });
}
