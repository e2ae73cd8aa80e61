/**
 * Marching squares on a binary mask, ring for ring and vertex for vertex what
 * `d3-contour` (v4) gives with `.thresholds([0.5]).smooth(false)` on a 0/1 grid — same rings, same
 * start vertex, same direction, same order — without its costs: d3 keeps the open line fragments
 * in sparse arrays indexed by a point's grid index (dictionary-mode arrays, ~2/3 of its time) and
 * grows rings with `concat` / `unshift`. Here fragments live in typed arrays and rings are linked
 * lists of vertices, joined in O(1).
 *
 * Why the open fragments fit in a few rows of slots: cells are visited row by row, so a fragment's
 * two ends always lie on the scan front — the top or bottom edge of a cell of the current row
 * (keyed by column and by the parity of the edge's line), or the edge between the current cell and
 * the next (keyed by column; consumed within the row). Each slot also keeps the point's full d3
 * index, so a lookup only hits the very point d3 would find; two live points never share a slot
 * (checked, and tested against d3 on random masks).
 *
 * Coordinates are held doubled (every vertex is an edge midpoint: one of 2x, 2y is odd), exact in
 * integers; pixel (x, y) covers [x, x+1] × [y, y+1], as in d3 and pycocotools.
 */

/** Segments of each case, as doubled offsets [x0, y0, x1, y1, …] within the cell (d3's table). */
const CASES: readonly (readonly number[])[] = [
  [],
  [2, 3, 1, 2],
  [3, 2, 2, 3],
  [3, 2, 1, 2],
  [2, 1, 3, 2],
  [2, 3, 1, 2, 2, 1, 3, 2],
  [2, 1, 2, 3],
  [2, 1, 1, 2],
  [1, 2, 2, 1],
  [2, 3, 2, 1],
  [1, 2, 2, 1, 3, 2, 2, 3],
  [3, 2, 2, 1],
  [1, 2, 3, 2],
  [2, 3, 3, 2],
  [1, 2, 2, 3],
  [],
];

/**
 * A closed ring in d3's form: flat x,y pairs (real coordinates), the first vertex repeated at the
 * end, and d3's `area()` of it (positive = an outer boundary, else a hole).
 */
export interface MarchingRing {
  coords: number[];
  area: number;
}

/**
 * The open fragments and the vertices of one trace. Typed arrays, kept between calls (tracing
 * many masks in a row allocates little); a class so every access is a monomorphic field load.
 */
class Stitcher {
  nodeX = new Int32Array(1 << 12);
  nodeY = new Int32Array(1 << 12);
  nodeNext = new Int32Array(1 << 12);
  nodes = 0;
  fragStart = new Float64Array(1 << 10); // d3 index of the fragment's first point
  fragEnd = new Float64Array(1 << 10); // … and of its last
  fragStartSlot = new Int32Array(1 << 10);
  fragEndSlot = new Int32Array(1 << 10);
  fragHead = new Int32Array(1 << 10);
  fragTail = new Int32Array(1 << 10);
  frags = 0;
  // by slot: fragment id + 1 (0 = none), and the d3 index of the point held there
  byStart = new Int32Array(0);
  byEnd = new Int32Array(0);
  startKey = new Float64Array(0);
  endKey = new Float64Array(0);
  dx = 0;
  vBase = 0;
  rowStride = 0;
  onRing: (ring: MarchingRing) => void = () => {};

  reset(dx: number, onRing: (ring: MarchingRing) => void): void {
    this.dx = dx;
    // slots: two lines of horizontal-edge points (by parity), then the vertical edges of the row
    this.vBase = 2 * (dx + 1);
    const nSlots = this.vBase + dx + 2;
    if (this.byStart.length < nSlots) {
      this.byStart = new Int32Array(nSlots);
      this.byEnd = new Int32Array(nSlots);
      this.startKey = new Float64Array(nSlots);
      this.endKey = new Float64Array(nSlots);
    } else {
      // left clean by a complete trace (every fragment closes); not after a throw
      this.byStart.fill(0, 0, nSlots);
      this.byEnd.fill(0, 0, nSlots);
    }
    this.rowStride = (dx + 1) * 2; // d3's index: X + Y * (dx + 1) * 2 with doubled X, Y
    this.nodes = 0;
    this.frags = 0;
    this.onRing = onRing;
  }

