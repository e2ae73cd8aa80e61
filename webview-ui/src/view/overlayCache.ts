/**
 * The overlays drawn once at one zoom over the view plus a margin: panning
 * translates it, zooming scales it, and the real redraw waits until the view
 * has been still for SETTLE_MS (or the data changed).
 */
import type { ViewTransform } from './viewTransform';

export class OverlayCache {
  static readonly MARGIN = 256;
  static readonly SETTLE_MS = 140;
  private cache?: { canvas: HTMLCanvasElement; key: string; zoom: number; panX: number; panY: number; margin: number };
  /** The next rebuild draws the margin too (the view is being moved). */
  private wantMargin = false;
  private settleTimer = 0;
  /** Full overlay redraws (cache rebuilds), for tests. */
  redraws = 0;

  /** @param requestRender asks for a frame once the view has settled */
  constructor(private readonly requestRender: () => void) {}

  /** Forget the cached overlays (colors changed, a shape was edited in place). */
  invalidate(): void { this.cache = undefined; }

  /**
   * Show the overlays on `target` at the view `v`: from the cache when its `key` (what was
   * drawn) still holds, else redrawn with `paint` (called with the context in image coordinates).
   */
  draw(target: HTMLCanvasElement, v: ViewTransform, key: string, paint: (ctx: CanvasRenderingContext2D) => void): void {
    const ctx = target.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, target.width, target.height);
    const c = this.cache;
    if (c && c.key === key) {
      const m = c.margin;
      const s = v.zoom / c.zoom;
      const dx = v.panX - (m + c.panX) * s;
      const dy = v.panY - (m + c.panY) * s;
      const covers = dx <= 0.5 && dy <= 0.5 && dx + (v.cssW + 2 * m) * s >= v.cssW - 0.5 && dy + (v.cssH + 2 * m) * s >= v.cssH - 0.5;
      if (s === 1) {
        // Panning: the same bitmap, moved.
        ctx.drawImage(c.canvas, Math.round(dx * v.dpr), Math.round(dy * v.dpr));
      } else {
        // Zooming: the bitmap scaled, until the view settles.
        const k = v.dpr;
        ctx.setTransform(k * s, 0, 0, k * s, k * dx, k * dy);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(c.canvas, 0, 0, c.canvas.width / k, c.canvas.height / k);
        ctx.setTransform(1, 0, 0, 1, 0, 0);
      }
      if (s !== 1 || !covers) {
        // The real redraw (with a margin for the next pan) once the view has been still a moment.
        clearTimeout(this.settleTimer);
        this.settleTimer = window.setTimeout(() => { this.cache = undefined; this.wantMargin = true; this.requestRender(); }, OverlayCache.SETTLE_MS);
      }
      return;
    }
    // Redraw into the cache at this view, then show it. After a data change only the view
    // (the fastest first frame); after a pan/zoom settles, the view and a margin around it.
    const M = this.wantMargin ? OverlayCache.MARGIN : 0;
    this.wantMargin = false;
    const canvas = c?.canvas ?? document.createElement('canvas');
    const W = Math.round((v.cssW + 2 * M) * v.dpr);
    const H = Math.round((v.cssH + 2 * M) * v.dpr);
    if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
    const cctx = canvas.getContext('2d')!;
    cctx.setTransform(1, 0, 0, 1, 0, 0);
    cctx.clearRect(0, 0, W, H);
    const k = v.dpr;
    cctx.setTransform(k * v.zoom, 0, 0, k * v.zoom, k * (v.panX + M), k * (v.panY + M));
    paint(cctx);
    this.cache = { canvas, key, zoom: v.zoom, panX: v.panX, panY: v.panY, margin: M };
    this.redraws++;
    ctx.drawImage(canvas, -Math.round(M * v.dpr), -Math.round(M * v.dpr));
  }
}
