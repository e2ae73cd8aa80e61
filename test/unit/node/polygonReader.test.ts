import * as assert from 'node:assert/strict';
import { PolygonReader, SegmentationShape } from '../../../src/node/polygonReader';
import { mulberry32 } from '../../../src/core/seededRandom';

/** Reads `text` as one element; undefined when the reader says no, else what it read, as JSON.parse would give it. */
function read(text: string): { image_id: unknown; area: unknown; segmentation: number[][] } | undefined {
  const bytes = Buffer.from(`[${text}]`); // something before and after, as in a file
  const reader = new PolygonReader(bytes, (s, e) => bytes.toString('utf8', s, e));
  if (!reader.read(1, bytes.length - 1)) return undefined;
  const segmentation: number[][] = [];
  for (let k = 0, from = 0; k < reader.np; from = reader.ends[k], k++) segmentation.push(Array.from(reader.coords.subarray(from, reader.ends[k])));
  return { image_id: reader.imageId, area: reader.area, segmentation };
}

/** What JSON.parse makes of the three fields (image_id / area other than number or string: null, as the reader gives them). */
function parsed(text: string): { image_id: unknown; area: unknown; segmentation: number[][] } {
  const v = JSON.parse(text) as { image_id?: unknown; area?: unknown; segmentation: number[][] };
  const id = v.image_id;
  return { image_id: typeof id === 'number' || typeof id === 'string' ? id : null, area: typeof v.area === 'number' ? v.area : null, segmentation: v.segmentation };
}

