/**
 * A graph split at its inputs: the nodes that depend only on the "static" inputs (for the SAM
 * decoder: the image embedding and the mask state) go into a prefix model, run once per image
 * and mask state; the rest goes into a suffix model, run per click, which takes the prefix's
 * results as inputs. Every node keeps its inputs, attributes and order, so each value is
 * computed by the same kernel from the same operands as in the whole graph.
 *
 * Classification, in the graph's (topological) order: a value is `const` when it comes from
 * initializers and constant nodes only, `static` when it also reads a static graph input,
 * `dynamic` when it reads any other graph input. Constant chains are copied into whichever
 * part reads them (onnxruntime folds them), so shape arithmetic does not cross the cut.
 * The cut is the set of static values that dynamic nodes read.
 */
import type { onnx } from 'onnx-proto';
import { onnxProto } from './pruneOutputs';

export interface GraphSplit {
  /** Inputs: the static graph inputs the prefix reads; outputs: `boundary`. */
  prefix: Uint8Array;
  /** The static values the suffix reads, in the graph's order: the prefix's outputs. */
  boundary: string[];
  /** Static graph inputs the prefix reads. */
  prefixInputs: string[];
  /** Nodes in the prefix (constant chains copied into it included). */
  prefixNodes: number;
  /**
   * The suffix for the boundary values' types and shapes (from one prefix run): inputs are the
   * dynamic graph inputs it reads + `boundary`, outputs are the graph's outputs.
   */
  suffix(boundaryInfo: ReadonlyMap<string, BoundaryInfo>): Uint8Array;
}

export interface BoundaryInfo {
  /** onnx TensorProto.DataType. */
  elemType: number;
  dims: readonly number[];
}

/** Ops whose results change from run to run: never moved out of the per-click part. */
const NONDETERMINISTIC = new Set(['RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout']);

type Kind = 0 | 1 | 2; // const, static, dynamic
const CONST: Kind = 0, STATIC: Kind = 1, DYNAMIC: Kind = 2;

/**
 * Splits `modelBytes` so that what depends only on `staticInputs` runs in a prefix. Returns
 * a reason string instead when the graph does not split cleanly: nothing static to move, a
 * graph output that reads only static inputs, a node with a subgraph (If/Loop/Scan).
 */
