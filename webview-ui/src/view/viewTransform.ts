/**
 * The view transform: image pixels to CSS pixels, screen = image * zoom + pan, and the
 * canvas size in CSS pixels and device pixels. Pure math, no drawing.
 */
export class ViewTransform {
  zoom = 1;
  panX = 0;
  panY = 0;
  /** The view follows the stage's size (fit) until the user zooms or pans. */
  fitted = true;
  dpr = 1;
  cssW = 0;
  cssH = 0;

  /** The stage's new size in CSS pixels and the device pixel ratio. */
  setSize(width: number, height: number, dpr: number): void {
    this.dpr = dpr;
    this.cssW = Math.max(1, Math.round(width));
    this.cssH = Math.max(1, Math.round(height));
  }

  /** The whole image in the view, centred, with a 2 % border; false without an image size. */
  fit(imageW: number, imageH: number): boolean {
    if (!imageW || !imageH) return false;
    const z = Math.min(this.cssW / imageW, this.cssH / imageH) * 0.98;
    this.zoom = z > 0 ? z : 1;
    this.panX = (this.cssW - imageW * this.zoom) / 2;
    this.panY = (this.cssH - imageH * this.zoom) / 2;
    this.fitted = true;
    return true;
  }

  set(zoom: number, panX: number, panY: number): void {
    this.zoom = zoom;
    this.panX = panX;
    this.panY = panY;
    this.fitted = false;
  }

  /** Zoom by a factor keeping the image point under (sx, sy) where it is; zoom stays in [0.02, 64]. */
  zoomAt(factor: number, sx: number, sy: number): void {
    const z = Math.min(64, Math.max(0.02, this.zoom * factor));
    const ix = (sx - this.panX) / this.zoom;
    const iy = (sy - this.panY) / this.zoom;
    this.zoom = z;
    this.panX = sx - ix * z;
    this.panY = sy - iy * z;
    this.fitted = false;
  }

  toImage(sx: number, sy: number): [number, number] {
    return [(sx - this.panX) / this.zoom, (sy - this.panY) / this.zoom];
  }

  toScreenX(x: number): number { return x * this.zoom + this.panX; }
  toScreenY(y: number): number { return y * this.zoom + this.panY; }

  /** A box in image coordinates as [x, y, w, h] in CSS pixels. */
  boxToScreen(b: readonly [number, number, number, number]): readonly [number, number, number, number] {
    return [b[0] * this.zoom + this.panX, b[1] * this.zoom + this.panY, b[2] * this.zoom, b[3] * this.zoom];
  }

  /** Draw in image coordinates on a canvas of device pixels. */
  applyTo(ctx: CanvasRenderingContext2D): void {
    const k = this.dpr;
    ctx.setTransform(k * this.zoom, 0, 0, k * this.zoom, k * this.panX, k * this.panY);
  }
}
