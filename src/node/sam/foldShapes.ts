/**
 * Shape arithmetic that is constant although it reads a per-click tensor, folded into
 * initializers. The SAM export repeats the image embedding `tokens.shape[0]` times
 * (repeat_interleave): that is Shape(tokens) -> Gather(0) -> ... -> Expand(embedding), and
 * tokens depend on the clicked points, so the embedding's whole path would look per-click.
 * Its batch dim is 1 in every declared input shape, though; onnxruntime's own constant folding
 * only folds a Shape whose every dim is known (here the number of points is not).
 *
 * This pass infers shapes with known and unknown dims (declared input dims, initializer dims,
 * ops' shape rules) and the values of small integer tensors, element by element, and replaces
 * each node whose integer outputs are all known with initializers. A dim or value is only ever
 * claimed known when the op's rule fixes it; every op not listed leaves its outputs unknown,
 * which only folds less. Nodes no graph output needs any more are removed.
 */
import type { onnx } from 'onnx-proto';
import { onnxProto } from './pruneOutputs';

export type Dim = number | undefined;
interface Info {
  shape?: Dim[];
  /** onnx TensorProto.DataType, when known. */
  dtype?: number;
  /** Flat values of a small integer/bool tensor; undefined entries are unknown. */
  value?: (number | undefined)[];
}

const FLOAT = 1, INT32 = 6, INT64 = 7, BOOL = 9;
const INTEGER = new Set([2, 3, 4, 5, INT32, INT64, 12, 13, BOOL]);
const MAX_VALUES = 64;
const UNARY = new Set(['Relu', 'Sqrt', 'Erf', 'Sin', 'Cos', 'Neg', 'Exp', 'Log', 'Reciprocal', 'Floor', 'Ceil', 'Sigmoid', 'Tanh', 'Abs', 'Softmax', 'LayerNormalization', 'Identity', 'Not', 'Gelu', 'Dropout', 'Round', 'Sign', 'Clip']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Where', 'PRelu', 'Mod']);
const COMPARE = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Not']);

const size = (s: Dim[] | undefined) => (s && s.every((d) => d !== undefined) ? (s as number[]).reduce((a, b) => a * b, 1) : undefined);
const known = (v: (number | undefined)[] | undefined): v is number[] => !!v && v.every((x) => x !== undefined);

function attr(n: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (n.attribute ?? []).find((a) => a.name === name);
}
const attrInt = (n: onnx.INodeProto, name: string, dflt: number) => { const a = attr(n, name); return a && a.i !== undefined && a.i !== null ? Number(a.i) : dflt; };
const attrInts = (n: onnx.INodeProto, name: string) => attr(n, name)?.ints?.map(Number);

/** Integer values of a tensor proto (int64 raw or int64_data, int32/bool), when small. */
function tensorInfo(t: onnx.ITensorProto): Info {
  const shape = (t.dims ?? []).map(Number);
  const dtype = t.dataType ?? undefined;
  const n = size(shape)!;
  if (dtype === undefined || !INTEGER.has(dtype) || n > MAX_VALUES || t.externalData?.length) return { shape, dtype };
  let values: number[] | undefined;
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  if (dtype === INT64) {
    if (raw) { const c = new Uint8Array(raw.length); c.set(raw); values = Array.from(new BigInt64Array(c.buffer), Number); }
    else if (t.int64Data) values = t.int64Data.map(Number);
  } else if (dtype === INT32 || dtype === BOOL) {
    if (raw) { const c = new Uint8Array(raw.length); c.set(raw); values = dtype === BOOL ? Array.from(c) : Array.from(new Int32Array(c.buffer)); }
    else if (t.int32Data) values = t.int32Data.map(Number);
  }
  return values && values.length === n && values.every(Number.isSafeInteger) ? { shape, dtype, value: values } : { shape, dtype };
}

function broadcast(shapes: (Dim[] | undefined)[]): Dim[] | undefined {
  if (shapes.some((s) => !s)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const dims = shapes.map((s) => { const j = s!.length - rank + i; return j < 0 ? 1 : s![j]; });
    // A valid model's non-1 dims agree; an unknown one may be 1 or that dim.
    const bigKnown = dims.find((d) => d !== undefined && d !== 1);
    out.push(bigKnown !== undefined ? bigKnown : dims.every((d) => d === 1) ? 1 : undefined);
  }
  return out;
}

/** Elementwise on broadcast 0-D/1-D values (all operands the same length or of length 1). */
function elementwise(vals: (number | undefined)[][], len: number, f: (...xs: number[]) => number | undefined): (number | undefined)[] | undefined {
  if (vals.some((v) => v.length !== len && v.length !== 1)) return undefined;
  return Array.from({ length: len }, (_, i) => {
    const xs = vals.map((v) => v[v.length === 1 ? 0 : i]);
    if (xs.some((x) => x === undefined)) return undefined;
    const r = f(...(xs as number[]));
    return r !== undefined && Number.isSafeInteger(r) ? r : undefined;
  });
}

const ARITH: Partial<Record<string, (...xs: number[]) => number | undefined>> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b,
  Div: (a, b) => (b === 0 ? undefined : Math.trunc(a / b)), Max: (a, b) => Math.max(a, b), Min: (a, b) => Math.min(a, b),
  Equal: (a, b) => +(a === b), Less: (a, b) => +(a < b), Greater: (a, b) => +(a > b), LessOrEqual: (a, b) => +(a <= b), GreaterOrEqual: (a, b) => +(a >= b),
  And: (a, b) => +(!!a && !!b), Or: (a, b) => +(!!a || !!b), Where: (c, x, y) => (c ? x : y),
};

