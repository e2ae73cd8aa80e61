/**
 * Attention between a few tokens and many (SAM's two-way transformer: N ≈ 5–15 prompt and
 * output tokens, M = 4096 image tokens) with its big projections reassociated, so that no
 * product of M rows by the projection width H·d is left. Each rewrite is an identity in real
 * arithmetic (not in float32: sums run in another order), per head h, with X the M image
 * tokens (rows), W_h and b_h the head's columns of a projection:
 *
 * token → image (queries Q: the few tokens; keys and values: projections of the image tokens)
 *   scores  Q_h (X W_h + b_h)ᵀ = (Q_h W_hᵀ) Xᵀ + Q_h b_hᵀ          M·C·H·d → M·C·H·N
 *   output  P_h (X W_h + b_h)  = (P_h X) W_h + b_h                 M·C·H·d → M·C·H·N
 *           (each row of P = softmax(...) sums to 1, so the bias passes through)
 * image → token (queries: a projection of the image tokens; keys and values: the few tokens)
 *   scores  (X W_h + b_h) K_hᵀ = X (W_h K_hᵀ) + b_h K_hᵀ           M·C·H·d → M·C·H·N
 *   output projection  Σ_h (P_h V_h) Wo_h = [P_1 … P_H] [V_1 Wo_1; …; V_H Wo_H]
 *                                                                M·H·d·C → M·H·N·C
 * So each rewrite pays off while N < d (SAM: d = 16, N = 5 + the number of points); the caller
 * chooses by the number of points (decoderRunner.ts). The scores keep the original's scaling
 * (Div) and Softmax nodes; the image → token scores are laid out [B, M, H, N], where both are
 * the same operation, so no big tensor is transposed.
 *
 * Recognised (the ONNX pattern of SAM's `Attention` as torch.onnx exports it), everything else
 * is left as it is, with a reason:
 *   proj(X)   = Add(bias [H·d], MatMul(X, W [C, H·d]))                     (either Add order)
 *   heads(Y)  = Transpose(Reshape(Y, Concat(b, n, H, d)), perm)           (H a constant)
 *   scores    = MatMul(Q, K) → Div(·, scalar constant) → Softmax(last axis) → MatMul(·, V)
 *   token → image: K = heads(proj(Xk)) perm [0,2,3,1], V = heads(proj(Xv)) perm [0,2,1,3]
 *   image → token: → Transpose [0,2,1,3] → Reshape → MatMul(·, Wo [H·d, C]); Q may be
 *                  heads(proj(Xq)) perm [0,2,1,3] (a per-click projection) or anything
 *                  (e.g. an input the per-image part computed: then only the output side).
 * Which side is "many" comes from shape inference (foldShapes.ts): the image side's token count
 * is a known number, the prompt side's is not (it follows the number of points).
 * The rewritten graph is checked against the original on probes by the caller.
 */
import type { onnx } from 'onnx-proto';
import { inferShapes, type Dim } from './foldShapes';
import { onnxProto } from './pruneOutputs';

const FLOAT = 1;
const INT64 = 7;

export interface Reassociated {
  bytes: Uint8Array;
  /** One line per attention rewritten ("…: scores, values", "…: output projection"). */
  rewritten: string[];
  /** Attentions over the image tokens that were left as they are, with why. */
  refused: string[];
  /** The smallest head width d among the rewritten attentions: they pay off while N < d. */
  headDim: number;
}

const attr = (n: onnx.INodeProto, name: string) => (n.attribute ?? []).find((a) => a.name === name);
const ints = (n: onnx.INodeProto, name: string) => attr(n, name)?.ints?.map(Number);
const samePerm = (a: number[] | undefined, b: number[]) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

