/**
 * The YOLO writer's RLE tracing (shapes.rleToPolygons) against the way it was built before:
 * d3-contour over a crop of the decoded mask, then the traced polygons rasterized over the whole
 * image to find filled holes. Same polygons, same hole verdict, same IoU, on random RLEs of every
 * kind (column runs like CVAT's exports, noise, blobs with holes, runs that wrap a column).
 */
import { strict as assert } from 'node:assert';
import { traceMask } from '../../../../src/core/geometry/contours';
import { polygonsToRle } from '../../../../src/core/geometry/polygon';
import { countsArea, countsIou, rleCounts, rleDecode, rleEncode, type Rle } from '../../../../src/core/geometry/rle';
import { rleToPolygons, traceSegmentation } from '../../../../src/core/convert/shapes';
import { maskToPolygonsD3 } from '../geometry/d3Contours';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rleToPolygons as it was: decode into the box's crop, pad, trace with d3, rasterize the whole image. */
function rleToPolygonsBefore(rle: Rle): { polygons: number[][]; holesFilled: boolean; iou: number } {
  const [h, w] = rle.size;
  const full = rleDecode(rle);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (full[y * w + x]) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  if (x1 < 0) return { polygons: [], holesFilled: false, iou: 0 };
  const cw = x1 - x0 + 3, ch = y1 - y0 + 3;
  const padded = new Uint8Array(cw * ch);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) padded[(y - y0 + 1) * cw + (x - x0 + 1)] = full[y * w + x];
  const polygons = maskToPolygonsD3(padded, ch, cw, { holes: 'fill' }).map((p) => p.map((v, i) => v + (i & 1 ? y0 - 1 : x0 - 1)));
  if (polygons.length === 0) return { polygons, holesFilled: false, iou: 0 };
  const traced = polygonsToRle(polygons, h, w);
  const a = rleCounts(rle);
  const iou = countsIou(traced.counts as number[], a);
  return { polygons, holesFilled: countsArea(traced.counts as number[]) > countsArea(a) + 0.5 && iou < 1, iou };
}

function randomMask(rand: () => number, h: number, w: number, kind: number): Uint8Array {
  const m = new Uint8Array(h * w);
  if (kind === 0) {
    // one run per column, jittered ends (the bench's and CVAT's crowd masks), inside a box
    const bx = Math.floor(rand() * w / 2), bw = 1 + Math.floor(rand() * (w - bx));
    for (let x = bx; x < bx + bw; x++) {
      const top = Math.floor(rand() * h * 0.4), bottom = Math.max(top + 1, h - Math.floor(rand() * h * 0.4));
      for (let y = top; y < bottom; y++) m[y * w + x] = 1;
    }
  } else if (kind === 1) {
    const p = rand();
    for (let i = 0; i < m.length; i++) m[i] = rand() < p ? 1 : 0;
  } else {
    for (let k = 0; k < 3; k++) {
      const cx = rand() * w, cy = rand() * h, rx = 1 + rand() * w / 2, ry = 1 + rand() * h / 2, hole = rand() < 0.6 ? 0.2 + rand() * 0.5 : 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const d = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2;
        if (d < 1) m[y * w + x] = d < hole * hole ? 0 : 1;
      }
    }
  }
  return m;
}

describe('convert: tracing RLE masks', () => {
  it('rleToPolygons gives what it gave before (d3 + a full raster): polygons, holes verdict and IoU', () => {
    const rand = mulberry32(7);
    let withHoles = 0;
    for (let k = 0; k < 600; k++) {
      const h = 1 + Math.floor(rand() * 70), w = 1 + Math.floor(rand() * 70);
      const rle = rleEncode(randomMask(rand, h, w, k % 3), h, w);
      const before = rleToPolygonsBefore(rle);
      const now = rleToPolygons(rle);
      assert.deepEqual(now.polygons, before.polygons, `mask ${k}`);
      assert.equal(now.holesFilled, before.holesFilled, `mask ${k}: holes`);
      assert.equal(now.iou, before.iou, `mask ${k}: IoU`);
      if (now.holesFilled) withHoles++;
    }
    assert.ok(withHoles > 50, `holes were exercised (${withHoles})`);
  });

  it('a run that wraps from one column into the next, and a mask touching every border', () => {
    const h = 5, w = 4;
    const wrap: Rle = { size: [h, w], counts: [3, 4, 13] }; // rows 3-4 of column 0, rows 0-1 of column 1
    assert.deepEqual(rleToPolygons(wrap), rleToPolygonsBefore(wrap));
    const full: Rle = { size: [h, w], counts: [0, h * w] };
    assert.deepEqual(rleToPolygons(full), rleToPolygonsBefore(full));
    assert.deepEqual(traceSegmentation({ size: [h, w], counts: [h * w] }, h, w), { polygons: [], holesFilled: false, iou: 0 });
  });

  it('without holes the traced polygons rasterize (pycocotools) back to exactly the mask; with holes, to more', () => {
    const rand = mulberry32(21);
    let plain = 0, holed = 0;
    for (let k = 0; k < 1500; k++) {
      const h = 1 + Math.floor(rand() * (k % 50 === 0 ? 300 : 40)), w = 1 + Math.floor(rand() * (k % 50 === 0 ? 300 : 40));
      const m = randomMask(rand, h, w, k % 3);
      const { polygons, holes } = traceMask(m, h, w);
      if (polygons.length === 0) continue;
      const back = rleDecode(polygonsToRle(polygons, h, w));
      if (holes === 0) {
        plain++;
        assert.deepEqual(back, m, `mask ${k} (${h}×${w}, kind ${k % 3})`);
      } else {
        holed++;
        let extra = 0;
        for (let i = 0; i < m.length; i++) {
          assert.ok(back[i] >= m[i], `mask ${k}: a pixel was lost`);
          extra += back[i] - m[i];
        }
        assert.ok(extra > 0, `mask ${k}: a filled hole adds pixels`);
      }
    }
    assert.ok(plain > 300 && holed > 100, `both kinds exercised (${plain}, ${holed})`);
  });
});
