import assert from 'node:assert/strict';
import {
  bboxArea,
  isFiniteBbox,
  isWellFormedRleString,
  maskToPolygons,
  polygonArea,
  polygonBbox,
  polygonSelfIntersects,
  polygonsArea,
  polygonsToRle,
  polygonToRle,
  rleArea,
  rleDecode,
  rleEncode,
  rleEncodeColumnMajor,
  rleFromBbox,
  rleFromString,
  rleIou,
  rleMerge,
  rleProblem,
  rleToBbox,
  rleToString,
  segmentationKind,
  segmentationToRle,
} from '../../../../src/core/geometry';

describe('geometry: hand-checked vectors', () => {
  // row-major 3x3 "plus": 010 / 111 / 010. Column-major scan: 0 1 0 | 1 1 1 | 0 1 0
  const plus = Uint8Array.from([0, 1, 0, 1, 1, 1, 0, 1, 0]);
  it('3x3 plus: counts, string, area, bbox, decode', () => {
    const rle = rleEncode(plus, 3, 3);
    assert.deepEqual(rle, { size: [3, 3], counts: [1, 1, 1, 3, 1, 1, 1] });
    // '1','1','1' then deltas from i=3: 3-1=2 -> '2', 1-1=0 -> '0', 1-3=-2 -> 30+48='N', 1-1=0 -> '0'
    assert.equal(rleToString(rle.counts as number[]), '11120N0');
    assert.deepEqual(rleFromString('11120N0'), [1, 1, 1, 3, 1, 1, 1]);
    assert.equal(rleArea(rle), 5);
    assert.deepEqual(rleToBbox(rle), [0, 0, 3, 3]);
    assert.deepEqual(rleDecode(rle), plus);
    assert.deepEqual(rleDecode({ size: [3, 3], counts: '11120N0' }), plus);
  });
  it('column-major input and nonzero = 1', () => {
    assert.deepEqual(rleEncodeColumnMajor([0, 255, 0, 7, 1, 1, 0, 9, 0], 3, 3).counts, [1, 1, 1, 3, 1, 1, 1]);
    assert.deepEqual(rleEncode([0, 0, 0, 0], 2, 2).counts, [4]);
    assert.deepEqual(rleEncode([1, 1, 1, 1], 2, 2).counts, [0, 4]);
  });
  it('large counts need many 5-bit groups and exact arithmetic', () => {
    const counts = [0, 4294967295, 1, 2 ** 31, 3, 123456789, 0];
    assert.deepEqual(rleFromString(rleToString(counts)), counts);
    // 40: low group 8 with continuation (8|0x20)+48 = 'X', then 40>>5 = 1 -> '1'
    assert.equal(rleToString([40]), 'X1');
    // -2 as a delta (i > 2): low group 30 has the sign bit and 40>>5 = -1 ends it -> 'N'
    assert.equal(rleToString([0, 5, 0, 3]), '050N');
  });
  it('unit box [0,0,1,1] covers exactly pixel (0,0); pixel centres decide', () => {
    assert.deepEqual(rleFromBbox([0, 0, 1, 1], 4, 4).counts, [0, 1, 15]);
    assert.equal(rleArea(polygonToRle([0.4, 0.4, 0.6, 0.4, 0.6, 0.6, 0.4, 0.6], 2, 2)), 1);
    assert.equal(rleArea(polygonToRle([0.6, 0.6, 0.9, 0.6, 0.9, 0.9], 2, 2)), 0);
  });
  it('merge / iou basics and crowd', () => {
    const a = rleEncode([1, 1, 0, 0], 2, 2); // left column
    const b = rleEncode([1, 0, 1, 0], 2, 2); // top row
    assert.equal(rleArea(rleMerge([a, b])), 3);
    assert.equal(rleArea(rleMerge([a, b], true)), 1);
    assert.deepEqual(rleIou([a], [b], [0]), [[1 / 3]]);
    assert.deepEqual(rleIou([a], [b], [1]), [[1 / 2]]); // crowd: / area(dt)
    assert.deepEqual(rleMerge([a, { size: [3, 2], counts: [6] }]), { size: [0, 0], counts: [] });
  });
});

