/**
 * The real export contract: MobileSAM's encoder and SAM's official decoder export with random
 * weights from ../shared/models (see its README). Masks are meaningless; names, shapes, dtypes
 * and the plumbing are real. Skips loudly when the folder is absent.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SHARED_MODELS } from './sharedDir';
import * as ort from 'onnxruntime-node';
import { resultToCoco, SamModel, SamSegmenter } from '../../../../src/node/sam';
import { decoderForLowRes, graphIo } from '../../../../src/node/sam/pruneOutputs';

const ENCODER = path.join(SHARED_MODELS, 'mobile_sam_encoder.onnx');
const DECODER = path.join(SHARED_MODELS, 'sam_vit_b_decoder.onnx');

describe('node/sam: real SAM exports (random weights) from ../shared/models', function () {
  this.timeout(120000);
  let model: SamModel;
  let dir: string;

  before(async function () {
    if (!existsSync(ENCODER) || !existsSync(DECODER)) {
      console.log(`    (skipped: ${ENCODER} or ${DECODER} is absent; ../shared/models sits beside the repo in CI; set LABELSCOPE_SHARED_DIR to point elsewhere)`);
      this.skip();
    }
    model = await SamModel.load({ encoderPath: ENCODER, decoderPath: DECODER, intraOpThreads: 2 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-sam-real-'));
  });
  after(async () => {
    await model?.release();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detects MobileSAM (input_image [1, 3, 1024, 1024]) + the official SAM 1 decoder', () => {
    assert.equal(model.family, 'sam1');
    assert.equal(model.encoderSpec.inputName, 'input_image');
    assert.equal(model.encoderSpec.embeddedPreprocessing, false);
    assert.deepEqual(model.decoderSpec.embeddingInputs, ['image_embeddings']);
    assert.equal(model.decoderSpec.lowResOutput, 'low_res_masks');
    assert.equal(model.decoderSpec.hasOrigImSize, true);
  });

  it('one click end to end on a 301 x 207 image: embedding [1, 256, 64, 64], 4 candidates, a mask of the original size, COCO fields', async () => {
    const img = path.join(dir, 'img.png');
    await sharp({ create: { width: 301, height: 207, channels: 3, background: { r: 90, g: 140, b: 30 } } }).png().toFile(img);
    const seg = new SamSegmenter(model);
    const r = await seg.segment(img, { points: [{ x: 150, y: 100, positive: true }] });
    assert.equal(r.width, 301);
    assert.equal(r.height, 207);
    assert.equal(r.mask.length, 301 * 207);
    assert.ok([1, 2, 3].includes(r.candidate), 'a single click picks among the multimask outputs');
    assert.equal(r.ranking.length, 4);
    assert.equal(r.lowRes.length, 256 * 256);
    assert.ok(r.timings.encodeMs! > 0 && r.timings.decodeMs > 0);
    const { embedding } = await seg.embed(img);
    assert.deepEqual(embedding.tensors[0].dims, [1, 256, 64, 64]);
    // A refinement click with the low-res mask fed back and a box prompt both run.
    const again = await seg.segment(img, { points: [{ x: 150, y: 100, positive: true }, { x: 20, y: 20, positive: false }] }, { maskInput: r.lowRes });
    assert.equal(again.candidate, 0);
    assert.equal(again.timings.cacheHit, true);
    const boxed = await seg.segment(img, { box: [50, 40, 120, 90] });
    const coco = resultToCoco(boxed, 'rle');
    if (coco) assert.deepEqual((coco.segmentation as { size: number[] }).size, [207, 301]);
  });

  it('the decoder is opened without `masks` (49 nodes fewer) and gives the same iou_predictions and low_res_masks as the file', async () => {
    const pruned = await decoderForLowRes(DECODER);
    assert.equal(pruned.removedNodes, 49);
    assert.ok(pruned.source instanceof Uint8Array);
    const io = graphIo(pruned.source);
    assert.deepEqual(io.outputs.map((o) => o.name), ['iou_predictions', 'low_res_masks']);
    // The inputs stay, orig_im_size included, so the feeds are those of the official export.
    assert.deepEqual(io.inputs.map((i) => i.name), ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size']);
    const embedding = Float32Array.from({ length: 256 * 64 * 64 }, (_, i) => Math.sin(i * 0.37));
    const feeds = {
      image_embeddings: new ort.Tensor('float32', embedding, [1, 256, 64, 64]),
      point_coords: new ort.Tensor('float32', Float32Array.of(300, 500, 700, 800), [1, 2, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.of(2, 3), [1, 2]),
      mask_input: new ort.Tensor('float32', Float32Array.from({ length: 65536 }, (_, i) => Math.cos(i)), [1, 1, 256, 256]),
      has_mask_input: new ort.Tensor('float32', Float32Array.of(1), [1]),
      orig_im_size: new ort.Tensor('float32', Float32Array.of(683, 1024), [2]),
    };
    const whole = await ort.InferenceSession.create(DECODER, { intraOpNumThreads: 1 });
    const cut = await ort.InferenceSession.create(pruned.source as Uint8Array, { intraOpNumThreads: 1 });
    try {
      const a = await whole.run(feeds, ['iou_predictions', 'low_res_masks']);
      const b = await cut.run(feeds);
      assert.deepEqual(Object.keys(b).sort(), ['iou_predictions', 'low_res_masks']);
      assert.deepEqual(Array.from(b.iou_predictions.data as Float32Array), Array.from(a.iou_predictions.data as Float32Array));
      assert.deepEqual(b.low_res_masks.dims, [1, 4, 256, 256]);
      assert.ok((b.low_res_masks.data as Float32Array).every((v, i) => v === (a.low_res_masks.data as Float32Array)[i]), 'low_res_masks differ');
    } finally {
      await whole.release();
      await cut.release();
    }
  });
});