/** Same numbers, bit for bit (-0 apart from 0). */
function sameBits(a: unknown, b: unknown, what: string): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, what);
    a.forEach((x, k) => sameBits(x, b[k], `${what}[${k}]`));
  } else if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    assert.deepEqual(Object.keys(a), Object.keys(b), what);
    for (const k of Object.keys(a)) sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${what}.${k}`);
  } else assert.ok(Object.is(a, b), `${what}: ${String(a)} (read) vs ${String(b)} (JSON.parse)`);
}

describe('PolygonReader (the scan worker reads image_id, area and polygons from the bytes)', () => {
  it('reads every number as JSON.parse does: fractions, integers, -0, long digit runs, exponents', () => {
    const rand = mulberry32(9);
    const numbers: string[] = ['0', '-0', '0.0', '-0.0', '1', '-1', '0.1', '0.3', '239.97', '-12.5', '1e3', '1E-3', '-2.5e+2', '123456789012345', '1234567890123456',
      '12345678901234567890', '0.1234567890123456789', '9007199254740993', '0.000000000000000001', '4.35', '1.005', '5e-324', '1.7976931348623157e308',
      // Areas as pycocotools writes them (16 and 17 digits), 2^53 ± 1, a long fraction under 2^53 (leading zeros).
      '37.72605000000476', '34.191900000000714', '9007199254740991', '9007199254740992', '9007199254740993', '0.9007199254740993',
      '0.0000000000000000000000001', '-0.00000000000000000000000123', '1.00000000000000000000001'];
    for (let k = 0; k < 4000; k++) {
      const x = (rand() - 0.3) * 10 ** Math.floor(rand() * 8);
      const digits = Math.floor(rand() * 25);
      numbers.push(rand() < 0.8 ? x.toFixed(digits) : String(x));
    }
    for (let k = 0; k < numbers.length; k += 6) {
      const poly = numbers.slice(k, k + 6);
      while (poly.length < 6) poly.push('1');
      const text = `{"id":1,"image_id":${numbers[k]},"area":${numbers[k + 1] ?? 2},"segmentation":[[${poly.join(',')}]]}`;
      const got = read(text);
      assert.ok(got, text);
      sameBits(got, parsed(text), text);
    }
  });

  it('reads every digit layout of the four-byte path (1-5 digits each side of the dot, signs, exponents, any separator), up to the end of the bytes', () => {
    const numbers: string[] = [];
    for (let whole = 1; whole <= 5; whole++) {
      for (const fraction of [-1, 1, 2, 3, 4, 5]) {
        const digits = '9081726354'.slice(0, whole);
        const text = fraction < 0 ? digits : `${digits}.${'5037'.repeat(2).slice(0, fraction)}`;
        numbers.push(text, `-${text}`, `${text}e1`, `${text}E-2`);
      }
    }
    const separators = [',', ', ', ' ,', ',\n\t', '\r\n,  '];
    for (let k = 0; k < numbers.length; k++) {
      const poly = [numbers[k], numbers[(k + 7) % numbers.length], numbers[(k + 13) % numbers.length], '1', '2', numbers[(k + 3) % numbers.length]];
      const body = poly.map((x, j) => x + (j < poly.length - 1 ? separators[(k + j) % separators.length] : '')).join('');
      // Last in the element and last in the bytes: the reads near the end take the digit loop.
      for (const text of [`{"segmentation":[[${body}]],"image_id":1}`, `{"image_id":1,"segmentation":[[${body} ]]}`, `{"segmentation":[[${body}]]}`]) {
        const got = read(text);
        assert.ok(got, text);
        sameBits(got, parsed(text), text);
      }
    }
    // No digit after the dot, or none at all: not JSON; the reader either says no or reads what Number() reads.
    assert.equal(read('{"segmentation":[[1.,2,3,4,5,6,7,8,9,10,11,12]]}')?.segmentation[0][0] ?? 1, 1);
    assert.equal(read('{"segmentation":[[.5,2,3,4,5,6,7,8,9,10,11,12]]}'), undefined);
  });

  it('reads varied layouts: spacing, key order, other fields of every kind, several polygons, string ids', () => {
    const texts = [
      '{"segmentation":[[1,2,3,4,5,6]],"area":3,"image_id":7}',
      '{ "id" : 5 , "image_id" : "img-7" , "segmentation" : [ [ 1.5 , 2 , 3 , 4 , 5 , 6 ] , [ ] , [ 7 , 8 ] ] , "area" : 3.25 }',
      '{\n  "bbox": [1, 2, 3, 4],\n  "attributes": {"occluded": false, "note": "a \\"quoted\\" ], } text", "list": [[], {}]},\n  "image_id": 3,\n  "segmentation": [[10, 20, 30, 40, 50, 60]],\n  "iscrowd": 0, "area": null\n}',
      '{"image_id":"caf\u00e9 \u2603","segmentation":[[0,0,1,1,0,1]],"area":"12"}',
      '{"image_id":null,"segmentation":[[0,0,1,1,0,1]],"extra":true,"area":[1]}',
      '{"image_id":{"nested":[1,2]},"segmentation":[[0,0,1,1,0,1,2]],"area":-1e400}',
      '{"segmentation":[[]]}',
    ];
    for (const text of texts) {
      const got = read(text);
      if (text.includes('-1e400')) { assert.equal(got, undefined, 'an area that overflows: parsed whole'); continue; }
      assert.ok(got, text);
      sameBits(got, parsed(text), text);
    }
  });

  it('reads an object segmentation for its keys: an RLE has both counts and size, whatever their values', () => {
    const cases: [string, SegmentationShape][] = [
      ['{"segmentation":{"counts":[21575,32,429,44,422,39,431,41,427],"size":[427,640]},"area":7509,"iscrowd":1,"image_id":414185,"bbox":[46.0,84.0,183.0,50.0]}', SegmentationShape.Rle],
      ['{"iscrowd":1, "image_id": "img-3", "segmentation": { "size" : [ 48, 64 ], "counts" : "0`0e0\\"]}" } }', SegmentationShape.Rle],
      ['{"segmentation":{"counts":{"nested":[1,{"x":"]"}]},"size":null,"extra":[[]]},"image_id":2}', SegmentationShape.Rle],
      ['{"segmentation":{"counts":[1,2]},"image_id":2}', SegmentationShape.Object],
      ['{"segmentation":{"size":[1,2],"count":[1]},"image_id":2}', SegmentationShape.Object],
      ['{"segmentation":{},"image_id":2}', SegmentationShape.Object],
      ['{"segmentation":{"counts ":1,"Size":2},"image_id":2}', SegmentationShape.Object],
    ];
    for (const [text, shape] of cases) {
      const bytes = Buffer.from(`[${text}]`);
      const reader = new PolygonReader(bytes, (s, e) => bytes.toString('utf8', s, e));
      assert.ok(reader.read(1, bytes.length - 1), text);
      assert.equal(reader.shape, shape, text);
      const seg = JSON.parse(text).segmentation;
      assert.equal('counts' in seg && 'size' in seg, shape === SegmentationShape.Rle, `${text}: as JSON.parse's object has the keys`);
      assert.equal(reader.imageId, JSON.parse(text).image_id, text);
      assert.equal(reader.np, 0, text);
    }
  });

  it('reads an image element for its id, width and height as JSON.parse gives them, and says no to what it does not read', () => {
    const images = [
      '{"license": 6, "file_name": "000000000007.jpg", "coco_url": "http://images.cocodataset.org/train2017/000000000007.jpg", "height": 340, "width": 546, "date_captured": "2013-11-14 19:32:27", "flickr_url": "http://farm6.staticflickr.com/2146/8850617220_z.jpg", "id": 7}',
      '{ "id" : "img-3" , "width" : 640.5 , "height" : "480" , "note" : "caf\u00e9 \\"quoted\\" ] } ☃" , "extra" : [ { "id" : 1 } ] }',
      '{"id": null, "width": -1e3, "height": 0}',
      '{"id": [1], "width": true, "height": {"h": 2}}',
      '{"file_name": "a.jpg"}',
      '{}',
    ];
    for (const text of images) {
      const bytes = Buffer.from(`[${text}]`);
      const reader = new PolygonReader(bytes, (s, e) => bytes.toString('utf8', s, e));
      assert.ok(reader.readImage(1, bytes.length - 1), text);
      const v = JSON.parse(text) as Record<string, unknown>;
      const as = (x: unknown, types: string[]) => (x === undefined ? undefined : types.includes(typeof x) ? x : null);
      assert.deepEqual(reader.image, { id: as(v.id, ['number', 'string']), width: as(v.width, ['number']), height: as(v.height, ['number']) }, text);
    }
    const no = ['[1]', '"x"', '{"id": 1, "id": 2}', '{"width": 1, "width": 2}', '{"id": "a\\"b"}', '{"i\\u0064": 1}', '{"id": 1e999}', '{"id": 1', '{"id": 1 "width": 2}'];
    for (const text of no) {
      const bytes = Buffer.from(`[${text}]`);
      const reader = new PolygonReader(bytes, (s, e) => bytes.toString('utf8', s, e));
      assert.equal(reader.readImage(1, bytes.length - 1), false, text);
    }
  });

  it('says no to what it does not read, so the element is parsed whole', () => {
    const no = [
      '5', 'null', '[1,2]', '{}', '{"image_id":1}',
      '{"segmentation":[],"image_id":1}', // empty
      '{"segmentation":[1,2,3,4,5,6]}', // flat list
      '{"segmentation":[[1,2,3,4,5,6],7]}', // mixed
      '{"segmentation":{"counts":[1,2],"size":[1,3]},"segmentation":[[1,2,3,4,5,6]]}', // twice, an RLE first
      '{"segmentation":{"c\\u006funts":[1,2],"size":[1,3]}}', // an escaped key in an RLE
      '{"segmentation":{"counts":[1,2],"size":[1,3]}', // no closing brace
      '{"segmentation":{"counts":[1,2] "size":[1,3]}}', // no comma
      '{"segmentation":[[1,2,"3",4,5,6]]}', // a string in a polygon
      '{"segmentation":[[1,2,3,4,5,1e999]]}', // overflows to Infinity
      '{"segmentation":[[1,2,3,4,5,6]],"segmentation":[[1,2,3,4,5,7]]}', // twice: JSON.parse keeps the last
      '{"image_id":1,"image_id":2,"segmentation":[[1,2,3,4,5,6]]}',
      '{"image\\u005fid":1,"segmentation":[[1,2,3,4,5,6]]}', // an escaped key
      '{"image_id":"a\\"b","segmentation":[[1,2,3,4,5,6]]}', // an escape in the id string
      '{"segmentation":[[1,2,3,4,5,6]]', // no closing brace
    ];
    for (const text of no) assert.equal(read(text), undefined, text);
  });
});
