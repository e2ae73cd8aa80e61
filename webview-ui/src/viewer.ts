/**
 * Three stacked canvases: the image, the overlays, the interaction layer
 * (hover, selection, drag handles). A view transform maps image pixels to CSS
 * pixels: screen = image * zoom + pan.
 */
import type { AnnotationInfo, CategoryInfo, Id } from '../../src/shared/protocol';
// One rounding for every coordinate the viewer sends (the host's, pycocotools files' 2 decimals).
import { round2 } from '../../src/core/edits/jsonEdits';
import { hatchTile, type Shape } from './shapes';
import { drawSegment } from './segment/drawSegment';
import { drawDiffOverlay, type OverlayColors, type OverlayItem } from './reports/compare/diffOverlay';
import { drawEvalOverlay, type EvalOverlayColors, type EvalOverlayItems } from './evalOverlay';
import type { SegmentTool } from './segment/segmentTool';

export interface ViewerOptions {
  fillOpacity: number;
  outlineOnly: boolean;
  hidden: Set<string>;
  readonly: boolean;
  /** The category of an annotation (keypoint skeletons). */
  categoryOf?(ann: AnnotationInfo): CategoryInfo | undefined;
}

export type Tool = 'select' | 'box' | 'polygon' | 'segment';
type Box = [number, number, number, number];

export interface ViewerEvents {
  onSelect(ann: AnnotationInfo | null): void;
  onHover(ann: AnnotationInfo | null, clientX: number, clientY: number): void;
  onBoxEdit(ann: AnnotationInfo, bbox: [number, number, number, number]): void;
  /** New polygons of a polygon annotation (vertex moved / inserted / deleted). */
  onPolygonsEdit?(ann: AnnotationInfo, polygons: number[][], label: string): void;
  /** A shape drawn with the box or polygon tool (image coordinates). */
  onCreate?(shape: 'box' | 'polygon', polygons: number[][]): void;
  onViewChange(): void;
}

type Drag =
  | { kind: 'pan'; x0: number; y0: number; panX: number; panY: number; moved: boolean }
  | { kind: 'box'; x0: number; y0: number; handle: 'move' | 'nw' | 'ne' | 'sw' | 'se'; start: [number, number, number, number]; cur: [number, number, number, number]; moved: boolean; ann: AnnotationInfo; vertex?: { ring: number; i: number } }
  | { kind: 'vertex'; x0: number; y0: number; ring: number; i: number; rings: number[][]; moved: boolean; ann: AnnotationInfo }
  | { kind: 'draw-box'; x0: number; y0: number; start: [number, number]; cur: [number, number]; moved: boolean }
  | { kind: 'click'; x0: number; y0: number; moved: boolean };

/** Polygons moved and scaled from one box into another (as the host does). */
export function fitRings(rings: number[][], from: Box, to: Box): number[][] {
  const sx = from[2] > 0 ? to[2] / from[2] : 1;
  const sy = from[3] > 0 ? to[3] / from[3] : 1;
  return rings.map((p) => p.map((v, i) => (i % 2 === 0 ? to[0] + (v - from[0]) * sx : to[1] + (v - from[1]) * sy)));
}

/** Labeled keypoints (v > 0) moved and scaled from one box into another (as the host does). */
export function fitKeypoints(kp: number[], from: Box, to: Box): number[] {
  const sx = from[2] > 0 ? to[2] / from[2] : 1;
  const sy = from[3] > 0 ? to[3] / from[3] : 1;
  const r = round2;
  return kp.map((v, i) => {
    const t = i - (i % 3);
    if (i % 3 === 2 || t + 2 >= kp.length || !(kp[t + 2] > 0)) return v;
    return i % 3 === 0 ? r(to[0] + (v - from[0]) * sx) : r(to[1] + (v - from[1]) * sy);
  });
}

export const catKey = (id: Id): string => `${typeof id}:${String(id)}`;

