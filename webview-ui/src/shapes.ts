/** Per-annotation render data built once per image: Path2D for polygons, colored mask canvases for RLE. */
import type { AnnotationInfo, ImageGeometry } from '../../src/shared/protocol';
import { round2 } from '../../src/core/edits/jsonEdits';

export interface Mask {
  /** The RLE's size (the image's). */
  h: number;
  w: number;
  /**
   * The mask's extent in the image, from its counts: every set pixel is in columns x … x+bw-1,
   * rows y … y+bh-1 (bw = bh = 0 for an empty mask). The bits and bitmaps cover this box only.
   */
  x: number;
  y: number;
  bw: number;
  bh: number;
  /** Column-major bits of the box (pycocotools order): pixel (ix, iy) is bits[(ix - x) * bh + (iy - y)]. */
  bits: Uint8Array;
  /** bw × bh bitmaps, drawn at (x, y). */
  fill: HTMLCanvasElement;
  edge: HTMLCanvasElement;
}

export interface Shape {
  ann: AnnotationInfo;
  /** Position in the payload's annotation list. */
  k: number;
  color: string;
  rgb: [number, number, number];
  path?: Path2D;
  /** Polygon annotations: the rings as flat [x, y, …] (for vertex handles and edits). */
  rings?: number[][];
  mask?: Mask;
  /** For draw order: big first, small on top. */
  size: number;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function canvas(w: number, h: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = Math.max(1, w);
  c.height = Math.max(1, h);
  return c;
}

/** What rasterMask gives: the box, its bits, and the tinted fill and outline as RGBA (bw × bh, row-major). */
export interface MaskRaster {
  x: number;
  y: number;
  bw: number;
  bh: number;
  bits: Uint8Array;
  F: Uint8ClampedArray;
  E: Uint8ClampedArray;
}

/**
 * counts[from, to) of an h × w RLE (column-major runs, first run unset) → the mask cropped to its
 * extent: bits, fill (crowd: hatched) and 1-px outline of that box only, so memory and work follow
 * the mask's size, not the image's. Self-contained (no outside names): the worker runs its source.
 */
export function rasterMask(counts: ArrayLike<number>, from: number, to: number, h: number, w: number, r: number, g: number, b: number, crowd: boolean, dash: ArrayLike<number> = []): MaskRaster {
  const n = h * w;
  let period = 0;
  for (let i = 0; i < dash.length; i++) period += dash[i];
  // The extent: a run inside one column widens the rows by its own; one that crosses a column
  // boundary covers the bottom of a column and the top of the next, so every row.
  let x0 = w, x1 = -1, y0 = h, y1 = -1;
  let p = 0, v = 0;
  for (let i = from; i < to && p < n; i++) {
    const c = counts[i];
    if (v && c > 0) {
      const e = Math.min(n, p + c) - 1;
      const ca = Math.floor(p / h), cb = Math.floor(e / h);
      if (ca < x0) x0 = ca;
      if (cb > x1) x1 = cb;
      if (ca === cb) {
        if (p - ca * h < y0) y0 = p - ca * h;
        if (e - cb * h > y1) y1 = e - cb * h;
      } else { y0 = 0; y1 = h - 1; }
    }
    p += c;
    v ^= 1;
  }
  if (x1 < 0) return { x: 0, y: 0, bw: 0, bh: 0, bits: new Uint8Array(0), F: new Uint8ClampedArray(0), E: new Uint8ClampedArray(0) };
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const bits = new Uint8Array(bw * bh);
  p = 0; v = 0;
  for (let i = from; i < to && p < n; i++) {
    const c = counts[i];
    if (v && c > 0) {
      const e = Math.min(n, p + c);
      // One fill per column the run touches.
      for (let s = p; s < e;) {
        const col = Math.floor(s / h);
        const t = Math.min(e, (col + 1) * h);
        const o = (col - x0) * bh - y0 - col * h;
        bits.fill(1, o + s, o + t);
        s = t;
      }
    }
    p += c;
    v ^= 1;
  }
  const F = new Uint8ClampedArray(bw * bh * 4);
  const E = new Uint8ClampedArray(bw * bh * 4);
  for (let cx = 0; cx < bw; cx++) {
    const col = cx * bh;
    const x = x0 + cx;
    for (let cy = 0; cy < bh; cy++) {
      if (!bits[col + cy]) continue;
      const y = y0 + cy;
      const o = (cy * bw + cx) * 4;
      // Crowd: diagonal hatching (solid stripes, faint between), in image coordinates.
      const a = crowd ? (((x + y) % 8) < 3 ? 255 : 70) : 255;
      F[o] = r; F[o + 1] = g; F[o + 2] = b; F[o + 3] = a;
      // A pixel on the image's edge or next to an unset one. Past the box every pixel is unset
      // (and the image's edges are edges of the box), so the box's edges count as such.
      const border = cy === 0 || cy === bh - 1 || cx === 0 || cx === bw - 1
        || !bits[col + cy - 1] || !bits[col + cy + 1] || !bits[col - bh + cy] || !bits[col + bh + cy];
      if (!border) continue;
      if (period > 0) {
        // A dashed edge (the 17th+ category, as polygon outlines): the position along the edge is
        // x on a horizontal stretch, y on a vertical one, x ∓ y on a diagonal; gaps where the
        // pattern (in image pixels) says so.
        const up = cy === 0 || !bits[col + cy - 1], down = cy === bh - 1 || !bits[col + cy + 1];
        const left = cx === 0 || !bits[col - bh + cy], right = cx === bw - 1 || !bits[col + bh + cy];
        const along = (up || down) && (left || right) ? ((up && left) || (down && right) ? x - y : x + y) : (up || down) ? x : y;
        let q = ((along % period) + period) % period;
        let seg = 0;
        while (q >= dash[seg]) { q -= dash[seg]; seg++; }
        if (seg % 2 === 1) continue;
      }
      E[o] = r; E[o + 1] = g; E[o + 2] = b; E[o + 3] = 255;
    }
  }
  return { x: x0, y: y0, bw, bh, bits, F, E };
}

function canvasFrom(rgba: Uint8ClampedArray, w: number, h: number): HTMLCanvasElement {
  const c = canvas(w, h);
  if (w > 0 && h > 0) c.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return c;
}

function maskFrom(m: MaskRaster, h: number, w: number): Mask {
  return { h, w, x: m.x, y: m.y, bw: m.bw, bh: m.bh, bits: m.bits, fill: canvasFrom(m.F, m.bw, m.bh), edge: canvasFrom(m.E, m.bw, m.bh) };
}

/** `dashOf`: a mask edge's dash pattern (image pixels; none = solid), as `categoryDash` gives polygon outlines. */
export function buildShapes(annotations: AnnotationInfo[], g: ImageGeometry, colorOf: (ann: AnnotationInfo) => string, masks?: Map<number, Mask>, dashOf?: (ann: AnnotationInfo) => number[]): Shape[] {
  const shapes: Shape[] = [];
  annotations.forEach((ann, k) => {
    const color = colorOf(ann);
    const rgb = hexToRgb(color);
    const s: Shape = { ann, k, color, rgb, size: ann.bbox ? ann.bbox[2] * ann.bbox[3] : 0 };
    if (ann.kind === 'polygons') {
      const path = new Path2D();
      const rings: number[][] = [];
      for (let r = g.ringStart[k]; r < g.ringStart[k + 1]; r++) {
        const a = g.coordStart[r];
        const e = g.coordStart[r + 1];
        // Float32 on the wire: back to the file's 2 decimals.
        rings.push(Array.from(g.coords.subarray(a, e), (v) => round2(v)));
        if (e - a < 6) continue;
        path.moveTo(g.coords[a], g.coords[a + 1]);
        for (let i = a + 2; i + 1 < e; i += 2) path.lineTo(g.coords[i], g.coords[i + 1]);
        path.closePath();
      }
      s.path = path;
      s.rings = rings;
    } else if (ann.kind === 'rle') {
      const h = g.rleSize[2 * k];
      const w = g.rleSize[2 * k + 1];
      s.mask = masks?.get(k) ?? maskFrom(rasterMask(g.counts, g.rleStart[k], g.rleStart[k + 1], h, w, rgb[0], rgb[1], rgb[2], ann.iscrowd, dashOf?.(ann)), h, w);
      if (!ann.bbox) s.size = h * w;
    } else if (ann.kind === 'box' && ann.bbox) {
      const [x, y, w, h] = ann.bbox;
      const path = new Path2D();
      path.rect(x, y, w, h);
      s.path = path;
    }
    shapes.push(s);
  });
  shapes.sort((a, b) => b.size - a.size);
  return shapes;
}

const hatchCache = new Map<string, HTMLCanvasElement>();
/** An 8×8 diagonal-stripe tile, for crowd polygons. */
export function hatchTile(color: string): HTMLCanvasElement {
  let c = hatchCache.get(color);
  if (c) return c;
  c = canvas(8, 8);
  const ctx = c.getContext('2d')!;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(-2, 10); ctx.lineTo(10, -2);
  ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
  ctx.moveTo(6, 10); ctx.lineTo(10, 6);
  ctx.stroke();
  hatchCache.set(color, c);
  return c;
}

// ---------------------------------------------------------------------------
// RLE masks decoded in a Worker (blob: URL, allowed by the CSP's worker-src), with the
// main-thread path as the fallback (no Worker, or it failed).

/**
 * The worker's code as plain text (no bundler helpers, no eval): rasterMask's own source (the same
 * pixels as the main thread's path), and a loop over the jobs of one image.
 */
const WORKER_SRC = `const rasterMask = ${rasterMask.toString()};
self.onmessage = (e) => {
  const { id, jobs, counts } = e.data;
  const out = [];
  const transfer = [];
  for (const j of jobs) {
    const m = rasterMask(counts, j.from, j.to, j.h, j.w, j.r, j.g, j.b, j.crowd, j.dash);
    out.push(m);
    transfer.push(m.bits.buffer, m.F.buffer, m.E.buffer);
  }
  self.postMessage({ id, out }, transfer);
};`;

let worker: Worker | null | undefined;
let workerSeq = 0;
const waiting = new Map<number, { resolve(v: MaskRaster[]): void; reject(e: unknown): void }>();

/** Whether RLE masks go to the worker (tests switch it off to compare); `batches`: images the worker decoded. */
export const rleWorkerSettings = { enabled: true, batches: 0 };

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SRC], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<{ id: number; out: MaskRaster[] }>) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      rleWorkerSettings.batches++;
      w?.resolve(e.data.out);
    };
    worker.onerror = (e) => {
      // Blocked by a policy or broken: every waiting job and later ones use the main thread.
      worker = null;
      for (const w of waiting.values()) w.reject(e);
      waiting.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

/** buildShapes, with the RLE masks decoded off the main thread when a Worker is available. */
export async function buildShapesAsync(annotations: AnnotationInfo[], g: ImageGeometry, colorOf: (ann: AnnotationInfo) => string, dashOf?: (ann: AnnotationInfo) => number[]): Promise<Shape[]> {
  const rle = annotations.map((a, k) => [a, k] as const).filter(([a, k]) => a.kind === 'rle' && g.rleSize[2 * k] * g.rleSize[2 * k + 1] > 0);
  const w = rle.length && rleWorkerSettings.enabled ? getWorker() : null;
  if (!w) return buildShapes(annotations, g, colorOf, undefined, dashOf);
  const jobs = rle.map(([a, k]) => {
    const [r, gg, b] = hexToRgb(colorOf(a));
    return { h: g.rleSize[2 * k], w: g.rleSize[2 * k + 1], from: g.rleStart[k], to: g.rleStart[k + 1], r, g: gg, b, crowd: a.iscrowd, dash: dashOf?.(a) ?? [] };
  });
  let out: MaskRaster[];
  try {
    const id = ++workerSeq;
    out = await new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, jobs, counts: g.counts });
    });
  } catch {
    return buildShapes(annotations, g, colorOf, undefined, dashOf);
  }
  const masks = new Map<number, Mask>();
  rle.forEach(([, k], j) => masks.set(k, maskFrom(out[j], jobs[j].h, jobs[j].w)));
  return buildShapes(annotations, g, colorOf, masks, dashOf);
}
