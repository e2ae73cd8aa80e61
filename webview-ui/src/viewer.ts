/**
 * Three stacked canvases: the image, the overlays, the interaction layer
 * (hover, selection, drag handles). The view transform (`view/viewTransform`) maps image
 * pixels to CSS pixels: screen = image * zoom + pan. Pointer input is `view/interaction`,
 * the cached overlays `view/overlayCache` + `view/paintShapes`, the interaction layer `view/uiLayer`.
 */
import type { AnnotationInfo, CategoryInfo, Id } from '../../src/shared/protocol';
// One rounding for every coordinate the viewer sends (the host's, pycocotools files' 2 decimals).
import { round2 } from '../../src/core/edits/jsonEdits';
import type { Shape } from './shapes';
import type { OverlayColors, OverlayItem } from './reports/compare/diffOverlay';
import type { EvalOverlayColors, EvalOverlayItems } from './evalOverlay';
import type { SegmentTool } from './segment/segmentTool';
import { catKey } from './catKey';
import { ViewTransform } from './view/viewTransform';
import { OverlayCache } from './view/overlayCache';
import { paintOverlays } from './view/paintShapes';
import { Interaction } from './view/interaction';
import { drawUiLayer } from './view/uiLayer';

export { catKey } from './catKey';
export { fitKeypoints, fitRings } from './view/editGeometry';

export interface ViewerOptions {
  fillOpacity: number;
  outlineOnly: boolean;
  hidden: Set<string>;
  readonly: boolean;
  /** The category of an annotation (keypoint skeletons). */
  categoryOf?(ann: AnnotationInfo): CategoryInfo | undefined;
}

export type Tool = 'select' | 'box' | 'polygon' | 'segment';

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

export class Viewer {
  readonly root: HTMLDivElement;
  readonly imageCanvas: HTMLCanvasElement;
  readonly overlayCanvas: HTMLCanvasElement;
  readonly uiCanvas: HTMLCanvasElement;
  /** Image pixels ↔ CSS pixels. */
  readonly view = new ViewTransform();
  readonly interaction: Interaction;
  private readonly scratch = document.createElement('canvas').getContext('2d')!;
  image?: CanvasImageSource;
  imageW = 0;
  imageH = 0;
  shapes: Shape[] = [];
  selected: AnnotationInfo | null = null;
  hover: AnnotationInfo | null = null;
  tool: Tool = 'select';
  /** Diff mode: a comparison's old / new outlines of this image, and the change walked to with ] / [. */
  diffOverlay?: { items: OverlayItem[]; colors: OverlayColors; selected?: number; count: number };
  /** Evaluation TP / FP / FN of the shown image (issue 12); drawn when set. */
  evalOverlay?: { items: EvalOverlayItems; colors: EvalOverlayColors };
  /** The second layer (predictions, annotator B): drawn on the UI layer in image pixels when set; `pixel` = 1 / zoom. */
  secondLayer?: (ctx: CanvasRenderingContext2D, pixel: number) => void;
  /** The Segment tool (SAM clicks / box), when main.ts made one: pointer events in image coordinates go to it. */
  segment?: SegmentTool;
  /** The vertex picked on the selected polygon (Delete removes it). */
  selectedVertex: { ring: number; i: number } | null = null;
  /** Rings shown for the selected annotation until the host's answer arrives (after a vertex edit). */
  private pendingRings?: { id: Id; rings: number[][] };
  /** The polygon being drawn (image coordinates). */
  drawing: number[] = [];
  private frame = 0;
  /** Durations of the last renders (ms), for the frame-time figures. */
  readonly frameTimes: number[] = [];
  private readonly overlays = new OverlayCache(() => this.requestRender());
  private shapesVersion = 0;
  static readonly MARGIN = OverlayCache.MARGIN;
  static readonly SETTLE_MS = OverlayCache.SETTLE_MS;

  constructor(parent: HTMLElement, readonly opts: ViewerOptions, readonly ev: ViewerEvents) {
    this.root = document.createElement('div');
    this.root.className = 'stage';
    this.root.tabIndex = 0;
    this.imageCanvas = this.layer('layer-image');
    this.overlayCanvas = this.layer('layer-overlay');
    this.uiCanvas = this.layer('layer-ui');
    parent.appendChild(this.root);
    new ResizeObserver(() => this.resize()).observe(this.root);
    this.interaction = new Interaction(this);
  }

