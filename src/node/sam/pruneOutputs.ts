/**
 * A decoder cut down to the outputs Labelscope fetches. onnxruntime runs every node of a graph
 * on each `run`, whatever outputs are asked for: the official SAM decoder export upscales all
 * four candidates to 1024² and then to the original size (`masks`) even when only
 * `iou_predictions` and `low_res_masks` are fetched. Dropping the other outputs, and the nodes
 * only they need, before the session is created removes that work (measured in bench/sam.ts).
 * The graph inputs stay as they are, so the feeds do not change.
 */
import { readFile } from 'node:fs/promises';
import type { onnx } from 'onnx-proto';
import { detectDecoder, type ModelIo } from '../../core/sam';

let protoModule: typeof onnx | undefined;
/** onnx-proto (bundled) is set up on first use, so the extension's activation never pays for it. */
export function onnxProto(): typeof onnx {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use
  protoModule ??= (require('onnx-proto') as typeof import('onnx-proto')).onnx;
  return protoModule;
}

export interface PrunedModel {
  /** The serialized model, for InferenceSession.create. */
  bytes: Uint8Array;
  /** Nodes removed (0: nothing to prune; use the file as it is). */
  removedNodes: number;
}

/** Keeps the graph outputs named in `keep` and every node they depend on; the rest goes. */
export function pruneToOutputs(modelBytes: Uint8Array, keep: readonly string[]): PrunedModel {
  const model = onnxProto().ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX file has no graph');
  const outputs = graph.output ?? [];
  const missing = keep.filter((k) => !outputs.some((o) => o.name === k));
  if (missing.length) throw new Error(`the model has no output ${missing.join(', ')}`);
  const nodes = graph.node ?? [];
  if (outputs.length === keep.length) return { bytes: modelBytes, removedNodes: 0 };
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => { for (const o of n.output ?? []) if (o) producer.set(o, i); });
  const needed = new Set<number>();
  const stack = keep.map((k) => producer.get(k)).filter((i): i is number => i !== undefined);
  while (stack.length) {
    const i = stack.pop()!;
    if (needed.has(i)) continue;
    needed.add(i);
    // Subgraph attributes (If/Loop bodies) may read outer values: keep their producers too.
    const reads = [...(nodes[i].input ?? []), ...subgraphReads(nodes[i])];
    for (const name of reads) { const p = producer.get(name); if (p !== undefined && !needed.has(p)) stack.push(p); }
  }
  // Graph outputs produced by nothing (an input passed through, an initializer) are rare; an
  // output kept must either be produced by a kept node or be such a value.
  const keptNodes = nodes.filter((_, i) => needed.has(i));
  const used = new Set<string>(keep);
  for (const n of keptNodes) { for (const x of n.input ?? []) used.add(x); for (const x of subgraphReads(n)) used.add(x); }
  graph.node = keptNodes;
  graph.output = outputs.filter((o) => keep.includes(o.name ?? ''));
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => used.has(v.name ?? '') || keptNodes.some((n) => n.output?.includes(v.name ?? '')));
  return { bytes: onnxProto().ModelProto.encode(model).finish(), removedNodes: nodes.length - keptNodes.length };
}

/** Every value name read inside a node's subgraph attributes (one level of If/Loop/Scan bodies and deeper). */
function subgraphReads(node: onnx.INodeProto): string[] {
  const out: string[] = [];
  const visit = (g: onnx.IGraphProto | null | undefined) => {
    if (!g) return;
    for (const n of g.node ?? []) { out.push(...(n.input ?? [])); for (const a of n.attribute ?? []) { visit(a.g); for (const s of a.graphs ?? []) visit(s); } }
  };
  for (const a of node.attribute ?? []) { visit(a.g); for (const s of a.graphs ?? []) visit(s); }
  return out;
}

/** A graph's inputs (initializers left out) and outputs, as the sessions report them. */
export function graphIo(modelBytes: Uint8Array): ModelIo {
  const graph = onnxProto().ModelProto.decode(modelBytes).graph;
  if (!graph) throw new Error('the ONNX file has no graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const info = (v: onnx.IValueInfoProto) => ({
    name: v.name ?? '',
    shape: v.type?.tensorType?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
  });
  return { inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(info), outputs: (graph.output ?? []).map(info) };
}

/**
 * The decoder to open: when the file is a SAM decoder with outputs beyond the two Labelscope
 * fetches (iou_predictions + the low-res logits), the model without them; else the file as it
 * is (its errors, if any, are then reported by the session that opens it).
 */
export async function decoderForLowRes(file: string): Promise<{ source: string | Uint8Array; removedNodes: number }> {
  try {
    const bytes = new Uint8Array(await readFile(file));
    const spec = detectDecoder(graphIo(bytes), file);
    const pruned = pruneToOutputs(bytes, [spec.iouOutput, spec.lowResOutput]);
    return pruned.removedNodes > 0 ? { source: pruned.bytes, removedNodes: pruned.removedNodes } : { source: file, removedNodes: 0 };
  } catch {
    return { source: file, removedNodes: 0 };
  }
}