const axisOf = (a: number, rank: number) => (a < 0 ? a + rank : a);

/** Output infos of one node from its input infos (see the file comment). */
function infer(n: onnx.INodeProto, ins: Info[]): Info[] {
  const op = n.opType ?? '';
  const [a, b, c] = ins;
  switch (op) {
    case 'Constant': {
      const t = attr(n, 'value')?.t;
      if (t) return [tensorInfo(t)];
      const vi = attr(n, 'value_int');
      if (vi) return [{ shape: [], dtype: INT64, value: [Number(vi.i)] }];
      const vis = attr(n, 'value_ints');
      if (vis) return [{ shape: [vis.ints!.length], dtype: INT64, value: vis.ints!.map(Number) }];
      return [{}];
    }
    case 'Shape': {
      if (!a?.shape) return [{ dtype: INT64 }];
      const r = a.shape.length;
      const start = Math.max(0, Math.min(r, axisOf(attrInt(n, 'start', 0), r)));
      const endAttr = attr(n, 'end');
      const end = endAttr ? Math.max(0, Math.min(r, axisOf(Number(endAttr.i), r))) : r;
      const dims = a.shape.slice(start, Math.max(start, end));
      return [{ shape: [dims.length], dtype: INT64, value: dims }];
    }
    case 'Gather': {
      const axis = attrInt(n, 'axis', 0);
      if (!a?.shape || !b?.shape) return [{ dtype: a?.dtype }];
      const ax = axisOf(axis, a.shape.length);
      const shape = [...a.shape.slice(0, ax), ...b.shape, ...a.shape.slice(ax + 1)];
      let value: (number | undefined)[] | undefined;
      if (a.value && a.shape.length === 1 && known(b.value)) {
        const len = a.value.length;
        value = b.value.map((i) => (i < -len || i >= len ? undefined : a.value![i < 0 ? i + len : i]));
      }
      return [{ shape, dtype: a.dtype, value }];
    }
    case 'Unsqueeze': case 'Squeeze': {
      const axes = attrInts(n, 'axes') ?? (b && known(b.value) ? b.value : undefined);
      let shape: Dim[] | undefined;
      if (a?.shape && axes) {
        if (op === 'Unsqueeze') {
          const r = a.shape.length + axes.length;
          const at = new Set(axes.map((x) => axisOf(x, r)));
          const rest = [...a.shape];
          shape = Array.from({ length: r }, (_, i) => (at.has(i) ? 1 : rest.shift()));
        } else {
          const at = new Set(axes.map((x) => axisOf(x, a.shape!.length)));
          shape = a.shape.filter((_, i) => !at.has(i));
        }
      }
      return [{ shape, dtype: a?.dtype, value: a?.value }];
    }
    case 'Concat': {
      if (ins.some((i) => !i?.shape)) return [{ dtype: a?.dtype }];
      const r = a.shape!.length;
      const ax = axisOf(attrInt(n, 'axis', 0), r);
      const shape = a.shape!.map((_, i) => (i === ax ? ins.reduce<Dim>((s, x) => (s === undefined || x.shape![i] === undefined ? undefined : s + x.shape![i]!), 0) : ins.map((x) => x.shape![i]).find((d) => d !== undefined)));
      const value = r === 1 && ins.every((x) => x.value) ? ins.flatMap((x) => x.value!) : undefined;
      return [{ shape, dtype: a.dtype, value }];
    }
    case 'Cast': {
      const to = attrInt(n, 'to', 0);
      const keep = a?.value && a.dtype !== undefined && INTEGER.has(a.dtype) && INTEGER.has(to);
      return [{ shape: a?.shape, dtype: to, value: keep ? a!.value!.map((x) => (x === undefined ? undefined : to === BOOL ? +(x !== 0) : x)) : undefined }];
    }
    case 'ConstantOfShape': {
      const t = attr(n, 'value')?.t;
      const fill = t ? tensorInfo(t) : { dtype: FLOAT };
      if (!a || !a.value) return [{ dtype: fill.dtype }];
      const shape = a.value as Dim[];
      const count = size(shape);
      const value = fill.value && count !== undefined && count <= MAX_VALUES ? new Array(count).fill(fill.value[0]) : undefined;
      return [{ shape, dtype: fill.dtype, value }];
    }
    case 'Expand': {
      if (!a || !b?.value) return [{ dtype: a?.dtype }];
      const shape = broadcast([a.shape, b.value as Dim[]]);
      const count = size(shape);
      let value: (number | undefined)[] | undefined;
      if (a.value && shape && shape.length <= 1 && count !== undefined) value = elementwise([a.value], count, (x) => x);
      return [{ shape, dtype: a.dtype, value }];
    }
    case 'Reshape': {
      // Target elements not known (e.g. a count that follows the number of points) give
      // unknown dims; the others still fix theirs.
      if (!a || !b?.value || b.shape?.length !== 1 || b.shape[0] !== b.value.length) return [{ dtype: a?.dtype }];
      const allowZero = attrInt(n, 'allowzero', 0) === 1;
      const shape: Dim[] = b.value.map((d, i) => (d === undefined ? undefined : d === 0 && !allowZero ? a.shape?.[i] : d === -1 ? undefined : d));
      const minus = b.value.indexOf(-1);
      const total = size(a.shape);
      if (minus >= 0) {
        const rest = size(shape.filter((_, i) => i !== minus));
        shape[minus] = total !== undefined && rest ? total / rest : undefined;
      }
      return [{ shape, dtype: a.dtype, value: a.value }];
    }
    case 'Slice': {
      if (!a?.shape || !known(b?.value) || !known(c?.value)) return [{ dtype: a?.dtype }];
      const r = a.shape.length;
      const axes = ins[3] ? (known(ins[3].value) ? ins[3].value : undefined) : b.value.map((_, i) => i);
      const steps = ins[4] ? (known(ins[4].value) ? ins[4].value : undefined) : b.value.map(() => 1);
      if (!axes || !steps) return [{ dtype: a.dtype }];
      const shape = [...a.shape];
      let picked: number[] | undefined;
      for (let k = 0; k < axes.length; k++) {
        const ax = axisOf(axes[k], r);
        const dim = a.shape[ax];
        if (dim === undefined) { shape[ax] = undefined; continue; }
        const step = steps[k];
        if (step === 0) return [{ dtype: a.dtype }];
        const clampIdx = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x < 0 ? x + dim : x));
        const start = step > 0 ? clampIdx(b.value[k], 0, dim) : clampIdx(b.value[k], -1, dim - 1);
        const end = step > 0 ? clampIdx(c.value[k], 0, dim) : clampIdx(c.value[k], -1, dim - 1);
        const idx: number[] = [];
        for (let i = start; step > 0 ? i < end : i > end; i += step) idx.push(i);
        shape[ax] = idx.length;
        if (r === 1) picked = idx;
      }
      const value = a.value && picked ? picked.map((i) => a.value![i]) : undefined;
      return [{ shape, dtype: a.dtype, value }];
    }
    case 'Split': {
      const outs = (n.output ?? []).length;
      if (!a?.shape) return Array.from({ length: outs }, () => ({ dtype: a?.dtype }));
      const ax = axisOf(attrInt(n, 'axis', 0), a.shape.length);
      const dim = a.shape[ax];
      const sizes = attrInts(n, 'split') ?? (b ? (known(b.value) ? b.value : undefined) : dim !== undefined && dim % outs === 0 ? new Array(outs).fill(dim / outs) : undefined);
      let offset = 0;
      return Array.from({ length: outs }, (_, k) => {
        const s = sizes?.[k];
        const shape = a.shape!.map((d, i) => (i === ax ? s : d));
        const value = a.value && a.shape!.length === 1 && s !== undefined ? a.value.slice(offset, offset + s) : undefined;
        offset += s ?? 0;
        return { shape, dtype: a.dtype, value };
      });
    }
    case 'Transpose': {
      if (!a?.shape) return [{ dtype: a?.dtype }];
      const perm = attrInts(n, 'perm') ?? a.shape.map((_, i) => a.shape!.length - 1 - i);
      return [{ shape: perm.map((p) => a.shape![p]), dtype: a.dtype }];
    }
    case 'MatMul': {
      if (!a?.shape || !b?.shape || a.shape.length < 2 || b.shape.length < 2) return [{ dtype: a?.dtype }];
      const batch = broadcast([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
      return [{ shape: batch ? [...batch, a.shape[a.shape.length - 2], b.shape[b.shape.length - 1]] : undefined, dtype: a.dtype }];
    }
    case 'Gemm': {
      if (a?.shape?.length !== 2 || b?.shape?.length !== 2) return [{ dtype: a?.dtype }];
      const m = attrInt(n, 'transA', 0) ? a.shape[1] : a.shape[0];
      const nn = attrInt(n, 'transB', 0) ? b.shape[0] : b.shape[1];
      return [{ shape: [m, nn], dtype: a.dtype }];
    }
    case 'ReduceMean': case 'ReduceMax': case 'ReduceMin': case 'ReduceSum': {
      if (!a?.shape) return [{ dtype: a?.dtype }];
      const axes = attrInts(n, 'axes') ?? (b ? (known(b.value) ? b.value : undefined) : []);
      if (!axes) return [{ dtype: a.dtype }];
      const all = axes.length === 0 && attrInt(n, 'noop_with_empty_axes', 0) === 0;
      const at = new Set(all ? a.shape.map((_, i) => i) : axes.map((x) => axisOf(x, a.shape!.length)));
      const keep = attrInt(n, 'keepdims', 1) === 1;
      const shape = keep ? a.shape.map((d, i) => (at.has(i) ? 1 : d)) : a.shape.filter((_, i) => !at.has(i));
      return [{ shape, dtype: a.dtype }];
    }
  }
  if (UNARY.has(op)) {
    const dtype = COMPARE.has(op) ? BOOL : a?.dtype;
    const value = op === 'Identity' ? a?.value : op === 'Not' && a?.value ? a.value.map((x) => (x === undefined ? undefined : +!x)) : undefined;
    return [{ shape: a?.shape, dtype, value }, ...(n.output ?? []).slice(1).map(() => ({}))];
  }
  if (BINARY.has(op)) {
    const shape = broadcast(ins.map((i) => i?.shape));
    const dtype = COMPARE.has(op) ? BOOL : op === 'Where' ? b?.dtype : a?.dtype;
    const count = size(shape);
    const f = ARITH[op] as ((...xs: number[]) => number | undefined) | undefined;
    const intOperands = (op === 'Where' ? [b, c] : [a, b]).every((i) => i?.dtype !== undefined && INTEGER.has(i.dtype));
    const value = f && intOperands && ins.every((i) => i?.value) && shape && shape.length <= 1 && count !== undefined
      ? elementwise(ins.map((i) => i.value!), count, f) : undefined;
    return [{ shape, dtype, value }];
  }
  return (n.output ?? []).map(() => ({}));
}

