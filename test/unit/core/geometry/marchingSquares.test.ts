/**
 * The fast tracer against d3-contour, its reference: the same polygons, vertex for vertex and in
 * the same order, on every mask up to 4×4 and on thousands of random masks (noise of every
 * density, blobs with holes, CVAT-like column runs, lines one pixel wide), with holes filled and
 * bridged, with and without simplification.
 */
import { strict as assert } from 'node:assert';
import { contours } from 'd3-contour';
import { maskToPolygons, type MaskToPolygonsOptions } from '../../../../src/core/geometry/contours';
import { marchingRings } from '../../../../src/core/geometry/marchingSquares';
import { maskToPolygonsD3 } from './d3Contours';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPTIONS: MaskToPolygonsOptions[] = [{}, { holes: 'bridge' }, { tolerance: 1 }, { holes: 'bridge', tolerance: 0.7, minArea: 3 }];

function assertSame(m: Uint8Array, h: number, w: number, what: string, options = OPTIONS): void {
  for (const o of options) {
    const ours = maskToPolygons(m, h, w, o);
    const ref = maskToPolygonsD3(m, h, w, o);
    assert.deepEqual(ours, ref, `${what} ${JSON.stringify(o)}: ${JSON.stringify(ours).slice(0, 200)} vs d3 ${JSON.stringify(ref).slice(0, 200)}`);
  }
}

function noise(rand: () => number, h: number, w: number, p: number): Uint8Array {
  const m = new Uint8Array(h * w);
  for (let i = 0; i < m.length; i++) m[i] = rand() < p ? 1 : 0;
  return m;
}

/** Ellipses, some with an elliptic hole: outer rings and holes, nested islands. */
function blobs(rand: () => number, h: number, w: number): Uint8Array {
  const m = new Uint8Array(h * w);
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const cx = rand() * w, cy = rand() * h, rx = 1 + rand() * w / 2, ry = 1 + rand() * h / 2, hole = rand() < 0.5 ? 0.3 + rand() * 0.4 : 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const d = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2;
      if (d < 1) m[y * w + x] = d < hole * hole ? 0 : 1;
    }
  }
  return m;
}

/** One run of ones per column, its ends jittered: the bench's (and CVAT's) crowd masks. */
function columnRuns(rand: () => number, h: number, w: number): Uint8Array {
  const m = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) {
    if (rand() < 0.1) continue;
    const top = Math.floor(rand() * h * 0.4), bottom = Math.max(top + 1, h - Math.floor(rand() * h * 0.4));
    for (let y = top; y < bottom; y++) m[y * w + x] = 1;
  }
  return m;
}

/** Random walks one pixel wide (diagonal steps make corner-touching pixels: saddle cells). */
function walks(rand: () => number, h: number, w: number): Uint8Array {
  const m = new Uint8Array(h * w);
  let x = Math.floor(rand() * w), y = Math.floor(rand() * h);
  for (let k = 0; k < h * w; k++) {
    m[y * w + x] = 1;
    x = Math.min(w - 1, Math.max(0, x + Math.floor(rand() * 3) - 1));
    y = Math.min(h - 1, Math.max(0, y + Math.floor(rand() * 3) - 1));
  }
  return m;
}

describe('geometry: marching squares = d3-contour', () => {
  it('every mask up to 3×3, and 1×N / N×1 up to 10 wide', () => {
    for (const [h, w] of [[1, 1], [1, 2], [2, 1], [2, 2], [2, 3], [3, 2], [3, 3]]) {
      for (let bits = 0; bits < 1 << (h * w); bits++) {
        const m = new Uint8Array(h * w);
        for (let i = 0; i < m.length; i++) m[i] = (bits >> i) & 1;
        assertSame(m, h, w, `${h}×${w} #${bits}`);
      }
    }
    for (let n = 1; n <= 10; n++) {
      for (let bits = 0; bits < 1 << n; bits++) {
        const m = new Uint8Array(n);
        for (let i = 0; i < n; i++) m[i] = (bits >> i) & 1;
        assertSame(m, 1, n, `1×${n} #${bits}`, [{}, { holes: 'bridge' }]);
        assertSame(m, n, 1, `${n}×1 #${bits}`, [{}, { holes: 'bridge' }]);
      }
    }
  });

  it('every 4×4 mask', () => {
    for (let bits = 0; bits < 1 << 16; bits++) {
      const m = new Uint8Array(16);
      for (let i = 0; i < 16; i++) m[i] = (bits >> i) & 1;
      assertSame(m, 4, 4, `4×4 #${bits}`, [{ holes: 'bridge' }]);
    }
  });

  it('2,000 random masks of every kind and size', () => {
    const rand = mulberry32(11);
    for (let k = 0; k < 2000; k++) {
      const h = 1 + Math.floor(rand() * (k % 10 === 0 ? 120 : 30)), w = 1 + Math.floor(rand() * (k % 10 === 0 ? 120 : 30));
      const kind = k % 4;
      const m = kind === 0 ? noise(rand, h, w, rand()) : kind === 1 ? blobs(rand, h, w) : kind === 2 ? columnRuns(rand, h, w) : walks(rand, h, w);
      assertSame(m, h, w, `mask ${k} (kind ${kind}, ${h}×${w})`);
    }
  });

  it('rings, holes included, equal d3-contour\'s rings in order, with its area sign', () => {
    const rand = mulberry32(5);
    for (let k = 0; k < 300; k++) {
      const h = 2 + Math.floor(rand() * 40), w = 2 + Math.floor(rand() * 40);
      const m = k % 2 ? noise(rand, h, w, 0.5) : blobs(rand, h, w);
      const ours: { coords: number[]; area: number }[] = [];
      marchingRings(m, h, w, (r) => ours.push(r));
      const [geom] = contours().size([w, h]).thresholds([0.5]).smooth(false)(Array.from(m));
      const refOuter = geom.coordinates.map((p) => (p[0] as number[][]).flat());
      assert.deepEqual(ours.filter((r) => r.area > 0).map((r) => r.coords), refOuter, `mask ${k}`);
      const refHoles = geom.coordinates.flatMap((p) => p.slice(1).map((r) => (r as number[][]).flat()));
      const ourHoles = ours.filter((r) => r.area <= 0).map((r) => r.coords);
      // d3 lists holes under their outer ring; every one of them is one of ours
      for (const hole of refHoles) assert.ok(ourHoles.some((r) => JSON.stringify(r) === JSON.stringify(hole)), `mask ${k}: hole missing`);
    }
  });

  it('ignores what lies outside the h×w grid and treats any nonzero value as inside', () => {
    const m = [0, 2, 0.5, -1, 0, 0, NaN, 1, 0];
    assert.deepEqual(maskToPolygons(m, 3, 3), maskToPolygonsD3(m, 3, 3));
    assert.deepEqual(maskToPolygons(m, 2, 3), maskToPolygons(m.slice(0, 6), 2, 3));
  });
});