  slotOf(X: number, Y: number): number {
    return (Y & 1) ? (((Y - 1) >> 1) & 1) * (this.dx + 1) + (X >> 1) : this.vBase + ((X - 1) >> 1) + 1;
  }

  newNode(X: number, Y: number, next: number): number {
    if (this.nodes === this.nodeX.length) {
      const n = this.nodes * 2;
      const x = new Int32Array(n); x.set(this.nodeX); this.nodeX = x;
      const y = new Int32Array(n); y.set(this.nodeY); this.nodeY = y;
      const nx = new Int32Array(n); nx.set(this.nodeNext); this.nodeNext = nx;
    }
    this.nodeX[this.nodes] = X; this.nodeY[this.nodes] = Y; this.nodeNext[this.nodes] = next;
    return this.nodes++;
  }

  newFrag(): number {
    if (this.frags === this.fragStart.length) {
      const n = this.frags * 2;
      const f64 = (a: Float64Array) => { const b = new Float64Array(n); b.set(a); return b; };
      const i32 = (a: Int32Array) => { const b = new Int32Array(n); b.set(a); return b; };
      this.fragStart = f64(this.fragStart); this.fragEnd = f64(this.fragEnd);
      this.fragStartSlot = i32(this.fragStartSlot); this.fragEndSlot = i32(this.fragEndSlot);
      this.fragHead = i32(this.fragHead); this.fragTail = i32(this.fragTail);
    }
    return this.frags++;
  }

  setStart(f: number, slot: number, key: number): void {
    if (this.byStart[slot] !== 0 && this.startKey[slot] !== key) throw new Error('marchingRings: two open fragments share a slot');
    this.byStart[slot] = f + 1;
    this.startKey[slot] = key;
    this.fragStart[f] = key;
    this.fragStartSlot[f] = slot;
  }

  setEnd(f: number, slot: number, key: number): void {
    if (this.byEnd[slot] !== 0 && this.endKey[slot] !== key) throw new Error('marchingRings: two open fragments share a slot');
    this.byEnd[slot] = f + 1;
    this.endKey[slot] = key;
    this.fragEnd[f] = key;
    this.fragEndSlot[f] = slot;
  }

  /** d3's stitch() of every segment of a case, at cell (x, y). */
  cell(seg: readonly number[], x: number, y: number): void {
    for (let s = 0; s < seg.length; s += 4) this.segment(seg[s] + 2 * x, seg[s + 1] + 2 * y, seg[s + 2] + 2 * x, seg[s + 3] + 2 * y);
  }

  segment(sX: number, sY: number, eX: number, eY: number): void {
    const startIndex = sX + sY * this.rowStride, endIndex = eX + eY * this.rowStride;
    const sSlot = this.slotOf(sX, sY), eSlot = this.slotOf(eX, eY);
    const f = this.byEnd[sSlot] !== 0 && this.endKey[sSlot] === startIndex ? this.byEnd[sSlot] - 1 : -1;
    if (f >= 0) {
      const g = this.byStart[eSlot] !== 0 && this.startKey[eSlot] === endIndex ? this.byStart[eSlot] - 1 : -1;
      if (g >= 0) {
        this.byEnd[this.fragEndSlot[f]] = 0;
        this.byStart[this.fragStartSlot[g]] = 0;
        if (f === g) {
          const n = this.newNode(eX, eY, -1);
          this.nodeNext[this.fragTail[f]] = n;
          this.fragTail[f] = n;
          this.emit(f);
        } else {
          // f.ring.concat(g.ring), kept under f's id
          this.nodeNext[this.fragTail[f]] = this.fragHead[g];
          this.fragTail[f] = this.fragTail[g];
          this.setStart(f, this.fragStartSlot[f], this.fragStart[f]);
          this.setEnd(f, this.fragEndSlot[g], this.fragEnd[g]);
        }
      } else {
        this.byEnd[this.fragEndSlot[f]] = 0;
        const n = this.newNode(eX, eY, -1);
        this.nodeNext[this.fragTail[f]] = n;
        this.fragTail[f] = n;
        this.setEnd(f, eSlot, endIndex);
      }
      return;
    }
    const h = this.byStart[eSlot] !== 0 && this.startKey[eSlot] === endIndex ? this.byStart[eSlot] - 1 : -1;
    if (h >= 0) {
      // (d3 checks fragmentByEnd[startIndex] again here: it was just found empty)
      this.byStart[this.fragStartSlot[h]] = 0;
      this.fragHead[h] = this.newNode(sX, sY, this.fragHead[h]);
      this.setStart(h, sSlot, startIndex);
      return;
    }
    const n = this.newFrag();
    const tail = this.newNode(eX, eY, -1);
    this.fragHead[n] = this.newNode(sX, sY, tail);
    this.fragTail[n] = tail;
    this.setStart(n, sSlot, startIndex);
    this.setEnd(n, eSlot, endIndex);
  }