function intTensor(name: string, info: Info): onnx.ITensorProto {
  const values = info.value as number[];
  const dims = info.shape as number[];
  if (info.dtype === INT64) return { name, dims, dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) };
  if (info.dtype === INT32) return { name, dims, dataType: INT32, rawData: new Uint8Array(Int32Array.from(values).buffer) };
  return { name, dims, dataType: BOOL, rawData: Uint8Array.from(values) };
}

/**
 * The model with every node whose outputs are fully known int64/int32/bool values replaced by
 * initializers, and the nodes left unused removed; `folded` 0: the bytes untouched.
 */
/** Infos of the initializers and the declared graph inputs (symbolic dims unknown). */
function inputInfos(graph: onnx.IGraphProto): Map<string, Info> {
  const infos = new Map<string, Info>();
  for (const t of graph.initializer ?? []) infos.set(t.name ?? '', tensorInfo(t));
  for (const v of graph.input ?? []) {
    if (infos.has(v.name ?? '')) continue;
    const tt = v.type?.tensorType;
    infos.set(v.name ?? '', { dtype: tt?.elemType ?? undefined, shape: tt?.shape?.dim?.map((d) => (d.dimValue !== undefined && d.dimValue !== null && !d.dimParam ? Number(d.dimValue) : undefined)) });
  }
  return infos;
}

