/**
 * Shape operations the writers share: clipping polygons to the image, joining multi-part
 * polygons into one (Ultralytics' merge_multi_segment), and turning masks into polygons with a
 * count of what that loses. Rasterizing and tracing come from core/geometry (pycocotools-exact).
 */
import { traceMask } from '../geometry/contours';
import { polygonsToRle } from '../geometry/polygon';
import { countsArea, countsIou, rleCounts, rleEncode, type Rle } from '../geometry/rle';
import { isRle, usablePolygons, type CocoAnnotation, type Segmentation } from './model';
import { clipToRect } from '../geometry/clip';

/**
 * Sutherland–Hodgman clip of one polygon (flat x,y) to [0,w]×[0,h]: the exact intersection,
 * not vertices clamped one by one (which moves edges that cross the border).
 */
export function clipPolygon(poly: ArrayLike<number>, w: number, h: number): number[] {
  const pts = clipToRect(poly, w, h);
  // snap values a hair outside (float error of the intersection) onto the border
  for (let i = 0; i < pts.length; i += 2) {
    pts[i] = Math.min(w, Math.max(0, pts[i]));
    pts[i + 1] = Math.min(h, Math.max(0, pts[i + 1]));
  }
  return pts;
}

/** True when any vertex lies outside [0,w]×[0,h]. */
export function polygonLeavesImage(poly: ArrayLike<number>, w: number, h: number): boolean {
  for (let i = 0; i + 1 < poly.length; i += 2) if (poly[i] < 0 || poly[i] > w || poly[i + 1] < 0 || poly[i + 1] > h) return true;
  return false;
}

/**
 * Ultralytics' merge_multi_segment: neighbouring parts are joined at their closest vertices by
 * a zero-width bridge, walked out on a forward pass and back on a return pass, so one polygon
 * covers every part (even-odd, the bridges cancel). Unlike Ultralytics, a middle part keeps its
 * orientation (Ultralytics reverses it and then indexes the flipped array with the unflipped
 * indices, which can cut a part short).
 */
export function mergeMultiSegment(parts: number[][]): number[] {
  if (parts.length === 1) return parts[0].slice();
  const last = parts.length - 1;
  const size = parts.map((p) => p.length >> 1); // vertices (a trailing odd number is ignored)
  // where each part is entered (from the part before it) and left (towards the part after it)
  const entry = new Int32Array(parts.length), exit = new Int32Array(parts.length);
  for (let i = 1; i <= last; i++) {
    const [a, b] = closestPair(parts[i - 1], size[i - 1], parts[i], size[i]);
    if (i === 1) entry[0] = a; else exit[i - 1] = a;
    entry[i] = b;
  }
  const out: number[] = [];
  // k-th vertex of part i walked from its entry (k = size: back at the entry)
  const push = (i: number, from: number, to: number) => {
    const p = parts[i], n = size[i];
    for (let k = from; k <= to; k++) { const j = (entry[i] + k) % n; out.push(p[2 * j], p[2 * j + 1]); }
  };
  const turn = new Int32Array(parts.length); // middle parts: the step where the forward pass leaves
  for (let i = 0; i <= last; i++) {
    if (i === 0 || i === last) { push(i, 0, size[i]); continue; }
    turn[i] = (exit[i] - entry[i] + size[i]) % size[i];
    push(i, 0, turn[i]);
  }
  for (let i = last - 1; i >= 1; i--) push(i, turn[i], size[i]);
  return out;
}

function closestPair(a: number[], na: number, b: number[], nb: number): [number, number] {
  let best = Infinity, bi = 0, bj = 0;
  for (let i = 0; i < na; i++) {
    const ax = a[2 * i], ay = a[2 * i + 1];
    for (let j = 0; j < nb; j++) {
      const dx = ax - b[2 * j], dy = ay - b[2 * j + 1];
      const d = dx * dx + dy * dy;
      if (d < best) { best = d; bi = i; bj = j; }
    }
  }
  return [bi, bj];
}

/** Full-image RLE of any segmentation (polygons rasterized pycocotools-exact). */
export function segmentationRle(seg: Segmentation, h: number, w: number): Rle {
  if (isRle(seg)) return { size: seg.size, counts: rleCounts(seg) };
  return polygonsToRle(usablePolygons(seg), h, w);
}

export interface TracedMask {
  polygons: number[][];
  /** Pixels the polygons cover that the mask does not (filled holes), and the other way round. */
  holesFilled: boolean;
  /** IoU of the traced polygons' raster with the mask. */
  iou: number;
}

/**
 * Masks traced elsewhere (worker threads, node/convert/tracePool), asked for in dataset order;
 * undefined for one not traced there, which the caller then traces itself (same result).
 */
export interface TracedMasks {
  get(annotation: CocoAnnotation): TracedMask | undefined;
}

/**
 * An RLE traced into polygons (outer boundaries, holes filled); says whether holes were lost.
 * Traced inside the mask's box plus a 1 px margin, not the whole image: marching squares costs
 * per pixel, and crowd regions are a fraction of the frame. Without a hole the polygons
 * rasterize back to exactly the mask (traceMask), so only a mask with holes is rasterized again
 * to measure what filling them added.
 */