describe('geometry: segmentationToRle', () => {
  const sq = [1, 1, 4, 1, 4, 4, 1, 4];
  it('polygons are unioned like annToRLE', () => {
    const r = segmentationToRle([sq, [3, 3, 6, 3, 6, 6, 3, 6]], 8, 8)!;
    assert.equal(rleArea(r), 9 + 9 - 1);
    assert.deepEqual(r, polygonsToRle([sq, [3, 3, 6, 3, 6, 6, 3, 6]], 8, 8));
    assert.equal(segmentationKind([sq]), 'polygons');
  });
  it('the 4-number quirk: first entry of length 4 -> boxes (compat) / degenerate polygon (not)', () => {
    assert.equal(segmentationKind([[1, 1, 3, 2]]), 'boxes');
    assert.equal(rleArea(segmentationToRle([[1, 1, 3, 2]], 8, 8)!), 6);
    assert.equal(rleArea(segmentationToRle([[1, 1, 3, 2]], 8, 8, { pycocotoolsCompat: false })!), 0);
    assert.equal(segmentationToRle([[1, 1, 3, 2], sq], 8, 8), undefined); // ragged boxes: numpy fails
    assert.equal(rleArea(segmentationToRle([sq, [1, 1, 3, 2]], 8, 8)!), 9); // later 4-number entry: 2-point polygon
  });
  it('uncompressed and compressed RLE keep their own size', () => {
    assert.deepEqual(segmentationToRle({ size: [3, 3], counts: [1, 1, 1, 3, 1, 1, 1] }, 9, 9), {
      size: [3, 3],
      counts: [1, 1, 1, 3, 1, 1, 1],
    });
    assert.deepEqual(segmentationToRle({ size: [3, 3], counts: '11120N0' }, 3, 3)!.counts, [1, 1, 1, 3, 1, 1, 1]);
    assert.equal(segmentationKind({ size: [3, 3], counts: '11120N0' }), 'compressed-rle');
    assert.equal(rleArea(segmentationToRle([{ size: [2, 2], counts: [0, 1, 3] }, { size: [2, 2], counts: [3, 1] }], 2, 2)!), 2);
  });
  it('returns undefined, never throws, on malformed input', () => {
    const bad: unknown[] = [
      null, undefined, 3, 'abc', {}, [], [[]], [[1, 2]], [[1, 2, 3]], [[1, 2, 'x', 4, 5, 6]], [[1, 2, NaN, 4, 5, 6]],
      [[1, 2, Infinity, 4, 5, 6]], [[1e300, 2, 3, 4, 5, 6]], [sq, 'x'], [sq, null], [1, 2, 3, 4, 5, 6],
      { size: [2, 2], counts: [1, 2] }, { size: [2, 2], counts: [-1, 5] }, { size: [2, 2], counts: [1.5, 2.5] },
      { size: [2], counts: [4] }, { size: [2, 2], counts: 'a b' }, { size: [2, 2], counts: 'o' }, { size: [2, 2], counts: 5 },
      { size: [2, 2], counts: '5' }, [{ size: [2, 2], counts: [4] }, { size: [3, 3], counts: [9] }], [{ size: [2, 2], counts: '4' }],
    ];
    for (const b of bad) assert.equal(segmentationToRle(b, 4, 4), undefined, JSON.stringify(b));
    assert.equal(segmentationToRle([sq], NaN, 4), undefined);
    assert.match(rleProblem({ size: [2, 2], counts: [1, 2] })!, /sum/);
    assert.equal(rleProblem({ size: [2, 2], counts: '04' }), undefined);
    assert.equal(isWellFormedRleString('11120N0'), true);
    assert.equal(isWellFormedRleString('1p'), false);
  });
});

