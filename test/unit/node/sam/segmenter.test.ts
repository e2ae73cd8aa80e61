/**
 * The whole SAM path through onnxruntime-node with tiny models of the real interfaces
 * (tinySamModels.ts): image -> encoder input (resize, normalise, pad) -> embedding -> prompt in
 * the model frame -> decoder -> candidate choice -> low-res logits back to the original size
 * (padding cropped) -> threshold -> COCO polygons / RLE. Expected pixels are computed from the
 * geometry alone, on non-square images of odd sizes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { rleDecode, rleFromString, segmentationToRle } from '../../../../src/core/geometry';
import { SamModelError } from '../../../../src/core/sam';
import { EmbeddingCache, resultToCoco, SamModel, SamSegmenter } from '../../../../src/node/sam';
import { TINY_DISK_RADIUS, tinySam1Decoder, tinySam1EmbeddedEncoder, tinySam1Encoder, tinySam2Decoder, tinySam2Encoder } from './tinySamModels';

const COLOUR = [200, 100, 50];

async function solidImage(file: string, width: number, height: number): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: COLOUR[0], g: COLOUR[1], b: COLOUR[2] } } }).png().toFile(file);
}

/**
 * Pixels whose centre, mapped to the model frame, is within R of the point (also mapped).
 * Bilinear resizing of R² - d² overshoots d² by at most h²/4 per stage (h = 4 model px on the
 * 256² grid, then 1), i.e. the edge moves by under (4 + 0.25) / 2R ≈ 0.02 model px; the tests
 * use points that keep every pixel centre at least 0.1 model px from the edge (`margin`).
 */
function expectedDisks(w: number, h: number, sx: number, sy: number, points: [number, number][]): { mask: Uint8Array; margin: number } {
  const mask = new Uint8Array(w * h);
  let margin = Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (const [px, py] of points) {
        const d = Math.hypot((x + 0.5) * sx - px * sx, (y + 0.5) * sy - py * sy);
        margin = Math.min(margin, Math.abs(d - TINY_DISK_RADIUS));
        if (d < TINY_DISK_RADIUS) mask[y * w + x] = 1;
      }
    }
  }
  return { mask, margin };
}

function expectedBox(w: number, h: number, box: number[]): Uint8Array {
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x + 0.5 > box[0] && x + 0.5 < box[0] + box[2] && y + 0.5 > box[1] && y + 0.5 < box[1] + box[3]) mask[y * w + x] = 1;
    }
  }
  return mask;
}

function diff(a: Uint8Array, b: Uint8Array, w: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(`(${i % w}, ${Math.floor(i / w)}) got ${a[i]}`);
  return out;
}

