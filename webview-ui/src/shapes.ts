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

export function buildShapes(annotations: AnnotationInfo[], g: ImageGeometry, colorOf: (ann: AnnotationInfo) => string): Shape[] {
  const shapes: Shape[] = [];
  annotations.forEach((ann, k) => {
    const color = colorOf(ann);
    const rgb = hexToRgb(color);
    const s: Shape = { ann, k, color, rgb, size: ann.bbox ? ann.bbox[2] * ann.bbox[3] : 0 };
    if (ann.kind === 'polygons') {
      const path = new Path2D();
      for (let r = g.ringStart[k]; r < g.ringStart[k + 1]; r++) {
        const a = g.coordStart[r];
        const e = g.coordStart[r + 1];
        if (e - a < 6) continue;
        path.moveTo(g.coords[a], g.coords[a + 1]);
        for (let i = a + 2; i + 1 < e; i += 2) path.lineTo(g.coords[i], g.coords[i + 1]);
        path.closePath();
      }
      s.path = path;
    } else if (ann.kind === 'rle') {
      const h = g.rleSize[2 * k];
      const w = g.rleSize[2 * k + 1];
      const bits = decodeCounts(g.counts, g.rleStart[k], g.rleStart[k + 1], h, w);
      s.mask = buildMask(bits, h, w, rgb, ann.iscrowd);
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
