/**
 * Diff mode for the viewer: old and new outlines on the same image. Added objects are drawn in
 * the theme's "added" colour, removed ones dashed in its "deleted" colour, changed ones as the
 * old outline dashed and the new one solid in its "modified" colour, with a line between the
 * box centres when the object moved. Pure drawing on a context already transformed to image
 * pixels; the viewer decides when (see the hooks in the issue-13 report).
 */

export interface OverlayGeometry { bbox?: number[]; segmentation?: unknown }

export interface DiffOverlayInput {
  /** added: only `new`; removed: only `old`; changed: both. Agreement conflicts map the same way (A = old, B = new). */
  kind: 'added' | 'removed' | 'changed';
  old?: OverlayGeometry;
  new?: OverlayGeometry;
  /** One line for a tooltip / the side panel ("moved (IoU 0.82)", "relabelled car → truck"). */
  label?: string;
}

export interface OverlayItem {
  role: 'added' | 'removed' | 'old' | 'new';
  rings: number[][];
  /** Centre of the box, for the old → new link. */
  centre?: [number, number];
  label?: string;
  index: number;
}

export interface OverlayColors { added: string; removed: string; modified: string }

/** Theme colours of git decorations, so the overlay reads like the SCM view. */
export function overlayColors(style: CSSStyleDeclaration = getComputedStyle(document.body)): OverlayColors {
  const v = (n: string, f: string) => style.getPropertyValue(n).trim() || f;
  return {
    added: v('--vscode-gitDecoration-addedResourceForeground', '#81b88b'),
    removed: v('--vscode-gitDecoration-deletedResourceForeground', '#c74e39'),
    modified: v('--vscode-gitDecoration-modifiedResourceForeground', '#e2c08d'),
  };
}

/** Polygon rings of a geometry: its polygons, else its box as a rectangle (RLE masks: their box). */
export function ringsOf(g: OverlayGeometry | undefined): number[][] {
  if (!g) return [];
  const seg = g.segmentation;
  if (Array.isArray(seg) && seg.length && Array.isArray(seg[0]) && (seg[0] as unknown[]).length >= 6) {
    return (seg as unknown[]).filter((p): p is number[] => Array.isArray(p) && p.every((x) => typeof x === 'number'));
  }
  const b = g.bbox;
  if (Array.isArray(b) && b.length === 4 && b.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    const [x, y, w, h] = b;
    return [[x, y, x + w, y, x + w, y + h, x, y + h]];
  }
  return [];
}

const centre = (g?: OverlayGeometry): [number, number] | undefined => {
  const b = g?.bbox;
  return Array.isArray(b) && b.length === 4 ? [b[0] + b[2] / 2, b[1] + b[3] / 2] : undefined;
};

export function overlayItems(changes: DiffOverlayInput[]): OverlayItem[] {
  const out: OverlayItem[] = [];
  changes.forEach((c, index) => {
    if (c.kind !== 'added') out.push({ role: c.kind === 'removed' ? 'removed' : 'old', rings: ringsOf(c.old), centre: centre(c.old), label: c.label, index });
    if (c.kind !== 'removed') out.push({ role: c.kind === 'added' ? 'added' : 'new', rings: ringsOf(c.new), centre: centre(c.new), label: c.label, index });
  });
  return out;
}

/**
 * Draws the items. `pixel` is the size of one screen pixel in image units (1 / zoom), so lines
 * stay 2 px wide at any zoom; `selected` (a change index) is drawn thicker and filled.
 */
export function drawDiffOverlay(ctx: CanvasRenderingContext2D, items: OverlayItem[], pixel: number, colors: OverlayColors, selected?: number): void {
  ctx.save();
  for (const it of items) {
    const color = it.role === 'added' ? colors.added : it.role === 'removed' ? colors.removed : colors.modified;
    const on = it.index === selected;
    ctx.strokeStyle = color;
    ctx.lineWidth = (on ? 3.5 : 2) * pixel;
    ctx.setLineDash(it.role === 'removed' || it.role === 'old' ? [6 * pixel, 4 * pixel] : []);
    ctx.beginPath();
    for (const r of it.rings) {
      ctx.moveTo(r[0], r[1]);
      for (let k = 2; k + 1 < r.length; k += 2) ctx.lineTo(r[k], r[k + 1]);
      ctx.closePath();
    }
    if (on && it.role !== 'old') { ctx.globalAlpha = 0.25; ctx.fillStyle = color; ctx.fill('evenodd'); ctx.globalAlpha = 1; }
    ctx.stroke();
  }
  // old → new centre links for moved objects
  ctx.setLineDash([2 * pixel, 3 * pixel]);
  ctx.lineWidth = 1.5 * pixel;
  ctx.strokeStyle = colors.modified;
  const olds = new Map(items.filter((i) => i.role === 'old').map((i) => [i.index, i.centre]));
  for (const it of items) {
    const from = it.role === 'new' ? olds.get(it.index) : undefined;
    if (!from || !it.centre || (from[0] === it.centre[0] && from[1] === it.centre[1])) continue;
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(it.centre[0], it.centre[1]);
    ctx.stroke();
  }
  ctx.restore();
}

/** Index of the next (or previous) change to walk to with the diff keys, wrapping around. */
export function stepChange(count: number, current: number | undefined, direction: 1 | -1): number | undefined {
  if (count === 0) return undefined;
  if (current === undefined) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}
