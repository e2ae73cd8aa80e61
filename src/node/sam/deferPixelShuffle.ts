/**
 * ConvTranspose with a square kernel k = stride (no overlap), no padding, dilation 1, group 1,
 * computed as one MatMul, without its pixel shuffle, as long as what follows works pixel by
 * pixel; the pixels are put back in order once, where that stops (SAM's mask decoder: two such
 * ConvTransposes, a channel LayerNorm and GELUs between them, then a MatMul with the mask
 * tokens: the shuffle is done on the 4 x 256² low-res masks instead of 32 x 256² features).
 *
 *   ConvTranspose(X)[n, co, h*k + i, w*k + j] = sum_ci W[ci, co, i, j] * X[n, ci, h, w] + B[co]
 *   MatMul(W' [Cout*k*k, Cin], X [n, Cin, P]) = [n, Cout, (i, j), P]: the same products, summed
 *   over the same Cin, each output pixel once, but in the order (i, j, p) instead of the image's.
 *
 * A value in that order (a "blocked" value) has the original value's shape, so every Shape-
 * based computation is unchanged. What may read one: elementwise ops whose other operands are
 * blocked the same way or constants that broadcast over the pixels ([C, 1, 1], scalars);
 * reductions over axis 1; a Reshape to [n, c, H*W] read by a MatMul as its right operand (its
 * output, [n, m, H*W], is blocked) and the Reshape of that back to 4-D; another such
 * ConvTranspose. Anything else reads the value after the pixels are put back in order (a
 * Reshape, a Transpose and a Reshape). onnxruntime's ConvTranspose spent longer on its col2im
 * scatter than on the GEMM, and its Transpose/DepthToSpace are no faster on those sizes.
 * decoderRunner.ts checks the rewritten model's outputs against the original's before using it.
 */
import type { onnx } from 'onnx-proto';
import { onnxProto } from './pruneOutputs';

const FLOAT = 1;
const INT64 = 7;
const UNARY = new Set(['Erf', 'Sqrt', 'Relu', 'Sigmoid', 'Tanh', 'Neg', 'Abs', 'Exp', 'Reciprocal', 'Identity']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin']);

const attr = (n: onnx.INodeProto, name: string) => (n.attribute ?? []).find((a) => a.name === name);
const ints = (n: onnx.INodeProto, name: string) => (attr(n, name)?.ints ?? []).map(Number);

function floatValues(t: onnx.ITensorProto | undefined): Float32Array | undefined {
  if (!t || t.dataType !== FLOAT || t.externalData?.length) return undefined;
  if (t.rawData && t.rawData.length) { const c = new Uint8Array(t.rawData.length); c.set(t.rawData); return new Float32Array(c.buffer); }
  return t.floatData ? Float32Array.from(t.floatData) : undefined;
}
const floatTensor = (name: string, dims: number[], v: Float32Array): onnx.ITensorProto =>
  ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) });
const int64Tensor = (name: string, v: number[]): onnx.ITensorProto =>
  ({ name, dims: [v.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer) });

/** The kernel size of a ConvTranspose this covers, else 0. */
function blockSize(n: onnx.INodeProto, weight: onnx.ITensorProto | undefined): number {
  const dims = (weight?.dims ?? []).map(Number);
  if (n.opType !== 'ConvTranspose' || (n.domain && n.domain !== 'ai.onnx') || dims.length !== 4 || dims[2] !== dims[3]) return 0;
  const k = dims[2];
  const kernel = ints(n, 'kernel_shape');
  const strides = ints(n, 'strides');
  const autoPad = attr(n, 'auto_pad')?.s;
  const ok = Number(attr(n, 'group')?.i ?? 1) === 1 && !attr(n, 'output_shape')
    && (kernel.length === 0 || kernel.every((x) => x === k)) && strides.length === 2 && strides.every((x) => x === k)
    && ints(n, 'pads').every((p) => p === 0) && ints(n, 'dilations').every((d) => d === 1) && ints(n, 'output_padding').every((p) => p === 0)
    && (!autoPad || autoPad.length === 0 || new TextDecoder().decode(autoPad) === 'NOTSET');
  return ok ? k : 0;
}

interface Blocked {
  /** Block sizes, in the order the ConvTransposes applied them. */
  blocks: number[];
  /** 4: [n, c, H, W]; 3: [n, c, H*W] (between a flattening Reshape and its MatMul's unflatten). */
  rank: 3 | 4;
}

const sameBlocks = (a: Blocked, b: Blocked) => a.rank === b.rank && a.blocks.length === b.blocks.length && a.blocks.every((x, i) => x === b.blocks[i]);

