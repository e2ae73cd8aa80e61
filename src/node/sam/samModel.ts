/**
 * One SAM encoder/decoder pair on onnxruntime-node: the kind is read from the sessions (SAM 1,
 * SAM 1 with embedded preprocessing, SAM 2), the execution provider is CPU unless CUDA is asked
 * for, and CUDA that fails to start falls back to CPU (`provider` says which one runs).
 *
 * The decoder is only asked for `iou_predictions` and the low-res logits: onnxruntime then skips
 * the in-graph upscaling of all four candidates to the original size (the official export's
 * `masks`, 54 MB per click at 1500 x 2250), and only the chosen candidate is upscaled here
 * (core/sam/postprocess). `orig_im_size` still has to be fed; a 1 x 1 dummy does.
 * Asking for fewer outputs is not enough: onnxruntime runs every node of the graph on each run,
 * so the decoder is opened without its other outputs and the nodes only they need
 * (pruneOutputs.ts; 49 of the official export's nodes, ~15% of its CPU time per click).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import {
  checkPair, detectDecoder, detectEncoder, encodePrompt, rankCandidates, SAM_LOW_RES_SIZE, sam1EmbeddedInput, sam1EncoderInput,
  sam2EncoderInput, wantsMultimask, type DecoderSpec, type EncoderSpec, type ModelIo, type SamFrame, type SamPrompt,
} from '../../core/sam';
import type { EncoderImage } from './imageInput';
import { loadOrt } from './ort';
import { DecoderRunner } from './decoderRunner';
import { decoderForLowRes } from './pruneOutputs';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SamModelOptions {
  encoderPath: string;
  decoderPath: string;
  /** Asked-for provider; CUDA falls back to CPU when it cannot start. Default 'cpu'. */
  executionProvider?: ExecutionProvider;
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  intraOpThreads?: number;
  /**
   * Split the decoder at the prompt (decoderRunner.ts): default true on CPU. On CUDA the
   * per-image results would cross to the host and back on every click, so it runs whole.
   */
  splitDecoder?: boolean;
  /**
   * Run the split decoder's per-click part exactly as exported (bit-identical to the whole
   * decoder). Default false: clicks with few points run it with its image-token attentions
   * reassociated (decoderRunner.ts, reassociateAttention.ts), checked to agree to 1e-4 of the
   * logits' range; masks can differ only in pixels whose logit is that close to 0.
   */
  exactDecoder?: boolean;
}

/** The encoder's outputs for one image, in EncoderSpec.outputNames order. */
export interface SamEmbedding {
  frame: SamFrame;
  tensors: { data: Float32Array; dims: number[] }[];
}

export interface DecodeOptions {
  /** Low-res logits of an earlier candidate (256²), for refinement clicks. */
  maskInput?: Float32Array;
  /** Override SAM's default (multimask for a single click). */
  multimask?: boolean;
}

export interface DecodeResult {
  /** Candidate indices, best first (see rankCandidates). */
  ranking: number[];
  iou: Float32Array;
  /** [C, 256, 256] low-res logits of every candidate. */
  lowRes: Float32Array;
  candidates: number;
  ms: number;
}

function ioOf(session: Ort.InferenceSession): ModelIo {
  const info = (m: readonly Ort.InferenceSession.ValueMetadata[]) =>
    m.map((v) => ({ name: v.name, shape: v.isTensor && v.shape.length > 0 ? v.shape : undefined }));
  return { inputs: info(session.inputMetadata), outputs: info(session.outputMetadata) };
}