describe('geometry: polygon measures', () => {
  it('area, bbox, box helpers', () => {
    assert.equal(polygonArea([0, 0, 4, 0, 4, 3]), 6);
    assert.equal(polygonArea([0, 0, 0, 3, 4, 0]), 6);
    assert.equal(polygonArea([0, 0, 1, 1]), 0);
    assert.equal(polygonsArea([[0, 0, 4, 0, 4, 3], [0, 0, 2, 0, 2, 2, 0, 2]]), 10);
    assert.deepEqual(polygonBbox([1, 2, 5, 3, 2, 7]), [1, 2, 4, 5]);
    assert.deepEqual(polygonBbox([[1, 2, 5, 3, 2, 7], [0, 9, 1, 9, 1, 10]]), [0, 2, 5, 8]);
    assert.deepEqual(polygonBbox([]), [0, 0, 0, 0]);
    assert.equal(bboxArea([1, 2, 3, 4]), 12);
    assert.equal(isFiniteBbox([1, 2, 3, 4]), true);
    assert.equal(isFiniteBbox([1, 2, -3, 4]), false);
    assert.equal(isFiniteBbox([1, 2, NaN, 4]), false);
    assert.equal(isFiniteBbox([1, 2, 3]), false);
  });
  it('self-intersection', () => {
    assert.equal(polygonSelfIntersects([1, 1, 9, 9, 9, 1, 1, 9]), true); // bowtie
    assert.equal(polygonSelfIntersects([0, 0, 4, 0, 4, 4, 0, 4]), false);
    assert.equal(polygonSelfIntersects([0, 0, 4, 0, 4, 4, 0, 4, 0, 0]), false); // explicitly closed
    assert.equal(polygonSelfIntersects([0, 0, 4, 0, 4, 0, 4, 4, 0, 4]), false); // repeated vertex
    assert.equal(polygonSelfIntersects([1, 1, 8, 1, 8, 3, 3, 3, 3, 8, 1, 8]), false); // L
    assert.equal(polygonSelfIntersects([15, 2, 22.6, 25.5, 3, 10.6, 27, 10.6, 7.4, 25.5]), true); // pentagram
    assert.equal(polygonSelfIntersects([0, 0, 4, 0, 2, 0, 2, 3]), true); // spike folding back
    assert.equal(polygonSelfIntersects([0, 0, 4, 0, 4, 4, 2, 0, 0, 4]), true); // vertex touching an edge
  });
});

function ellipses(h: number, w: number, seed: number): Uint8Array {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const es = Array.from({ length: 3 }, () => [r() * w, r() * h, 3 + (r() * w) / 4, 3 + (r() * h) / 4]);
  const m = new Uint8Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      m[y * w + x] = es.some(([cx, cy, rx, ry]) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 < 1) ? 1 : 0;
  return m;
}

describe('geometry: maskToPolygons', () => {
  it('round trip IoU >= 0.9 for blobs (lossless default and simplified)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const h = 60 + seed * 7, w = 90 + seed * 5;
      const m = ellipses(h, w, seed);
      const gt = rleEncode(m, h, w);
      for (const tolerance of [0, 1]) {
        const polys = maskToPolygons(m, h, w, { tolerance });
        const back = polygonsToRle(polys, h, w);
        const iou = rleIou([back], [gt], [0])[0][0];
        assert.ok(iou >= (tolerance ? 0.9 : 0.99), `seed ${seed} tol ${tolerance}: IoU ${iou}`);
      }
    }
  });
  it('single pixel, empty, full', () => {
    const one = new Uint8Array(25);
    one[2 * 5 + 3] = 1;
    const p = maskToPolygons(one, 5, 5);
    assert.equal(p.length, 1);
    assert.deepEqual(rleDecode(polygonsToRle(p, 5, 5)), one);
    assert.deepEqual(maskToPolygons(new Uint8Array(25), 5, 5), []);
    const full = maskToPolygons(new Uint8Array(12).fill(1), 3, 4);
    assert.equal(rleArea(polygonsToRle(full, 3, 4)), 12);
  });
  it('holes: filled by default, kept with holes: "bridge"', () => {
    const h = 20, w = 20;
    const ring = new Uint8Array(h * w);
    for (let y = 2; y < 18; y++) for (let x = 2; x < 18; x++) ring[y * w + x] = x < 7 || x > 12 || y < 7 || y > 12 ? 1 : 0;
    const gt = rleEncode(ring, h, w);
    const filled = maskToPolygons(ring, h, w);
    assert.equal(filled.length, 1);
    assert.equal(rleArea(polygonsToRle(filled, h, w)), 16 * 16);
    const bridged = maskToPolygons(ring, h, w, { holes: 'bridge' });
    assert.equal(bridged.length, 1);
    assert.deepEqual(rleDecode(polygonsToRle(bridged, h, w)), ring);
    assert.equal(rleIou([polygonsToRle(bridged, h, w)], [gt], [0])[0][0], 1);
  });
});
