import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatPolygonsMaskArea, polygonCounts, polygonMaskArea, polygonsMaskArea, polygonsToRle, rleArea } from '../../../../src/core/geometry';

const golden = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/maskapi.json'), 'utf8'));

/** Deterministic xorshift PRNG: failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** The walk's own area: sum of the RLE's odd runs, counts built the long way. */
function walkArea(poly: number[], h: number, w: number): number {
  const c = polygonCounts(poly, h, w);
  let a = 0;
  for (let i = 1; i < c.length; i += 2) a += c[i];
  return a;
}

/** Random small polygon: 3..12 points around a centre, integer / 0.5 / float coordinates, sometimes clipped or self-intersecting. */
export function randomSmallPolygon(r: () => number, h: number, w: number): number[] {
  const k = 3 + Math.floor(r() * 10);
  const mode = Math.floor(r() * 4);
  const cx = r() * (w + 4) - 2;
  const cy = r() * (h + 4) - 2;
  const rad = 0.2 + r() * (r() < 0.7 ? 5 : 25);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    let x: number, y: number;
    if (mode === 3) { // arbitrary order: self-intersecting
      x = cx + (r() * 2 - 1) * rad; y = cy + (r() * 2 - 1) * rad;
    } else {
      const ang = (i / k) * 2 * Math.PI + r() * 0.5;
      const rr = rad * (0.3 + r() * 0.7);
      x = cx + Math.cos(ang) * rr; y = cy + Math.sin(ang) * rr;
    }
    if (mode === 0) { x = Math.round(x); y = Math.round(y); } else if (mode === 1) { x = Math.round(x * 2) / 2; y = Math.round(y * 2) / 2; }
    out.push(x, y);
  }
  return out;
}

describe('geometry: polygonMaskArea (crossing path) equals rleFrPoly', () => {
  it(`matches the golden area of every maskApi polygon and box`, () => {
    for (const c of golden.polygons) assert.equal(polygonMaskArea(c.poly, c.h, c.w), c.expect.area, c.name);
    for (const c of golden.boxes) {
      const [x, y, bw, bh] = c.bbox;
      const poly = [x, y, x, y + bh, x + bw, y + bh, x + bw, y];
      assert.equal(polygonMaskArea(poly, c.h, c.w), c.expect.area, c.name);
    }
  });

  it('matches polygonsToRle + rleArea and the walk on 120k random small polygons (float, clipped, self-intersecting, negative)', () => {
    const r = rng(12345);
    for (let i = 0; i < 120_000; i++) {
      const h = 1 + Math.floor(r() * 40);
      const w = 1 + Math.floor(r() * 40);
      const poly = randomSmallPolygon(r, h, w);
      const got = polygonMaskArea(poly, h, w);
      const want = rleArea(polygonsToRle([poly], h, w));
      if (got !== want) assert.fail(`#${i} h=${h} w=${w} [${poly.join(', ')}]: ${got} != ${want}`);
      if (i % 8 === 0) assert.equal(got, walkArea(poly, h, w));
    }
  });

  it('matches on steep, long and axis-aligned edges and large coordinates', function () {
    this.timeout(20_000);
    const r = rng(777);
    for (let i = 0; i < 1500; i++) {
      const h = 1 + Math.floor(r() * 3000);
      const w = 1 + Math.floor(r() * 3000);
      const k = 3 + Math.floor(r() * 6);
      const poly: number[] = [];
      for (let j = 0; j < k; j++) {
        const x = r() * w * 1.1;
        const y = r() * h * 1.1;
        poly.push(r() < 0.3 ? Math.round(x) : x, r() < 0.3 ? Math.round(y) : y);
        if (r() < 0.2) poly.push(poly[poly.length - 2], r() * h); // vertical edge
        if (r() < 0.2) poly.push(r() * w, poly[poly.length - 2]); // horizontal edge
      }
      assert.equal(polygonMaskArea(poly, h, w), rleArea(polygonsToRle([poly], h, w)), `#${i} [${poly.join(', ')}]`);
    }
  });

  it('polygonsMaskArea equals the merged area on 60k random polygon sets (disjoint, touching, overlapping)', function () {
    this.timeout(20_000);
    const r = rng(4242);
    let summed = 0;
    for (let i = 0; i < 60_000; i++) {
      const h = 1 + Math.floor(r() * 50);
      const w = 1 + Math.floor(r() * 50);
      const polys: number[][] = [];
      const np = 2 + Math.floor(r() * 3);
      for (let p = 0; p < np; p++) polys.push(randomSmallPolygon(r, h, w));
      // Often shift one polygon to touch or nearly touch another's box edge.
      if (r() < 0.3) {
        const a = polys[0], b = polys[1];
        let ax1 = -Infinity, bx0 = Infinity;
        for (let j = 0; j < a.length; j += 2) ax1 = Math.max(ax1, a[j]);
        for (let j = 0; j < b.length; j += 2) bx0 = Math.min(bx0, b[j]);
        const d = ax1 - bx0 + [0, 0.1, -0.1, 0.05, 1e-12][Math.floor(r() * 5)];
        for (let j = 0; j < b.length; j += 2) b[j] += d;
      }
      const want = rleArea(polygonsToRle(polys, h, w));
      const got = polygonsMaskArea(polys, h, w);
      if (got !== want) assert.fail(`#${i} h=${h} w=${w} ${JSON.stringify(polys)}: ${got} != ${want}`);
      const sum = polys.reduce((t, p) => t + polygonMaskArea(p, h, w), 0);
      if (sum === want) summed++;
    }
    assert.ok(summed > 1000);
  });

  it('flatPolygonsMaskArea (the scan worker\'s flat coordinates) equals the merged area on 30k random polygon sets, one to four polygons', function () {
    this.timeout(20_000);
    const r = rng(977);
    for (let i = 0; i < 30_000; i++) {
      const h = 1 + Math.floor(r() * 50);
      const w = 1 + Math.floor(r() * 50);
      const polys: number[][] = [];
      const np = 1 + Math.floor(r() * 4);
      for (let p = 0; p < np; p++) polys.push(randomSmallPolygon(r, h, w));
      if (np > 1 && r() < 0.3) for (let j = 0; j < polys[1].length; j += 2) polys[1][j] += 2 * w; // far apart: the disjoint sum
      // Flat, after some unrelated numbers (the reader's buffer starts where it likes).
      const coords = new Float64Array(3 + polys.reduce((t, p) => t + p.length, 0));
      const ends = new Int32Array(np);
      let n = 0;
      coords[n++] = -1; coords[n++] = 1e9; coords[n++] = 0.5;
      const offset = n;
      polys.forEach((p, k) => { coords.set(p, n); n += p.length; ends[k] = n - offset; });
      const want = rleArea(polygonsToRle(polys, h, w));
      const got = flatPolygonsMaskArea(coords.subarray(offset), ends, np, h, w);
      if (got !== want) assert.fail(`#${i} h=${h} w=${w} ${JSON.stringify(polys)}: ${got} != ${want}`);
    }
  });
});