export class Viewer {
  readonly root: HTMLDivElement;
  readonly imageCanvas: HTMLCanvasElement;
  readonly overlayCanvas: HTMLCanvasElement;
  readonly uiCanvas: HTMLCanvasElement;
  private readonly scratch = document.createElement('canvas').getContext('2d')!;
  image?: CanvasImageSource;
  imageW = 0;
  imageH = 0;
  shapes: Shape[] = [];
  zoom = 1;
  panX = 0;
  panY = 0;
  fitted = true;
  selected: AnnotationInfo | null = null;
  hover: AnnotationInfo | null = null;
  private drag?: Drag;
  tool: Tool = 'select';
  /** Diff mode: a comparison's old / new outlines of this image, and the change walked to with ] / [. */
  diffOverlay?: { items: OverlayItem[]; colors: OverlayColors; selected?: number; count: number };
  /** Evaluation TP / FP / FN of the shown image (issue 12); drawn when set. */
  evalOverlay?: { items: EvalOverlayItems; colors: EvalOverlayColors };
  /** The Segment tool (SAM clicks / box), when main.ts made one: pointer events in image coordinates go to it. */
  segment?: SegmentTool;
  /** The vertex picked on the selected polygon (Delete removes it). */
  selectedVertex: { ring: number; i: number } | null = null;
  /** Rings shown for the selected annotation until the host's answer arrives (after a vertex edit). */
  private pendingRings?: { id: Id; rings: number[][] };
  /** The polygon being drawn (image coordinates). */
  drawing: number[] = [];
  private pointer: [number, number] | null = null;
  private frame = 0;
  private dpr = 1;
  private cssW = 0;
  private cssH = 0;
  /** Durations of the last renders (ms), for the frame-time figures. */
  readonly frameTimes: number[] = [];
  /**
   * The overlays drawn once at one zoom over the view plus a margin: panning
   * translates it, zooming scales it, and the real redraw waits until the view
   * has been still for SETTLE_MS (or the data changed).
   */
  private cache?: { canvas: HTMLCanvasElement; key: string; zoom: number; panX: number; panY: number; margin: number };
  /** The next rebuild draws the margin too (the view is being moved). */
  private wantMargin = false;
  private shapesVersion = 0;
  private settleTimer = 0;
  /** Full overlay redraws (cache rebuilds), for tests. */
  overlayRedraws = 0;
  static readonly MARGIN = 256;
  static readonly SETTLE_MS = 140;

  constructor(parent: HTMLElement, readonly opts: ViewerOptions, private readonly ev: ViewerEvents) {
    this.root = document.createElement('div');
    this.root.className = 'stage';
    this.root.tabIndex = 0;
    this.imageCanvas = this.layer('layer-image');
    this.overlayCanvas = this.layer('layer-overlay');
    this.uiCanvas = this.layer('layer-ui');
    parent.appendChild(this.root);
    new ResizeObserver(() => this.resize()).observe(this.root);
    this.root.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.root.addEventListener('pointerdown', (e) => this.onDown(e));
    this.root.addEventListener('pointermove', (e) => this.onMove(e));
    this.root.addEventListener('pointerup', (e) => this.onUp(e));
    this.root.addEventListener('pointerleave', () => { if (!this.drag) { this.hover = null; this.pointer = null; this.ev.onHover(null, 0, 0); this.requestRender(); } });
    this.root.addEventListener('dblclick', (e) => this.onDblClick(e));
    // Right click is the Segment tool's negative point, not a menu.
    this.root.addEventListener('contextmenu', (e) => { if (this.tool === 'segment') e.preventDefault(); });
  }

  private layer(cls: string): HTMLCanvasElement {
    const c = document.createElement('canvas');
    c.className = `layer ${cls}`;
    this.root.appendChild(c);
    return c;
  }

  resize(): void {
    const r = this.root.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.cssW = Math.max(1, Math.round(r.width));
    this.cssH = Math.max(1, Math.round(r.height));
    for (const c of [this.imageCanvas, this.overlayCanvas, this.uiCanvas]) {
      c.width = Math.round(this.cssW * this.dpr);
      c.height = Math.round(this.cssH * this.dpr);
    }
    if (this.fitted) this.fit(false);
    this.renderNow();
  }

  setImage(image: CanvasImageSource | undefined, w: number, h: number): void {
    this.image = image;
    this.imageW = w;
    this.imageH = h;
    this.requestRender();
  }

  setShapes(shapes: Shape[]): void {
    this.shapes = shapes;
    this.shapesVersion++;
    this.pendingRings = undefined;
    if (this.selected) this.selected = shapes.find((s) => s.ann.id === this.selected!.id)?.ann ?? null;
    const rings = this.selectedRings();
    if (this.selectedVertex && !(rings && rings[this.selectedVertex.ring] && 2 * this.selectedVertex.i < rings[this.selectedVertex.ring].length)) this.selectedVertex = null;
    this.requestRender();
  }

  /** The rings of the selected polygon annotation (as edited, until the host answers). */
  selectedRings(): number[][] | undefined {
    const sel = this.selected;
    if (!sel || sel.kind !== 'polygons') return undefined;
    if (this.pendingRings && this.pendingRings.id === sel.id) return this.pendingRings.rings;
    return this.shapes.find((s) => s.ann.id === sel.id)?.rings;
  }

  setTool(tool: Tool): void {
    this.tool = this.opts.readonly ? 'select' : tool;
    this.drawing = [];
    this.root.style.cursor = this.tool === 'select' ? 'default' : 'crosshair';
    this.requestRender();
  }

  /** Esc: cancel the polygon being drawn (true), else nothing to cancel (false). */
  cancelDrawing(): boolean {
    if (this.drawing.length === 0 && this.drag?.kind !== 'draw-box') return false;
    this.drawing = [];
    if (this.drag?.kind === 'draw-box') this.drag = undefined;
    this.requestRender();
    return true;
  }

