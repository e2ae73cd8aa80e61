/**
 * Attention between a few tokens and many image tokens, reassociated so that no projection of
 * the image tokens is left (reassociateAttention.ts), on graphs made here with the ONNX pattern
 * of SAM's `Attention` as torch.onnx exports it: onnxruntime gives the original's outputs to
 * float32 rounding (not bit for bit), for any number of tokens; patterns it does not know are
 * left as they are, with a reason.
 */
import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { reassociateAttention } from '../../../../src/node/sam/reassociateAttention';

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const C = 16, H = 2, D = 4, M = 64; // channels, heads, head width, image tokens
let seed = 11;
const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
const floats = (name: string, dims: number[]): onnx.ITensorProto => ({ name, dims, dataType: F, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, random) });
const int64s = (name: string, values: number[], dims = [values.length]): onnx.ITensorProto => ({ name, dims, dataType: I64, int64Data: values });
const value = (name: string, dims: (number | string)[]): onnx.IValueInfoProto =>
  ({ name, type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });
const node = (opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({ opType, input, output: [output], name: output, attribute });
const perm = (p: number[]): onnx.IAttributeProto => ({ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: p });
const axis = (a: number): onnx.IAttributeProto => ({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: a });

interface Options {
  /** The token → image attention's key projection without its bias (a pattern not recognised). */
  keysWithoutBias?: boolean;
}

/**
 * tokens [1, n, C] (n symbolic) and image [1, 64, C], image_pe [1, 64, C], static_q [1, H, 64, D]:
 *  - "t2i": token → image (queries the tokens; keys image + pe; values image), out_proj;
 *  - "i2t": image → token (queries image + pe), out_proj, plus the image: [1, 64, C];
 *  - "i2t_static": image → token with queries given (computed elsewhere), out_proj;
 *  - "self": tokens → tokens, out_proj (nothing to rewrite).
 */
function attentionModel(opts: Options = {}): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [
    int64s('b', [1]), int64s('heads', [H]), int64s('d', [D]), int64s('one', [1], []), int64s('axis0', [0]),
    int64s('merge', [1, -1, H * D]),
    { name: 'scale', dims: [], dataType: F, floatData: [Math.sqrt(D)] },
  ];
  let uid = 0;
  const add = (n: onnx.INodeProto) => { nodes.push(n); return n.output![0]; };
  const proj = (x: string, name: string, width: number, bias = true) => {
    inits.push(floats(`${name}.w`, [C, width]));
    const mm = add(node('MatMul', [x, `${name}.w`], `${name}/MatMul`));
    if (!bias) return mm;
    inits.push(floats(`${name}.b`, [width]));
    return add(node('Add', [`${name}.b`, mm], `${name}/Add`));
  };
  // Reshape(y, Concat(b, n, H, d)) with n = Shape(y)[1], then Transpose: as the export does.
  const heads = (y: string, p: number[]) => {
    const u = uid++;
    const shape = add(node('Shape', [y], `heads${u}/shape`));
    const n = add(node('Unsqueeze', [add(node('Gather', [shape, 'one'], `heads${u}/n`, [axis(0)])), 'axis0'], `heads${u}/n1`));
    const target = add(node('Concat', ['b', n, 'heads', 'd'], `heads${u}/target`, [axis(0)]));
    return add(node('Transpose', [add(node('Reshape', [y, target], `heads${u}/split`))], `heads${u}/t`, [perm(p)]));
  };
  const attention = (name: string, q: string, k: string, v: string, out: string) => {
    const scores = add(node('MatMul', [q, k], `${name}/MatMul_output_0`));
    const probs = add(node('Softmax', [add(node('Div', [scores, 'scale'], `${name}/scaled`))], `${name}/probs`, [axis(-1)]));
    const o = add(node('MatMul', [probs, v], `${name}/MatMul_1_output_0`));
    const merged = add(node('Reshape', [add(node('Transpose', [o], `${name}/merge_t`, [perm([0, 2, 1, 3])])), 'merge'], `${name}/merged`));
    inits.push(floats(`${name}.out.w`, [H * D, C]), floats(`${name}.out.b`, [C]));
    add(node('Add', [add(node('MatMul', [merged, `${name}.out.w`], `${name}/out/MatMul`)), `${name}.out.b`], out));
  };
  const imageK = add(node('Add', ['image', 'image_pe'], 'image_k'));
  attention('t2i', heads(proj('tokens', 't2i.q', H * D), [0, 2, 1, 3]), heads(proj(imageK, 't2i.k', H * D, !opts.keysWithoutBias), [0, 2, 3, 1]), heads(proj('image', 't2i.v', H * D), [0, 2, 1, 3]), 't2i');
  attention('i2t', heads(proj(imageK, 'i2t.q', H * D), [0, 2, 1, 3]), heads(proj('tokens', 'i2t.k', H * D), [0, 2, 3, 1]), heads(proj('tokens', 'i2t.v', H * D), [0, 2, 1, 3]), 'i2t_out');
  add(node('Add', ['image', 'i2t_out'], 'i2t'));
  attention('i2t_static', 'static_q', heads(proj('tokens', 'i2ts.k', H * D), [0, 2, 3, 1]), heads(proj('tokens', 'i2ts.v', H * D), [0, 2, 1, 3]), 'i2t_static');
  attention('self', heads(proj('tokens', 'self.q', H * D), [0, 2, 1, 3]), heads(proj('tokens', 'self.k', H * D), [0, 2, 3, 1]), heads(proj('tokens', 'self.v', H * D), [0, 2, 1, 3]), 'self');
  const m: onnx.IModelProto = {
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'labelscope-test',
    graph: {
      name: 'g', node: nodes, initializer: inits,
      input: [value('tokens', [1, 'n', C]), value('image', [1, M, C]), value('image_pe', [1, M, C]), value('static_q', [1, H, M, D])],
      output: [value('t2i', [1, 'n', C]), value('i2t', [1, M, C]), value('i2t_static', [1, M, C]), value('self', [1, 'n', C])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

async function outputsOf(bytes: Uint8Array, tokens: number): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    seed = 1000 + tokens;
    const t = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random() * 4), dims);
    const out = await session.run({ tokens: t([1, tokens, C]), image: t([1, M, C]), image_pe: t([1, M, C]), static_q: t([1, H, M, D]) });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** Largest |a - b| over the largest |a|. */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let scale = 0, diff = 0;
  for (let i = 0; i < a.length; i++) { scale = Math.max(scale, Math.abs(a[i])); diff = Math.max(diff, Math.abs(a[i] - b[i])); }
  return diff / scale;
}

const matMulsOf = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph!.node!.filter((n) => n.opType === 'MatMul').map((n) => n.name ?? '');

describe('node/sam: attention over image tokens reassociated', () => {
  it('token → image (keys and values), image → token (queries and output projection; output projection only when the queries come in): no image-token projection left', () => {
    seed = 11;
    const bytes = attentionModel();
    const r = reassociateAttention(bytes);
    assert.deepEqual(r.rewritten, [
      't2i: token → image, scores and values',
      'i2t: image → token, queries and output projection',
      'i2t_static: image → token, output projection',
    ]);
    assert.deepEqual(r.refused, []);
    assert.equal(r.headDim, D);
    const before = matMulsOf(bytes), after = matMulsOf(r.bytes);
    for (const gone of ['t2i.k/MatMul', 't2i.v/MatMul', 'i2t.q/MatMul', 'i2t/out/MatMul', 'i2t_static/out/MatMul']) {
      assert.ok(before.includes(gone) && !after.includes(gone), `${gone} is gone`);
    }
    for (const kept of ['t2i.q/MatMul', 't2i/out/MatMul', 'self.q/MatMul', 'self/out/MatMul']) assert.ok(after.includes(kept), `${kept} (over the tokens) stays`);
  });

  for (const tokens of [1, 3, 7]) {
    it(`the same outputs to float32 rounding (1e-5 of their range) with ${tokens} token(s); the token self-attention exactly`, async () => {
      seed = 11;
      const bytes = attentionModel();
      const want = await outputsOf(bytes, tokens);
      const got = await outputsOf(reassociateAttention(bytes).bytes, tokens);
      for (const k of ['t2i', 'i2t', 'i2t_static']) {
        const rel = relativeDiff(want[k], got[k]);
        assert.ok(rel <= 1e-5, `${k}: ${rel}`);
        assert.ok(want[k].some((v) => Math.abs(v) > 1e-2), `${k} is not all zeros`);
      }
      want.self.forEach((v, i) => assert.ok(Object.is(v, got.self[i]), `self[${i}]`));
    });
  }

  it('a key projection without a bias is not the pattern: that attention stays, with the reason; the others are still rewritten', async () => {
    seed = 11;
    const bytes = attentionModel({ keysWithoutBias: true });
    const r = reassociateAttention(bytes);
    assert.deepEqual(r.refused, ['t2i: keys/values are not per-head projections of the image tokens']);
    assert.equal(r.rewritten.length, 2);
    assert.ok(matMulsOf(r.bytes).includes('t2i.k/MatMul'));
    const want = await outputsOf(bytes, 3);
    const got = await outputsOf(r.bytes, 3);
    want.t2i.forEach((v, i) => assert.ok(Object.is(v, got.t2i[i]), `t2i[${i}] untouched`));
    assert.ok(relativeDiff(want.i2t, got.i2t) <= 1e-5);
  });

  it('a graph with nothing to rewrite comes back as it was', () => {
    const m: onnx.IModelProto = {
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'g', node: [node('Relu', ['x'], 'y')], input: [value('x', [1, 4])], output: [value('y', [1, 4])] },
    };
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
    const r = reassociateAttention(bytes);
    assert.equal(r.bytes, bytes);
    assert.deepEqual(r.rewritten, []);
  });
});
