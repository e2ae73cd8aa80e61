/**
 * The decoder split at the prompt (decoderRunner.ts, splitGraph.ts, foldShapes.ts): the part
 * that reads only the image embedding and the mask state runs once per image and mask state,
 * and every click gives exactly the outputs of the whole decoder, on a tiny SAM 1 decoder that
 * repeats its embedding the way SAM's export does, and on the real export when ../shared is there
 * (there also with its two ConvTransposes run as MatMuls, deferPixelShuffle.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { detectDecoder } from '../../../../src/core/sam';
import { SamModel, SamSegmenter, type SamEmbedding } from '../../../../src/node/sam';
import { DecoderRunner, REASSOCIATION_TOLERANCE, staticDecoderInputs } from '../../../../src/node/sam/decoderRunner';
import { foldKnownShapes } from '../../../../src/node/sam/foldShapes';
import { decoderForLowRes, graphIo } from '../../../../src/node/sam/pruneOutputs';
import { splitAtInputs } from '../../../../src/node/sam/splitGraph';
import { SHARED_MODELS } from './sharedDir';
import { tinySam1DecoderWithRepeatedEmbedding, tinySam1Encoder } from './tinySamModels';

const STATIC = ['image_embeddings', 'mask_input', 'has_mask_input', 'orig_im_size'];

function embeddingOf(seed: number): SamEmbedding {
  const data = Float32Array.from({ length: 256 * 64 * 64 }, (_, i) => Math.sin(i * 0.37 + seed) + seed);
  return { frame: { width: 640, height: 480, mode: 'longest-side', inputSize: 1024, resizedWidth: 1024, resizedHeight: 768, scaleX: 1.6, scaleY: 1.6 } as SamEmbedding['frame'], tensors: [{ data, dims: [1, 256, 64, 64] }] };
}

function assertSameFloats(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: value ${i} is ${b[i]}, the whole decoder gives ${a[i]}`);
}

describe('node/sam: the decoder split at the prompt', function () {
  this.timeout(120000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-sam-split-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('folds Shape(points)[0] (declared 1) so the repeated embedding moves to the per-image part; without folding it stays per click', () => {
    const bytes = tinySam1DecoderWithRepeatedEmbedding();
    const unfolded = splitAtInputs(bytes, STATIC);
    assert.ok(typeof unfolded !== 'string');
    assert.deepEqual(unfolded.prefixInputs, ['mask_input', 'has_mask_input'], 'the Expand reads the points\' shape: per click');
    const folded = foldKnownShapes(bytes);
    assert.ok(folded.folded > 0);
    const split = splitAtInputs(folded.bytes, STATIC);
    assert.ok(typeof split !== 'string');
    assert.deepEqual(split.prefixInputs, ['image_embeddings', 'mask_input', 'has_mask_input']);
  });

  it('says why a graph does not split: nothing reads only the static inputs; a graph output that is static', () => {
    const bytes = tinySam1DecoderWithRepeatedEmbedding();
    assert.equal(splitAtInputs(bytes, []), 'no node depends only on the static inputs');
    assert.equal(splitAtInputs(bytes, [...STATIC, 'point_coords', 'point_labels']), 'the graph output low_res_masks does not depend on the per-click inputs');
  });

  it('every click gives exactly the whole decoder\'s outputs: points, a box, a fed-back mask; the per-image part runs once per image and mask state', async () => {
    const enc = path.join(dir, 'enc.onnx');
    const dec = path.join(dir, 'dec.onnx');
    fs.writeFileSync(enc, tinySam1Encoder());
    fs.writeFileSync(dec, tinySam1DecoderWithRepeatedEmbedding());
    const split = await SamModel.load({ encoderPath: enc, decoderPath: dec, intraOpThreads: 1 });
    const whole = await SamModel.load({ encoderPath: enc, decoderPath: dec, intraOpThreads: 1, splitDecoder: false });
    try {
      // A click right after loading runs on the whole decoder while the split is being made.
      const early = await split.decode(embeddingOf(1), { points: [{ x: 300, y: 200, positive: true }] });
      await split.decoderReady;
      await whole.decoderReady;
      assert.equal(split.decoderWholeReason, undefined);
      assert.equal(whole.decoderWholeReason, 'not tried');
      assert.ok(split.decoderPrefixNodes > 0, 'split');
      assert.equal(split.decoderReassociated, undefined, 'no attention over image tokens: clicks run the exact per-click part');
      assert.equal(whole.decoderPrefixNodes, 0, 'runs whole when asked');
      const a = embeddingOf(1);
      const b = embeddingOf(2);
      const prompts = [
        { points: [{ x: 300, y: 200, positive: true }] },
        { points: [{ x: 300, y: 200, positive: true }, { x: 100, y: 50, positive: false }, { x: 500, y: 400, positive: true }] },
        { box: [100, 80, 300, 200] },
      ];
      const mask = Float32Array.from({ length: 65536 }, (_, i) => ((i % 256) - 128) * 0.5);
      const runsBefore = split.decoderPrefixRuns;
      for (const embedding of [a, b]) {
        for (const prompt of prompts) {
          for (const maskInput of [undefined, mask]) {
            const want = await whole.decode(embedding, prompt, { maskInput });
            const got = await split.decode(embedding, prompt, { maskInput });
            assertSameFloats(want.lowRes, got.lowRes, `low_res_masks (${JSON.stringify(prompt)}, mask ${!!maskInput})`);
            assertSameFloats(want.iou, got.iou, 'iou_predictions');
          }
        }
      }
      // Per image and mask state: 2 embeddings x (no mask, one mask) = 4 runs, whatever the clicks.
      assert.equal(split.decoderPrefixRuns - runsBefore, 4);
      assertSameFloats(early.lowRes, (await split.decode(embeddingOf(1), { points: [{ x: 300, y: 200, positive: true }] })).lowRes, 'a click before the split was ready');
      // The embedding term is in the logits (a wrong per-image part would show): the two embeddings differ.
      const la = (await split.decode(a, prompts[0])).lowRes;
      const lb = (await split.decode(b, prompts[0])).lowRes;
      assert.ok(la.some((v, i) => v !== lb[i]), 'the two embeddings give different logits');
    } finally {
      await split.release();
      await whole.release();
    }
  });

  it('a point click prepares the refinement: the next click, which feeds its mask back, runs only the per-click part', async () => {
    const enc = path.join(dir, 'enc2.onnx');
    const dec = path.join(dir, 'dec2.onnx');
    fs.writeFileSync(enc, tinySam1Encoder());
    fs.writeFileSync(dec, tinySam1DecoderWithRepeatedEmbedding());
    const model = await SamModel.load({ encoderPath: enc, decoderPath: dec, intraOpThreads: 1 });
    try {
      await model.decoderReady;
      const seg = new SamSegmenter(model);
      const embedding = embeddingOf(3);
      const first = await seg.segmentEmbedding(embedding, { points: [{ x: 300, y: 200, positive: true }] });
      assert.equal(model.decoderPrefixRuns, 2, 'the no-mask state, then the first result\'s mask, prepared');
      await seg.segmentEmbedding(embedding, { points: [{ x: 300, y: 200, positive: true }, { x: 320, y: 210, positive: true }] }, { maskInput: first.lowRes, prepareRefinement: false });
      assert.equal(model.decoderPrefixRuns, 2, 'the refinement click found its mask state ready');
      await seg.segmentEmbedding(embedding, { box: [10, 10, 200, 100] });
      assert.equal(model.decoderPrefixRuns, 2, 'a box prompt (Segment Boxes) prepares nothing');
    } finally {
      await model.release();
    }
  });

  const DECODER = path.join(SHARED_MODELS, 'sam_vit_b_decoder.onnx');
  it('the real decoder export: the first transformer layer\'s image-side projections run per image; outputs bit-identical to the whole decoder (reassociation off)', async function () {
    if (!existsSync(DECODER)) {
      console.log(`    (skipped: ${DECODER} is absent; set LABELSCOPE_SHARED_DIR)`);
      this.skip();
    }
    const pruned = (await decoderForLowRes(DECODER)).source as Uint8Array;
    const spec = detectDecoder(graphIo(pruned), DECODER);
    const plan = splitAtInputs(foldKnownShapes(pruned).bytes, staticDecoderInputs(spec));
    assert.ok(typeof plan !== 'string', String(plan));
    const names = plan.boundary.join('\n');
    assert.match(names, /layers\.0\/cross_attn_token_to_image\/.*\n.*layers\.0\/cross_attn_token_to_image\//);
    assert.match(names, /layers\.0\/cross_attn_image_to_token\//);
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const create = (m: Uint8Array) => ort.InferenceSession.create(m, options);
    const runner = DecoderRunner.open(ort, await create(pruned), pruned, spec, create, true, false);
    const whole = DecoderRunner.open(ort, await create(pruned), pruned, spec, create, false);
    try {
      await runner.ready;
      assert.equal(runner.wholeReason, undefined);
      assert.equal(runner.exactReason, 'not tried');
      assert.ok(runner.prefixNodes > 100, `${runner.prefixNodes} nodes per image`);
      assert.equal(runner.deferredShuffles, 2, 'both ConvTransposes of the upscaling run as MatMuls, their pixel shuffle deferred');
      const embedding = embeddingOf(4);
      const mask = Float32Array.from({ length: 65536 }, (_, i) => Math.cos(i * 0.01) * 3);
      for (const count of [2, 5]) {
        const coords = Float32Array.from({ length: count * 2 }, (_, i) => 100 + 37 * i);
        const labels = Float32Array.from({ length: count }, (_, i) => (i === count - 1 ? -1 : i % 2));
        const prompt = { point_coords: new ort.Tensor('float32', coords, [1, count, 2]), point_labels: new ort.Tensor('float32', labels, [1, count]) };
        for (const maskInput of [undefined, mask]) {
          const want = await whole.run(embedding, maskInput, prompt, ['iou_predictions', 'low_res_masks']);
          const got = await runner.run(embedding, maskInput, prompt, ['iou_predictions', 'low_res_masks']);
          for (const k of ['iou_predictions', 'low_res_masks']) assertSameFloats(want[k].data as Float32Array, got[k].data as Float32Array, `${k}, ${count} points, mask ${!!maskInput}`);
        }
      }
    } finally {
      await runner.release();
      await whole.release();
    }
  });

  it('the real decoder export, reassociated: the 4 image-token attentions per click rewritten; logits within 1e-4 of their range of the whole decoder\'s, masks the same wherever |logit| is above that', async function () {
    if (!existsSync(DECODER)) {
      console.log(`    (skipped: ${DECODER} is absent; set LABELSCOPE_SHARED_DIR)`);
      this.skip();
    }
    const pruned = (await decoderForLowRes(DECODER)).source as Uint8Array;
    const spec = detectDecoder(graphIo(pruned), DECODER);
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const create = (m: Uint8Array) => ort.InferenceSession.create(m, options);
    const runner = DecoderRunner.open(ort, await create(pruned), pruned, spec, create, true);
    const whole = DecoderRunner.open(ort, await create(pruned), pruned, spec, create, false);
    try {
      await runner.ready;
      assert.equal(runner.exactReason, undefined);
      const fast = runner.reassociated;
      assert.ok(fast);
      assert.deepEqual(fast.attentions.map((a) => a.replace(/:.*/, '')), [
        '/transformer/layers.0/cross_attn_image_to_token', '/transformer/layers.1/cross_attn_token_to_image',
        '/transformer/layers.1/cross_attn_image_to_token', '/transformer/final_attn_token_to_image',
      ]);
      assert.equal(fast.maxPoints, 10, 'head width 16 - 5 output tokens - 1');
      assert.ok(fast.worstError <= REASSOCIATION_TOLERANCE && fast.worstError > 0, `probes: ${fast.worstError}`);
      const embedding = embeddingOf(5);
      const mask = Float32Array.from({ length: 65536 }, (_, i) => Math.sin(i * 0.003) * 4);
      let differ = 0;
      for (const [coords, labels] of [[[310, 220, 0, 0], [1, -1]], [[100, 120, 900, 800], [2, 3]], [[500, 500, 100, 120, 900, 800], [0, 2, 3]]]) {
        const n = labels.length;
        const prompt = { point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]), point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]) };
        for (const maskInput of [undefined, mask]) {
          const want = await whole.run(embedding, maskInput, prompt, ['iou_predictions', 'low_res_masks']);
          const got = await runner.run(embedding, maskInput, prompt, ['iou_predictions', 'low_res_masks']);
          for (const k of ['iou_predictions', 'low_res_masks']) {
            const x = want[k].data as Float32Array, y = got[k].data as Float32Array;
            const range = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            const tol = REASSOCIATION_TOLERANCE * range;
            x.forEach((v, i) => {
              assert.ok(Math.abs(v - y[i]) <= tol, `${k}[${i}]: ${y[i]}, the whole decoder gives ${v} (${n} points, mask ${!!maskInput})`);
              if (v !== y[i]) differ++;
              if (k === 'low_res_masks' && (v > 0) !== (y[i] > 0)) assert.ok(Math.abs(v) <= tol, `a mask pixel flipped at logit ${v}`);
            });
          }
        }
      }
      assert.ok(differ > 0, 'not bit-exact (it is the reassociated part that ran)');
      // A click with more points than it gains on runs the exact part: bit-identical.
      const n = 12;
      const prompt = { point_coords: new ort.Tensor('float32', Float32Array.from({ length: 2 * n }, (_, i) => (50 + 83 * i) % 1024), [1, n, 2]), point_labels: new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => i % 2), [1, n]) };
      const want = await whole.run(embedding, undefined, prompt, ['low_res_masks']);
      const got = await runner.run(embedding, undefined, prompt, ['low_res_masks']);
      assertSameFloats(want.low_res_masks.data as Float32Array, got.low_res_masks.data as Float32Array, `low_res_masks, ${n} points`);
    } finally {
      await runner.release();
      await whole.release();
    }
  });
});
