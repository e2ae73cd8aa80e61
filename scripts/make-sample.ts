/**
 * Renders the bundled sample dataset (sample/): a few synthetic scenes drawn
 * with sharp, so every pixel is ours to redistribute, and a COCO file whose
 * masks match the drawn shapes: polygons, a compressed RLE, a crowd region as
 * uncompressed RLE, and a handful of deliberate defects for the demo and tests.
 *
 *   npx tsx scripts/make-sample.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { polygonsToRle, rleArea, rleDecode, rleEncode, rleToBbox, rleToString } from '../src/core/geometry';
import { formatCocoJson } from './formatCocoJson';

const OUT = path.join(__dirname, '..', 'sample');
const W = 320;
const H = 240;

type Shape =
  | { kind: 'rect'; cat: number; x: number; y: number; w: number; h: number }
  | { kind: 'circle'; cat: number; cx: number; cy: number; r: number }
  | { kind: 'triangle'; cat: number; pts: [number, number][] }
  | { kind: 'blob'; cat: number; cx: number; cy: number; r: number } // drawn, annotated as RLE
  | { kind: 'crowd'; cat: number; x: number; y: number; n: number }; // many small balls, one crowd RLE

const CATEGORIES = [
  { id: 1, name: 'box', supercategory: 'shape', color: '#d95f02' },
  { id: 2, name: 'ball', supercategory: 'shape', color: '#1b9e77' },
  { id: 3, name: 'cone', supercategory: 'shape', color: '#7570b3' },
  { id: 4, name: 'blob', supercategory: 'shape', color: '#e7298a' },
];

const SCENES: { file: string; background: string; shapes: Shape[] }[] = [
  { file: 'scene_001.png', background: '#dfe7ee', shapes: [
    { kind: 'rect', cat: 1, x: 30, y: 40, w: 90, h: 70 },
    { kind: 'circle', cat: 2, cx: 210, cy: 120, r: 45 },
    { kind: 'triangle', cat: 3, pts: [[140, 220], [190, 140], [240, 220]] },
  ] },
  { file: 'scene_002.png', background: '#f1ead8', shapes: [
    { kind: 'blob', cat: 4, cx: 100, cy: 120, r: 60 },
    { kind: 'circle', cat: 2, cx: 250, cy: 70, r: 30 },
  ] },
  { file: 'scene_003.png', background: '#e4eee0', shapes: [
    { kind: 'crowd', cat: 2, x: 20, y: 20, n: 12 },
    { kind: 'rect', cat: 1, x: 190, y: 110, w: 100, h: 100 },
  ] },
  { file: 'scene_004.png', background: '#ece4f0', shapes: [
    { kind: 'triangle', cat: 3, pts: [[20, 200], [80, 60], [140, 200]] },
    { kind: 'rect', cat: 1, x: 170, y: 30, w: 120, h: 60 },
    { kind: 'circle', cat: 2, cx: 240, cy: 170, r: 40 },
  ] },
];

function circlePolygon(cx: number, cy: number, r: number, n = 32): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    out.push(round2(cx + r * Math.cos(a)), round2(cy + r * Math.sin(a)));
  }
  return out;
}

function blobMask(cx: number, cy: number, r: number): Uint8Array {
  // A wobbly disc: not expressible as a clean polygon, so it is stored as RLE.
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const a = Math.atan2(y - cy, x - cx);
    const rr = r * (1 + 0.18 * Math.sin(5 * a) + 0.08 * Math.cos(3 * a));
    if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= rr) m[y * W + x] = 1;
  }
  return m;
}

function crowdBalls(x0: number, y0: number, n: number): { cx: number; cy: number; r: number }[] {
  const balls = [];
  for (let i = 0; i < n; i++) balls.push({ cx: x0 + 18 + (i % 4) * 32 + (i % 3) * 3, cy: y0 + 18 + Math.floor(i / 4) * 34, r: 12 });
  return balls;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const svgPoints = (flat: number[]) => flat.reduce<string[]>((acc, v, i) => (i % 2 ? (acc[acc.length - 1] += `,${v}`, acc) : [...acc, `${v}`]), []).join(' ');

async function main() {
  fs.mkdirSync(path.join(OUT, 'images'), { recursive: true });
  fs.mkdirSync(path.join(OUT, 'annotations'), { recursive: true });
  const images: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  let annId = 1;
  for (const [i, scene] of SCENES.entries()) {
    const imageId = i + 1;
    const svg: string[] = [];
    for (const s of scene.shapes) {
      const color = CATEGORIES.find((c) => c.id === s.cat)!.color;
      let segmentation: unknown;
      let rle;
      let iscrowd = 0;
      if (s.kind === 'rect') {
        svg.push(`<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" fill="${color}"/>`);
        segmentation = [[s.x, s.y, s.x + s.w, s.y, s.x + s.w, s.y + s.h, s.x, s.y + s.h]];
      } else if (s.kind === 'circle') {
        svg.push(`<circle cx="${s.cx}" cy="${s.cy}" r="${s.r}" fill="${color}"/>`);
        segmentation = [circlePolygon(s.cx, s.cy, s.r)];
      } else if (s.kind === 'triangle') {
        const flat = s.pts.flat();
        svg.push(`<polygon points="${svgPoints(flat)}" fill="${color}"/>`);
        segmentation = [flat];
      } else if (s.kind === 'blob') {
        const mask = blobMask(s.cx, s.cy, s.r);
        rle = rleEncode(mask, H, W);
        segmentation = { size: [H, W], counts: rleToString(rle.counts as number[]) };
        // Drawn from the very mask, pixel for pixel.
        const rgba = Buffer.alloc(W * H * 4);
        const [r, g, b] = [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16));
        for (let p = 0; p < W * H; p++) if (mask[p]) { rgba[p * 4] = r; rgba[p * 4 + 1] = g; rgba[p * 4 + 2] = b; rgba[p * 4 + 3] = 255; }
        svg.push(`<image href="data:image/png;base64,${(await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer()).toString('base64')}" x="0" y="0" width="${W}" height="${H}"/>`);
      } else {
        const balls = crowdBalls(s.x, s.y, s.n);
        const polys = balls.map((b) => circlePolygon(b.cx, b.cy, b.r, 16));
        for (const b of balls) svg.push(`<circle cx="${b.cx}" cy="${b.cy}" r="${b.r}" fill="${color}"/>`);
        rle = polygonsToRle(polys, H, W);
        const counts = rleEncode(rleDecode(rle), H, W).counts;
        segmentation = { size: [H, W], counts };
        iscrowd = 1;
      }
      const r = rle ?? polygonsToRle(segmentation as number[][], H, W);
      annotations.push({
        id: annId++,
        image_id: imageId,
        category_id: s.cat,
        segmentation,
        area: rleArea(r),
        bbox: rleToBbox(r).map(round2),
        iscrowd,
      });
    }
    const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="${scene.background}"/>${svg.join('')}</svg>`;
    await sharp(Buffer.from(body)).png().toFile(path.join(OUT, 'images', scene.file));
    images.push({ id: imageId, file_name: scene.file, width: W, height: H, license: 1 });
  }

  // Deliberate defects, each one a rule's example (see sample/README.md).
  images.push({ id: 5, file_name: 'scene_005_missing.png', width: W, height: H, license: 1 }); // coco/image-file-missing
  annotations.push({ id: annId++, image_id: 42, category_id: 1, segmentation: [[10, 10, 40, 10, 40, 40, 10, 40]], area: 900, bbox: [10, 10, 30, 30], iscrowd: 0 }); // coco/annotation-unknown-image
  annotations.push({ id: annId++, image_id: 4, category_id: 7, segmentation: [[150, 100, 170, 100, 170, 120, 150, 120]], area: 400, bbox: [150, 100, 20, 20], iscrowd: 0 }); // coco/annotation-unknown-category
  annotations.push({ id: 3, image_id: 4, category_id: 2, segmentation: [circlePolygon(60, 60, 10, 12)], area: 300, bbox: [50, 50, 20, 20], iscrowd: 0 }); // coco/duplicate-id (twin of annotation 3)
  annotations.push({ id: annId, image_id: 1, category_id: 1, segmentation: [[290, 200, 340, 200, 340, 250, 290, 250]], area: 2500, bbox: [290, 200, 50, 50], iscrowd: 0 }); // box leaves the 320×240 image

  const coco = {
    info: { description: 'Labelscope sample dataset (synthetic scenes rendered by scripts/make-sample.ts)', version: '1.0', year: 2026, contributor: 'Labelscope', date_created: '2026-11-22' },
    licenses: [{ id: 1, name: 'CC0 1.0', url: 'https://creativecommons.org/publicdomain/zero/1.0/' }],
    images,
    annotations,
    categories: CATEGORIES.map(({ color: _c, ...c }) => c),
  };
  fs.writeFileSync(path.join(OUT, 'annotations', 'instances_sample.json'), formatCocoJson(coco));
  console.log(`sample: ${images.length} images, ${annotations.length} annotations -> ${path.relative(process.cwd(), OUT)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
