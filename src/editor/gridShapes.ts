/** What a grid thumbnail shows of its annotations: boxes, and polygon rings thinned to about 64 points each. */
import { isJsonObject } from '../core/coco/document';
import { idOf } from '../core/ruleKit/schema';
import type { GridCell, GridShape } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { imagePayload } from './viewerPayloads';

/** At most this many annotations drawn over one grid thumbnail. */
const GRID_SHAPES_MAX = 300;

/** The cells with their `shapes` filled in (category colour slots as the viewer's). */
export function withGridShapes(state: AnnotationState, cells: GridCell[]): GridCell[] {
  if (!cells.length) return cells;
  const slot = new Map<unknown, number>();
  state.base.categoryEntries.forEach((e, k) => {
    if (!isJsonObject(e.value)) return;
    const id = idOf(e.value.id);
    if (id !== undefined && !slot.has(id)) slot.set(id, k);
  });
  for (const c of cells) c.shapes = gridShapes(state, c.index, slot);
  return cells;
}

function gridShapes(state: AnnotationState, index: number, slot: Map<unknown, number>): GridShape[] {
  const p = imagePayload(state, index);
  const g = p.geometry;
  const out: GridShape[] = [];
  p.annotations.forEach((a, k) => {
    if (out.length >= GRID_SHAPES_MAX) return;
    const shape: GridShape = { colorIndex: slot.get(a.categoryId) ?? 0, bbox: a.bbox };
    if (a.kind === 'polygons') {
      const rings: number[][] = [];
      for (let r = g.ringStart[k]; r < g.ringStart[k + 1]; r++) {
        const from = g.coordStart[r];
        const n = (g.coordStart[r + 1] - from) >> 1;
        const step = Math.max(1, Math.ceil(n / 64));
        const ring: number[] = [];
        for (let v = 0; v < n; v += step) ring.push(Math.round(g.coords[from + 2 * v] * 10) / 10, Math.round(g.coords[from + 2 * v + 1] * 10) / 10);
        if (ring.length >= 6) rings.push(ring);
      }
      if (rings.length) shape.rings = rings;
    }
    out.push(shape);
  });
  return out;
}
