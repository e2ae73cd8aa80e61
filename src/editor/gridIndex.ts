/**
 * The grid's index over the edited annotations: per image, how many annotations and which
 * categories (cached per model version), and the queries the grid and the Dataset Report's
 * bars filter with.
 */
import type { CocoDocument, IdKey } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { AREA_BINS, ASPECT_BINS } from '../core/metrics/stats/histogram';
import { MEDIUM_AREA, SMALL_AREA } from '../core/metrics/stats/compute';
import type { GridCell, GridQuery, Id, ProblemInfo } from '../shared/protocol';
import type { AnnotationState } from './annotationState';
import { idKeyString, num } from './jsonValues';

/** The viewer's problem list as the grid reads it: per row its image, rule and severity (problemIndex's ProblemList). */
export interface ProblemRows {
  readonly length: number;
  imageIndex(row: number): number;
  rule(row: number): string;
  severity(row: number): ProblemInfo['severity'];
}

export const NO_PROBLEMS: ProblemRows = { length: 0, imageIndex: () => -1, rule: () => '', severity: () => 'info' };

const SEVERITY_RANK = { error: 3, warning: 2, info: 1 } as const;

export class GridIndex {
  private stats?: { version: number; counts: Uint32Array; cats: Map<string, Uint8Array> };
  /** Every image's file_name in lower case, once a search asks (the images are not kept parsed). */
  private names?: { base: CocoDocument; lower: string[] };

  constructor(private readonly state: AnnotationState) {}

  /** Per image: annotation count, and which categories it has (bitmap per category). */
  private imageStats(): { counts: Uint32Array; cats: Map<string, Uint8Array> } {
    const state = this.state;
    if (this.stats?.version === state.version) return this.stats;
    const n = state.imageCount;
    const counts = new Uint32Array(n);
    const cats = new Map<string, Uint8Array>();
    // From the columns: nothing is parsed (a walk over 860k parsed annotations held the thread for seconds).
    const byId = new Map<IdKey, Uint8Array>(); // a Map keeps 1 and "1" apart: no key string per annotation
    for (let i = 0, end = state.nextIndex; i < end; i++) {
      if (!state.isLiveObject(i)) continue;
      const img = state.imageIndexAt(i);
      if (img === undefined) continue;
      counts[img]++;
      const c = state.categoryOf(i);
      if (c === undefined) continue;
      let bits = byId.get(c);
      if (!bits) byId.set(c, (bits = new Uint8Array(n)));
      bits[img] = 1;
    }
    for (const [c, bits] of byId) cats.set(idKeyString(c), bits);
    this.stats = { version: state.version, counts, cats };
    return this.stats;
  }

  private lowerFileNames(): string[] {
    const base = this.state.base;
    if (this.names?.base !== base) {
      const lower: string[] = [];
      for (let i = 0; i < this.state.imageCount; i++) lower.push(this.state.imageFileName(i)?.toLowerCase() ?? '');
      this.names = { base, lower };
    }
    return this.names.lower;
  }

  /** Per image: 1 when one of its annotations (of `categories`, when given) has a box in the bin, as the Dataset Report bins it. */
  private imagesInBoxBin(q: NonNullable<GridQuery['boxBin']>, categories: readonly Id[] | undefined): Uint8Array {
    const state = this.state;
    const hit = new Uint8Array(state.imageCount);
    const wanted = categories?.length ? new Set(categories.map(idKeyString)) : undefined;
    for (let i = 0, end = state.nextIndex; i < end; i++) {
      if (!state.isLiveObject(i)) continue;
      const img = state.imageIndexAt(i);
      if (img === undefined || hit[img]) continue;
      if (wanted) {
        const c = state.categoryOf(i);
        if (c === undefined || !wanted.has(idKeyString(c))) continue;
      }
      const b = state.boxSizeOf(i);
      if (!b || !(b[0] > 0 && b[1] > 0)) continue;
      // log₂ w ± log₂ h, as src/core/metrics/stats/compute.ts bins them, so the grid finds what the bar counted.
      const lw = Math.log2(b[0]), lh = Math.log2(b[1]);
      let bin: number;
      if (q.measure === 'area') bin = AREA_BINS.indexLog2(lw + lh);
      else if (q.measure === 'aspect') bin = ASPECT_BINS.indexLog2(lw - lh);
      else {
        const area = state.areaOf(i) ?? b[0] * b[1];
        bin = area < SMALL_AREA ? 0 : area < MEDIUM_AREA ? 1 : 2;
      }
      if (bin === q.bin) hit[img] = 1;
    }
    return hit;
  }