describe('node/sam: the whole path with tiny SAM-interface models', function () {
  this.timeout(60000);
  let dir: string;
  let sam1: SamModel;
  let sam2: SamModel;
  const W = 151; // landscape: newW = 1024, newH = floor(97 * 1024 / 151 + 0.5) = 658
  const H = 97;
  let landscape: string;
  let portrait: string; // 97 x 151: newW = 658, newH = 1024

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-sam-'));
    const write = (name: string, bytes: Uint8Array) => { fs.writeFileSync(path.join(dir, name), bytes); return path.join(dir, name); };
    sam1 = await SamModel.load({ encoderPath: write('e1.onnx', tinySam1Encoder()), decoderPath: write('d1.onnx', tinySam1Decoder()) });
    sam2 = await SamModel.load({ encoderPath: write('e2.onnx', tinySam2Encoder()), decoderPath: write('d2.onnx', tinySam2Decoder()) });
    landscape = path.join(dir, 'landscape.png');
    portrait = path.join(dir, 'portrait.png');
    await solidImage(landscape, W, H);
    await solidImage(portrait, H, W);
  });
  after(async () => {
    await sam1?.release();
    await sam2?.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detects the kinds and runs on CPU', () => {
    assert.equal(sam1.family, 'sam1');
    assert.equal(sam1.encoderSpec.embeddedPreprocessing, false);
    assert.equal(sam2.family, 'sam2');
    assert.equal(sam1.provider, 'cpu');
  });

  it('SAM 1 encoder input: normalised image top-left, zero padding bottom (landscape) — seen through the pooled embedding', async () => {
    const { embedding } = await new SamSegmenter(sam1).embed(landscape);
    assert.deepEqual(embedding.frame, { height: 97, width: 151, resizedHeight: 658, resizedWidth: 1024, inputSize: 1024, mode: 'longest-side' });
    const [t] = embedding.tensors;
    assert.deepEqual(t.dims, [1, 256, 64, 64]);
    const norm = [(200 - 123.675) / 58.395, (100 - 116.28) / 57.12, (50 - 103.53) / 57.375];
    const at = (c: number, by: number, bx: number) => t.data[c * 4096 + by * 64 + bx];
    for (let c = 0; c < 6; c++) {
      assert.ok(Math.abs(at(c, 0, 0) - norm[c % 3]) < 1e-4, `channel ${c}`);
      assert.ok(Math.abs(at(c, 40, 63) - norm[c % 3]) < 1e-4); // rows 640-655: image
      assert.ok(Math.abs(at(c, 41, 10) - norm[c % 3] * 2 / 16) < 1e-4); // rows 656-671: 2 image rows
      assert.equal(at(c, 42, 10), 0); // padding
      assert.equal(at(c, 63, 63), 0);
    }
  });

  it('SAM 1, one click on a landscape image: the disk around the point, multimask candidate 2, exact pixels', async () => {
    const seg = new SamSegmenter(sam1);
    const pt: [number, number] = [60.5, 40];
    const r = await seg.segment(landscape, { points: [{ x: pt[0], y: pt[1], positive: true }] });
    assert.equal(r.candidate, 2); // iou 0.95 among 1-3
    assert.deepEqual(r.ranking, [2, 3, 1, 0]);
    assert.ok(Math.abs(r.iou - 0.95) < 1e-6);
    assert.equal(r.width, W);
    assert.equal(r.height, H);
    const want = expectedDisks(W, H, 1024 / 151, 658 / 97, [pt]);
    assert.ok(want.margin > 0.1, `the test's point leaves a pixel centre ${want.margin} from the disk edge`);
    assert.deepEqual(diff(r.mask, want.mask, W), []);
    assert.ok(want.mask.reduce((a, b) => a + b, 0) > 500);
  });

  it('SAM 1, a box on a portrait image (padding on the right): candidate 0, the filled box, written as polygons and RLE', async () => {
    const seg = new SamSegmenter(sam1);
    const box = [20, 15, 60, 101];
    const r = await seg.segment(portrait, { box });
    assert.equal(r.candidate, 0);
    const want = expectedBox(H, W, box);
    assert.deepEqual(diff(r.mask, want, H), []);
    const poly = resultToCoco(r, 'polygon')!;
    assert.equal(poly.area, 60 * 101);
    assert.deepEqual(poly.bbox, [20, 15, 60, 101]);
    assert.deepEqual(Array.from(rleDecode(segmentationToRle(poly.segmentation, W, H)!)), Array.from(want));
    const rle = resultToCoco(r, 'rle')!;
    const seg2 = rle.segmentation as { size: [number, number]; counts: string };
    assert.deepEqual(seg2.size, [W, H]);
    assert.equal(typeof seg2.counts, 'string');
    assert.deepEqual(Array.from(rleDecode({ size: seg2.size, counts: rleFromString(seg2.counts) })), Array.from(want));
    assert.equal(rle.area, 6060);
  });

  it('a refinement click feeds the low-res mask back: the second mask is the union', async () => {
    const seg = new SamSegmenter(sam1);
    const a: [number, number] = [30.5, 30];
    const b: [number, number] = [110.5, 60];
    const first = await seg.segment(landscape, { points: [{ x: a[0], y: a[1], positive: true }] });
    const second = await seg.segment(landscape, { points: [{ x: a[0], y: a[1], positive: true }, { x: b[0], y: b[1], positive: true }] }, { maskInput: first.lowRes });
    assert.equal(second.candidate, 0); // two points: single-mask output
    const want = expectedDisks(W, H, 1024 / 151, 658 / 97, [a, b]);
    assert.ok(want.margin > 0.1);
    assert.deepEqual(diff(second.mask, want.mask, W), []);
    assert.equal(second.timings.cacheHit, true);
  });

  it('SAM 1 with preprocessing inside (input_image [H, W, 3]): fed the resized HWC RGB, 0-255, no padding; masks as SAM 1', async () => {
    fs.writeFileSync(path.join(dir, 'e1hwc.onnx'), tinySam1EmbeddedEncoder());
    const m = await SamModel.load({ encoderPath: path.join(dir, 'e1hwc.onnx'), decoderPath: path.join(dir, 'd1.onnx') });
    try {
      assert.equal(m.encoderSpec.embeddedPreprocessing, true);
      const seg = new SamSegmenter(m);
      const { embedding } = await seg.embed(portrait);
      const t = embedding.tensors[0].data;
      // The mean over the fed image is the colour itself: no normalisation, no zero padding
      // (padding would pull it to 200 * 658 / 1024 = 128.5). sharp's resize leaves a few edge
      // pixels one level darker (measured mean 199.97), hence the 0.1 tolerance.
      assert.ok(Math.abs(t[0] - 200) < 0.1 && Math.abs(t[4096] - 100) < 0.1 && Math.abs(t[2 * 4096] - 50) < 0.1, `${t[0]}, ${t[4096]}, ${t[8192]}`);
      const box = [20, 15, 60, 101];
      const r = await seg.segment(portrait, { box });
      assert.deepEqual(diff(r.mask, expectedBox(H, W, box), H), []);
    } finally { await m.release(); }
  });

  it('SAM 2: image stretched to 1024², no padding, candidate 1 of 3, exact pixels for a click and a box', async () => {
    const seg = new SamSegmenter(sam2);
    const { embedding } = await seg.embed(portrait);
    assert.deepEqual(embedding.tensors.map((t) => t.dims), [[1, 256, 64, 64], [1, 32, 256, 256], [1, 64, 128, 128]]);
    const norm0 = (200 / 255 - 0.485) / 0.229;
    assert.ok(Math.abs(embedding.tensors[0].data[63 * 64 + 63] - norm0) < 1e-4); // no padding anywhere
    const pt: [number, number] = [40.3, 70.5];
    const r = await seg.segment(portrait, { points: [{ x: pt[0], y: pt[1], positive: true }] });
    assert.equal(r.candidate, 1);
    const want = expectedDisks(H, W, 1024 / 97, 1024 / 151, [pt]);
    assert.ok(want.margin > 0.1);
    assert.deepEqual(diff(r.mask, want.mask, H), []);
    const box = [10, 20, 50, 90];
    const rb = await seg.segment(portrait, { box });
    assert.deepEqual(diff(rb.mask, expectedBox(H, W, box), H), []);
  });

  it('embedding cache: memory hit, then a disk hit in a new process-like segmenter, a damaged file is re-encoded', async () => {
    const cacheDir = path.join(dir, 'cache');
    const seg = new SamSegmenter(sam1, new EmbeddingCache({ dir: cacheDir }));
    const first = await seg.embed(landscape);
    assert.ok(first.encodeMs !== undefined);
    const again = await seg.embed(landscape);
    assert.equal(again.encodeMs, undefined);
    assert.equal(seg.cache.hits.memory, 1);
    const files = fs.readdirSync(cacheDir);
    assert.equal(files.length, 1);
    // A copy of the image under another name has the same content: same entry.
    const copy = path.join(dir, 'copy.png');
    fs.copyFileSync(landscape, copy);
    const fresh = new SamSegmenter(sam1, new EmbeddingCache({ dir: cacheDir }));
    const fromDisk = await fresh.embed(copy);
    assert.equal(fromDisk.encodeMs, undefined);
    assert.equal(fresh.cache.hits.disk, 1);
    assert.deepEqual(Array.from(fromDisk.embedding.tensors[0].data.subarray(0, 50)), Array.from(first.embedding.tensors[0].data.subarray(0, 50)));
    fs.writeFileSync(path.join(cacheDir, files[0]), 'garbage');
    const third = new SamSegmenter(sam1, new EmbeddingCache({ dir: cacheDir }));
    const re = await third.embed(landscape);
    assert.ok(re.encodeMs !== undefined);
    assert.equal(fs.readFileSync(path.join(cacheDir, files[0])).subarray(0, 7).toString(), 'LSEMB1\n');
  });

  it('memory cache is an LRU bounded by bytes', async () => {
    const one = 256 * 64 * 64 * 4;
    const cache = new EmbeddingCache({ maxMemoryBytes: 2 * one });
    const e = () => ({ frame: { height: 1, width: 1, resizedHeight: 1, resizedWidth: 1, inputSize: 1024, mode: 'longest-side' as const }, tensors: [{ data: new Float32Array(one / 4), dims: [1, 256, 64, 64] }] });
    await cache.set('a', e());
    await cache.set('b', e());
    await cache.get('a'); // a is now the most recent
    await cache.set('c', e());
    assert.equal(cache.memoryEntries, 2);
    assert.equal(cache.memoryBytes, 2 * one);
    assert.ok(await cache.get('a'));
    assert.equal(await cache.get('b'), undefined);
  });

  it('prefetch encodes in the background; the click then hits the cache', async () => {
    const seg = new SamSegmenter(sam2);
    seg.prefetch(landscape);
    const r = await seg.segment(landscape, { box: [10, 10, 50, 40] });
    // The prefetch's promise was shared (in flight) or already cached: the encoder ran once.
    assert.equal(seg.cache.hits.miss, 1);
    assert.equal(r.mask.length, W * H);
  });

  it('a model that is not SAM, a mismatched pair, a missing file, CUDA without CUDA: clear outcomes', async () => {
    await assert.rejects(SamModel.load({ encoderPath: path.join(dir, 'd1.onnx'), decoderPath: path.join(dir, 'd1.onnx') }), (e: Error) => {
      assert.ok(e instanceof SamModelError);
      assert.match(e.message, /d1\.onnx is not a SAM image encoder .*the file has inputs image_embeddings \[1, 256, 64, 64\], point_coords \[1, num_points, 2\]/);
      return true;
    });
    await assert.rejects(SamModel.load({ encoderPath: path.join(dir, 'e1.onnx'), decoderPath: path.join(dir, 'd2.onnx') }), /is a SAM 1 encoder but .*d2\.onnx is a SAM 2 decoder/);
    await assert.rejects(SamModel.load({ encoderPath: path.join(dir, 'nope.onnx'), decoderPath: path.join(dir, 'd1.onnx') }), /Cannot read the model file .*nope\.onnx/);
    const cuda = await SamModel.load({ encoderPath: path.join(dir, 'e1.onnx'), decoderPath: path.join(dir, 'd1.onnx'), executionProvider: 'cuda' });
    try {
      // This machine's onnxruntime-node has no CUDA libraries (its CUDA download is skipped in .npmrc).
      assert.equal(cuda.provider, 'cpu');
      assert.match(cuda.fallbackReason ?? '', /CUDA could not start .*running on CPU/);
    } finally { await cuda.release(); }
  });

  it('onnxruntime-node is not loaded by importing the SAM modules, only when a model loads', () => {
    const code = "require('./src/node/sam'); require('./src/core/sam'); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('onnxruntime'))))";
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8' });
    assert.equal(out, 'false');
  });
});
