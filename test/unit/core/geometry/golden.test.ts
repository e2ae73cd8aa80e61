import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bboxIou,
  polygonToRle,
  rleArea,
  rleDecode,
  rleEncode,
  rleFromBbox,
  rleFromString,
  rleIou,
  rleMerge,
  rleToBbox,
  rleToString,
  type Rle,
} from '../../../../src/core/geometry';

const golden = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/maskapi.json'), 'utf8'));

function hexBits(hex: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (parseInt(hex[i >> 2], 16) >> (3 - (i & 3))) & 1;
  return out;
}

/** Everything maskApi reports about one RLE: counts, string, area, bbox, string round trip. */
function checkInfo(rle: Rle, expect: any, what: string) {
  assert.deepEqual(rle.size, expect.size, `${what}: size`);
  assert.deepEqual(rle.counts, expect.counts, `${what}: counts`);
  assert.equal(rleToString(rle.counts as number[]), expect.string, `${what}: string`);
  assert.deepEqual(rleFromString(expect.string), expect.counts, `${what}: fromString`);
  assert.equal(rleArea(rle), expect.area, `${what}: area`);
  assert.deepEqual(rleToBbox(rle), expect.bbox, `${what}: bbox`);
  assert.deepEqual(rleToBbox({ size: rle.size, counts: expect.string }), expect.bbox, `${what}: bbox(string)`);
}

describe('geometry: golden vectors from cocoapi maskApi.c', () => {
  it(`encodes ${golden.masks.length} masks (counts, string, area, bbox, decode)`, () => {
    for (const c of golden.masks) {
      const mask = hexBits(c.maskHex, c.h * c.w);
      const rle = rleEncode(mask, c.h, c.w);
      checkInfo(rle, c.expect, c.name);
      assert.ok(c.expect.decodeOk);
      assert.deepEqual(rleDecode(rle), mask, `${c.name}: decode`);
      assert.deepEqual(rleDecode({ size: rle.size, counts: c.expect.string }), mask, `${c.name}: decode(string)`);
    }
  });

  it(`rasterizes ${golden.polygons.length} polygons exactly like rleFrPoly`, () => {
    for (const c of golden.polygons) checkInfo(polygonToRle(c.poly, c.h, c.w), c.expect, c.name);
  });

  it(`rasterizes ${golden.boxes.length} boxes exactly like rleFrBbox`, () => {
    for (const c of golden.boxes) checkInfo(rleFromBbox(c.bbox, c.h, c.w), c.expect, c.name);
  });

  it(`compresses ${golden.strings.length} count lists exactly like rleToString/rleFrString`, () => {
    for (const c of golden.strings) {
      assert.equal(rleToString(c.counts), c.expect.string, c.name);
      // ours decodes exactly; C's rleFrString agrees whenever it is well-defined (< 7 groups)
      assert.deepEqual(rleFromString(c.expect.string), c.counts, c.name);
      if (c.name !== 'u32 extremes (7-char groups)') assert.deepEqual(c.expect.decoded, c.counts, c.name);
    }
  });

  it(`merges (union and intersection) ${golden.merges.length} lists`, () => {
    for (const c of golden.merges) {
      for (const [kind, intersect] of [['union', false], ['intersection', true]] as const) {
        const e = c.expect[kind];
        const r = rleMerge(c.rles, intersect);
        assert.deepEqual(r.size, e.size, `${c.name} ${kind}`);
        assert.deepEqual(r.counts, e.counts, `${c.name} ${kind}`);
        assert.equal(rleToString(r.counts as number[]), e.string, `${c.name} ${kind}`);
        // also with compressed-string inputs
        const s = rleMerge(c.rles.map((x: any) => ({ size: x.size, counts: rleToString(x.counts) })), intersect);
        assert.deepEqual(s.counts, e.counts, `${c.name} ${kind} (strings)`);
      }
    }
  });

  const close = (a: number[][], b: number[][], what: string) => {
    assert.equal(a.length, b.length, what);
    a.forEach((row, d) => {
      assert.equal(row.length, b[d].length, what);
      row.forEach((v, g) => assert.ok(Math.abs(v - b[d][g]) <= 1e-12, `${what} [${d}][${g}] ${v} vs ${b[d][g]}`));
    });
  };

  it(`mask IoU (crowd and not) for ${golden.ious.length} cases`, () => {
    for (const c of golden.ious) {
      close(rleIou(c.dt, c.gt, c.iscrowd), c.expect.iou, c.name);
      close(rleIou(c.dt, c.gt, c.iscrowd.map(Boolean)), c.expect.iou, c.name);
    }
  });

  it(`box IoU for ${golden.bboxIou.length} cases`, () => {
    for (const c of golden.bboxIou) close(bboxIou(c.dt, c.gt, c.iscrowd), c.expect.iou, c.name);
  });
});
