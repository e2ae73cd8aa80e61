/**
 * Pointer input on the stage: pan, zoom with the wheel, select, drag box handles and
 * polygon vertices, insert vertices, draw boxes and polygons, and the Segment tool's prompts.
 */
import type { AnnotationInfo } from '../../../src/shared/protocol';
import { round2 } from '../../../src/core/edits/jsonEdits';
import { fitKeypoints, fitRings, type Box } from './editGeometry';
import type { Viewer } from '../viewer';

export type Handle = 'move' | 'nw' | 'ne' | 'sw' | 'se';

export type Drag =
  | { kind: 'pan'; x0: number; y0: number; panX: number; panY: number; moved: boolean }
  | { kind: 'box'; x0: number; y0: number; handle: Handle; start: Box; cur: Box; moved: boolean; ann: AnnotationInfo; vertex?: { ring: number; i: number } }
  | { kind: 'vertex'; x0: number; y0: number; ring: number; i: number; rings: number[][]; moved: boolean; ann: AnnotationInfo }
  | { kind: 'draw-box'; x0: number; y0: number; start: [number, number]; cur: [number, number]; moved: boolean }
  | { kind: 'click'; x0: number; y0: number; moved: boolean };

export class Interaction {
  /** The drag in progress (read by the UI layer to draw it). */
  drag?: Drag;
  /** The pointer's last place on the stage (CSS pixels), for the polygon being drawn. */
  pointer: [number, number] | null = null;

  constructor(private readonly v: Viewer) {
    const root = v.root;
    root.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    root.addEventListener('pointerdown', (e) => this.onDown(e));
    root.addEventListener('pointermove', (e) => this.onMove(e));
    root.addEventListener('pointerup', (e) => this.onUp(e));
    root.addEventListener('pointerleave', () => { if (!this.drag) { v.hover = null; this.pointer = null; v.ev.onHover(null, 0, 0); v.requestRender(); } });
    root.addEventListener('dblclick', (e) => this.onDblClick(e));
    // Right click is the Segment tool's negative point, not a menu.
    root.addEventListener('contextmenu', (e) => { if (v.tool === 'segment') e.preventDefault(); });
  }

  /** Esc: drop a box being drawn (true when there was one). */
  cancelDrawBox(): boolean {
    if (this.drag?.kind !== 'draw-box') return false;
    this.drag = undefined;
    return true;
  }

  /** Hide the hover card and the hover outline. */
  hideHover(): void {
    const v = this.v;
    if (v.hover) { v.hover = null; v.requestRender(); }
    v.ev.onHover(null, 0, 0);
  }

  private local(e: MouseEvent): [number, number] {
    const r = this.v.root.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const [sx, sy] = this.local(e);
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    this.v.zoomAt(Math.exp(-e.deltaY * unit * 0.0015), sx, sy);
  }

  private handleAt(sx: number, sy: number): Handle | undefined {
    const v = this.v;
    const sel = v.selected;
    if (!sel?.bbox || v.opts.readonly) return undefined;
    const [x, y, w, h] = sel.bbox;
    const X0 = x * v.zoom + v.panX;
    const Y0 = y * v.zoom + v.panY;
    const X1 = (x + w) * v.zoom + v.panX;
    const Y1 = (y + h) * v.zoom + v.panY;
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
    const v = this.v;
    const rings = v.selectedRings();
    if (!rings || v.opts.readonly) return undefined;
    let best: { ring: number; i: number } | undefined;
    let bd = 6;
    rings.forEach((p, ring) => {
      for (let k = 0; k + 1 < p.length; k += 2) {
        const d = Math.hypot(p[k] * v.zoom + v.panX - sx, p[k + 1] * v.zoom + v.panY - sy);
        if (d <= bd) { bd = d; best = { ring, i: k / 2 }; }
      }
    });
    return best;
  }

