/**
 * Tiny ONNX models with exactly the SAM 1 and SAM 2 (samexporter) interfaces, written from
 * Node with onnx-proto, so the whole path runs through onnxruntime-node without weights.
 *
 * Encoders pool the image (AveragePool) and copy the pooled RGB into every output channel
 * (a 1x1 Conv whose weight picks channel c % 3), so the embedding shows what the encoder was fed.
 *
 * Decoders ignore the embedding and draw, on the 256² low-res grid whose cell (i, j) is centred
 * at ((j + 0.5) * 4, (i + 0.5) * 4) in the 1024 frame, the logits
 *   max( R² - |g - p|² over the positive points p,      (a disk of radius R around each)
 *        min(gx - x0, x1 - gx, gy - y0, y1 - gy)          (the box from the labels 2 / 3, if any)
 *        mask_input                                       (if has_mask_input = 1) )
 * and return candidates that make the choice visible: SAM 1 [final, everything, final, -final]
 * with iou [0.9, 0.1, 0.95, 0.2] (single mask -> 0, multimask -> 2, both the drawing);
 * SAM 2 [-final, final, everything] with iou [0.3, 0.8, 0.5] (-> 1).
 */
import { onnx } from 'onnx-proto';

export const TINY_DISK_RADIUS = 100; // in the 1024 frame
const BIG = 1e6;

type Attr = number | number[] | string;

class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private n = 0;

  constant(values: ArrayLike<number>, dims: number[]): string {
    const name = `c${this.n++}`;
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) });
    return name;
  }

  ints(values: number[]): string {
    const name = `i${this.n++}`;
    const raw = new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
    return name;
  }

  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? `t${this.n++}`;
    const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) =>
      typeof v === 'string' ? { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) }
      : Array.isArray(v) ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: v });
    this.nodes.push({ opType, input: inputs, output: [out], attribute, name: `n${this.n++}` });
    return out;
  }

  scalar(v: number): string {
    return this.constant([v], [1]);
  }
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function model(g: GraphBuilder, inputs: onnx.IValueInfoProto[], outputs: onnx.IValueInfoProto[], name: string): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'labelscope-tests',
    graph: { name, node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  }).finish();
}

/** Pool the [1, 3, 1024, 1024] input by `k` and spread RGB over `channels` outputs (channel c = RGB[c % 3]). */
function pooledFeatures(g: GraphBuilder, input: string, k: number, channels: number, output: string): string {
  const pooled = g.op('AveragePool', [input], { kernel_shape: [k, k], strides: [k, k] });
  const w = new Float32Array(channels * 3);
  for (let c = 0; c < channels; c++) w[c * 3 + (c % 3)] = 1;
  return g.op('Conv', [pooled, g.constant(w, [channels, 3, 1, 1])], {}, output);
}

export function tinySam1Encoder(inputName = 'input_image'): Uint8Array {
  const g = new GraphBuilder();
  pooledFeatures(g, inputName, 16, 256, 'image_embeddings');
  return model(g, [valueInfo(inputName, [1, 3, 1024, 1024])], [valueInfo('image_embeddings', [1, 256, 64, 64])], 'tiny_sam1_encoder');
}

/**
 * SAM 1 exported with its preprocessing inside (samexporter --use-preprocess): `input_image`
 * [H, W, 3] float RGB of the resized image. Here: channel c of the embedding = the mean of
 * colour c % 3 over the fed image, everywhere: the test reads it to see that the HWC image
 * arrived unnormalised and unpadded.
 */