/** SHA-256 of a file, streamed (hex). */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class SamModel {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly encoder: Ort.InferenceSession,
    private readonly decoder: DecoderRunner,
    readonly encoderSpec: EncoderSpec,
    readonly decoderSpec: DecoderSpec,
    /** The provider the sessions run on. */
    readonly provider: ExecutionProvider,
    /** Why CUDA was not used, when it was asked for. */
    readonly fallbackReason: string | undefined,
    /** SHA-256 of encoder + decoder file hashes: the embedding cache key's model part. */
    readonly modelHash: string,
  ) {}

  get family() { return this.encoderSpec.family; }

  static async load(opts: SamModelOptions): Promise<SamModel> {
    for (const f of [opts.encoderPath, opts.decoderPath]) {
      try { await fs.promises.access(f, fs.constants.R_OK); } catch { throw new Error(`Cannot read the model file ${f}`); }
    }
    const ort = await loadOrt();
    const base: Ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1,
      ...(opts.intraOpThreads ? { intraOpNumThreads: opts.intraOpThreads } : {}),
      // Idle intra-op threads sleep instead of spinning: the editor, its extension host and other
      // programs share the cores, and spinning threads took them (bench:sam on a busy 2-core
      // machine, 2 threads: 164 -> 139 ms CPU and 820 -> 531 ms wall per decoder run).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    // The decoder without the outputs that are never fetched: onnxruntime would compute them on every click.
    const decoderSource = (await decoderForLowRes(opts.decoderPath)).source;
    const sources = { encoder: opts.encoderPath as string | Uint8Array, decoder: decoderSource };
    const create = (role: 'encoder' | 'decoder', o: Ort.InferenceSession.SessionOptions) => {
      const source = sources[role];
      return typeof source === 'string' ? ort.InferenceSession.create(source, o) : ort.InferenceSession.create(source, o);
    };
    let provider: ExecutionProvider = 'cpu';
    let fallbackReason: string | undefined;
    let encoder: Ort.InferenceSession;
    let decoder: Ort.InferenceSession;
    const open = async (role: 'encoder' | 'decoder', providers: string[]) => {
      const file = role === 'encoder' ? opts.encoderPath : opts.decoderPath;
      try { return await create(role, { ...base, executionProviders: providers }); } catch (e) { throw Object.assign(new Error(`Cannot load ${file}: ${(e as Error).message}`), { cause: e }); }
    };
    if (opts.executionProvider === 'cuda') {
      try {
        // logSeverityLevel 4: the failed CUDA load is reported once, by us, not as a native error dump.
        const quiet = (role: 'encoder' | 'decoder') => create(role, { ...base, executionProviders: ['cuda'], logSeverityLevel: 4 });
        const level = ort.env.logLevel;
        ort.env.logLevel = 'fatal';
        try {
          encoder = await quiet('encoder');
          decoder = await quiet('decoder');
        } finally {
          ort.env.logLevel = level;
        }
        provider = 'cuda';
      } catch (e) {
        fallbackReason = `CUDA could not start (${(e as Error).message.split('\n')[0]}); running on CPU`;
        encoder = await open('encoder', ['cpu']);
        decoder = await open('decoder', ['cpu']);
      }
    } else {
      encoder = await open('encoder', ['cpu']);
      decoder = await open('decoder', ['cpu']);
    }
    try {
      const encoderSpec = detectEncoder(ioOf(encoder), opts.encoderPath);
      const decoderSpec = detectDecoder(ioOf(decoder), opts.decoderPath);
      checkPair(encoderSpec, decoderSpec, opts.encoderPath, opts.decoderPath);
      const hash = createHash('sha256').update(await fileSha256(opts.encoderPath)).update(await fileSha256(opts.decoderPath)).digest('hex');
      const bytes = typeof decoderSource === 'string' ? new Uint8Array(await fs.promises.readFile(decoderSource)) : decoderSource;
      const runner = DecoderRunner.open(ort, decoder, bytes, decoderSpec,
        (model) => ort.InferenceSession.create(model, { ...base, executionProviders: [provider] }), opts.splitDecoder ?? provider === 'cpu', !opts.exactDecoder);
      return new SamModel(ort, encoder, runner, encoderSpec, decoderSpec, provider, fallbackReason, hash);
    } catch (e) {
      await encoder.release();
      await decoder.release().catch(() => undefined);
      throw e;
    }
  }

  /** How the image must be resized for this model. */
  get resizeMode() { return this.family === 'sam2' ? 'stretch' as const : 'longest-side' as const; }

  async encode(image: EncoderImage): Promise<SamEmbedding & { ms: number }> {
    const { ort } = this;
    const spec = this.encoderSpec;
    let input: Ort.Tensor;
    if (spec.family === 'sam2') input = new ort.Tensor('float32', sam2EncoderInput(image.rgb), [1, 3, 1024, 1024]);
    else if (spec.embeddedPreprocessing) input = new ort.Tensor('float32', sam1EmbeddedInput(image.rgb), [image.rgb.height, image.rgb.width, 3]);
    else input = new ort.Tensor('float32', sam1EncoderInput(image.rgb), [1, 3, 1024, 1024]);
    const t0 = performance.now();
    const out = await this.encoder.run({ [spec.inputName]: input }, spec.outputNames);
    const ms = performance.now() - t0;
    const tensors = spec.outputNames.map((n) => ({ data: out[n].data as Float32Array, dims: [...out[n].dims] }));
    return { frame: image.frame, tensors, ms };
  }

  /**
   * Starts the decoder's per-image part for this embedding and mask state in the background, so
   * the next click with them runs only the per-click part (a no-op when the decoder runs whole).
   */
  prepare(embedding: SamEmbedding, maskInput?: Float32Array): void {
    this.decoder.prepare(embedding, maskInput)?.catch(() => undefined);
  }

  /** Nodes of the decoder run once per image and mask state instead of per click (0: runs whole). */
  get decoderPrefixNodes(): number { return this.decoder.prefixNodes; }

  /**
   * Settles when the decoder split (made in the background after load; clicks meanwhile run the
   * whole decoder) is in use or given up. For tests and benchmarks; never rejects.
   */
  get decoderReady(): Promise<void> { return this.decoder.ready; }

  /** Why the decoder runs whole, once that is settled (undefined: split, or not settled yet). */
  get decoderWholeReason(): string | undefined { return this.decoder.wholeReason; }

  /** The decoder's reassociated per-click part, once settled (undefined: clicks run exactly). */
  get decoderReassociated(): DecoderRunner['reassociated'] { return this.decoder.reassociated; }

  /** Runs of the decoder's per-image part so far. */
  get decoderPrefixRuns(): number { return this.decoder.prefixRuns; }

  async decode(embedding: SamEmbedding, prompt: SamPrompt, opts: DecodeOptions = {}): Promise<DecodeResult> {
    const { ort } = this;
    const spec = this.decoderSpec;
    const p = encodePrompt(embedding.frame, prompt, spec.padWithoutBox);
    const promptFeeds = {
      point_coords: new ort.Tensor('float32', p.coords, [1, p.count, 2]),
      point_labels: new ort.Tensor('float32', p.labels, [1, p.count]),
    };
    const t0 = performance.now();
    const out = await this.decoder.run(embedding, opts.maskInput, promptFeeds, [spec.iouOutput, spec.lowResOutput]);
    const ms = performance.now() - t0;
    const iou = out[spec.iouOutput].data as Float32Array;
    const low = out[spec.lowResOutput];
    const size = Number(low.dims[low.dims.length - 1]);
    if (size !== SAM_LOW_RES_SIZE || Number(low.dims[low.dims.length - 2]) !== SAM_LOW_RES_SIZE) {
      throw new Error(`${spec.lowResOutput} has shape [${low.dims.join(', ')}]; expected 256 x 256 low-resolution logits`);
    }
    const candidates = Number(low.dims[1]);
    const multimask = opts.multimask ?? wantsMultimask(prompt);
    return { ranking: rankCandidates(iou, multimask), iou, lowRes: low.data as Float32Array, candidates, ms };
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}
