/** The annotations' overlays drawn in image coordinates: fills, outlines, crowd hatching, masks, keypoints. */
import type { AnnotationInfo, CategoryInfo } from '../../../src/shared/protocol';
import { hatchTile, type Shape } from '../shapes';
import { categoryDash } from '../../../src/shared/palette';

export interface PaintOptions {
  fillOpacity: number;
  outlineOnly: boolean;
  zoom: number;
  visible(s: Shape): boolean;
  categoryOf?(ann: AnnotationInfo): CategoryInfo | undefined;
}

export function paintOverlays(ctx: CanvasRenderingContext2D, shapes: readonly Shape[], o: PaintOptions): void {
  const { fillOpacity, outlineOnly, zoom } = o;
  const lw = 1.5 / zoom;
  ctx.imageSmoothingEnabled = false;
  ctx.lineJoin = 'round';
  for (const s of shapes) {
    if (!o.visible(s)) continue;
    if (s.path) {
      if (!outlineOnly && s.ann.kind !== 'box') {
        ctx.globalAlpha = s.ann.iscrowd ? 1 : fillOpacity;
        ctx.fillStyle = s.ann.iscrowd ? ctx.createPattern(hatchTile(s.color), 'repeat')! : s.color;
        ctx.fill(s.path, 'evenodd');
      }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = lw;
      if (s.ann.iscrowd) ctx.setLineDash([4 / zoom, 3 / zoom]);
      else {
        // From the 17th category on the colours repeat: the outline's dash tells them apart.
        const dash = categoryDash(o.categoryOf?.(s.ann)?.colorIndex ?? 0);
        if (dash.length) ctx.setLineDash(dash.map((d) => d / zoom));
      }
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
  for (const s of shapes) if (s.ann.keypoints && o.visible(s)) paintKeypoints(ctx, s, zoom, o.categoryOf?.(s.ann));
  ctx.globalAlpha = 1;
}

/** Keypoints over the overlays: skeleton lines, visible (v=2) filled, labelled-hidden (v=1) hollow, v=0 not drawn. */
export function paintKeypoints(ctx: CanvasRenderingContext2D, s: Shape, zoom: number, cat: CategoryInfo | undefined): void {
  const kp = s.ann.keypoints;
  if (!kp || kp.length < 3) return;
  const n = Math.floor(kp.length / 3);
  const lw = 2 / zoom;
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
  const rad = 3.5 / zoom;
  for (let i = 0; i < n; i++) {
    const v = kp[3 * i + 2];
    if (v <= 0) continue;
    ctx.beginPath();
    ctx.arc(kp[3 * i], kp[3 * i + 1], rad, 0, Math.PI * 2);
    if (v >= 2) { ctx.fillStyle = s.color; ctx.fill(); ctx.lineWidth = 1 / zoom; ctx.strokeStyle = '#000000'; ctx.stroke(); }
    else { ctx.fillStyle = 'rgba(0,0,0,0)'; ctx.lineWidth = 1.5 / zoom; ctx.strokeStyle = s.color; ctx.stroke(); }
  }
}
