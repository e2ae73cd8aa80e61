/** A grid thumbnail's annotations: boxes and polygon outlines in their category colours, over the thumbnail. */
import type { GridCell } from '../../src/shared/protocol';
import { categoryColor, categoryDash } from '../../src/shared/palette';

/** The thumbnail box's size (CSS pixels, as .thumb in styles.css). */
export const THUMB = 190;

/** The size an image of w × h is shown at in a thumbnail box. */
export function thumbSize(w: number, h: number): { width: number; height: number; scale: number } | undefined {
  if (!(w > 0 && h > 0)) return undefined;
  const scale = Math.min(THUMB / w, THUMB / h);
  return { width: Math.round(w * scale), height: Math.round(h * scale), scale };
}

/**
 * Draw a cell's shapes on a canvas laid over its thumbnail box, and size the thumbnail image
 * to the same place. Nothing when the cell has no size or no shapes.
 */
export function addCellOverlay(box: HTMLElement, cell: GridCell | undefined): void {
  const size = cell && thumbSize(cell.width, cell.height);
  if (!cell || !size) return;
  const img = box.querySelector('img');
  if (img) { img.style.width = `${size.width}px`; img.style.height = `${size.height}px`; }
  if (!cell.shapes?.length) return;
  const dpr = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.className = 'thumb-overlay';
  canvas.width = Math.round(size.width * dpr);
  canvas.height = Math.round(size.height * dpr);
  canvas.style.width = `${size.width}px`;
  canvas.style.height = `${size.height}px`;
  const ctx = canvas.getContext('2d')!;
  const k = size.scale * dpr;
  ctx.setTransform(k, 0, 0, k, 0, 0);
  ctx.lineWidth = 1.5 / size.scale;
  ctx.lineJoin = 'round';
  for (const s of cell.shapes) {
    const color = categoryColor(s.colorIndex);
    ctx.strokeStyle = color;
    ctx.setLineDash(categoryDash(s.colorIndex).map((d) => d / size.scale));
    if (s.rings?.length) {
      const path = new Path2D();
      for (const r of s.rings) {
        path.moveTo(r[0], r[1]);
        for (let i = 2; i + 1 < r.length; i += 2) path.lineTo(r[i], r[i + 1]);
        path.closePath();
      }
      ctx.globalAlpha = 0.3;
      ctx.fillStyle = color;
      ctx.fill(path, 'evenodd');
      ctx.globalAlpha = 1;
      ctx.stroke(path);
    } else if (s.bbox) {
      ctx.strokeRect(s.bbox[0], s.bbox[1], s.bbox[2], s.bbox[3]);
    }
  }
  box.appendChild(canvas);
}