export function splitAtInputs(modelBytes: Uint8Array, staticInputs: readonly string[]): GraphSplit | string {
  const proto = onnxProto();
  const model = proto.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) return 'the ONNX file has no graph';
  const nodes = graph.node ?? [];
  if (nodes.some(hasSubgraph)) return 'the graph has If/Loop/Scan subgraphs';
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const graphInputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const staticSet = new Set(staticInputs);
  const kind = new Map<string, Kind>();
  for (const name of initializers) kind.set(name, CONST);
  for (const v of graphInputs) kind.set(v.name ?? '', staticSet.has(v.name ?? '') ? STATIC : DYNAMIC);
  const kindOf = (name: string): Kind => (name === '' ? CONST : kind.get(name) ?? DYNAMIC);

  const nodeKind: Kind[] = [];
  for (const n of nodes) {
    let k: Kind = CONST;
    for (const x of n.input ?? []) k = Math.max(k, kindOf(x)) as Kind;
    if (NONDETERMINISTIC.has(n.opType ?? '') || (n.domain && n.domain !== 'ai.onnx')) k = DYNAMIC;
    nodeKind.push(k);
    for (const o of n.output ?? []) if (o) kind.set(o, k);
  }
  for (const o of graph.output ?? []) {
    // A constant output is computed in the suffix; one that reads only static inputs would
    // have to pass through it, which an ONNX graph cannot do under the same name.
    if (kindOf(o.name ?? '') === STATIC) return `the graph output ${o.name} does not depend on the per-click inputs`;
  }

  // The cut: static values read by dynamic nodes.
  const boundary: string[] = [];
  const seen = new Set<string>();
  nodes.forEach((n, i) => {
    if (nodeKind[i] !== DYNAMIC) return;
    for (const x of n.input ?? []) if (x && kindOf(x) === STATIC && !seen.has(x)) { seen.add(x); boundary.push(x); }
  });
  const boundarySet = new Set(boundary);
  const inputsRead = boundary.filter((b) => staticSet.has(b));
  const producedBoundary = boundary.filter((b) => !staticSet.has(b));
  if (producedBoundary.length === 0) return 'no node depends only on the static inputs';

  const producer = new Map<string, number>();
  nodes.forEach((n, i) => { for (const o of n.output ?? []) if (o) producer.set(o, i); });
  /** Node indices needed to compute `targets`, stopping at values in `stopAt`. */
  const closure = (targets: Iterable<string>, stopAt: (name: string) => boolean): Set<number> => {
    const out = new Set<number>();
    const stack = [...targets];
    while (stack.length) {
      const name = stack.pop()!;
      if (stopAt(name)) continue;
      const p = producer.get(name);
      if (p === undefined || out.has(p)) continue;
      out.add(p);
      for (const x of nodes[p].input ?? []) if (x) stack.push(x);
    }
    return out;
  };
  const prefixSet = closure(producedBoundary, () => false);
  const prefixInputs = graphInputs.map((v) => v.name ?? '').filter((name) =>
    staticSet.has(name) && [...prefixSet].some((i) => (nodes[i].input ?? []).includes(name)));
  // Prefix outputs: the produced boundary values, and static inputs the suffix reads directly
  // are fed to the suffix by the caller (they are graph inputs there too).
  const prefixGraph: onnx.IGraphProto = {
    name: `${graph.name ?? 'graph'}_prefix`,
    node: nodes.filter((_, i) => prefixSet.has(i)),
    initializer: usedInitializers(graph, nodes, prefixSet),
    input: graphInputs.filter((v) => prefixInputs.includes(v.name ?? '')),
    // Types are filled in by onnxruntime's inference; shapes are read from the first run.
    output: producedBoundary.map((name) => ({ name })),
  };
  const prefix = proto.ModelProto.encode({ ...model, graph: prefixGraph }).finish();

  const suffix = (info: ReadonlyMap<string, BoundaryInfo>): Uint8Array => {
    const suffixSet = new Set<number>();
    nodes.forEach((_, i) => { if (nodeKind[i] === DYNAMIC) suffixSet.add(i); });
    // Constant chains the per-click nodes read.
    const consts = closure(
      [...[...suffixSet].flatMap((i) => nodes[i].input ?? []), ...(graph.output ?? []).map((o) => o.name ?? '')].filter((x) => x && kindOf(x) === CONST),
      (name) => kindOf(name) !== CONST,
    );
    for (const i of consts) suffixSet.add(i);
    const suffixGraph: onnx.IGraphProto = {
      name: `${graph.name ?? 'graph'}_suffix`,
      node: nodes.filter((_, i) => suffixSet.has(i)),
      initializer: usedInitializers(graph, nodes, suffixSet),
      input: [
        ...graphInputs.filter((v) => !staticSet.has(v.name ?? '') || inputsRead.includes(v.name ?? '')),
        ...producedBoundary.map((name) => {
          const b = info.get(name);
          if (!b) throw new Error(`no type for the boundary value ${name}`);
          return { name, type: { tensorType: { elemType: b.elemType, shape: { dim: b.dims.map((d) => ({ dimValue: d })) } } } };
        }),
      ],
      output: graph.output,
      valueInfo: (graph.valueInfo ?? []).filter((v) => !boundarySet.has(v.name ?? '') && [...suffixSet].some((i) => nodes[i].output?.includes(v.name ?? ''))),
    };
    return proto.ModelProto.encode({ ...model, graph: suffixGraph }).finish();
  };
  return { prefix, boundary: producedBoundary, prefixInputs, prefixNodes: prefixSet.size, suffix };
}

function hasSubgraph(n: onnx.INodeProto): boolean {
  return (n.attribute ?? []).some((a) => a.g || (a.graphs?.length ?? 0) > 0);
}

function usedInitializers(graph: onnx.IGraphProto, nodes: onnx.INodeProto[], kept: Set<number>): onnx.ITensorProto[] {
  const used = new Set<string>();
  for (const i of kept) for (const x of nodes[i].input ?? []) used.add(x);
  return (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
}