export function tinySam1EmbeddedEncoder(): Uint8Array {
  const g = new GraphBuilder();
  const mean = g.op('ReduceMean', ['input_image'], { axes: [0, 1], keepdims: 0 }); // [3]
  const idx = `i_gather`;
  g.initializers.push({ name: idx, dims: [256], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(BigInt64Array.from(Array.from({ length: 256 }, (_, c) => BigInt(c % 3))).buffer) });
  const perChannel = g.op('Gather', [mean, idx], { axis: 0 }); // [256]
  const col = g.op('Reshape', [perChannel, g.ints([1, 256, 1, 1])]);
  g.op('Expand', [col, g.ints([1, 256, 64, 64])], {}, 'image_embeddings');
  return model(g, [valueInfo('input_image', ['height', 'width', 3])], [valueInfo('image_embeddings', [1, 256, 64, 64])], 'tiny_sam1_embedded_encoder');
}

export function tinySam2Encoder(): Uint8Array {
  const g = new GraphBuilder();
  pooledFeatures(g, 'image', 4, 32, 'high_res_feats_0');
  pooledFeatures(g, 'image', 8, 64, 'high_res_feats_1');
  pooledFeatures(g, 'image', 16, 256, 'image_embed');
  return model(g, [valueInfo('image', [1, 3, 1024, 1024])], [
    valueInfo('high_res_feats_0', [1, 32, 256, 256]), valueInfo('high_res_feats_1', [1, 64, 128, 128]), valueInfo('image_embed', [1, 256, 64, 64]),
  ], 'tiny_sam2_encoder');
}

/** The drawing described above, as [1, 1, 256, 256] logits. */
function drawLogits(g: GraphBuilder): string {
  const gx = new Float32Array(65536);
  const gy = new Float32Array(65536);
  for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) { gx[i * 256 + j] = (j + 0.5) * 4; gy[i * 256 + j] = (i + 0.5) * 4; }
  const GX = g.constant(gx, [1, 1, 65536]);
  const GY = g.constant(gy, [1, 1, 65536]);
  const cx = g.op('Slice', ['point_coords', g.ints([0]), g.ints([1]), g.ints([2])]); // [1, N, 1]
  const cy = g.op('Slice', ['point_coords', g.ints([1]), g.ints([2]), g.ints([2])]);
  const lab = g.op('Reshape', ['point_labels', g.ints([1, -1, 1])]);
  const isLabel = (v: number) => g.op('Cast', [g.op('Equal', [lab, g.scalar(v)])], { to: onnx.TensorProto.DataType.FLOAT });
  const penaltyUnless = (flag: string) => g.op('Mul', [g.op('Sub', [flag, g.scalar(1)]), g.scalar(BIG)]);

  const dx = g.op('Sub', [GX, cx]);
  const dy = g.op('Sub', [GY, cy]);
  const d2 = g.op('Add', [g.op('Mul', [dx, dx]), g.op('Mul', [dy, dy])]);
  const disk = g.op('Sub', [g.scalar(TINY_DISK_RADIUS * TINY_DISK_RADIUS), d2]);
  const disks = g.op('ReduceMax', [g.op('Add', [disk, penaltyUnless(isLabel(1))])], { axes: [1], keepdims: 1 });

  const tl = isLabel(2);
  const br = isLabel(3);
  const sumOver = (t: string) => g.op('ReduceSum', [t, g.ints([1])], { keepdims: 1 });
  const x0 = sumOver(g.op('Mul', [cx, tl]));
  const y0 = sumOver(g.op('Mul', [cy, tl]));
  const x1 = sumOver(g.op('Mul', [cx, br]));
  const y1 = sumOver(g.op('Mul', [cy, br]));
  const inBox = g.op('Min', [g.op('Sub', [GX, x0]), g.op('Sub', [x1, GX]), g.op('Sub', [GY, y0]), g.op('Sub', [y1, GY])]);
  const box = g.op('Add', [inBox, penaltyUnless(sumOver(tl))]);

  const prev = g.op('Reshape', ['mask_input', g.ints([1, 1, 65536])]);
  const earlier = g.op('Add', [g.op('Mul', [prev, 'has_mask_input']), penaltyUnless('has_mask_input')]);
  const final = g.op('Max', [disks, box, earlier]);
  return g.op('Reshape', [final, g.ints([1, 1, 256, 256])]);
}