function floatValues(t: onnx.ITensorProto | undefined): Float32Array | undefined {
  if (!t || t.dataType !== FLOAT || t.externalData?.length) return undefined;
  if (t.rawData && t.rawData.length) { const c = new Uint8Array(t.rawData.length); c.set(t.rawData); return new Float32Array(c.buffer); }
  return t.floatData ? Float32Array.from(t.floatData) : undefined;
}
function intValues(t: onnx.ITensorProto | undefined): number[] | undefined {
  if (!t || t.externalData?.length) return undefined;
  if (t.dataType === INT64) {
    if (t.rawData && t.rawData.length) { const c = new Uint8Array(t.rawData.length); c.set(t.rawData); return Array.from(new BigInt64Array(c.buffer), Number); }
    return (t.int64Data ?? []).map(Number);
  }
  return undefined;
}
const floatTensor = (name: string, dims: number[], v: Float32Array): onnx.ITensorProto =>
  ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) });
const int64Tensor = (name: string, v: number[]): onnx.ITensorProto =>
  ({ name, dims: [v.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer) });

interface Projection { x: string; w: Float32Array; b: Float32Array; c: number; width: number }
interface Heads { proj: Projection; heads: number; d: number }

export function reassociateAttention(modelBytes: Uint8Array): Reassociated {
  const proto = onnxProto();
  const model = proto.ModelProto.decode(modelBytes);
  const graph = model.graph;
  const none = (why: string): Reassociated => ({ bytes: modelBytes, rewritten: [], refused: [why], headDim: 0 });
  let headDim = Infinity;
  if (!graph) return none('the ONNX file has no graph');
  const opset = Number((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  if (opset < 13) return none(`opset ${opset} (Unsqueeze/Softmax rules of opset 13+ needed)`);
  const nodes = graph.node ?? [];
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const constants = new Map<string, onnx.ITensorProto>();
  for (const n of nodes) if (n.opType === 'Constant' && attr(n, 'value')?.t) constants.set(n.output![0], attr(n, 'value')!.t!);
  const constant = (name: string) => inits.get(name) ?? constants.get(name);
  const producer = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const n of nodes) {
    for (const o of n.output ?? []) if (o) producer.set(o, n);
    for (const x of n.input ?? []) if (x) consumers.set(x, [...(consumers.get(x) ?? []), n]);
  }
  const shapes = inferShapes(graph);
  const graphInputs = new Set((graph.input ?? []).map((x) => x.name ?? ''));
  const dim = (name: string, axis: number): Dim => { const s = shapes.get(name); return s ? s[axis < 0 ? s.length + axis : axis] : undefined; };
  const op = (name: string, type: string) => { const p = producer.get(name); return p && p.opType === type && (!p.domain || p.domain === 'ai.onnx') ? p : undefined; };

  /** Add(bias, MatMul(X, W)) with W [C, width] and bias [width] float initializers. */
  function projection(name: string): Projection | undefined {
    const add = op(name, 'Add');
    if (!add) return undefined;
    const [a, b] = add.input ?? [];
    const mmName = op(a, 'MatMul') && inits.has(b) ? a : op(b, 'MatMul') && inits.has(a) ? b : undefined;
    if (!mmName) return undefined;
    const mm = op(mmName, 'MatMul')!;
    const [x, wName] = mm.input ?? [];
    const wt = inits.get(wName), bt = inits.get(mmName === a ? b : a);
    const wDims = (wt?.dims ?? []).map(Number), bDims = (bt?.dims ?? []).map(Number);
    const w = floatValues(wt), bias = floatValues(bt);
    if (!w || !bias || wDims.length !== 2 || bDims.length !== 1 || bDims[0] !== wDims[1] || inits.has(x)) return undefined;
    return { x, w, b: bias, c: wDims[0], width: wDims[1] };
  }
  /** Transpose(Reshape(proj(X), [b, n, H, d]), perm) with H a constant. */
  function heads(name: string, perm: number[]): Heads | undefined {
    const tr = op(name, 'Transpose');
    if (!tr || !samePerm(ints(tr, 'perm'), perm)) return undefined;
    const rs = op(tr.input![0], 'Reshape');
    if (!rs || Number(attr(rs, 'allowzero')?.i ?? 0) !== 0) return undefined;
    const proj = projection(rs.input![0]);
    if (!proj) return undefined;
    const target = rs.input![1];
    let h: number | undefined;
    const whole = intValues(constant(target));
    if (whole?.length === 4) h = whole[2];
    else {
      const cat = op(target, 'Concat');
      const part = cat && cat.input?.length === 4 ? intValues(constant(cat.input[2])) : undefined;
      if (part?.length === 1) h = part[0];
    }
    if (!h || h <= 0 || proj.width % h !== 0) return undefined;
    return { proj, heads: h, d: proj.width / h };
  }
  const onlyReadBy = (name: string, n: onnx.INodeProto) => (consumers.get(name) ?? []).every((c) => c === n || c.opType === 'Shape');
  const scalarConstant = (name: string) => { const t = constant(name); return !!t && (t.dims ?? []).reduce((a, b) => a * Number(b), 1) === 1; };

  // The new nodes go in right before the node whose input they replace.
  const before = new Map<onnx.INodeProto, onnx.INodeProto[]>();
  const newInits: onnx.ITensorProto[] = [];
  let uid = 0;
  const emit = (at: onnx.INodeProto, opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []) => {
    before.set(at, [...(before.get(at) ?? []), { opType, input, output: [output], name: `${output}/node${uid++}`, attribute }]);
    return output;
  };
  const floats = (name: string, dims: number[], v: Float32Array) => { newInits.push(floatTensor(name, dims, v)); return name; };
  const int64s = (name: string, v: number[]) => { newInits.push(int64Tensor(name, v)); return name; };
  const perm = (p: number[]): onnx.IAttributeProto => ({ name: 'perm', type: 7 /* INTS */, ints: p });
  /** W [C, H·d] as [H, d, C] (transposed: `dc`) or [H, C, d]. */
  const perHead = (p: Projection, h: number, layout: 'dc' | 'cd') => {
    const d = p.width / h;
    const out = new Float32Array(p.c * p.width);
    for (let hh = 0; hh < h; hh++) for (let j = 0; j < d; j++) for (let c = 0; c < p.c; c++) {
      const v = p.w[c * p.width + hh * d + j];
      out[layout === 'dc' ? (hh * d + j) * p.c + c : (hh * p.c + c) * d + j] = v;
    }
    return out;
  };
  const rewritten: string[] = [];
  const refused: string[] = [];
  const rewire = new Map<onnx.INodeProto, Map<string, string>>();
  const redirect = (n: onnx.INodeProto, from: string, to: string) => rewire.set(n, new Map([...(rewire.get(n) ?? []), [from, to]]));

  for (const scoresMm of nodes) {
    if (scoresMm.opType !== 'MatMul' || (scoresMm.domain && scoresMm.domain !== 'ai.onnx')) continue;
    const [q, k] = scoresMm.input ?? [];
    const s = scoresMm.output![0];
    const div = (consumers.get(s) ?? []).length === 1 ? consumers.get(s)![0] : undefined;
    if (!div || div.opType !== 'Div' || div.input![0] !== s || !scalarConstant(div.input![1])) continue;
    const softmax = (consumers.get(div.output![0]) ?? []).length === 1 ? consumers.get(div.output![0])![0] : undefined;
    const axis = softmax ? Number(attr(softmax, 'axis')?.i ?? -1) : 0;
    if (!softmax || softmax.opType !== 'Softmax' || !(axis === -1 || axis === 3)) continue;
    const p = softmax.output![0];
    const valuesMm = (consumers.get(p) ?? []).length === 1 ? consumers.get(p)![0] : undefined;
    if (!valuesMm || valuesMm.opType !== 'MatMul' || valuesMm.input![0] !== p) continue;
    const v = valuesMm.input![1];
    const o = valuesMm.output![0];
    const label = s.replace(/\/MatMul_output_0$/, '');
    // [B, H, queries, keys]: which side is the image's (a known, large count)?
    const queries = dim(s, 2), keys = dim(s, 3);
    const many = (x: Dim) => x !== undefined && x >= 64;
    if (many(keys) && !many(queries)) {
      // token → image
      const kh = heads(k, [0, 2, 3, 1]), vh = heads(v, [0, 2, 1, 3]);
      // Keys and values that are graph inputs come from the per-image part already: nothing to do.
      if (graphInputs.has(k) && graphInputs.has(v)) continue;
      if (!kh || !vh || kh.heads !== vh.heads || kh.d !== vh.d || kh.proj.c !== vh.proj.c) { refused.push(`${label}: keys/values are not per-head projections of the image tokens`); continue; }
      const { heads: h, d } = kh;
      headDim = Math.min(headDim, d);
      const c = kh.proj.c;
      const base = `${label}/reassociated`;
      const wk = floats(`${base}/wk`, [h, d, c], perHead(kh.proj, h, 'dc'));
      const bk = floats(`${base}/bk`, [h, d, 1], kh.proj.b);
      const qw = emit(scoresMm, 'MatMul', [q, wk], `${base}/q_wk`); // [B, H, N, C]
      const qb = emit(scoresMm, 'MatMul', [q, bk], `${base}/q_bk`); // [B, H, N, 1]
      const xk = emit(scoresMm, 'Unsqueeze', [kh.proj.x, int64s(`${base}/axis1`, [1])], `${base}/xk`); // [B, 1, M, C]
      const xkT = emit(scoresMm, 'Transpose', [xk], `${base}/xk_t`, [perm([0, 1, 3, 2])]);
      const raw = emit(scoresMm, 'MatMul', [qw, xkT], `${base}/scores_raw`);
      const scores = emit(scoresMm, 'Add', [raw, qb], `${base}/scores`);
      redirect(div, s, scores);
      const wv = floats(`${base}/wv`, [h, c, d], perHead(vh.proj, h, 'cd'));
      const bv = floats(`${base}/bv`, [h, 1, d], vh.proj.b);
      const xv = emit(valuesMm, 'Unsqueeze', [vh.proj.x, `${base}/axis1`], `${base}/xv`);
      const px = emit(valuesMm, 'MatMul', [p, xv], `${base}/p_x`); // [B, H, N, C]
      const pw = emit(valuesMm, 'MatMul', [px, wv], `${base}/p_x_wv`);
      const out = emit(valuesMm, 'Add', [pw, bv], `${base}/out`);
      for (const u of consumers.get(o) ?? []) redirect(u, o, out);
      rewritten.push(`${label}: token → image, scores and values`);
    } else if (many(queries) && !many(keys)) {
      // image → token: the output projection (and the queries' projection when per click).
      const tr = (consumers.get(o) ?? []).length >= 1 ? (consumers.get(o) ?? []).find((u) => u.opType === 'Transpose') : undefined;
      const rs = tr && onlyReadBy(o, tr) && samePerm(ints(tr, 'perm'), [0, 2, 1, 3]) && (consumers.get(tr.output![0]) ?? []).length === 1 ? consumers.get(tr.output![0])![0] : undefined;
      const projMm = rs && rs.opType === 'Reshape' ? (consumers.get(rs.output![0]) ?? []).find((u) => u.opType === 'MatMul') : undefined;
      const outMm = projMm && onlyReadBy(rs!.output![0], projMm) ? projMm : undefined;
      const woT = outMm && outMm.input![0] === rs!.output![0] ? inits.get(outMm.input![1]) : undefined;
      const wo = floatValues(woT);
      const woDims = (woT?.dims ?? []).map(Number);
      const qh = heads(q, [0, 2, 1, 3]);
      // Heads count: from the queries' split when it is here, else from the keys' (K [B, H, d, N]).
      const h = qh?.heads ?? dim(k, 1);
      if (!outMm || !wo || woDims.length !== 2 || h === undefined || woDims[0] % h !== 0) { refused.push(`${label}: image → token output is not heads → Transpose → Reshape → MatMul by a weight`); continue; }
      const d = woDims[0] / h, c = woDims[1];
      headDim = Math.min(headDim, d);
      const base = `${label}/reassociated`;
      let pFlat: string; // [B, M, H·N]
      if (qh && qh.d === d && qh.heads === h) {
        const wq = floats(`${base}/wq`, [h, qh.proj.c, d], perHead(qh.proj, h, 'cd'));
        const bq = floats(`${base}/bq`, [h, 1, d], qh.proj.b);
        const g = emit(scoresMm, 'MatMul', [wq, k], `${base}/wq_k`); // [B, H, C, N]
        const gb = emit(scoresMm, 'MatMul', [bq, k], `${base}/bq_k`); // [B, H, 1, N]
        const flat = int64s(`${base}/flat`, [0, 0, -1]);
        const g2 = emit(scoresMm, 'Reshape', [emit(scoresMm, 'Transpose', [g], `${base}/wq_k_t`, [perm([0, 2, 1, 3])]), flat], `${base}/wq_k_flat`);
        const gb2 = emit(scoresMm, 'Reshape', [emit(scoresMm, 'Transpose', [gb], `${base}/bq_k_t`, [perm([0, 2, 1, 3])]), flat], `${base}/bq_k_flat`);
        const raw = emit(scoresMm, 'Add', [emit(scoresMm, 'MatMul', [qh.proj.x, g2], `${base}/scores_raw`), gb2], `${base}/scores_flat`); // [B, M, H·N]
        const scores = emit(scoresMm, 'Reshape', [raw, int64s(`${base}/split`, [0, 0, h, -1])], `${base}/scores`); // [B, M, H, N]
        const scaled = emit(scoresMm, 'Div', [scores, div.input![1]], `${base}/scaled`);
        const probs = emit(scoresMm, 'Softmax', [scaled], `${base}/probs`, [{ name: 'axis', type: 2 /* INT */, i: -1 }]);
        pFlat = emit(outMm, 'Reshape', [probs, flat], `${base}/probs_flat`);
        rewritten.push(`${label}: image → token, queries and output projection`);
      } else {
        pFlat = emit(outMm, 'Reshape', [emit(outMm, 'Transpose', [p], `${base}/probs_t`, [perm([0, 2, 1, 3])]), int64s(`${base}/flat`, [0, 0, -1])], `${base}/probs_flat`);
        rewritten.push(`${label}: image → token, output projection`);
      }
      const woH = floats(`${base}/wo`, [h, d, c], wo); // [H·d, C] is already [H, d, C] row-major
      const u = emit(outMm, 'Reshape', [emit(outMm, 'MatMul', [v, woH], `${base}/v_wo`), int64s(`${base}/stack`, [0, -1, c])], `${base}/v_wo_flat`); // [B, H·N, C]
      const out = emit(outMm, 'MatMul', [pFlat, u], `${base}/out`);
      for (const user of consumers.get(outMm.output![0]) ?? []) redirect(user, outMm.output![0], out);
    }
  }
  if (rewritten.length === 0) return { bytes: modelBytes, rewritten, refused, headDim: 0 };

  const result: onnx.INodeProto[] = [];
  for (const n of nodes) {
    result.push(...(before.get(n) ?? []));
    const map = rewire.get(n);
    result.push(map ? { ...n, input: (n.input ?? []).map((x) => map.get(x) ?? x) } : n);
  }
  // Nodes nothing reads any more (the big projections) go.
  const outputs = new Set((graph.output ?? []).map((x) => x.name ?? ''));
  const live = new Set<onnx.INodeProto>();
  const prod = new Map<string, onnx.INodeProto>();
  for (const n of result) for (const x of n.output ?? []) if (x) prod.set(x, n);
  const stack = [...outputs];
  while (stack.length) {
    const n = prod.get(stack.pop()!);
    if (!n || live.has(n)) continue;
    live.add(n);
    stack.push(...(n.input ?? []).filter(Boolean));
  }
  graph.node = result.filter((n) => live.has(n));
  const used = new Set([...graph.node.flatMap((n) => n.input ?? []), ...(graph.input ?? []).map((x) => x.name ?? '')]);
  graph.initializer = [...(graph.initializer ?? []), ...newInits].filter((t) => used.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((x) => prod.has(x.name ?? '') && live.has(prod.get(x.name ?? '')!));
  return { bytes: proto.ModelProto.encode(model).finish(), rewritten, refused, headDim };
}
