/**
 * The fact tables the segmentation / bbox rules share: image slots found through the integer-id
 * table agree with the Map on every kind of image_id, and the columns live in shared memory
 * (which V8 does not count as external memory, so building them starts no full GC).
 */
import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../src/core/coco/parse';
import { allocateFactColumns, segmentationFacts, SegmentationFactsBuilder } from '../../../../src/core/ruleKit/facts';
import { flatPolygonsMaskArea, polygonsMaskArea } from '../../../../src/core/geometry';
import { boxFacts } from '../../../../src/core/ruleKit/boxFacts';
import { allocateColumns } from '../../../../src/core/ruleKit/factColumns';

function docOf(value: unknown) {
  return parseCoco(new TextEncoder().encode(JSON.stringify(value)));
}

describe('ruleKit facts', () => {
  it('gives every image_id the slot of its first image, whatever its type', () => {
    const images = [
      { id: 7, width: 10, height: 20 },
      { id: 0, width: 30, height: 40 },
      { id: 'a', width: 50, height: 60 },
      { id: 7, width: 99, height: 99 }, // duplicate id: the first image wins
      { id: 2.5, width: 11, height: 12 },
    ];
    const annotations = [
      { id: 1, image_id: 7, bbox: [1, 2, 3, 4] },
      { id: 2, image_id: 0 },
      { id: 3, image_id: -0 },
      { id: 4, image_id: 'a' },
      { id: 5, image_id: '7' }, // a string is not the number 7
      { id: 6, image_id: 2.5 },
      { id: 7, image_id: 8 }, // no such image: a new slot
      { id: 8, image_id: 8 },
      { id: 9, image_id: -1 },
      { id: 10, image_id: null },
      { id: 11, image_id: 1e300 },
      'not an object',
    ];
    const facts = segmentationFacts(docOf({ images, annotations, categories: [] }));
    assert.equal(facts.imageKeyCount, 4);
    assert.deepEqual(Array.from(facts.imageSlot), [0, 1, 1, 2, 4, 3, 5, 5, 6, -1, 7, -1]);
    assert.deepEqual(Array.from(facts.slotW), [10, 30, 50, 11, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(facts.slotH), [20, 40, 60, 12, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(facts.slotHasAnnotation), [1, 1, 1, 1, 1, 1, 1, 1]);
    assert.equal(facts.slots.get('7'), 4);
    const box = boxFacts(docOf({ images, annotations, categories: [] }));
    assert.deepEqual([box.x[0], box.y[0], box.w[0], box.h[0]], [1, 2, 3, 4]);
  });

  it('finds image slots the same way when ids are too sparse for a table', () => {
    const images = [{ id: 5_000_000_000, width: 4, height: 4 }, { id: 3, width: 8, height: 8 }];
    const annotations = [{ id: 1, image_id: 3 }, { id: 2, image_id: 5_000_000_000 }, { id: 3, image_id: 4 }];
    const facts = segmentationFacts(docOf({ images, annotations, categories: [] }));
    assert.deepEqual(Array.from(facts.imageSlot), [1, 0, 2]);
  });

  it('makes the same columns from flat coordinates (addPolygons, the scan worker) as from the parsed annotation (add), image sizes past int32 too', () => {
    const images = [
      { id: 7, width: 640, height: 480 },
      { id: 3, width: 3_000_000_000, height: 20 }, // wider than an int32
      { id: 4, width: 50, height: 4_000_000_000 },
      { id: 'a', width: 50, height: 60 },
      { id: 9, width: 0, height: 10 },
    ];
    const polygons = [[[10, 10, 30, 10, 30, 25, 10, 25]], [[1, 1, 5, 1, 5, 6], [4, 4, 9, 4, 9, 9, 4, 9]], [[-5, 2, 700, 3, 600, 500]], [[0, 0, 10, 10, 20, 20]]];
    const ids = [7, 3, 4, 'a', 9, 12, -1, 2.5, null];
    const annotations: { image_id: unknown; area: number; segmentation: number[][] }[] = [];
    for (const image_id of ids) for (const segmentation of polygons) annotations.push({ image_id, area: 2, segmentation });
    const build = (flat: boolean) => {
      const columns = allocateFactColumns(annotations.length, true);
      const b = new SegmentationFactsBuilder(images.map((value) => ({ value })), annotations.length, { polygonMaskArea: polygonsMaskArea, flatPolygonMaskArea: flatPolygonsMaskArea, columns });
      annotations.forEach((ann, a) => {
        if (!flat) { b.add(a, ann); return; }
        const coords = new Float64Array(ann.segmentation.flat());
        const ends = new Int32Array(ann.segmentation.length);
        ann.segmentation.reduce((n, p, k) => (ends[k] = n + p.length), 0);
        b.addPolygons(a, ann.image_id, ann.area, coords, ends, ends.length);
      });
      return { columns, facts: b.finish() };
    };
    const parsed = build(false), flat = build(true);
    for (const name of ['kind', 'flags', 'imageSlot', 'minX', 'minY', 'maxX', 'maxY', 'shoelace', 'excess', 'maskArea'] as const) {
      assert.deepEqual(Array.from(flat.columns[name]!), Array.from(parsed.columns[name]!), name);
    }
    // The int32-wide sizes reached the arithmetic: the triangle pokes out of the 640-wide image only.
    const excessOf = (id: unknown) => parsed.columns.excess[annotations.findIndex((x) => x.image_id === id && x.segmentation === polygons[2])];
    assert.equal(excessOf(7), 60);
    assert.equal(excessOf(3), 480);
    assert.deepEqual(Array.from(flat.facts.slotW.subarray(0, 4)), [640, 3_000_000_000, 50, 50]);
  });

  it('keeps its columns in one shared, zero-filled, aligned buffer', () => {
    const [f, i, u, g] = allocateColumns(5, ['u8', 'f64', 'i32', 'f64'] as const);
    assert.ok(f instanceof Uint8Array && i instanceof Float64Array && u instanceof Int32Array && g instanceof Float64Array);
    assert.ok(f.buffer === i.buffer && i.buffer === u.buffer && u.buffer === g.buffer);
    assert.ok(f.buffer instanceof SharedArrayBuffer);
    for (const col of [f, i, u, g]) assert.deepEqual(Array.from(col), [0, 0, 0, 0, 0]);
    i.fill(1.5); g.fill(-2); u.fill(-3); f.fill(255);
    assert.deepEqual([Array.from(f), Array.from(i), Array.from(u), Array.from(g)], [[255, 255, 255, 255, 255], [1.5, 1.5, 1.5, 1.5, 1.5], [-3, -3, -3, -3, -3], [-2, -2, -2, -2, -2]]);
    assert.equal(allocateColumns(0, ['f64'] as const)[0].length, 0);
  });
});
