/**
 * Three stacked canvases: the image, the overlays, the interaction layer
 * (hover, selection, drag handles). A view transform maps image pixels to CSS
 * pixels: screen = image * zoom + pan.
 */
import type { AnnotationInfo, Id } from '../../src/shared/protocol';
import { hatchTile, type Shape } from './shapes';

export interface ViewerOptions {
  fillOpacity: number;
  outlineOnly: boolean;
  hidden: Set<string>;
  readonly: boolean;
}

export interface ViewerEvents {
  onSelect(ann: AnnotationInfo | null): void;
  onHover(ann: AnnotationInfo | null, clientX: number, clientY: number): void;
  onBoxEdit(ann: AnnotationInfo, bbox: [number, number, number, number]): void;
  onViewChange(): void;
}

type Drag =
  | { kind: 'pan'; x0: number; y0: number; panX: number; panY: number; moved: boolean }
  | { kind: 'box'; x0: number; y0: number; handle: 'move' | 'nw' | 'ne' | 'sw' | 'se'; start: [number, number, number, number]; cur: [number, number, number, number]; moved: boolean; ann: AnnotationInfo };

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
    this.root.addEventListener('pointerleave', () => { if (!this.drag) { this.hover = null; this.ev.onHover(null, 0, 0); this.requestRender(); } });
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
    if (this.selected) this.selected = shapes.find((s) => s.ann.id === this.selected!.id)?.ann ?? null;
    this.requestRender();
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
        const x = Math.floor(ix);
        const y = Math.floor(iy);
        if (x >= 0 && y >= 0 && x < s.mask.w && y < s.mask.h && s.mask.bits[x * s.mask.h + y]) return s.ann;
      } else if (s.ann.bbox) {
        const [x, y, w, h] = s.ann.bbox;
        if (ix >= x && iy >= y && ix <= x + w && iy <= y + h) return s.ann;
      }
    }
    return null;
  }

  select(ann: AnnotationInfo | null): void {
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

  private onDown(e: PointerEvent): void {
    if (e.button !== 0 && e.button !== 1) return;
    this.root.focus();
    this.root.setPointerCapture?.(e.pointerId);
    const [sx, sy] = this.local(e);
    const handle = e.button === 0 ? this.handleAt(sx, sy) : undefined;
    if (handle && this.selected?.bbox) {
      const b = [...this.selected.bbox] as [number, number, number, number];
      this.drag = { kind: 'box', x0: sx, y0: sy, handle, start: b, cur: [...b], moved: false, ann: this.selected };
    } else {
      this.drag = { kind: 'pan', x0: sx, y0: sy, panX: this.panX, panY: this.panY, moved: false };
    }
  }

  private onMove(e: PointerEvent): void {
    const [sx, sy] = this.local(e);
    const d = this.drag;
    if (!d) {
      const [ix, iy] = this.toImage(sx, sy);
      const hit = this.hitTest(ix, iy);
      const h = this.handleAt(sx, sy);
      this.root.style.cursor = h === 'move' ? 'move' : h === 'nw' || h === 'se' ? 'nwse-resize' : h ? 'nesw-resize' : 'default';
      if (hit !== this.hover) { this.hover = hit; this.requestRender(); }
      this.ev.onHover(hit, e.clientX, e.clientY);
      return;
    }
    const dx = sx - d.x0;
    const dy = sy - d.y0;
    if (!d.moved && Math.hypot(dx, dy) < 3) return;
    d.moved = true;
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
    const r = (v: number) => Math.round(v * 100) / 100;
    d.cur = [r(x), r(y), r(w), r(h)];
    this.requestRender();
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
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
      d.ann.bbox = d.cur;
      this.ev.onBoxEdit(d.ann, d.cur);
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
    if (this.frameTimes.length > 500) this.frameTimes.shift();
  }

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
        if (!outlineOnly) {
          ctx.globalAlpha = s.ann.iscrowd ? Math.min(1, fillOpacity * 1.6) : fillOpacity;
          ctx.drawImage(s.mask.fill, 0, 0);
        }
        ctx.globalAlpha = 1;
        ctx.drawImage(s.mask.edge, 0, 0);
      }
    }
    ctx.globalAlpha = 1;
  }

  private drawUi(): void {
    const ctx = this.uiCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.uiCanvas.width, this.uiCanvas.height);
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
  }
}
