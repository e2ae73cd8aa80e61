/**
 * pruneToOutputs on a graph made here: the outputs kept and the nodes they need stay, the rest
 * goes, and onnxruntime runs the result with the same feeds and values.
 */
import assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { graphIo, pruneToOutputs } from '../../../../src/node/sam/pruneOutputs';

const F = onnx.TensorProto.DataType.FLOAT;
const value = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: F, shape: { dim: [{ dimValue: 1 }, { dimParam: 'n' }] } } } });

/** x -> Relu -> a (out "kept"); a -> Neg -> b (out "alsoKept"); x * w -> Exp -> c (out "dropped"); y is read only by the dropped branch. */
function model(): Uint8Array {
  const m: onnx.IModelProto = {
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'labelscope-test',
    graph: {
      name: 'g',
      input: [value('x'), value('y')],
      output: [value('kept'), value('dropped'), value('alsoKept')],
      initializer: [{ name: 'w', dims: [1], dataType: F, floatData: [2] }],
      node: [
        { opType: 'Relu', input: ['x'], output: ['kept'], name: 'relu' },
        { opType: 'Mul', input: ['y', 'w'], output: ['yw'], name: 'mul' },
        { opType: 'Exp', input: ['yw'], output: ['dropped'], name: 'exp' },
        { opType: 'Neg', input: ['kept'], output: ['alsoKept'], name: 'neg' },
      ],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

describe('node/sam: a model cut down to the outputs fetched', () => {
  it('keeps the named outputs and what they need, drops the rest, keeps every graph input', async () => {
    const pruned = pruneToOutputs(model(), ['kept', 'alsoKept']);
    assert.equal(pruned.removedNodes, 2);
    const io = graphIo(pruned.bytes);
    assert.deepEqual(io.outputs.map((o) => o.name), ['kept', 'alsoKept']);
    assert.deepEqual(io.inputs.map((i) => [i.name, i.shape]), [['x', [1, 'n']], ['y', [1, 'n']]]);
    const session = await ort.InferenceSession.create(pruned.bytes);
    try {
      const x = new ort.Tensor('float32', Float32Array.of(-1, 2, -3), [1, 3]);
      const y = new ort.Tensor('float32', Float32Array.of(5, 6, 7), [1, 3]);
      const out = await session.run({ x, y });
      assert.deepEqual(Object.keys(out).sort(), ['alsoKept', 'kept']);
      assert.deepEqual(Array.from(out.kept.data as Float32Array), [0, 2, 0]);
      assert.deepEqual(Array.from(out.alsoKept.data as Float32Array), [-0, -2, -0]);
    } finally {
      await session.release();
    }
  });

  it('returns the bytes untouched when every output is kept, and names an output that does not exist', () => {
    const bytes = model();
    const all = pruneToOutputs(bytes, ['kept', 'dropped', 'alsoKept']);
    assert.equal(all.removedNodes, 0);
    assert.equal(all.bytes, bytes);
    assert.throws(() => pruneToOutputs(bytes, ['kept', 'masks']), /no output masks/);
  });
});