/** The model rewritten (see the file comment); `rewritten` 0: the bytes untouched. */
export function deferPixelShuffles(modelBytes: Uint8Array): { bytes: Uint8Array; rewritten: number } {
  const proto = onnxProto();
  const model = proto.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) return { bytes: modelBytes, rewritten: 0 };
  const nodes = graph.node ?? [];
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const constDims = new Map<string, number[]>();
  for (const t of graph.initializer ?? []) constDims.set(t.name ?? '', (t.dims ?? []).map(Number));
  for (const n of nodes) if (n.opType === 'Constant' && attr(n, 'value')?.t) constDims.set(n.output![0], (attr(n, 'value')!.t!.dims ?? []).map(Number));
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  /** A constant that broadcasts over the last two (pixel) axes: all its last two dims are 1. */
  const pixelConstant = (name: string) => {
    const dims = constDims.get(name);
    return !!dims && !graphInputs.has(name) && dims.length <= 4 && dims.slice(-2).every((d) => d === 1);
  };

  const blocked = new Map<string, Blocked>();
  const rewrites = new Map<number, number>(); // node index -> block size (ConvTranspose -> MatMul)
  // Consumers, to tell a flattening Reshape read only by MatMul's right operand.
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => { for (const x of n.input ?? []) if (x) consumers.set(x, [...(consumers.get(x) ?? []), i]); });

  nodes.forEach((n, i) => {
    const ins = n.input ?? [];
    const op = n.opType ?? '';
    const foreign = !!n.domain && n.domain !== 'ai.onnx';
    const inBlocked = ins.map((x) => blocked.get(x));
    const first = inBlocked.find((b) => b);
    const out = n.output?.[0];
    if (!out || foreign) return;
    if (op === 'ConvTranspose') {
      const k = blockSize(n, inits.get(ins[1]));
      const x = inBlocked[0];
      if (!k || inBlocked.slice(1).some((b) => b) || !floatValues(inits.get(ins[1])) || (ins[2] && !floatValues(inits.get(ins[2])))) return;
      if (x && x.rank !== 4) return;
      rewrites.set(i, k);
      blocked.set(out, { blocks: [...(x?.blocks ?? []), k], rank: 4 });
      return;
    }
    if (!first) return;
    if ((n.output ?? []).length !== 1) return;
    const others = ins.filter((x, j) => x && !inBlocked[j]);
    const allSame = inBlocked.every((b) => !b || sameBlocks(b, first));
    if (UNARY.has(op) && ins.length === 1) { blocked.set(out, first); return; }
    if (BINARY.has(op) && allSame && others.every(pixelConstant)) { blocked.set(out, first); return; }
    if (REDUCE.has(op) && first.rank === 4 && inBlocked[0] && Number(attr(n, 'keepdims')?.i ?? 1) === 1) {
      const axes = attr(n, 'axes') ? ints(n, 'axes') : undefined;
      if (axes && axes.length === 1 && (axes[0] === 1 || axes[0] === -3) && ins.length === 1) blocked.set(out, first);
      return;
    }
    if (op === 'Reshape' && inBlocked[0] && !inBlocked[1] && first.rank === 4) {
      // Flatten [n, c, H, W] -> [n, c, H*W] for a MatMul's right operand (checked at run time).
      const users = consumers.get(out) ?? [];
      if (users.length > 0 && users.every((u) => nodes[u].opType === 'MatMul' && nodes[u].input?.[1] === out && nodes[u].input?.[0] !== out)) {
        blocked.set(out, { blocks: first.blocks, rank: 3 });
      }
      return;
    }
    if (op === 'MatMul' && !inBlocked[0] && inBlocked[1]?.rank === 3) { blocked.set(out, first); return; }
    if (op === 'Reshape' && inBlocked[0]?.rank === 3 && !inBlocked[1]) { blocked.set(out, { blocks: first.blocks, rank: 4 }); return; }
  });
  if (rewrites.size === 0) return { bytes: modelBytes, rewritten: 0 };

  // Where a blocked value is read by anything that is not part of the blocked region (or is a
  // graph output), it is put back in order under its own name; the region reads `name/blocked`.
  const regionReads = new Set<number>();
  nodes.forEach((n, i) => {
    const out = n.output?.[0];
    if (out && blocked.has(out)) regionReads.add(i);
  });
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const exits = new Set<string>();
  for (const [name] of blocked) {
    if (outputs.has(name)) exits.add(name);
    for (const u of consumers.get(name) ?? []) {
      const node = nodes[u];
      if (!regionReads.has(u) && node.opType !== 'Shape') exits.add(name);
    }
  }
  for (const name of exits) if (blocked.get(name)!.rank !== 4) return { bytes: modelBytes, rewritten: 0 };

  const renamed = (name: string) => (blocked.has(name) && exits.has(name) ? `${name}/blocked` : name);
  const result: onnx.INodeProto[] = [];
  const newInits: onnx.ITensorProto[] = [];
  let uid = 0;
  const add = (opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []) => {
    result.push({ opType, input, output: [output], name: `${output}/node${uid++}`, attribute });
    return output;
  };
  const consts = (name: string, v: number[]) => { newInits.push(int64Tensor(name, v)); return name; };
  nodes.forEach((n, i) => {
    const out = n.output?.[0] ?? '';
    const inputs = (n.input ?? []).map((x) => (regionReads.has(i) || n.opType === 'Shape' ? renamed(x) : x));
    const k = rewrites.get(i);
    if (k) {
      const [x, wName, bName] = n.input ?? [];
      const weight = inits.get(wName)!;
      const w = floatValues(weight)!;
      const [cin, cout] = (weight.dims ?? []).map(Number);
      const p = `${out}/as_matmul`;
      const wt = new Float32Array(cout * k * k * cin);
      for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) for (let t = 0; t < k * k; t++) wt[(co * k * k + t) * cin + ci] = w[(ci * cout + co) * k * k + t];
      newInits.push(floatTensor(`${p}/weight`, [cout * k * k, cin], wt));
      const xIn = blocked.has(x) ? renamed(x) : x;
      const shape = add('Shape', [xIn], `${p}/in_shape`);
      const flat = add('Reshape', [xIn, consts(`${p}/flat`, [0, cin, -1])], `${p}/x`);
      const y = add('MatMul', [`${p}/weight`, flat], `${p}/y`);
      // [n, Cout*k*k, P] -> [n, Cout, H*k, W*k] (the pixels blocked: (i, j, earlier pixel order)).
      const nc = add('Slice', [shape, consts(`${p}/s0`, [0]), consts(`${p}/s1`, [1])], `${p}/batch`);
      const hw = add('Mul', [add('Slice', [shape, consts(`${p}/s2`, [2]), consts(`${p}/s4`, [4])], `${p}/hw`), consts(`${p}/k`, [k, k])], `${p}/out_hw`);
      const target = add('Concat', [nc, consts(`${p}/cout`, [cout]), hw], `${p}/out_shape`, [{ name: 'axis', type: 2, i: 0 }]);
      const target4 = bName ? `${p}/unbiased` : renamed(out);
      add('Reshape', [y, target], target4);
      if (bName) {
        newInits.push(floatTensor(`${p}/bias`, [cout, 1, 1], floatValues(inits.get(bName))!));
        add('Add', [target4, `${p}/bias`], renamed(out));
      }
    } else {
      result.push({ ...n, input: inputs, output: (n.output ?? []).map((o) => (blocked.has(o) ? renamed(o) : o)) });
    }
    for (const o of n.output ?? []) if (exits.has(o)) unblock(o);
  });

  /** name/blocked [n, c, Ho, Wo] -> name, pixels back in order. */
  function unblock(name: string): void {
    const { blocks } = blocked.get(name)!;
    const p = `${name}/unblock`;
    const src = `${name}/blocked`;
    const shape = add('Shape', [src], `${p}/shape`);
    const total = blocks.reduce((a, b) => a * b, 1);
    const nc = add('Slice', [shape, consts(`${p}/s0`, [0]), consts(`${p}/s2`, [2])], `${p}/nc`);
    const base = add('Div', [add('Slice', [shape, consts(`${p}/s2b`, [2]), consts(`${p}/s4`, [4])], `${p}/hw`), consts(`${p}/total`, [total, total])], `${p}/base`);
    // Pixel order: (i_last, j_last, ..., i_first, j_first, h, w).
    const taps = [...blocks].reverse().flatMap((b) => [b, b]);
    const split = add('Concat', [nc, consts(`${p}/taps`, taps), base], `${p}/split_shape`, [{ name: 'axis', type: 2, i: 0 }]);
    const m = blocks.length;
    const iAxis = (t: number) => 2 + 2 * (m - 1 - t); // t: the t-th ConvTranspose applied
    const hAxis = 2 + 2 * m;
    const perm = [0, 1, hAxis, ...blocks.map((_, t) => iAxis(t)), hAxis + 1, ...blocks.map((_, t) => iAxis(t) + 1)];
    const parts = add('Reshape', [src, split], `${p}/parts`);
    const ordered = add('Transpose', [parts], `${p}/ordered`, [{ name: 'perm', type: 7, ints: perm }]);
    add('Reshape', [ordered, shape], name);
  }

  graph.node = result;
  graph.initializer = [...(graph.initializer ?? []), ...newInits];
  const used = new Set([...result.flatMap((n) => n.input ?? []), ...graphInputs]);
  graph.initializer = graph.initializer.filter((t) => used.has(t.name ?? ''));
  return { bytes: proto.ModelProto.encode(model).finish(), rewritten: rewrites.size };
}