  /** Enter / double-click: close the polygon being drawn (3 points at least). */
  finishPolygon(): boolean {
    const pts = this.drawing;
    // Drop repeated points (a double-click adds its point twice).
    const out: number[] = [];
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const n = out.length;
      if (n >= 2 && Math.hypot((pts[i] - out[n - 2]) * this.zoom, (pts[i + 1] - out[n - 1]) * this.zoom) < 3) continue;
      out.push(pts[i], pts[i + 1]);
    }
    if (out.length < 6) return false;
    this.drawing = [];
    this.requestRender();
    const r = round2;
    this.ev.onCreate?.('polygon', [out.map(r)]);
    return true;
  }

  /** Delete the picked vertex; a string says why not (a polygon keeps 3 points). */
  deleteSelectedVertex(): string | undefined {
    const v = this.selectedVertex;
    const rings = this.selectedRings();
    const sel = this.selected;
    if (!v || !rings || !sel) return 'No vertex selected';
    const ring = rings[v.ring];
    if (!ring || ring.length <= 6) return 'A polygon keeps at least 3 points';
    const next = rings.map((r) => [...r]);
    next[v.ring].splice(2 * v.i, 2);
    this.selectedVertex = null;
    this.commitRings(sel, next, 'Delete vertex');
    return undefined;
  }

  private commitRings(ann: AnnotationInfo, rings: number[][], label: string): void {
    const r = round2;
    const clean = rings.map((p) => p.map(r));
    this.pendingRings = { id: ann.id, rings: clean };
    this.requestRender();
    this.ev.onPolygonsEdit?.(ann, clean, label);
  }

  fit(notify = true): void {
    if (!this.imageW || !this.imageH) return;
    const z = Math.min(this.cssW / this.imageW, this.cssH / this.imageH) * 0.98;
    this.zoom = z > 0 ? z : 1;
    this.panX = (this.cssW - this.imageW * this.zoom) / 2;
    this.panY = (this.cssH - this.imageH * this.zoom) / 2;
    this.fitted = true;
    this.requestRender();
    if (notify) this.ev.onViewChange();
  }

  /** 1:1 around the view's centre. */
  actualSize(): void { this.zoomAt(1 / this.zoom, this.cssW / 2, this.cssH / 2); }

  setView(zoom: number, panX: number, panY: number): void {
    this.zoom = zoom;
    this.panX = panX;
    this.panY = panY;
    this.fitted = false;
    this.requestRender();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    const z = Math.min(64, Math.max(0.02, this.zoom * factor));
    const ix = (sx - this.panX) / this.zoom;
    const iy = (sy - this.panY) / this.zoom;
    this.zoom = z;
    this.panX = sx - ix * z;
    this.panY = sy - iy * z;
    this.fitted = false;
    this.requestRender();
    this.ev.onViewChange();
  }

  toImage(sx: number, sy: number): [number, number] {
    return [(sx - this.panX) / this.zoom, (sy - this.panY) / this.zoom];
  }

  private local(e: MouseEvent): [number, number] {
    const r = this.root.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  visible(s: Shape): boolean { return !this.opts.hidden.has(catKey(s.ann.categoryId)); }

  /** The topmost visible annotation under an image point. */
  hitTest(ix: number, iy: number): AnnotationInfo | null {
    const ctx = this.scratch;
    for (let i = this.shapes.length - 1; i >= 0; i--) {
      const s = this.shapes[i];
      if (!this.visible(s)) continue;
      if (s.path) {
        if (ctx.isPointInPath(s.path, ix, iy, 'evenodd')) return s.ann;
      } else if (s.mask) {
        const m = s.mask;
        const x = Math.floor(ix) - m.x;
        const y = Math.floor(iy) - m.y;
        if (x >= 0 && y >= 0 && x < m.bw && y < m.bh && m.bits[x * m.bh + y]) return s.ann;
      } else if (s.ann.bbox) {
        const [x, y, w, h] = s.ann.bbox;
        if (ix >= x && iy >= y && ix <= x + w && iy <= y + h) return s.ann;
      }
    }
    return null;
  }

  select(ann: AnnotationInfo | null): void {
    if (ann?.id !== this.selected?.id) this.selectedVertex = null;
    this.selected = ann;
    this.requestRender();
  }

  // ---------------------------------------------------------------- input

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const [sx, sy] = this.local(e);
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    this.zoomAt(Math.exp(-e.deltaY * unit * 0.0015), sx, sy);
  }

  private handleAt(sx: number, sy: number): 'move' | 'nw' | 'ne' | 'sw' | 'se' | undefined {
    const sel = this.selected;
    if (!sel?.bbox || this.opts.readonly) return undefined;
    const [x, y, w, h] = sel.bbox;
    const X0 = x * this.zoom + this.panX;
    const Y0 = y * this.zoom + this.panY;
    const X1 = (x + w) * this.zoom + this.panX;
    const Y1 = (y + h) * this.zoom + this.panY;
    const near = (a: number, b: number) => Math.abs(a - b) <= 6;
    if (near(sx, X0) && near(sy, Y0)) return 'nw';
    if (near(sx, X1) && near(sy, Y0)) return 'ne';
    if (near(sx, X0) && near(sy, Y1)) return 'sw';
    if (near(sx, X1) && near(sy, Y1)) return 'se';
    if (sx > X0 && sx < X1 && sy > Y0 && sy < Y1) return 'move';
    return undefined;
  }

  /** The vertex of the selected polygon under a screen point. */
  private vertexAt(sx: number, sy: number): { ring: number; i: number } | undefined {
    const rings = this.selectedRings();
    if (!rings || this.opts.readonly) return undefined;
    let best: { ring: number; i: number } | undefined;
    let bd = 6;
    rings.forEach((p, ring) => {
      for (let k = 0; k + 1 < p.length; k += 2) {
        const d = Math.hypot(p[k] * this.zoom + this.panX - sx, p[k + 1] * this.zoom + this.panY - sy);
        if (d <= bd) { bd = d; best = { ring, i: k / 2 }; }
      }
    });
    return best;
  }

  /** The edge of the selected polygon under a screen point, with the point on it (image coordinates). */
  private edgeAt(sx: number, sy: number): { ring: number; i: number; x: number; y: number } | undefined {
    const rings = this.selectedRings();
    if (!rings || this.opts.readonly) return undefined;
    let best: { ring: number; i: number; x: number; y: number } | undefined;
    let bd = 6;
    rings.forEach((p, ring) => {
      const n = Math.floor(p.length / 2);
      for (let k = 0; k < n; k++) {
        const ax = p[2 * k] * this.zoom + this.panX, ay = p[2 * k + 1] * this.zoom + this.panY;
        const j = (k + 1) % n;
        const bx = p[2 * j] * this.zoom + this.panX, by = p[2 * j + 1] * this.zoom + this.panY;
        const L = (bx - ax) ** 2 + (by - ay) ** 2;
        const t = L > 0 ? Math.max(0, Math.min(1, ((sx - ax) * (bx - ax) + (sy - ay) * (by - ay)) / L)) : 0;
        const d = Math.hypot(ax + t * (bx - ax) - sx, ay + t * (by - ay) - sy);
        if (d <= bd) { bd = d; best = { ring, i: k, x: p[2 * k] + t * (p[2 * j] - p[2 * k]), y: p[2 * k + 1] + t * (p[2 * j + 1] - p[2 * k + 1]) }; }
      }
    });
    return best;
  }

  /** Insert a vertex on the edge under a screen point (Alt+click, double-click). */
  private insertVertexAt(sx: number, sy: number): boolean {
    const sel = this.selected;
    const rings = this.selectedRings();
    const edge = this.edgeAt(sx, sy);
    if (!sel || !rings || !edge) return false;
    const next = rings.map((r) => [...r]);
    next[edge.ring].splice(2 * (edge.i + 1), 0, edge.x, edge.y);
    this.selectedVertex = { ring: edge.ring, i: edge.i + 1 };
    this.commitRings(sel, next, 'Insert vertex');
    return true;
  }

  private onDblClick(e: MouseEvent): void {
    if (this.tool === 'polygon') { this.finishPolygon(); e.preventDefault(); return; }
    if (this.tool !== 'select') return;
    const [sx, sy] = this.local(e);
    if (!this.vertexAt(sx, sy)) this.insertVertexAt(sx, sy);
  }

  private onDown(e: PointerEvent): void {
    if (this.tool === 'segment' && this.segment && !this.opts.readonly && (e.button === 0 || e.button === 2)) {
      this.root.focus();
      this.root.setPointerCapture?.(e.pointerId);
      const [ix, iy] = this.toImage(...this.local(e));
      this.segment.pointerDown(ix, iy);
      return;
    }
    if (e.button !== 0 && e.button !== 1) return;
    this.root.focus();
    this.root.setPointerCapture?.(e.pointerId);
    const [sx, sy] = this.local(e);
    if (e.button === 0 && this.tool !== 'select' && !this.opts.readonly) {
      const p = this.toImage(sx, sy);
      this.drag = this.tool === 'box' ? { kind: 'draw-box', x0: sx, y0: sy, start: p, cur: p, moved: false } : { kind: 'click', x0: sx, y0: sy, moved: false };
      return;
    }
    if (e.button === 0 && e.altKey && this.insertVertexAt(sx, sy)) return;
    const handle = e.button === 0 ? this.handleAt(sx, sy) : undefined;
    // Box corners first: a vertex on a corner of its box is the rectangle case, where both do the same.
    const vertex = e.button === 0 ? this.vertexAt(sx, sy) : undefined;
    if (vertex && this.selected && (!handle || handle === 'move')) {
      this.drag = { kind: 'vertex', x0: sx, y0: sy, ring: vertex.ring, i: vertex.i, rings: this.selectedRings()!.map((r) => [...r]), moved: false, ann: this.selected };
    } else if (handle && this.selected?.bbox) {
      const b = [...this.selected.bbox] as [number, number, number, number];
      // A click (no drag) on a corner vertex still picks that vertex.
      this.drag = { kind: 'box', x0: sx, y0: sy, handle, start: b, cur: [...b], moved: false, ann: this.selected, ...(vertex ? { vertex } : {}) };
    } else {
      this.drag = { kind: 'pan', x0: sx, y0: sy, panX: this.panX, panY: this.panY, moved: false };
    }
  }

  private onMove(e: PointerEvent): void {
    const [sx, sy] = this.local(e);
    if (this.tool === 'segment' && this.segment?.drag) { this.segment.pointerMove(...this.toImage(sx, sy)); return; }
    const d = this.drag;
    this.pointer = [sx, sy];
    if (!d && this.tool !== 'select') {
      if (this.drawing.length) this.requestRender();
      return;
    }
    if (!d) {
      const [ix, iy] = this.toImage(sx, sy);
      const hit = this.hitTest(ix, iy);
      const h = this.handleAt(sx, sy);
      const v = !h || h === 'move' ? this.vertexAt(sx, sy) : undefined;
      this.root.style.cursor = v ? 'pointer' : h === 'move' ? 'move' : h === 'nw' || h === 'se' ? 'nwse-resize' : h ? 'nesw-resize' : 'default';
      if (hit !== this.hover) { this.hover = hit; this.requestRender(); }
      this.ev.onHover(hit, e.clientX, e.clientY);
      return;
    }
    const dx = sx - d.x0;
    const dy = sy - d.y0;
    if (!d.moved && Math.hypot(dx, dy) < 3) return;
    d.moved = true;
    if (d.kind === 'click') return;
    if (d.kind === 'draw-box') { d.cur = this.toImage(sx, sy); this.requestRender(); return; }
    if (d.kind === 'vertex') {
      const [ix, iy] = this.toImage(sx, sy);
      d.rings[d.ring][2 * d.i] = ix;
      d.rings[d.ring][2 * d.i + 1] = iy;
      this.requestRender();
      return;
    }
    if (d.kind === 'pan') {
      this.panX = d.panX + dx;
      this.panY = d.panY + dy;
      this.fitted = false;
      this.requestRender();
      return;
    }
    const ix = dx / this.zoom;
    const iy = dy / this.zoom;
    let [x, y, w, h] = d.start;
    switch (d.handle) {
      case 'move': x += ix; y += iy; break;
      case 'nw': x += ix; y += iy; w -= ix; h -= iy; break;
      case 'ne': y += iy; w += ix; h -= iy; break;
      case 'sw': x += ix; w -= ix; h += iy; break;
      case 'se': w += ix; h += iy; break;
    }
    if (w < 0) { x += w; w = -w; }
    if (h < 0) { y += h; h = -h; }
    const r = round2;
    d.cur = [r(x), r(y), r(w), r(h)];
    this.requestRender();
  }

  private onUp(e: PointerEvent): void {
    if (this.tool === 'segment' && this.segment?.drag) {
      const [ix, iy] = this.toImage(...this.local(e));
      this.segment.pointerUp(ix, iy, e.altKey || e.button === 2, this.zoom);
      return;
    }
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
    if (d.kind === 'click') {
      if (!d.moved && this.tool === 'polygon') {
        const [sx, sy] = this.local(e);
        const [ix, iy] = this.toImage(sx, sy);
        this.drawing.push(ix, iy);
        this.requestRender();
      }
      return;
    }
    if (d.kind === 'draw-box') {
      const [x0, y0] = d.start;
      const [x1, y1] = d.cur;
      const r = round2;
      const x = r(Math.min(x0, x1)), y = r(Math.min(y0, y1)), X = r(Math.max(x0, x1)), Y = r(Math.max(y0, y1));
      this.requestRender();
      if (d.moved && (X - x) * this.zoom >= 3 && (Y - y) * this.zoom >= 3) this.ev.onCreate?.('box', [[x, y, X, y, X, Y, x, Y]]);
      return;
    }
    if (d.kind === 'vertex') {
      if (d.moved) this.commitRings(d.ann, d.rings, 'Move vertex');
      else { this.selectedVertex = { ring: d.ring, i: d.i }; this.requestRender(); }
      return;
    }
    if (d.kind === 'pan') {
      if (d.moved) { this.ev.onViewChange(); return; }
      const [sx, sy] = this.local(e);
      const [ix, iy] = this.toImage(sx, sy);
      const hit = this.hitTest(ix, iy);
      this.select(hit);
      this.ev.onSelect(hit);
      return;
    }
    if (d.moved) {
      // Shown at its new place until the host's answer replaces the shapes.
      const rings = this.selectedRings();
      if (rings && d.ann.bbox) this.pendingRings = { id: d.ann.id, rings: fitRings(rings, d.ann.bbox, d.cur) };
      // Keypoints go with the box (not with RLE masks, which the host does not move).
      if (d.ann.keypoints && d.ann.bbox && d.ann.kind !== 'rle') { d.ann.keypoints = fitKeypoints(d.ann.keypoints, d.ann.bbox, d.cur); this.invalidateOverlays(); }
      d.ann.bbox = d.cur;
      this.ev.onBoxEdit(d.ann, d.cur);
    } else if (d.vertex) {
      this.selectedVertex = d.vertex;
    } else {
      const [sx, sy] = this.local(e);
      const [ix, iy] = this.toImage(sx, sy);
      const hit = this.hitTest(ix, iy);
      this.select(hit);
      this.ev.onSelect(hit);
    }
    this.requestRender();
  }

  // ---------------------------------------------------------------- drawing

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderNow(); });
  }

  renderNow(): void {
    const t0 = performance.now();
    this.drawImageLayer();
    this.drawOverlays();
    this.drawUi();
    this.frameTimes.push(performance.now() - t0);
    if (this.frameTimes.length > 500) this.frameTimes.shift();    this.afterRender?.();
  }

  /** Called after each render (the minimap follows the view). */
  afterRender?: () => void;

  private viewTransform(ctx: CanvasRenderingContext2D): void {
    const k = this.dpr;
    ctx.setTransform(k * this.zoom, 0, 0, k * this.zoom, k * this.panX, k * this.panY);
  }

  private drawImageLayer(): void {
    const ctx = this.imageCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.imageCanvas.width, this.imageCanvas.height);
    if (!this.imageW) return;
    this.viewTransform(ctx);
    ctx.imageSmoothingEnabled = this.zoom < 2;
    if (this.image) ctx.drawImage(this.image, 0, 0, this.imageW, this.imageH);
    else {
      ctx.fillStyle = 'rgba(128,128,128,0.25)';
      ctx.fillRect(0, 0, this.imageW, this.imageH);
    }
  }

  private cacheKey(): string {
    const o = this.opts;
    return `${this.shapesVersion}|${o.fillOpacity}|${o.outlineOnly}|${[...o.hidden].sort().join(',')}|${this.cssW}x${this.cssH}@${this.dpr}`;
  }

  /** Forget the cached overlays (colors changed, a shape was edited in place). */
  invalidateOverlays(): void { this.cache = undefined; this.requestRender(); }

  private drawOverlays(): void {
    const ctx = this.overlayCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.overlayCanvas.width, this.overlayCanvas.height);
    const key = this.cacheKey();
    const c = this.cache;
    if (c && c.key === key) {
      const m = c.margin;
      const s = this.zoom / c.zoom;
      const dx = this.panX - (m + c.panX) * s;
      const dy = this.panY - (m + c.panY) * s;
      const covers = dx <= 0.5 && dy <= 0.5 && dx + (this.cssW + 2 * m) * s >= this.cssW - 0.5 && dy + (this.cssH + 2 * m) * s >= this.cssH - 0.5;
      if (s === 1) {
        // Panning: the same bitmap, moved.
        ctx.drawImage(c.canvas, Math.round(dx * this.dpr), Math.round(dy * this.dpr));
      } else {
        // Zooming: the bitmap scaled, until the view settles.
        const k = this.dpr;
        ctx.setTransform(k * s, 0, 0, k * s, k * dx, k * dy);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(c.canvas, 0, 0, c.canvas.width / k, c.canvas.height / k);
        ctx.setTransform(1, 0, 0, 1, 0, 0);
      }
      if (s !== 1 || !covers) {
        // The real redraw (with a margin for the next pan) once the view has been still a moment.
        clearTimeout(this.settleTimer);
        this.settleTimer = window.setTimeout(() => { this.cache = undefined; this.wantMargin = true; this.requestRender(); }, Viewer.SETTLE_MS);
      }
      return;
    }
    // Redraw into the cache at this view, then show it. After a data change only the view
    // (the fastest first frame); after a pan/zoom settles, the view and a margin around it.
    const M = this.wantMargin ? Viewer.MARGIN : 0;
    this.wantMargin = false;
    const canvas = c?.canvas ?? document.createElement('canvas');
    const W = Math.round((this.cssW + 2 * M) * this.dpr);
    const H = Math.round((this.cssH + 2 * M) * this.dpr);
    if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
    const cctx = canvas.getContext('2d')!;
    cctx.setTransform(1, 0, 0, 1, 0, 0);
    cctx.clearRect(0, 0, W, H);
    const k = this.dpr;
    cctx.setTransform(k * this.zoom, 0, 0, k * this.zoom, k * (this.panX + M), k * (this.panY + M));
    this.paintOverlays(cctx);
    this.cache = { canvas, key, zoom: this.zoom, panX: this.panX, panY: this.panY, margin: M };
    this.overlayRedraws++;
    ctx.drawImage(canvas, -Math.round(M * this.dpr), -Math.round(M * this.dpr));
  }

  private paintOverlays(ctx: CanvasRenderingContext2D): void {
    const { fillOpacity, outlineOnly } = this.opts;
    const lw = 1.5 / this.zoom;
    ctx.imageSmoothingEnabled = false;
    ctx.lineJoin = 'round';
    for (const s of this.shapes) {
      if (!this.visible(s)) continue;
      if (s.path) {
        if (!outlineOnly && s.ann.kind !== 'box') {
          ctx.globalAlpha = s.ann.iscrowd ? 1 : fillOpacity;
          ctx.fillStyle = s.ann.iscrowd ? ctx.createPattern(hatchTile(s.color), 'repeat')! : s.color;
          ctx.fill(s.path, 'evenodd');
        }
        ctx.globalAlpha = 1;
        ctx.strokeStyle = s.color;
        ctx.lineWidth = lw;
        if (s.ann.iscrowd) ctx.setLineDash([4 / this.zoom, 3 / this.zoom]);
        ctx.stroke(s.path);
        ctx.setLineDash([]);
      } else if (s.mask) {
        // The mask's bitmaps cover its box only: drawn at the box's place in the image.
        const m = s.mask;
        if (m.bw === 0 || m.bh === 0) continue;
        if (!outlineOnly) {
          ctx.globalAlpha = s.ann.iscrowd ? Math.min(1, fillOpacity * 1.6) : fillOpacity;
          ctx.drawImage(m.fill, m.x, m.y);
        }
        ctx.globalAlpha = 1;
        ctx.drawImage(m.edge, m.x, m.y);
      }
    }
    ctx.globalAlpha = 1;
    for (const s of this.shapes) if (s.ann.keypoints && this.visible(s)) this.paintKeypoints(ctx, s);
    ctx.globalAlpha = 1;
  }

  private drawUi(): void {
    const ctx = this.uiCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.uiCanvas.width, this.uiCanvas.height);
    if (this.evalOverlay) {
      ctx.setTransform(this.dpr * this.zoom, 0, 0, this.dpr * this.zoom, this.dpr * this.panX, this.dpr * this.panY);
      drawEvalOverlay(ctx, this.evalOverlay.items, 1 / this.zoom, this.evalOverlay.colors);
    }
    if (this.diffOverlay) {
      // Transient like the Segment preview: on the UI layer, not in the overlay cache.
      ctx.setTransform(this.dpr * this.zoom, 0, 0, this.dpr * this.zoom, this.dpr * this.panX, this.dpr * this.panY);
      drawDiffOverlay(ctx, this.diffOverlay.items, 1 / this.zoom, this.diffOverlay.colors, this.diffOverlay.selected);
    }
    if (this.tool === 'segment' && this.segment) {
      // The Segment tool's preview, points and box: transient, so on the UI layer, not in the overlay cache.
      ctx.setTransform(this.dpr * this.zoom, 0, 0, this.dpr * this.zoom, this.dpr * this.panX, this.dpr * this.panY);
      drawSegment(ctx, this.segment, this.zoom, getComputedStyle(document.body));
    }
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const toS = (b: [number, number, number, number]) =>
      [b[0] * this.zoom + this.panX, b[1] * this.zoom + this.panY, b[2] * this.zoom, b[3] * this.zoom] as const;
    const hover = this.hover;
    if (hover && hover !== this.selected && hover.bbox) {
      const [x, y, w, h] = toS(hover.bbox);
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.setLineDash([3, 3]);
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, w, h);
      ctx.setLineDash([]);
    }
    const sel = this.selected;
    const drag = this.drag?.kind === 'box' && this.drag.moved ? this.drag : undefined;
    const box = drag ? drag.cur : sel?.bbox;
    if (sel && box) {
      const [x, y, w, h] = toS(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,0.8)';
      ctx.strokeRect(x, y, w, h);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#FFFFFF';
      ctx.strokeRect(x, y, w, h);
      if (!this.opts.readonly) {
        ctx.fillStyle = '#FFFFFF';
        ctx.strokeStyle = '#000000';
        ctx.lineWidth = 1;
        for (const [hx, hy] of [[x, y], [x + w, y], [x, y + h], [x + w, y + h]]) {
          ctx.fillRect(hx - 4, hy - 4, 8, 8);
          ctx.strokeRect(hx - 4, hy - 4, 8, 8);
        }
      }
    }
    // The selected polygon: its outline as edited, and a handle per vertex.
    let rings = this.selectedRings();
    const vd = this.drag?.kind === 'vertex' && this.drag.moved ? this.drag : undefined;
    if (vd) rings = vd.rings;
    else if (drag && rings && sel?.bbox) rings = fitRings(rings, drag.start, drag.cur);
    if (sel && rings) {
      const path = new Path2D();
      for (const p of rings) {
        if (p.length < 4) continue;
        path.moveTo(p[0] * this.zoom + this.panX, p[1] * this.zoom + this.panY);
        for (let k = 2; k + 1 < p.length; k += 2) path.lineTo(p[k] * this.zoom + this.panX, p[k + 1] * this.zoom + this.panY);
        path.closePath();
      }
      ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(0,0,0,0.7)'; ctx.stroke(path);
      ctx.lineWidth = 1.5; ctx.strokeStyle = '#FFFFFF'; ctx.stroke(path);
      if (!this.opts.readonly) {
        const sv = this.selectedVertex;
        rings.forEach((p, ring) => {
          for (let k = 0; k + 1 < p.length; k += 2) {
            const hx = p[k] * this.zoom + this.panX;
            const hy = p[k + 1] * this.zoom + this.panY;
            const picked = sv && sv.ring === ring && sv.i === k / 2;
            ctx.beginPath();
            ctx.arc(hx, hy, picked ? 5 : 3.5, 0, Math.PI * 2);
            ctx.fillStyle = picked ? '#FFD700' : '#FFFFFF';
            ctx.fill();
            ctx.lineWidth = 1;
            ctx.strokeStyle = '#000000';
            ctx.stroke();
          }
        });
      }
    }
    // Keypoints of the box being dragged, where they will go.
    if (sel && drag && sel.keypoints && sel.bbox && sel.kind !== 'rle') {
      const kp = fitKeypoints(sel.keypoints, drag.start, drag.cur);
      ctx.lineWidth = 1;
      for (let i = 0; i + 2 < kp.length; i += 3) {
        if (!(kp[i + 2] > 0)) continue;
        ctx.beginPath();
        ctx.arc(kp[i] * this.zoom + this.panX, kp[i + 1] * this.zoom + this.panY, 3.5, 0, Math.PI * 2);
        ctx.fillStyle = '#FFFFFF';
        ctx.fill();
        ctx.strokeStyle = '#000000';
        ctx.stroke();
      }
    }
    // Drawing tools.
    const db = this.drag?.kind === 'draw-box' ? this.drag : undefined;
    if (db) {
      const [x0, y0] = db.start;
      const [x1, y1] = db.cur;
      const b: Box = [Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0)];
      const [x, y, w, h] = toS(b);
      ctx.setLineDash([5, 3]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#FFFFFF';
      ctx.strokeRect(x, y, w, h);
      ctx.setLineDash([]);
    }
    if (this.drawing.length >= 2) {
      const pts = this.drawing;
      ctx.beginPath();
      ctx.moveTo(pts[0] * this.zoom + this.panX, pts[1] * this.zoom + this.panY);
      for (let k = 2; k + 1 < pts.length; k += 2) ctx.lineTo(pts[k] * this.zoom + this.panX, pts[k + 1] * this.zoom + this.panY);
      if (this.pointer) ctx.lineTo(this.pointer[0], this.pointer[1]);
      ctx.setLineDash([5, 3]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#FFFFFF';
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#FFFFFF';
      for (let k = 0; k + 1 < pts.length; k += 2) ctx.fillRect(pts[k] * this.zoom + this.panX - 3, pts[k + 1] * this.zoom + this.panY - 3, 6, 6);
    }
  }

  /** Keypoints over the overlays: skeleton lines, visible (v=2) filled, labelled-hidden (v=1) hollow, v=0 not drawn. */
  private paintKeypoints(ctx: CanvasRenderingContext2D, s: Shape): void {
    const kp = s.ann.keypoints;
    if (!kp || kp.length < 3) return;
    const cat = this.opts.categoryOf?.(s.ann);
    const n = Math.floor(kp.length / 3);
    const lw = 2 / this.zoom;
    ctx.lineWidth = lw;
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    for (const [a, b] of cat?.skeleton ?? []) {
      const i = a - 1, j = b - 1;
      if (i < 0 || j < 0 || i >= n || j >= n || kp[3 * i + 2] <= 0 || kp[3 * j + 2] <= 0) continue;
      ctx.moveTo(kp[3 * i], kp[3 * i + 1]);
      ctx.lineTo(kp[3 * j], kp[3 * j + 1]);
    }
    ctx.stroke();
    const rad = 3.5 / this.zoom;
    for (let i = 0; i < n; i++) {
      const v = kp[3 * i + 2];
      if (v <= 0) continue;
      ctx.beginPath();
      ctx.arc(kp[3 * i], kp[3 * i + 1], rad, 0, Math.PI * 2);
      if (v >= 2) { ctx.fillStyle = s.color; ctx.fill(); ctx.lineWidth = 1 / this.zoom; ctx.strokeStyle = '#000000'; ctx.stroke(); }
      else { ctx.fillStyle = 'rgba(0,0,0,0)'; ctx.lineWidth = 1.5 / this.zoom; ctx.strokeStyle = s.color; ctx.stroke(); }
    }
  }
}
