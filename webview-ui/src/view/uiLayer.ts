/**
 * The interaction layer, redrawn every frame: the evaluation and diff overlays, the Segment
 * tool's preview, hover and selection outlines, box and vertex handles, and the shape being drawn.
 */
import { drawSegment } from '../segment/drawSegment';
import { drawDiffOverlay } from '../reports/compare/diffOverlay';
import { drawEvalOverlay } from '../evalOverlay';
import { fitKeypoints, fitRings, type Box } from './editGeometry';
import type { Viewer } from '../viewer';

export function drawUiLayer(v: Viewer): void {
  const ctx = v.uiCanvas.getContext('2d')!;
  const { dpr, zoom, panX, panY } = v.view;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, v.uiCanvas.width, v.uiCanvas.height);
  if (v.evalOverlay) {
    v.view.applyTo(ctx);
    drawEvalOverlay(ctx, v.evalOverlay.items, 1 / zoom, v.evalOverlay.colors);
  }
  if (v.secondLayer) {
    v.view.applyTo(ctx);
    v.secondLayer(ctx, 1 / zoom);
  }
  if (v.diffOverlay) {
    // Transient like the Segment preview: on the UI layer, not in the overlay cache.
    v.view.applyTo(ctx);
    drawDiffOverlay(ctx, v.diffOverlay.items, 1 / zoom, v.diffOverlay.colors, v.diffOverlay.selected);
  }
  if (v.tool === 'segment' && v.segment) {
    // The Segment tool's preview, points and box: transient, so on the UI layer, not in the overlay cache.
    v.view.applyTo(ctx);
    drawSegment(ctx, v.segment, zoom, getComputedStyle(document.body));
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const toS = (b: Box) => v.view.boxToScreen(b);
  const hover = v.hover;
  if (hover && hover !== v.selected && hover.bbox) {
    const [x, y, w, h] = toS(hover.bbox);
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w, h);
    ctx.setLineDash([]);
  }
  const sel = v.selected;
  const dragNow = v.interaction.drag;
  const drag = dragNow?.kind === 'box' && dragNow.moved ? dragNow : undefined;
  const box = drag ? drag.cur : sel?.bbox;
  if (sel && box) {
    const [x, y, w, h] = toS(box);
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.strokeRect(x, y, w, h);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#FFFFFF';
    ctx.strokeRect(x, y, w, h);
    if (!v.opts.readonly) {
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
  let rings = v.selectedRings();
  const vd = dragNow?.kind === 'vertex' && dragNow.moved ? dragNow : undefined;
  if (vd) rings = vd.rings;
  else if (drag && rings && sel?.bbox) rings = fitRings(rings, drag.start, drag.cur);
  if (sel && rings) {
    const path = new Path2D();
    for (const p of rings) {
      if (p.length < 4) continue;
      path.moveTo(p[0] * zoom + panX, p[1] * zoom + panY);
      for (let k = 2; k + 1 < p.length; k += 2) path.lineTo(p[k] * zoom + panX, p[k + 1] * zoom + panY);
      path.closePath();
    }
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(0,0,0,0.7)'; ctx.stroke(path);
    ctx.lineWidth = 1.5; ctx.strokeStyle = '#FFFFFF'; ctx.stroke(path);
    if (!v.opts.readonly) {
      const sv = v.selectedVertex;
      rings.forEach((p, ring) => {
        for (let k = 0; k + 1 < p.length; k += 2) {
          const hx = p[k] * zoom + panX;
          const hy = p[k + 1] * zoom + panY;
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
      ctx.arc(kp[i] * zoom + panX, kp[i + 1] * zoom + panY, 3.5, 0, Math.PI * 2);
      ctx.fillStyle = '#FFFFFF';
      ctx.fill();
      ctx.strokeStyle = '#000000';
      ctx.stroke();
    }
  }
  // Drawing tools.
  const db = dragNow?.kind === 'draw-box' ? dragNow : undefined;
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
  if (v.drawing.length >= 2) {
    const pts = v.drawing;
    const pointer = v.interaction.pointer;
    ctx.beginPath();
    ctx.moveTo(pts[0] * zoom + panX, pts[1] * zoom + panY);
    for (let k = 2; k + 1 < pts.length; k += 2) ctx.lineTo(pts[k] * zoom + panX, pts[k + 1] * zoom + panY);
    if (pointer) ctx.lineTo(pointer[0], pointer[1]);
    ctx.setLineDash([5, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#FFFFFF';
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#FFFFFF';
    for (let k = 0; k + 1 < pts.length; k += 2) ctx.fillRect(pts[k] * zoom + panX - 3, pts[k + 1] * zoom + panY - 3, 6, 6);
  }
}