  /** The edge of the selected polygon under a screen point, with the point on it (image coordinates). */
  private edgeAt(sx: number, sy: number): { ring: number; i: number; x: number; y: number } | undefined {
    const v = this.v;
    const rings = v.selectedRings();
    if (!rings || v.opts.readonly) return undefined;
    let best: { ring: number; i: number; x: number; y: number } | undefined;
    let bd = 6;
    rings.forEach((p, ring) => {
      const n = Math.floor(p.length / 2);
      for (let k = 0; k < n; k++) {
        const ax = p[2 * k] * v.zoom + v.panX, ay = p[2 * k + 1] * v.zoom + v.panY;
        const j = (k + 1) % n;
        const bx = p[2 * j] * v.zoom + v.panX, by = p[2 * j + 1] * v.zoom + v.panY;
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
    const v = this.v;
    const sel = v.selected;
    const rings = v.selectedRings();
    const edge = this.edgeAt(sx, sy);
    if (!sel || !rings || !edge) return false;
    const next = rings.map((r) => [...r]);
    next[edge.ring].splice(2 * (edge.i + 1), 0, edge.x, edge.y);
    v.selectedVertex = { ring: edge.ring, i: edge.i + 1 };
    v.commitRings(sel, next, 'Insert vertex');
    return true;
  }

  private onDblClick(e: MouseEvent): void {
    const v = this.v;
    if (v.tool === 'polygon') { v.finishPolygon(); e.preventDefault(); return; }
    if (v.tool !== 'select') return;
    const [sx, sy] = this.local(e);
    if (!this.vertexAt(sx, sy)) this.insertVertexAt(sx, sy);
  }

  private onDown(e: PointerEvent): void {
    const v = this.v;
    if (v.tool === 'segment' && v.segment && !v.opts.readonly && (e.button === 0 || e.button === 2)) {
      v.root.focus();
      v.root.setPointerCapture?.(e.pointerId);
      this.hideHover();
      const [ix, iy] = v.toImage(...this.local(e));
      v.segment.pointerDown(ix, iy);
      return;
    }
    if (e.button !== 0 && e.button !== 1) return;
    // No hover card while dragging or drawing: it would sit over what is being moved.
    this.hideHover();
    v.root.focus();
    v.root.setPointerCapture?.(e.pointerId);
    const [sx, sy] = this.local(e);
    if (e.button === 0 && v.tool !== 'select' && !v.opts.readonly) {
      const p = v.toImage(sx, sy);
      this.drag = v.tool === 'box' ? { kind: 'draw-box', x0: sx, y0: sy, start: p, cur: p, moved: false } : { kind: 'click', x0: sx, y0: sy, moved: false };
      return;
    }
    if (e.button === 0 && e.altKey && this.insertVertexAt(sx, sy)) return;
    const handle = e.button === 0 ? this.handleAt(sx, sy) : undefined;
    // Box corners first: a vertex on a corner of its box is the rectangle case, where both do the same.
    const vertex = e.button === 0 ? this.vertexAt(sx, sy) : undefined;
    if (vertex && v.selected && (!handle || handle === 'move')) {
      this.drag = { kind: 'vertex', x0: sx, y0: sy, ring: vertex.ring, i: vertex.i, rings: v.selectedRings()!.map((r) => [...r]), moved: false, ann: v.selected };
    } else if (handle && v.selected?.bbox) {
      const b = [...v.selected.bbox] as Box;
      // A click (no drag) on a corner vertex still picks that vertex.
      this.drag = { kind: 'box', x0: sx, y0: sy, handle, start: b, cur: [...b], moved: false, ann: v.selected, ...(vertex ? { vertex } : {}) };
    } else {
      this.drag = { kind: 'pan', x0: sx, y0: sy, panX: v.panX, panY: v.panY, moved: false };
    }
  }

  private onMove(e: PointerEvent): void {
    const v = this.v;
    const [sx, sy] = this.local(e);
    if (v.tool === 'segment' && v.segment?.drag) { v.segment.pointerMove(...v.toImage(sx, sy)); return; }
    const d = this.drag;
    this.pointer = [sx, sy];
    if (!d && v.tool !== 'select') {
      this.hideHover();
      if (v.drawing.length) v.requestRender();
      return;
    }
    if (!d) {
      const [ix, iy] = v.toImage(sx, sy);
      const hit = v.hitTest(ix, iy);
      const h = this.handleAt(sx, sy);
      const vx = !h || h === 'move' ? this.vertexAt(sx, sy) : undefined;
      v.root.style.cursor = vx ? 'pointer' : h === 'move' ? 'move' : h === 'nw' || h === 'se' ? 'nwse-resize' : h ? 'nesw-resize' : 'default';
      if (hit !== v.hover) { v.hover = hit; v.requestRender(); }
      v.ev.onHover(hit, e.clientX, e.clientY);
      return;
    }
    const dx = sx - d.x0;
    const dy = sy - d.y0;
    if (!d.moved && Math.hypot(dx, dy) < 3) return;
    d.moved = true;
    if (d.kind === 'click') return;
    if (d.kind === 'draw-box') { d.cur = v.toImage(sx, sy); v.requestRender(); return; }
    if (d.kind === 'vertex') {
      const [ix, iy] = v.toImage(sx, sy);
      d.rings[d.ring][2 * d.i] = ix;
      d.rings[d.ring][2 * d.i + 1] = iy;
      v.requestRender();
      return;
    }
    if (d.kind === 'pan') {
      v.view.panX = d.panX + dx;
      v.view.panY = d.panY + dy;
      v.view.fitted = false;
      v.requestRender();
      return;
    }
    const ix = dx / v.zoom;
    const iy = dy / v.zoom;
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
    v.requestRender();
  }

  private onUp(e: PointerEvent): void {
    const v = this.v;
    if (v.tool === 'segment' && v.segment?.drag) {
      const [ix, iy] = v.toImage(...this.local(e));
      v.segment.pointerUp(ix, iy, e.altKey || e.button === 2, v.zoom);
      return;
    }
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
    if (d.kind === 'click') {
      if (!d.moved && v.tool === 'polygon') {
        const [sx, sy] = this.local(e);
        const [ix, iy] = v.toImage(sx, sy);
        v.drawing.push(ix, iy);
        v.requestRender();
      }
      return;
    }
    if (d.kind === 'draw-box') {
      const [x0, y0] = d.start;
      const [x1, y1] = d.cur;
      const r = round2;
      const x = r(Math.min(x0, x1)), y = r(Math.min(y0, y1)), X = r(Math.max(x0, x1)), Y = r(Math.max(y0, y1));
      v.requestRender();
      if (d.moved && (X - x) * v.zoom >= 3 && (Y - y) * v.zoom >= 3) v.ev.onCreate?.('box', [[x, y, X, y, X, Y, x, Y]]);
      return;
    }
    if (d.kind === 'vertex') {
      if (d.moved) v.commitRings(d.ann, d.rings, 'Move vertex');
      else { v.selectedVertex = { ring: d.ring, i: d.i }; v.requestRender(); }
      return;
    }
    if (d.kind === 'pan') {
      if (d.moved) { v.ev.onViewChange(); return; }
      const [sx, sy] = this.local(e);
      const [ix, iy] = v.toImage(sx, sy);
      const hit = v.hitTest(ix, iy);
      v.select(hit);
      v.ev.onSelect(hit);
      return;
    }
    if (d.moved) {
      // Shown at its new place until the host's answer replaces the shapes.
      const rings = v.selectedRings();
      if (rings && d.ann.bbox) v.showPendingRings(d.ann.id, fitRings(rings, d.ann.bbox, d.cur));
      // Keypoints go with the box (not with RLE masks, which the host does not move).
      if (d.ann.keypoints && d.ann.bbox && d.ann.kind !== 'rle') { d.ann.keypoints = fitKeypoints(d.ann.keypoints, d.ann.bbox, d.cur); v.invalidateOverlays(); }
      d.ann.bbox = d.cur;
      v.ev.onBoxEdit(d.ann, d.cur);
    } else if (d.vertex) {
      v.selectedVertex = d.vertex;
    } else {
      const [sx, sy] = this.local(e);
      const [ix, iy] = v.toImage(sx, sy);
      const hit = v.hitTest(ix, iy);
      v.select(hit);
      v.ev.onSelect(hit);
    }
    v.requestRender();
  }
}
