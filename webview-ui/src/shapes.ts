/** Per-annotation render data built once per image: Path2D for polygons, colored mask canvases for RLE. */
import type { AnnotationInfo, ImageGeometry } from '../../src/shared/protocol';

export interface Mask {
  h: number;
  w: number;
  /** Column-major bits (pycocotools order). */
  bits: Uint8Array;
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

/** counts[from, to) → column-major bits of h × w. */
export function decodeCounts(counts: Uint32Array, from: number, to: number, h: number, w: number): Uint8Array {
  const n = h * w;
  const bits = new Uint8Array(n);
  let p = 0;
  let v = 0;
  for (let i = from; i < to && p < n; i++) {
    const c = counts[i];
    if (v) bits.fill(1, p, Math.min(n, p + c));
    p += c;
    v ^= 1;
  }
  return bits;
}

function buildMask(bits: Uint8Array, h: number, w: number, rgb: [number, number, number], crowd: boolean): Mask {
  const fill = canvas(w, h);
  const edge = canvas(w, h);
  const fd = new ImageData(w, h);
  const ed = new ImageData(w, h);
  const F = fd.data;
  const E = ed.data;
  const [r, g, b] = rgb;
  for (let x = 0; x < w; x++) {
    const col = x * h;
    for (let y = 0; y < h; y++) {
      if (!bits[col + y]) continue;
      const o = (y * w + x) * 4;
      // Crowd: diagonal hatching (solid stripes, faint between).
      const a = crowd ? (((x + y) % 8) < 3 ? 255 : 70) : 255;
      F[o] = r; F[o + 1] = g; F[o + 2] = b; F[o + 3] = a;
      const border = y === 0 || y === h - 1 || x === 0 || x === w - 1
        || !bits[col + y - 1] || !bits[col + y + 1] || !bits[col - h + y] || !bits[col + h + y];
      if (border) { E[o] = r; E[o + 1] = g; E[o + 2] = b; E[o + 3] = 255; }
    }
  }
  fill.getContext('2d')!.putImageData(fd, 0, 0);
  edge.getContext('2d')!.putImageData(ed, 0, 0);
  return { h, w, bits, fill, edge };
}

export function buildShapes(annotations: AnnotationInfo[], g: ImageGeometry, colorOf: (ann: AnnotationInfo) => string, masks?: Map<number, Mask>): Shape[] {
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
        rings.push(Array.from(g.coords.subarray(a, e), (v) => Math.round(v * 100) / 100));
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
      s.mask = masks?.get(k) ?? buildMask(decodeCounts(g.counts, g.rleStart[k], g.rleStart[k + 1], h, w), h, w, rgb, ann.iscrowd);
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

/** The worker's code as plain text (no bundler helpers, no eval): counts → bits + fill/edge RGBA. */
const WORKER_SRC = `
self.onmessage = (e) => {
  const { id, jobs, counts } = e.data;
  const out = [];
  const transfer = [];
  for (const j of jobs) {
    const { h, w, from, to, r, g, b, crowd } = j;
    const n = h * w;
    const bits = new Uint8Array(n);
    let p = 0, v = 0;
    for (let i = from; i < to && p < n; i++) { const c = counts[i]; if (v) bits.fill(1, p, Math.min(n, p + c)); p += c; v ^= 1; }
    const F = new Uint8ClampedArray(n * 4);
    const E = new Uint8ClampedArray(n * 4);
    for (let x = 0; x < w; x++) {
      const col = x * h;
      for (let y = 0; y < h; y++) {
        if (!bits[col + y]) continue;
        const o = (y * w + x) * 4;
        const a = crowd ? (((x + y) % 8) < 3 ? 255 : 70) : 255;
        F[o] = r; F[o + 1] = g; F[o + 2] = b; F[o + 3] = a;
        const border = y === 0 || y === h - 1 || x === 0 || x === w - 1
          || !bits[col + y - 1] || !bits[col + y + 1] || !bits[col - h + y] || !bits[col + h + y];
        if (border) { E[o] = r; E[o + 1] = g; E[o + 2] = b; E[o + 3] = 255; }
      }
    }
    out.push({ bits, F, E });
    transfer.push(bits.buffer, F.buffer, E.buffer);
  }
  self.postMessage({ id, out }, transfer);
};`;

let worker: Worker | null | undefined;
let workerSeq = 0;
const waiting = new Map<number, { resolve(v: { bits: Uint8Array; F: Uint8ClampedArray; E: Uint8ClampedArray }[]): void; reject(e: unknown): void }>();

/** Whether RLE masks go to the worker (tests switch it off to compare). */
export const rleWorkerSettings = { enabled: true };

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SRC], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<{ id: number; out: { bits: Uint8Array; F: Uint8ClampedArray; E: Uint8ClampedArray }[] }>) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
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

function canvasFrom(rgba: Uint8ClampedArray, w: number, h: number): HTMLCanvasElement {
  const c = canvas(w, h);
  c.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, Math.max(1, w), Math.max(1, h)), 0, 0);
  return c;
}

/** buildShapes, with the RLE masks decoded off the main thread when a Worker is available. */
export async function buildShapesAsync(annotations: AnnotationInfo[], g: ImageGeometry, colorOf: (ann: AnnotationInfo) => string): Promise<Shape[]> {
  const rle = annotations.map((a, k) => [a, k] as const).filter(([a, k]) => a.kind === 'rle' && g.rleSize[2 * k] * g.rleSize[2 * k + 1] > 0);
  const w = rle.length && rleWorkerSettings.enabled ? getWorker() : null;
  if (!w) return buildShapes(annotations, g, colorOf);
  const jobs = rle.map(([a, k]) => {
    const [r, gg, b] = hexToRgb(colorOf(a));
    return { h: g.rleSize[2 * k], w: g.rleSize[2 * k + 1], from: g.rleStart[k], to: g.rleStart[k + 1], r, g: gg, b, crowd: a.iscrowd };
  });
  let out: { bits: Uint8Array; F: Uint8ClampedArray; E: Uint8ClampedArray }[];
  try {
    const id = ++workerSeq;
    out = await new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, jobs, counts: g.counts });
    });
  } catch {
    return buildShapes(annotations, g, colorOf);
  }
  const masks = new Map<number, Mask>();
  rle.forEach(([, k], j) => {
    const { h, w: ww } = jobs[j];
    const o = out[j];
    masks.set(k, { h, w: ww, bits: o.bits, fill: canvasFrom(o.F, ww, h), edge: canvasFrom(o.E, ww, h) });
  });
  return buildShapes(annotations, g, colorOf, masks);
}
