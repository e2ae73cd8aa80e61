/**
 * ConvTranspose (kernel = stride) as a MatMul whose pixel shuffle waits until something reads
 * pixels by position (deferPixelShuffle.ts): on graphs made here, with the upscaling of SAM's
 * mask decoder in miniature, onnxruntime gives exactly the original's outputs.
 */
import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { deferPixelShuffles } from '../../../../src/node/sam/deferPixelShuffle';

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
let seed = 7;
const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
const floats = (name: string, dims: number[]): onnx.ITensorProto => ({ name, dims, dataType: F, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, random) });
const int64s = (name: string, values: number[]): onnx.ITensorProto => ({ name, dims: [values.length], dataType: I64, int64Data: values });
const value = (name: string, dims: number[]): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const node = (opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({ opType, input, output: [output], name: output, attribute });
const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
const convT = (input: string, w: string, b: string, out: string, k: number, stride = k) =>
  node('ConvTranspose', [input, w, b], out, [ints('kernel_shape', [k, k]), ints('strides', [stride, stride]), ints('pads', [0, 0, 0, 0]), ints('dilations', [1, 1]), int('group', 1)]);

/**
 * x [1, 8, 5, 6] -> ConvT k2 -> channel LayerNorm (ReduceMean over axis 1 ...) -> GELU (Erf)
 * -> ConvT k2 -> GELU -> [1, 4, 600] -> MatMul with tokens [1, 3, 4] -> [1, 3, 20, 24] ("masks");
 * also "side": the first ConvT's output times a per-column constant [1, 1, 1, 12] (reads pixels
 * by position, so it must see them in order), and "iou" from the tokens alone.
 */
function upscalingModel(secondKernel = 2, secondStride = 2): Uint8Array {
  const nodes: onnx.INodeProto[] = [
    convT('x', 'w0', 'b0', 'u0', 2),
    node('ReduceMean', ['u0'], 'mean', [ints('axes', [1]), int('keepdims', 1)]),
    node('Sub', ['u0', 'mean'], 'centred'),
    node('Pow', ['centred', 'two'], 'sq'),
    node('ReduceMean', ['sq'], 'var', [ints('axes', [1]), int('keepdims', 1)]),
    node('Add', ['var', 'eps'], 'vareps'),
    node('Sqrt', ['vareps'], 'std'),
    node('Div', ['centred', 'std'], 'normed'),
    node('Mul', ['gamma', 'normed'], 'scaled'),
    node('Add', ['scaled', 'beta'], 'ln'),
    node('Div', ['ln', 'sqrt2'], 'g0'), node('Erf', ['g0'], 'g1'), node('Add', ['g1', 'one'], 'g2'), node('Mul', ['ln', 'g2'], 'g3'), node('Mul', ['g3', 'half'], 'gelu'),
    convT('gelu', 'w1', 'b1', 'u1', secondKernel, secondStride),
    node('Relu', ['u1'], 'act'),
    node('Shape', ['act'], 'act_shape'),
    node('Reshape', ['act', 'flat'], 'flatAct'),
    node('MatMul', ['tokens', 'flatAct'], 'mm'),
    node('Reshape', ['mm', 'masks_shape'], 'masks'),
    node('Mul', ['u0', 'columns'], 'side'),
    node('ReduceMax', ['tokens'], 'iou', [ints('axes', [2]), int('keepdims', 0)]),
  ];
  const outH = secondStride * 9 + secondKernel; // (2*5 - 1) * stride + kernel
  const outW = secondStride * 11 + secondKernel;
  const m: onnx.IModelProto = {
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'labelscope-test',
    graph: {
      name: 'g', node: nodes,
      input: [value('x', [1, 8, 5, 6]), value('tokens', [1, 3, 4])],
      output: [value('masks', [1, 3, outH, outW]), value('side', [1, 6, 10, 12]), value('iou', [1, 3])],
      initializer: [
        floats('w0', [8, 6, 2, 2]), floats('b0', [6]), floats('gamma', [6, 1, 1]), floats('beta', [6, 1, 1]),
        floats('w1', [6, 4, secondKernel, secondKernel]), floats('b1', [4]), floats('columns', [1, 1, 1, 12]),
        { name: 'two', dims: [], dataType: F, floatData: [2] }, { name: 'eps', dims: [], dataType: F, floatData: [1e-6] },
        { name: 'sqrt2', dims: [], dataType: F, floatData: [Math.SQRT2] }, { name: 'one', dims: [], dataType: F, floatData: [1] },
        { name: 'half', dims: [], dataType: F, floatData: [0.5] },
        int64s('flat', [1, 4, -1]), int64s('masks_shape', [1, 3, outH, outW]),
      ],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

async function outputsOf(bytes: Uint8Array): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    seed = 99;
    const x = new ort.Tensor('float32', Float32Array.from({ length: 8 * 30 }, random), [1, 8, 5, 6]);
    const tokens = new ort.Tensor('float32', Float32Array.from({ length: 12 }, random), [1, 3, 4]);
    const out = await session.run({ x, tokens });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('node/sam: ConvTranspose as a MatMul, its pixel shuffle deferred', () => {
  it('two ConvTransposes, a channel LayerNorm, GELUs and the token MatMul: the same outputs, bit for bit; a value read by position is put in order first', async () => {
    seed = 7;
    const bytes = upscalingModel();
    const rewritten = deferPixelShuffles(bytes);
    assert.equal(rewritten.rewritten, 2);
    const ops = onnx.ModelProto.decode(rewritten.bytes).graph!.node!.map((n) => n.opType);
    assert.ok(!ops.includes('ConvTranspose'));
    assert.equal(ops.filter((o) => o === 'Transpose').length, 2, 'put in order twice: before "side" reads u0, and for the masks');
    const want = await outputsOf(bytes);
    const got = await outputsOf(rewritten.bytes);
    for (const k of ['masks', 'side', 'iou']) {
      assert.equal(got[k].length, want[k].length, k);
      want[k].forEach((v, i) => assert.ok(Object.is(v, got[k][i]), `${k}[${i}]: ${got[k][i]}, the original gives ${v}`));
    }
  });

  it('leaves an overlapping ConvTranspose (kernel 3, stride 2) as it is, and puts the first one\'s pixels in order before it', async () => {
    seed = 7;
    const bytes = upscalingModel(3, 2);
    const rewritten = deferPixelShuffles(bytes);
    assert.equal(rewritten.rewritten, 1);
    const ops = onnx.ModelProto.decode(rewritten.bytes).graph!.node!.map((n) => n.opType);
    assert.equal(ops.filter((o) => o === 'ConvTranspose').length, 1);
    const want = await outputsOf(bytes);
    const got = await outputsOf(rewritten.bytes);
    for (const k of ['masks', 'side', 'iou']) want[k].forEach((v, i) => assert.ok(Object.is(v, got[k][i]), `${k}[${i}]`));
  });
});