/**
 * The shape of every value of `graph` as far as the rules above fix it: a dim is a number only
 * where it is known whatever the symbolic inputs' sizes (e.g. the number of points); undefined
 * (or no shape) otherwise.
 */
export function inferShapes(graph: onnx.IGraphProto): Map<string, Dim[] | undefined> {
  const infos = inputInfos(graph);
  for (const n of graph.node ?? []) {
    const foreign = (!!n.domain && n.domain !== 'ai.onnx') || (n.attribute ?? []).some((x) => x.g || (x.graphs?.length ?? 0) > 0);
    const outs = foreign ? [] : infer(n, (n.input ?? []).map((x) => (x ? infos.get(x) ?? {} : {})));
    (n.output ?? []).forEach((o, i) => { if (o) infos.set(o, outs[i] ?? {}); });
  }
  return new Map([...infos].map(([k, v]) => [k, v.shape]));
}

export function foldKnownShapes(modelBytes: Uint8Array): { bytes: Uint8Array; folded: number } {
  const proto = onnxProto();
  const model = proto.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) return { bytes: modelBytes, folded: 0 };
  const infos = inputInfos(graph);
  const nodes = graph.node ?? [];
  const kept: onnx.INodeProto[] = [];
  const newInits: onnx.ITensorProto[] = [];
  let folded = 0;
  for (const n of nodes) {
    const hasSub = (n.attribute ?? []).some((x) => x.g || (x.graphs?.length ?? 0) > 0);
    const foreign = !!n.domain && n.domain !== 'ai.onnx';
    const outs = hasSub || foreign ? (n.output ?? []).map(() => ({} as Info)) : infer(n, (n.input ?? []).map((x) => (x ? infos.get(x) ?? {} : {})));
    (n.output ?? []).forEach((o, i) => { if (o) infos.set(o, outs[i] ?? {}); });
    const foldable = n.opType !== 'Constant' && (n.output ?? []).length > 0 && (n.output ?? []).every((o, i) => {
      const info = outs[i];
      return !!o && info?.dtype !== undefined && INTEGER.has(info.dtype) && known(info.value) && !!info.shape && info.shape.every((d) => d !== undefined) && size(info.shape) === info.value.length;
    });
    if (!foldable) { kept.push(n); continue; }
    (n.output ?? []).forEach((o, i) => newInits.push(intTensor(o!, outs[i])));
    folded++;
  }
  if (folded === 0) return { bytes: modelBytes, folded: 0 };
  // Keep what the graph outputs still need.
  const producer = new Map<string, number>();
  kept.forEach((n, i) => { for (const o of n.output ?? []) if (o) producer.set(o, i); });
  const needed = new Set<number>();
  const stack = (graph.output ?? []).map((o) => o.name ?? '');
  while (stack.length) {
    const p = producer.get(stack.pop()!);
    if (p === undefined || needed.has(p)) continue;
    needed.add(p);
    stack.push(...(kept[p].input ?? []).filter(Boolean));
  }
  graph.node = kept.filter((_, i) => needed.has(i));
  const used = new Set([...graph.node.flatMap((n) => n.input ?? []), ...(graph.input ?? []).map((v) => v.name ?? ''), ...(graph.output ?? []).map((v) => v.name ?? '')]);
  graph.initializer = [...(graph.initializer ?? []), ...newInits].filter((t) => used.has(t.name ?? ''));
  return { bytes: proto.ModelProto.encode(model).finish(), folded };
}
