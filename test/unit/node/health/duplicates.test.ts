/**
 * Duplicate search: the multi-index search against brute force, groups and leakage problems on
 * documents the test writes, and the fingerprints of real images the test renders with sharp
 * (resized, re-encoded and brightened copies stay within the threshold; other pictures do not).
 */
import * as assert from 'node:assert/strict';
import sharp from 'sharp';
import { parseCoco } from '../../../../src/core/coco/parse';
import { applyByteEdits } from '../../../../src/core/edits/applyByteEdits';
import { DEFAULT_NEAR_THRESHOLD, duplicateProblems, removeImagesEdits, findDuplicates, hammingHex, nearPairs, popcount32 } from '../../../../src/core/metrics/duplicates';
import { probeImage } from '../../../../src/node/health/probe';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s; };
}

/** A picture of a few soft shapes, different for each seed. */
export function scene(seed: number, size = 256): Buffer {
  const r = rng(seed);
  const shapes: string[] = [];
  for (let k = 0; k < 7; k++) {
    const x = r() % size, y = r() % size, s = 20 + (r() % 90), c = `rgb(${r() % 256},${r() % 256},${r() % 256})`;
    shapes.push(k % 2 ? `<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${c}"/>` : `<rect x="${x - s / 2}" y="${y - s / 3}" width="${s}" height="${(s * 2) / 3}" fill="${c}" transform="rotate(${r() % 90} ${x} ${y})"/>`);
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="rgb(${r() % 256},${r() % 256},${r() % 256})"/><stop offset="1" stop-color="rgb(${r() % 256},${r() % 256},${r() % 256})"/></linearGradient></defs><rect width="${size}" height="${size}" fill="url(#g)"/>${shapes.join('')}</svg>`);
}

describe('duplicates', function () {
  this.timeout(60000);

  it('popcount and Hamming distance', () => {
    assert.equal(popcount32(0xffffffff), 32);
    assert.equal(popcount32(0x80000001), 2);
    assert.equal(hammingHex('0000000000000000', 'ffffffffffffffff'), 64);
    assert.equal(hammingHex('00000000000000ff', '0000000000000001'), 7);
  });

  it('multi-index search finds exactly the pairs brute force finds', () => {
    const r = rng(7);
    const n = 3000;
    const hi = new Uint32Array(n), lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      if (i % 3 === 1) {
        // a near copy of the previous hash: 0 … 12 bits flipped
        hi[i] = hi[i - 1]; lo[i] = lo[i - 1];
        const flips = r() % 13;
        for (let f = 0; f < flips; f++) { const b = r() % 64; if (b < 32) hi[i] ^= 1 << b; else lo[i] ^= 1 << (b - 32); }
      } else { hi[i] = r(); lo[i] = r(); }
    }
    for (const t of [0, 4, 8, 11]) {
      const got = new Set<string>();
      const { candidates } = nearPairs(hi, lo, t, (i, j) => got.add(`${i},${j}`));
      const want = new Set<string>();
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (popcount32((hi[i] ^ hi[j]) >>> 0) + popcount32((lo[i] ^ lo[j]) >>> 0) <= t) want.add(`${i},${j}`);
      assert.deepEqual([...got].sort(), [...want].sort(), `t = ${t}`);
      assert.ok(candidates < (n * n) / 20, `t = ${t}: ${candidates} candidates`);
    }
  });

  it('groups exact and near copies, and reports leakage on both files with the twin', () => {
    const coco = (names: string[]) => parseCoco(new TextEncoder().encode(JSON.stringify({ images: names.map((f, k) => ({ id: k + 1, file_name: f, width: 10, height: 10 })), annotations: [], categories: [] }, null, 2)));
    const train = coco(['a.jpg', 'a-copy.jpg', 'b.jpg', 'c.jpg']);
    const val = coco(['x.jpg', 'y.jpg']);
    const groups = findDuplicates([
      { split: 0, index: 0, pixelHash: 'p1', phash: '0000000000000000' },
      { split: 0, index: 1, pixelHash: 'p1', phash: '0000000000000000' },
      { split: 0, index: 2, pixelHash: 'p2', phash: 'ffffffff00000000' },
      { split: 0, index: 3, pixelHash: 'p3', phash: '0f0f0f0f0f0f0f0f' },
      { split: 1, index: 0, pixelHash: 'p4', phash: 'ffffffff00000003' }, // 2 bits from b.jpg
      { split: 1, index: 1, pixelHash: 'p5', phash: 'f0f0f0f0f0f0f0f0' },
    ]);
    assert.deepEqual(groups.map((g) => [g.kind, g.members.length, g.maxDistance, g.leakage]), [['exact', 2, 0, false], ['near', 2, 2, true]]);
    const [pTrain, pVal] = duplicateProblems([train, val], ['instances_train.json', 'instances_val.json'], groups);
    assert.deepEqual(pTrain.map((p) => [p.rule, p.jsonPath]), [
      ['coco/image-duplicate', '$.images[0].file_name'], ['coco/image-duplicate', '$.images[1].file_name'], ['coco/image-leakage', '$.images[2].file_name'],
    ]);
    assert.equal(pTrain[0].related?.[0].jsonPath, '$.images[1].file_name');
    assert.equal(pTrain[0].message, 'Image 1 "a.jpg" is a duplicate: the same pixels as image 2 "a-copy.jpg".');
    assert.equal(pVal[0].rule, 'coco/image-leakage');
    assert.equal(pVal[0].message, 'Leakage: image 1 "x.jpg" appears in another split: nearly the same picture as (pHash distance ≤ 2) image 3 "b.jpg" in instances_train.json.');
    assert.deepEqual((pVal[0].data as { twins: unknown[] }).twins, [{ file: 'instances_train.json', imageId: 3, jsonPath: '$.images[2].file_name' }]);
    // Severities follow the config like any rule's.
    const [cTrain] = duplicateProblems([train, val], ['instances_train.json', 'instances_val.json'], groups, { rules: { 'coco/image-duplicate': 'off', 'coco/image-leakage': 'warning' } });
    assert.deepEqual(cTrain.map((p) => [p.rule, p.severity]), [['coco/image-leakage', 'warning']]);
  });

  it('resized, re-encoded and brightened copies of a real picture stay within the threshold; another picture does not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-dup-'));
    try {
      const base = await sharp(scene(1)).png().toBuffer();
      const files: Record<string, Buffer> = {
        'base.png': base,
        'same-pixels.webp': await sharp(base).webp({ lossless: true }).toBuffer(),
        'resized.jpg': await sharp(base).resize(160, 160).jpeg({ quality: 85 }).toBuffer(),
        'q30.jpg': await sharp(base).jpeg({ quality: 30 }).toBuffer(),
        'brighter.png': await sharp(base).modulate({ brightness: 1.1 }).png().toBuffer(),
        'other.png': await sharp(scene(2)).png().toBuffer(),
      };
      const probes: Record<string, { pixelHash?: string; phash?: string }> = {};
      for (const [name, buf] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), buf);
        probes[name] = await probeImage({ file: path.join(dir, name) });
      }
      // The same pixels in another container: the same pixel hash (the file bytes differ).
      assert.equal(probes['same-pixels.webp'].pixelHash, probes['base.png'].pixelHash);
      assert.notEqual(probes['q30.jpg'].pixelHash, probes['base.png'].pixelHash);
      for (const name of ['resized.jpg', 'q30.jpg', 'brighter.png']) {
        const d = hammingHex(probes[name].phash!, probes['base.png'].phash!);
        assert.ok(d <= DEFAULT_NEAR_THRESHOLD, `${name}: distance ${d}`);
      }
      const far = hammingHex(probes['other.png'].phash!, probes['base.png'].phash!);
      assert.ok(far > DEFAULT_NEAR_THRESHOLD * 2, `other picture: distance ${far}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keep one of a duplicate group', () => {
  it('removes the other images and their annotations, consecutive ones as one run, leaving valid JSON', () => {
    const value = {
      images: [1, 2, 3, 4].map((id) => ({ id, file_name: `${id}.jpg` })),
      annotations: [{ id: 10, image_id: 1 }, { id: 11, image_id: 2 }, { id: 12, image_id: 3 }, { id: 13, image_id: 2 }, { id: 14, image_id: 4 }],
      categories: [],
    };
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const doc = parseCoco(new TextEncoder().encode(text));
      // keep image 3: remove 1, 2 (a run from the start) and 4 (the last)
      const out = JSON.parse(new TextDecoder().decode(applyByteEdits(doc.bytes, removeImagesEdits(doc, [0, 1, 3]))));
      assert.deepEqual(out.images, [{ id: 3, file_name: '3.jpg' }]);
      assert.deepEqual(out.annotations, [{ id: 12, image_id: 3 }]);
      const all = JSON.parse(new TextDecoder().decode(applyByteEdits(doc.bytes, removeImagesEdits(doc, [0, 1, 2, 3]))));
      assert.deepEqual([all.images, all.annotations], [[], []]);
    }
  });
});