  emit(f: number): void {
    const coords: number[] = [];
    for (let n = this.fragHead[f]; n >= 0; n = this.nodeNext[n]) coords.push(this.nodeX[n] / 2, this.nodeY[n] / 2);
    // d3's area(): (y[n-1] x[0] - x[n-1] y[0]) + Σ (y[i-1] x[i] - x[i-1] y[i])
    const k = coords.length;
    let a = coords[k - 1] * coords[0] - coords[k - 2] * coords[1];
    for (let i = 2; i < k; i += 2) a += coords[i - 1] * coords[i] - coords[i - 2] * coords[i + 1];
    this.onRing({ coords, area: a });
  }
}

const stitcher = new Stitcher();

/**
 * Every ring of the region where `mask` is nonzero (row-major, h rows of w), in the order d3-contour
 * closes them, handed to `onRing` as they close.
 */
export function marchingRings(mask: ArrayLike<number>, h: number, w: number, onRing: (ring: MarchingRing) => void): void {
  const dx = w, dy = h;
  if (dx <= 0 || dy <= 0) return;
  const st = stitcher;
  st.reset(dx, onRing);
  const stitch = (seg: readonly number[], x: number, y: number) => st.cell(seg, x, y);
  // 0/1 bytes, so the scan below reads one monomorphic typed array
  let bits: Uint8Array;
  if (mask instanceof Uint8Array && isZeroOne(mask, dx * dy)) bits = mask;
  else {
    bits = new Uint8Array(dx * dy);
    for (let i = 0; i < bits.length; i++) if (mask[i]) bits[i] = 1;
  }
  let x: number, y: number, t0: number, t1: number, t2: number, t3: number, c: number;

  // first row (y = -1: the grid row above is outside)
  x = y = -1;
  t1 = bits[0];
  if ((c = t1 << 1)) stitch(CASES[c], x, y);
  while (++x < dx - 1) {
    t0 = t1; t1 = bits[x + 1];
    if ((c = t0 | (t1 << 1))) stitch(CASES[c], x, y);
  }
  if ((c = t1)) stitch(CASES[c], x, y);

  // rows between
  while (++y < dy - 1) {
    x = -1;
    const top = y * dx, bottom = top + dx;
    t1 = bits[bottom];
    t2 = bits[top];
    if ((c = (t1 << 1) | (t2 << 2))) stitch(CASES[c], x, y);
    while (++x < dx - 1) {
      t0 = t1; t1 = bits[bottom + x + 1];
      t3 = t2; t2 = bits[top + x + 1];
      c = t0 | (t1 << 1) | (t2 << 2) | (t3 << 3);
      if (c !== 0 && c !== 15) stitch(CASES[c], x, y);
    }
    if ((c = t1 | (t2 << 3))) stitch(CASES[c], x, y);
  }

  // last row (the grid row below is outside)
  x = -1;
  const top = y * dx;
  t2 = bits[top];
  if ((c = t2 << 2)) stitch(CASES[c], x, y);
  while (++x < dx - 1) {
    t3 = t2; t2 = bits[top + x + 1];
    if ((c = (t2 << 2) | (t3 << 3))) stitch(CASES[c], x, y);
  }
  if ((c = t2 << 3)) stitch(CASES[c], x, y);
}

function isZeroOne(m: Uint8Array, n: number): boolean {
  if (m.length < n) return false;
  for (let i = 0; i < n; i++) if (m[i] > 1) return false;
  return true;
}
