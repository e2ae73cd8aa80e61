/**
 * The minimap: bottom-right of the stage while the image is bigger than the view.
 * Shows the whole image and the viewport's rectangle; a click (or drag) there centers
 * the view on that point; arrow keys pan when it has focus.
 */
import type { Viewer } from './viewer';

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  static readonly MAX = 160;
  private scale = 1;
  private dragging = false;

  constructor(parent: HTMLElement, private readonly viewer: Viewer) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Minimap: click to move the view there; arrow keys pan');
    this.canvas.hidden = true;
    parent.appendChild(this.canvas);
    this.canvas.addEventListener('pointerdown', (e) => { e.stopPropagation(); this.dragging = true; this.canvas.setPointerCapture?.(e.pointerId); this.panTo(e); });
    this.canvas.addEventListener('pointermove', (e) => { if (this.dragging) this.panTo(e); });
    this.canvas.addEventListener('pointerup', () => { this.dragging = false; });
    this.canvas.addEventListener('wheel', (e) => e.stopPropagation());
    this.canvas.addEventListener('keydown', (e) => {
      const v = this.viewer;
      const step = 40;
      const d: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      const m = d[e.key];
      if (!m) return;
      v.setView(v.zoom, v.panX + m[0], v.panY + m[1]);
      this.render();
      e.preventDefault();
      e.stopPropagation();
    });
    // Follow every redraw of the viewer (pan, zoom, new image).
    viewer.afterRender = () => this.render();
  }

  private last = '';

  /** Whether the whole image is inside the view (no minimap then). */
  private fits(): boolean {
    const v = this.viewer;
    const r = v.root.getBoundingClientRect();
    return v.panX >= -0.5 && v.panY >= -0.5 && v.panX + v.imageW * v.zoom <= r.width + 0.5 && v.panY + v.imageH * v.zoom <= r.height + 0.5;
  }

  render(): void {
    const v = this.viewer;
    if (!v.imageW || !v.imageH || this.fits()) { this.canvas.hidden = true; this.last = ''; return; }
    const key = `${v.zoom}|${v.panX}|${v.panY}|${v.imageW}|${v.imageH}|${v.image ? 1 : 0}`;
    if (key === this.last && !this.canvas.hidden) return;
    this.last = key;
    this.canvas.hidden = false;
    const s = Minimap.MAX / Math.max(v.imageW, v.imageH);
    this.scale = s;
    const W = Math.max(1, Math.round(v.imageW * s));
    const H = Math.max(1, Math.round(v.imageH * s));
    if (this.canvas.width !== W || this.canvas.height !== H) { this.canvas.width = W; this.canvas.height = H; }
    const ctx = this.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, W, H);
    if (v.image) ctx.drawImage(v.image, 0, 0, W, H);
    else { ctx.fillStyle = 'rgba(128,128,128,0.4)'; ctx.fillRect(0, 0, W, H); }
    const r = v.root.getBoundingClientRect();
    const [x0, y0] = v.toImage(0, 0);
    const [x1, y1] = v.toImage(r.width, r.height);
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#FFD700';
    ctx.strokeRect(Math.max(0, x0 * s) + 1, Math.max(0, y0 * s) + 1, Math.min(W, x1 * s) - Math.max(0, x0 * s) - 2, Math.min(H, y1 * s) - Math.max(0, y0 * s) - 2);
    this.canvas.dataset.viewport = [x0, y0, x1, y1].map((n) => n.toFixed(1)).join(',');
  }

  /** Center the view on the image point under the pointer. */
  private panTo(e: PointerEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const ix = (e.clientX - r.left) / this.scale;
    const iy = (e.clientY - r.top) / this.scale;
    const v = this.viewer;
    const vr = v.root.getBoundingClientRect();
    v.setView(v.zoom, vr.width / 2 - ix * v.zoom, vr.height / 2 - iy * v.zoom);
    this.render();
  }
}