  // The view transform's numbers, as the viewer's own (tests, the minimap and main.ts read them here).
  get zoom(): number { return this.view.zoom; }
  set zoom(z: number) { this.view.zoom = z; }
  get panX(): number { return this.view.panX; }
  set panX(x: number) { this.view.panX = x; }
  get panY(): number { return this.view.panY; }
  set panY(y: number) { this.view.panY = y; }
  get fitted(): boolean { return this.view.fitted; }
  set fitted(f: boolean) { this.view.fitted = f; }
  get dpr(): number { return this.view.dpr; }
  /** Full overlay redraws (cache rebuilds), for tests. */
  get overlayRedraws(): number { return this.overlays.redraws; }

  private layer(cls: string): HTMLCanvasElement {
    const c = document.createElement('canvas');
    c.className = `layer ${cls}`;
    this.root.appendChild(c);
    return c;
  }

  resize(): void {
    const r = this.root.getBoundingClientRect();
    this.view.setSize(r.width, r.height, window.devicePixelRatio || 1);
    for (const c of [this.imageCanvas, this.overlayCanvas, this.uiCanvas]) {
      c.width = Math.round(this.view.cssW * this.view.dpr);
      c.height = Math.round(this.view.cssH * this.view.dpr);
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

  /** Show these rings for an annotation until the host's answer replaces the shapes. */
  showPendingRings(id: Id, rings: number[][]): void { this.pendingRings = { id, rings }; }

  setTool(tool: Tool): void {
    this.tool = this.opts.readonly ? 'select' : tool;
    this.drawing = [];
    this.root.style.cursor = this.tool === 'select' ? 'default' : 'crosshair';
    this.requestRender();
  }

  /** Esc: cancel the polygon being drawn (true), else nothing to cancel (false). */
  cancelDrawing(): boolean {
    if (this.drawing.length === 0 && this.interaction.drag?.kind !== 'draw-box') return false;
    this.drawing = [];
    this.interaction.cancelDrawBox();
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

  /** Send edited rings to the host (rounded) and show them until it answers. */
  commitRings(ann: AnnotationInfo, rings: number[][], label: string): void {
    const r = round2;
    const clean = rings.map((p) => p.map(r));
    this.pendingRings = { id: ann.id, rings: clean };
    this.requestRender();
    this.ev.onPolygonsEdit?.(ann, clean, label);
  }

  fit(notify = true): void {
    if (!this.view.fit(this.imageW, this.imageH)) return;
    this.requestRender();
    if (notify) this.ev.onViewChange();
  }

  /** 1:1 around the view's centre. */
  actualSize(): void { this.zoomAt(1 / this.zoom, this.view.cssW / 2, this.view.cssH / 2); }

  setView(zoom: number, panX: number, panY: number): void {
    this.view.set(zoom, panX, panY);
    this.requestRender();
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    this.view.zoomAt(factor, sx, sy);
    this.requestRender();
    this.ev.onViewChange();
  }

  toImage(sx: number, sy: number): [number, number] { return this.view.toImage(sx, sy); }

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

  // ---------------------------------------------------------------- drawing

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderNow(); });
  }

  renderNow(): void {
    const t0 = performance.now();
    this.drawImageLayer();
    this.drawOverlays();
    drawUiLayer(this);
    this.frameTimes.push(performance.now() - t0);
    if (this.frameTimes.length > 500) this.frameTimes.shift();
    this.afterRender?.();
  }

  /** Called after each render (the minimap follows the view). */
  afterRender?: () => void;

  private drawImageLayer(): void {
    const ctx = this.imageCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.imageCanvas.width, this.imageCanvas.height);
    if (!this.imageW) return;
    this.view.applyTo(ctx);
    ctx.imageSmoothingEnabled = this.zoom < 2;
    if (this.image) ctx.drawImage(this.image, 0, 0, this.imageW, this.imageH);
    else {
      ctx.fillStyle = 'rgba(128,128,128,0.25)';
      ctx.fillRect(0, 0, this.imageW, this.imageH);
    }
  }

  private cacheKey(): string {
    const o = this.opts;
    const v = this.view;
    return `${this.shapesVersion}|${o.fillOpacity}|${o.outlineOnly}|${[...o.hidden].sort().join(',')}|${v.cssW}x${v.cssH}@${v.dpr}`;
  }

  /** Forget the cached overlays (colors changed, a shape was edited in place). */
  invalidateOverlays(): void { this.overlays.invalidate(); this.requestRender(); }

  private drawOverlays(): void {
    const o = this.opts;
    this.overlays.draw(this.overlayCanvas, this.view, this.cacheKey(), (ctx) => paintOverlays(ctx, this.shapes, {
      fillOpacity: o.fillOpacity, outlineOnly: o.outlineOnly, zoom: this.zoom, visible: (s) => this.visible(s), categoryOf: (a) => o.categoryOf?.(a),
    }));
  }
}
