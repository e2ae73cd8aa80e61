/**
 * The viewer's "second layer": objects that are not the file's own labels, drawn over them in
 * one style so they are never mistaken for labels — dashed outlines 2 screen px wide (a mask's
 * outline when there is one, else its box) — for an evaluation's predictions (issue 12) and for
 * annotator B in an agreement (issue 13). A label of the file that needs attention (a missed
 * label, a conflict) gets a halo instead: a wide translucent solid band around its outline.
 * Pure drawing on a context already transformed to image pixels, plus hit testing.
 */

export interface LayerShape {
  bbox: readonly [number, number, number, number];
  /** Outline rings in image pixels; absent or empty: the box. */
  rings?: readonly (readonly number[])[];
}

export interface SecondLayerItem extends LayerShape {
  color: string;
  /** The walked-to item: thicker, lightly filled. */
  selected?: boolean;
}

/** The dash of the second layer, in screen pixels. */
export const SECOND_LAYER_DASH: readonly [number, number] = [6, 4];

function tracePath(ctx: CanvasRenderingContext2D, s: LayerShape): void {
  ctx.beginPath();
  const rings = s.rings?.filter((r) => r.length >= 6) ?? [];
  if (rings.length === 0) {
    const [x, y, w, h] = s.bbox;
    ctx.rect(x, y, w, h);
    return;
  }
  for (const r of rings) {
    ctx.moveTo(r[0], r[1]);
    for (let k = 2; k + 1 < r.length; k += 2) ctx.lineTo(r[k], r[k + 1]);
    ctx.closePath();
  }
}

/** `pixel`: one screen pixel in image units (1 / zoom), so lines keep their width at any zoom. */
export function drawSecondLayer(ctx: CanvasRenderingContext2D, items: readonly SecondLayerItem[], pixel: number): void {
  ctx.save();
  ctx.lineJoin = 'round';
  for (const it of items) {
    tracePath(ctx, it);
    if (it.selected) {
      ctx.globalAlpha = 0.2;
      ctx.fillStyle = it.color;
      ctx.fill('evenodd');
      ctx.globalAlpha = 1;
    }
    ctx.setLineDash(SECOND_LAYER_DASH.map((d) => d * pixel));
    ctx.lineWidth = (it.selected ? 3.5 : 2) * pixel;
    ctx.strokeStyle = it.color;
    ctx.stroke();
  }
  ctx.restore();
}

/** A label of the file that needs attention: a solid translucent band around its outline. */
export function drawHalo(ctx: CanvasRenderingContext2D, shape: LayerShape, color: string, pixel: number, selected = false): void {
  ctx.save();
  tracePath(ctx, shape);
  ctx.setLineDash([]);
  ctx.lineJoin = 'round';
  ctx.globalAlpha = selected ? 0.85 : 0.55;
  ctx.lineWidth = (selected ? 8 : 6) * pixel;
  ctx.strokeStyle = color;
  ctx.stroke();
  ctx.restore();
}

function insideRing(r: readonly number[], x: number, y: number): boolean {
  let inside = false;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = r[2 * i], yi = r[2 * i + 1], xj = r[2 * j], yj = r[2 * j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether image point (x, y) is on the shape (even-odd over its rings, else in its box), with `slack` image px around the box. */
export function shapeContains(s: LayerShape, x: number, y: number, slack = 0): boolean {
  const [bx, by, bw, bh] = s.bbox;
  if (x < bx - slack || y < by - slack || x > bx + bw + slack || y > by + bh + slack) return false;
  const rings = s.rings?.filter((r) => r.length >= 6) ?? [];
  if (rings.length === 0) return true;
  let inside = false;
  for (const r of rings) if (insideRing(r, x, y)) inside = !inside;
  return inside;
}

/** The smallest shape under image point (x, y) (small objects win over the big ones around them), or -1. */
export function hitShape(shapes: readonly LayerShape[], x: number, y: number, slack = 0): number {
  let best = -1;
  let bestArea = Infinity;
  shapes.forEach((s, i) => {
    if (!shapeContains(s, x, y, slack)) return;
    const a = s.bbox[2] * s.bbox[3];
    if (a < bestArea) { best = i; bestArea = a; }
  });
  return best;
}

/** The next (or previous) position in a list of `count`, wrapping around; undefined when empty. */
export function stepIndex(count: number, current: number | undefined, direction: 1 | -1): number | undefined {
  if (count === 0) return undefined;
  if (current === undefined || current >= count) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}
