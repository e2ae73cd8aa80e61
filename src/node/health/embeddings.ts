/**
 * An image-embedding ONNX model the user provides (a CLIP or DINO image encoder, or any model
 * that takes one image and returns a vector), run on onnxruntime-node, the runtime SAM uses
 * (node/sam/ort.ts: loaded on first use; onnxruntime runs on its own threads, never this one).
 *
 * The input is read from the session, never assumed: one float32 tensor [1, 3, H, W] (NCHW) or
 * [1, H, W, 3] (NHWC); a dynamic H or W becomes 224. The image is resized to H × W (stretched,
 * as the models' own center crops would lose the borders where near copies differ), scaled to
 * 0–1 and normalised with the mean/std given (default: CLIP's, which DINO-style models trained on
 * ImageNet statistics tolerate for similarity). The first output is the embedding: [1, D] as is;
 * [1, T, D] its first token (CLS); [1, D, h, w] averaged over h × w.
 */
import * as fs from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { loadOrt } from '../sam/ort';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export interface EmbeddingModelOptions {
  mean?: readonly number[];
  std?: readonly number[];
  /** onnxruntime intra-op threads (default 1: the image pool already uses the other cores). */
  intraOpThreads?: number;
}

interface InputLayout { name: string; layout: 'nchw' | 'nhwc'; height: number; width: number }

function layoutOf(session: Ort.InferenceSession, file: string): InputLayout {
  const inputs = session.inputMetadata;
  const shown = inputs.map((m) => `${m.name}${m.isTensor ? ` [${m.shape.join(', ')}] ${m.type}` : ' (not a tensor)'}`).join(', ');
  const fail = (why: string) => new Error(`${file} is not an image-embedding model: ${why}. Expected one float32 input [1, 3, H, W] or [1, H, W, 3]; the file has ${shown || 'no inputs'}`);
  if (inputs.length !== 1) throw fail(`it has ${inputs.length} inputs`);
  const m = inputs[0];
  if (!m.isTensor || m.type !== 'float32' || m.shape.length !== 4) throw fail('its input is not a 4-D float32 tensor');
  const dim = (d: number | string, fallback: number) => (typeof d === 'number' && d > 0 ? d : fallback);
  if (m.shape[1] === 3) return { name: m.name, layout: 'nchw', height: dim(m.shape[2], 224), width: dim(m.shape[3], 224) };
  if (m.shape[3] === 3) return { name: m.name, layout: 'nhwc', height: dim(m.shape[1], 224), width: dim(m.shape[2], 224) };
  throw fail('no axis of size 3 (the colour channels) at position 1 or 3');
}

/** The embedding in an output tensor of batch 1: [1, D], [1, T, D] (first token), [1, D, h, w] (mean over h × w). */
export function embeddingFrom(data: Float32Array, dims: readonly number[]): Float32Array {
  if (dims.length === 2) return data.slice(0, dims[1]);
  if (dims.length === 3) return data.slice(0, dims[2]);
  if (dims.length === 4) {
    const [, d, h, w] = dims;
    const out = new Float32Array(d);
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < h * w; k++) s += data[c * h * w + k];
      out[c] = s / (h * w);
    }
    return out;
  }
  if (dims.length === 1) return data.slice();
  throw new Error(`the model's output has shape [${dims.join(', ')}]; an embedding needs [1, D], [1, T, D] or [1, D, h, w]`);
}

export class EmbeddingModel {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly input: InputLayout,
    private readonly mean: readonly number[],
    private readonly std: readonly number[],
    readonly file: string,
  ) {}

  static async load(file: string, opts: EmbeddingModelOptions = {}): Promise<EmbeddingModel> {
    if (!fs.existsSync(file)) throw new Error(`embedding model ${file}: no such file`);
    const ort = await loadOrt();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, { intraOpNumThreads: opts.intraOpThreads ?? 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new Error(`embedding model ${file} could not be loaded: ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
    try {
      return new EmbeddingModel(ort, session, layoutOf(session, file), opts.mean ?? CLIP_MEAN, opts.std ?? CLIP_STD, file);
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** The embedding of one image file (its stored pixels as RGB, stretched to the model's input size). */
  async embed(imageFile: string): Promise<Float32Array> {
    const { default: sharp } = await import('sharp');
    const { height: H, width: W, layout, name } = this.input;
    const rgb = await sharp(imageFile, { failOn: 'truncated' }).removeAlpha().toColourspace('srgb').resize(W, H, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    const x = new Float32Array(3 * H * W);
    for (let p = 0; p < H * W; p++) {
      for (let c = 0; c < 3; c++) {
        const v = (rgb[p * 3 + c] / 255 - this.mean[c]) / this.std[c];
        x[layout === 'nchw' ? c * H * W + p : p * 3 + c] = v;
      }
    }
    const dims = layout === 'nchw' ? [1, 3, H, W] : [1, H, W, 3];
    const outName = this.session.outputNames[0];
    const out = await this.session.run({ [name]: new this.ort.Tensor('float32', x, dims) }, [outName]);
    const t = out[outName];
    if (t.type !== 'float32') throw new Error(`embedding model ${this.file}: output ${outName} is ${t.type}, not float32`);
    return embeddingFrom(t.data as Float32Array, t.dims);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
