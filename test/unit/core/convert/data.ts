/**
 * COCO datasets the convert tests make: shapes with known geometry (squares, a ring with a hole,
 * a two-part object, polygons crossing the image border, a CVAT-style crowd RLE for every mask,
 * keypoints, attributes), so every figure a test asserts can be worked out by hand.
 */
import { polygonsToRle, rleEncode, type Rle } from '../../../../src/core/geometry';
import { geometryOf, type CocoAnnotation, type CocoDataset } from '../../../../src/core/convert/model';

export function square(x: number, y: number, s: number): number[] {
  return [x, y, x + s, y, x + s, y + s, x, y + s];
}

/** A regular n-gon around (cx, cy). */
export function ngon(cx: number, cy: number, r: number, n = 12, phase = 0.3): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(+(cx + r * Math.cos(phase + (2 * Math.PI * i) / n)).toFixed(2), +(cy + r * Math.sin(phase + (2 * Math.PI * i) / n)).toFixed(2));
  return out;
}

function ann(ds: CocoDataset, imageId: number, categoryId: number, seg: CocoAnnotation['segmentation'], extra: Partial<CocoAnnotation> = {}): CocoAnnotation {
  const img = ds.images.find((i) => i.id === imageId)!;
  const g = geometryOf(seg!, img.height, img.width);
  const a: CocoAnnotation = { id: ds.annotations.length + 1, image_id: imageId, category_id: categoryId, bbox: g.bbox, area: g.area, iscrowd: 0, segmentation: seg, ...extra };
  ds.annotations.push(a);
  return a;
}

/** A ring (square with a square hole) as a row-major mask → uncompressed RLE. */
export function ringRle(h: number, w: number, x: number, y: number, s: number, hole: number): Rle {
  const m = new Uint8Array(h * w);
  const hx = x + (s - hole) / 2, hy = y + (s - hole) / 2;
  for (let r = y; r < y + s; r++) for (let c = x; c < x + s; c++) if (!(r >= hy && r < hy + hole && c >= hx && c < hx + hole)) m[r * w + c] = 1;
  return rleEncode(m, h, w);
}

/** Polygons, a two-part object, a polygon over the border, a crowd ring, keypoints, attributes. */
export function makeDataset(): CocoDataset {
  const ds: CocoDataset = {
    images: [
      { id: 1, file_name: 'a.jpg', width: 640, height: 480 },
      { id: 2, file_name: 'sub/b.png', width: 320, height: 240 },
      { id: 3, file_name: 'empty.jpg', width: 100, height: 100 },
    ],
    categories: [
      { id: 1, name: 'cat', supercategory: 'animal' },
      { id: 3, name: 'dog', supercategory: 'animal' },
      { id: 7, name: 'person', supercategory: 'person', keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2], [1, 3]] },
    ],
    annotations: [],
  };
  ann(ds, 1, 1, [ngon(200, 150, 60)], { attributes: { occluded: true } });
  ann(ds, 1, 3, [square(400, 300, 80), square(520, 320, 50)]); // two parts
  ann(ds, 1, 1, [[600, 400, 700, 420, 680, 520, 590, 470]]); // crosses right and bottom border
  ann(ds, 1, 7, [ngon(100, 380, 40, 8)], { keypoints: [100, 370, 2, 90, 360, 2, 110, 360, 1], num_keypoints: 3 });
  ann(ds, 2, 3, ringRle(240, 320, 40, 40, 100, 40), { iscrowd: 1 }); // crowd RLE with a hole
  ann(ds, 2, 1, [ngon(250, 120, 50, 16)]);
  ann(ds, 2, 1, [[-20, -10, 60, -5, 50, 40, -10, 30]]); // crosses top-left
  return ds;
}

/**
 * A CVAT/Datumaro-style COCO export: every mask is `iscrowd: 1` with uncompressed RLE
 * (the input Ultralytics' convert_coco turns into empty label files).
 */
export function makeCvatStyleExport(): CocoDataset {
  const ds: CocoDataset = {
    images: [{ id: 1, file_name: 'frame_000001.jpg', width: 200, height: 150 }, { id: 2, file_name: 'frame_000002.jpg', width: 200, height: 150 }],
    categories: [{ id: 1, name: 'car', supercategory: '' }, { id: 2, name: 'road', supercategory: '' }],
    annotations: [],
  };
  const mask = (poly: number[], h: number, w: number) => polygonsToRle([poly], h, w) as Rle;
  for (const [imageId, polys] of [[1, [ngon(50, 50, 30), square(120, 20, 40)]], [2, [ngon(100, 75, 60, 20), ngon(30, 120, 20, 6)]]] as [number, number[][]][]) {
    polys.forEach((p, i) => ann(ds, imageId, 1 + (i % 2), mask(p, 150, 200), { iscrowd: 1, attributes: { occluded: false } }));
  }
  ann(ds, 2, 2, ringRle(150, 200, 130, 20, 60, 20), { iscrowd: 1 });
  return ds;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}