export function rleToPolygons(rle: Rle): TracedMask {
  const [h, w] = rle.size;
  const counts = rleCounts(rle);
  const padded = rleToPaddedCrop(counts, h);
  if (!padded) return { polygons: [], holesFilled: false, iou: 0 };
  const { polygons: local, holes } = traceMask(padded.data, padded.height, padded.width, { holes: 'fill' });
  const dx = padded.left, dy = padded.top;
  const polygons = local.map((p) => { for (let i = 0; i < p.length; i += 2) { p[i] += dx; p[i + 1] += dy; } return p; });
  if (polygons.length === 0) return { polygons, holesFilled: false, iou: 0 };
  if (holes === 0) return { polygons, holesFilled: false, iou: 1 };
  const traced = polygonsToRle(polygons, h, w);
  const iou = countsIou(traced.counts as number[], counts);
  const holesFilled = countsArea(traced.counts as number[]) > countsArea(counts) + 0.5 && iou < 1;
  return { polygons, holesFilled, iou };
}

/**
 * The foreground of column-major RLE counts (image height h) as a row-major 0/1 crop of its box
 * with a 1 px empty margin all round; left/top are where the crop's (0, 0) lies in the image.
 * Walks the runs of ones only (cost ∝ mask area, not image area).
 */
function rleToPaddedCrop(counts: ArrayLike<number>, h: number): { left: number; top: number; width: number; height: number; data: Uint8Array } | undefined {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  let pos = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r];
    if (r & 1 && n > 0) {
      const xs = Math.floor(pos / h), xe = Math.floor((pos + n - 1) / h);
      if (xs < x0) x0 = xs;
      if (xe > x1) x1 = xe;
      if (xe > xs) { y0 = 0; y1 = Math.max(y1, h - 1); } // the run wraps a column: every row
      else { const ys = pos - xs * h; if (ys < y0) y0 = ys; if (ys + n - 1 > y1) y1 = ys + n - 1; }
    }
    pos += n;
  }
  if (x1 < 0) return undefined;
  const width = x1 - x0 + 3, height = y1 - y0 + 3;
  const data = new Uint8Array(width * height);
  pos = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r];
    if (r & 1) {
      // one column segment at a time: rows ys..ye of column x
      let left = n, p = pos;
      while (left > 0) {
        const x = Math.floor(p / h), ys = p - x * h;
        const take = Math.min(left, h - ys);
        let i = (ys - y0 + 1) * width + (x - x0 + 1);
        for (let k = 0; k < take; k++, i += width) data[i] = 1;
        p += take;
        left -= take;
      }
    }
    pos += n;
  }
  return { left: x0 - 1, top: y0 - 1, width, height, data };
}

/** The one tracing step of the YOLO writer (also what the tracing worker threads run). */
export function traceSegmentation(seg: Segmentation, height: number, width: number): TracedMask {
  return rleToPolygons(segmentationRle(seg, height, width));
}

/** A row-major crop (nonzero = in) placed at (x0, y0) of an h×w image, as an RLE. */
export function cropToRle(crop: ArrayLike<number>, cw: number, ch: number, x0: number, y0: number, h: number, w: number): Rle {
  const full = new Uint8Array(h * w);
  for (let y = 0; y < ch; y++) {
    const fy = y0 + y;
    if (fy < 0 || fy >= h) continue;
    for (let x = 0; x < cw; x++) {
      const fx = x0 + x;
      if (fx >= 0 && fx < w && crop[y * cw + x]) full[fy * w + fx] = 1;
    }
  }
  return rleEncode(full, h, w);
}

/**
 * The tight crop of an RLE's foreground: its box (left, top, width, height) and row-major 0/1
 * pixels. Walks the runs of ones only (cost ∝ mask area, not image area).
 */
export function rleToCrop(rle: Rle): { left: number; top: number; width: number; height: number; data: Uint8Array } | undefined {
  const [h] = rle.size;
  const counts = rleCounts(rle);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  let pos = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r];
    if (r & 1 && n > 0) {
      const xs = Math.floor(pos / h), xe = Math.floor((pos + n - 1) / h);
      if (xs < x0) x0 = xs;
      if (xe > x1) x1 = xe;
      if (xe > xs) { y0 = 0; y1 = Math.max(y1, h - 1); } // the run wraps a column: every row
      else { const ys = pos % h; if (ys < y0) y0 = ys; if (ys + n - 1 > y1) y1 = ys + n - 1; }
    }
    pos += n;
  }
  if (x1 < 0) return undefined;
  const width = x1 - x0 + 1, height = y1 - y0 + 1;
  const data = new Uint8Array(width * height);
  pos = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r];
    if (r & 1) {
      let y = pos % h, x = (pos - y) / h;
      for (let k = 0; k < n; k++) {
        data[(y - y0) * width + (x - x0)] = 1;
        if (++y === h) { y = 0; x++; }
      }
    }
    pos += n;
  }
  return { left: x0, top: y0, width, height, data };
}
