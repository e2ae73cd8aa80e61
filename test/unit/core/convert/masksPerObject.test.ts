/**
 * Masks delivered as one PNG per object (`masks/<image>/<object>.png`, `masks/<image>/<class>/…`,
 * and the Kaggle nuclei / Mask R-CNN sample layout `<image>/masks/*.png`): each PNG's non-zero
 * pixels become one object with an RLE of exactly those pixels.
 */
import { strict as assert } from 'node:assert';
import { encode } from 'fast-png';
import { detectFormat } from '../../../../src/core/convert/formats';
import { readMasks, perObjectMaskFiles } from '../../../../src/core/convert/masks';
import { ConvertLog, memoryTree } from '../../../../src/core/convert/model';
import { countsArea, rleCounts, rleDecode } from '../../../../src/core/geometry/rle';

const W = 40, H = 30;
/** A grey (or RGBA) PNG with the rectangle [x0,x1)×[y0,y1) set. */
function rectPng(x0: number, y0: number, x1: number, y1: number, kind: 'grey' | 'rgb' | 'alpha' | 'palette' = 'grey'): Uint8Array {
  const ch = kind === 'rgb' ? 3 : kind === 'alpha' ? 4 : 1;
  const data = new Uint8Array(W * H * ch);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const inside = x >= x0 && x < x1 && y >= y0 && y < y1;
    const i = (y * W + x) * ch;
    if (kind === 'alpha') { data[i] = 0; data[i + 1] = 0; data[i + 2] = 0; data[i + 3] = inside ? 255 : 0; } // black everywhere, alpha = mask
    else if (inside) data.fill(kind === 'palette' ? 1 : kind === 'rgb' ? 200 : 255, i, i + ch);
  }
  return encode({ width: W, height: H, data, channels: ch, depth: 8, ...(kind === 'palette' ? { palette: [[0, 0, 0], [255, 255, 255]] } : {}) });
}

describe('mask PNGs, one per object', () => {
  const files = [
    { path: 'images/street.jpg', data: new Uint8Array(0) },
    { path: 'masks/street/car_1.png', data: rectPng(0, 0, 10, 5) },
    { path: 'masks/street/car_2.png', data: rectPng(20, 10, 30, 30, 'rgb') },
    { path: 'masks/street/3-person.png', data: rectPng(5, 5, 8, 25, 'alpha') },
    { path: 'masks/park/dog/0.png', data: rectPng(1, 1, 3, 3, 'palette') },
    { path: 'masks/park/dog/1.png', data: rectPng(0, 0, 0, 0) }, // empty
    { path: 'abc123/images/abc123.png', data: rectPng(0, 0, 1, 1) },
    { path: 'abc123/masks/9f8e7d6c5b4a39281706.png', data: rectPng(2, 2, 6, 6) },
    { path: 'abc123/masks/0a1b2c3d4e5f60718293.png', data: rectPng(10, 2, 12, 4) },
  ];

  it('the layouts are found and keyed by image; classes from folders or names, hashes name none', () => {
    const found = perObjectMaskFiles(files.map((f) => f.path));
    assert.deepEqual([...found.keys()].sort(), ['abc123', 'park', 'street']);
    assert.deepEqual(found.get('street')!.map((f) => f.className), ['car', 'car', 'person']);
    assert.deepEqual(found.get('park')!.map((f) => f.className), ['dog', 'dog']);
    assert.deepEqual(found.get('abc123')!.map((f) => f.className), [undefined, undefined]);
    assert.equal(detectFormat(files.map((f) => f.path), () => ''), 'masks');
  });

  it('each PNG becomes one object with exactly its pixels (grey, RGB, alpha and palette PNGs)', () => {
    const log = new ConvertLog();
    const ds = readMasks(memoryTree(files), log);
    const img = (name: string) => ds.images.find((i) => i.file_name === name)!;
    assert.ok(img('images/street.jpg') && img('park.png') && img('abc123/images/abc123.png'));
    const of = (name: string) => ds.annotations.filter((a) => a.image_id === img(name).id);
    const cat = (id: number) => ds.categories.find((c) => c.id === id)!.name;
    const street = of('images/street.jpg');
    assert.deepEqual(street.map((a) => [cat(a.category_id), countsArea(rleCounts(a.segmentation as never)), a.bbox]), [
      ['car', 50, [0, 0, 10, 5]], ['car', 200, [20, 10, 10, 20]], ['person', 60, [5, 5, 3, 20]],
    ]);
    const m = rleDecode(street[0].segmentation as never);
    const at = (x: number, y: number) => m[y * W + x]; // rleDecode gives rows
    assert.deepEqual([at(0, 0), at(0, 4), at(0, 5), at(9, 0), at(10, 0)], [1, 1, 0, 1, 0]);
    assert.deepEqual(of('park.png').map((a) => [cat(a.category_id), a.area]), [['dog', 4]]);
    assert.deepEqual(of('abc123/images/abc123.png').map((a) => [cat(a.category_id), a.area]), [['object', 16], ['object', 4]]);
    assert.equal(log.count('dropped', 'mask-empty'), 1);
    assert.equal(log.count('note', 'mask-per-object'), 1);
  });
});