  /** Image indices matching a query, in display order. `problems`: the viewer's problem list. */
  queryGrid(q: GridQuery, problems: ProblemRows = NO_PROBLEMS): Uint32Array {
    const state = this.state;
    const { counts, cats } = this.imageStats();
    const n = state.imageCount;
    let keep = new Uint8Array(n).fill(1);
    if (q.categories?.length) {
      const any = new Uint8Array(n);
      for (const c of q.categories) {
        const bits = cats.get(idKeyString(c));
        if (bits) for (let i = 0; i < n; i++) any[i] |= bits[i];
      }
      keep = any;
    }
    if (q.boxBin) {
      const inBin = this.imagesInBoxBin(q.boxBin, q.categories);
      for (let i = 0; i < n; i++) keep[i] &= inBin[i];
    }
    if (q.imageIds) {
      const wanted = new Set(q.imageIds.ids.map(idKeyString));
      for (let i = 0; i < n; i++) {
        const id = state.imageIdAt(i);
        if (id === undefined || !wanted.has(idKeyString(id))) keep[i] = 0;
      }
    }
    const probCount = new Uint32Array(n);
    for (let r = 0; r < problems.length; r++) { const i = problems.imageIndex(r); if (i >= 0 && i < n) probCount[i]++; }
    if (q.rule || q.severity) {
      const min = q.severity ? SEVERITY_RANK[q.severity] : 0;
      const hit = new Uint8Array(n);
      for (let r = 0; r < problems.length; r++) {
        const i = problems.imageIndex(r);
        if (i < 0 || i >= n) continue;
        if (q.rule && q.rule !== '*' && problems.rule(r) !== q.rule) continue;
        if (SEVERITY_RANK[problems.severity(r)] < min) continue;
        hit[i] = 1;
      }
      for (let i = 0; i < n; i++) keep[i] &= hit[i];
    }
    if (q.noAnnotations) for (let i = 0; i < n; i++) if (counts[i] > 0) keep[i] = 0;
    const needle = q.search?.trim().toLowerCase();
    const names = needle ? this.lowerFileNames() : undefined;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      if (names && !names[i].includes(needle!)) continue;
      out.push(i);
    }
    if (q.sort === 'problems') out.sort((a, b) => probCount[b] - probCount[a] || a - b);
    else if (q.sort === 'annotations') out.sort((a, b) => counts[b] - counts[a] || a - b);
    return Uint32Array.from(out);
  }

  gridCells(indices: readonly number[], problems: ProblemRows = NO_PROBLEMS): GridCell[] {
    const state = this.state;
    const { counts } = this.imageStats();
    const want = new Map<number, GridCell>();
    for (const i of indices) {
      if (i < 0 || i >= state.imageCount) continue;
      const v = state.base.imageEntries[i].value;
      const o = isJsonObject(v) ? v : {};
      want.set(i, {
        index: i, fileName: typeof o.file_name === 'string' ? o.file_name : '', width: num(o.width) ?? 0, height: num(o.height) ?? 0,
        annotations: counts[i], problems: 0,
      });
    }
    for (let r = 0; r < problems.length; r++) {
      const c = want.get(problems.imageIndex(r));
      if (!c) continue;
      c.problems++;
      const severity = problems.severity(r);
      if (!c.severity || SEVERITY_RANK[severity] > SEVERITY_RANK[c.severity]) c.severity = severity;
    }
    return [...want.values()];
  }
}