const promptInputs = [
  valueInfo('point_coords', [1, 'num_points', 2]), valueInfo('point_labels', [1, 'num_points']),
  valueInfo('mask_input', [1, 1, 256, 256]), valueInfo('has_mask_input', [1]),
];

export function tinySam1Decoder(): Uint8Array {
  const g = new GraphBuilder();
  const final = drawLogits(g);
  const all = g.op('Add', [final, g.scalar(BIG)]);
  const low = g.op('Concat', [final, all, final, g.op('Neg', [final])], { axis: 1 }, 'low_res_masks');
  // Only low_res_masks is read; `masks` keeps the export's name (the real one is upscaled to orig_im_size in the graph).
  g.op('Identity', [low], {}, 'masks');
  g.op('Identity', [g.constant([0.9, 0.1, 0.95, 0.2], [1, 4])], {}, 'iou_predictions');
  return model(g, [valueInfo('image_embeddings', [1, 256, 64, 64]), ...promptInputs, valueInfo('orig_im_size', [2])], [
    valueInfo('masks', [1, 4, 256, 256]), valueInfo('iou_predictions', [1, 4]), valueInfo('low_res_masks', [1, 4, 256, 256]),
  ], 'tiny_sam1_decoder');
}

/**
 * tinySam1Decoder plus a term read from the image embedding the way SAM's export does: the
 * embedding repeated `Shape(point_coords)[0]` times (repeat_interleave, an Expand whose shape
 * comes from the points) and reduced to its mean, 1e-3 of which is added to every logit.
 * The batch dim is 1 in the declared shapes, so that term is per image, not per click.
 */
export function tinySam1DecoderWithRepeatedEmbedding(): Uint8Array {
  const g = new GraphBuilder();
  const final = drawLogits(g);
  const batch = g.op('Gather', [g.op('Shape', ['point_coords']), g.ints([0])], { axis: 0 }); // [1]
  const repeated = g.op('Expand', ['image_embeddings', g.op('Concat', [batch, g.ints([256, 64, 64])], { axis: 0 })]);
  const mean = g.op('ReduceMean', [repeated], { axes: [1, 2, 3], keepdims: 1 }); // [1, 1, 1, 1]
  const shifted = g.op('Add', [final, g.op('Mul', [mean, g.scalar(1e-3)])]);
  const all = g.op('Add', [shifted, g.scalar(BIG)]);
  g.op('Concat', [shifted, all, shifted, g.op('Neg', [shifted])], { axis: 1 }, 'low_res_masks');
  g.op('Identity', [g.constant([0.9, 0.1, 0.95, 0.2], [1, 4])], {}, 'iou_predictions');
  return model(g, [valueInfo('image_embeddings', [1, 256, 64, 64]), ...promptInputs, valueInfo('orig_im_size', [2])], [
    valueInfo('iou_predictions', [1, 4]), valueInfo('low_res_masks', [1, 4, 256, 256]),
  ], 'tiny_sam1_decoder_repeated_embedding');
}

export function tinySam2Decoder(): Uint8Array {
  const g = new GraphBuilder();
  const final = drawLogits(g);
  g.op('Concat', [g.op('Neg', [final]), final, g.op('Add', [final, g.scalar(BIG)])], { axis: 1 }, 'masks');
  g.op('Identity', [g.constant([0.3, 0.8, 0.5], [1, 3])], {}, 'iou_predictions');
  return model(g, [
    valueInfo('image_embed', [1, 256, 64, 64]), valueInfo('high_res_feats_0', [1, 32, 256, 256]), valueInfo('high_res_feats_1', [1, 64, 128, 128]),
    ...promptInputs,
  ], [valueInfo('masks', [1, 3, 256, 256]), valueInfo('iou_predictions', [1, 3])], 'tiny_sam2_decoder');
}
