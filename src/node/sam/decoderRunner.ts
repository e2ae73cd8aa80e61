/**
 * The SAM decoder split at the prompt: what depends only on the image embedding and the mask
 * state (mask_input, has_mask_input) runs once per image and mask state in a prefix model, and
 * each click runs only the rest (splitGraph.ts; shape arithmetic folded first, foldShapes.ts).
 * In the official export the prefix is the dense-prompt branch, the image side's sum with it,
 * and the first transformer layer's key/value/query projections of the 4096 image tokens.
 * Outputs are bit-identical to the whole decoder's: every node runs as before, on the same
 * operands (test/unit/node/sam/decoderSplit.test.ts, bench/sam.ts). The per-click part also
 * runs kernel = stride ConvTransposes as MatMuls (deferPixelShuffle.ts). When the decoder is
 * opened, one check run on an image-like probe compares the split with the whole decoder; the
 * split is used only when every output is the same, bit for bit (without the ConvTranspose
 * rewrite if only that differs).
 *
 * Prefix results are kept for the last few embeddings (by object: the EmbeddingCache hands out
 * the same one for an image): the no-mask state, and the latest fed-back mask, which
 * `prepare` computes ahead, while the user decides on the next click. They are ~2.5x an
 * embedding's size, so they are not kept for every cached embedding.
 * A graph that does not split cleanly runs whole, as before.
 */
import type * as Ort from 'onnxruntime-node';
import type { DecoderSpec } from '../../core/sam';
import { SAM_LOW_RES_SIZE } from '../../core/sam';
import { deferPixelShuffles } from './deferPixelShuffle';
import { foldKnownShapes } from './foldShapes';
import { graphIo } from './pruneOutputs';
import { splitAtInputs, type BoundaryInfo } from './splitGraph';

type Feeds = Record<string, Ort.Tensor>;
type Create = (model: Uint8Array) => Promise<Ort.InferenceSession>;

/** Prefix results kept for this many embeddings (the image on screen, and one before it). */
const KEPT_EMBEDDINGS = 2;
const ZERO_MASK = new Float32Array(SAM_LOW_RES_SIZE * SAM_LOW_RES_SIZE);
const ONNX_TYPES: Record<string, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
};

/** The decoder inputs that stay the same from click to click on one image and mask state. */
export function staticDecoderInputs(spec: DecoderSpec): string[] {
  return [...spec.embeddingInputs, 'mask_input', 'has_mask_input', ...(spec.hasOrigImSize ? ['orig_im_size'] : [])];
}

interface Split {
  prefix: Ort.InferenceSession;
  suffix: Ort.InferenceSession;
  prefixNodes: number;
  /** ConvTransposes run as MatMuls with their pixel shuffle deferred (deferPixelShuffle.ts). */
  deferredShuffles: number;
}

interface PerImage {
  noMask?: Promise<Feeds>;
  masked?: { mask: Float32Array; feeds: Promise<Feeds> };
}

/** The tensors of one embedding (SamEmbedding's shape, without importing samModel here). */
export interface EmbeddingTensors {
  tensors: { data: Float32Array; dims: number[] }[];
}

export class DecoderRunner {
  private readonly perImage = new Map<EmbeddingTensors, PerImage>();
  /** Prefix runs started (for tests and the bench: a click with a prepared state adds none). */
  prefixRuns = 0;

  private whole: Ort.InferenceSession | undefined;
  private split: Split | undefined;
  /** Clicks running on the whole decoder now (it is released when the split takes over and none is). */
  private wholeRuns = 0;
  /** Why the decoder runs whole (undefined while the split is being made, and once it is used). */
  wholeReason: string | undefined;
  /** Settles when the split is in use or has been given up (never rejects). */
  readonly ready: Promise<void>;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly spec: DecoderSpec,
    whole: Ort.InferenceSession,
    makeSplit: (() => Promise<Split | string>) | undefined,
  ) {
    this.whole = whole;
    if (!makeSplit) {
      this.wholeReason = 'not tried';
      this.ready = Promise.resolve();
      return;
    }
    this.ready = makeSplit().then((split) => {
      if (typeof split === 'string') { this.wholeReason = split; return; }
      this.split = split;
      this.releaseWholeWhenIdle();
    }, (e: Error) => { this.wholeReason = `the split failed: ${e.message.split('\n')[0]}`; });
  }

  private releaseWholeWhenIdle(): void {
    if (!this.split || this.wholeRuns > 0 || !this.whole) return;
    const whole = this.whole;
    this.whole = undefined;
    void whole.release().catch(() => undefined);
  }

  /** The nodes run once per image and mask state (0: the decoder runs whole). */
  get prefixNodes(): number { return this.split?.prefixNodes ?? 0; }

  /** ConvTransposes of the per-click part run as MatMuls, their pixel shuffle deferred. */
  get deferredShuffles(): number { return this.split?.deferredShuffles ?? 0; }

  /**
   * `whole`: the decoder (already cut to the outputs fetched) opened as one session; `model` its
   * bytes. When `trySplit`, the split is made in the background (it takes longer than opening
   * the decoder: a first click does not wait for it) and replaces the whole decoder when it
   * splits cleanly and passes the check run; `ready` says when that is settled.
   */
  static open(ort: typeof Ort, whole: Ort.InferenceSession, model: Uint8Array | undefined, spec: DecoderSpec, create: Create, trySplit: boolean): DecoderRunner {
    return new DecoderRunner(ort, spec, whole, trySplit && model ? () => openSplit(ort, model, spec, create, whole) : undefined);
  }

  private staticFeeds(embedding: EmbeddingTensors, maskInput: Float32Array | undefined): Feeds {
    const { ort } = this;
    const feeds: Feeds = {
      mask_input: new ort.Tensor('float32', maskInput ?? ZERO_MASK, [1, 1, SAM_LOW_RES_SIZE, SAM_LOW_RES_SIZE]),
      has_mask_input: new ort.Tensor('float32', Float32Array.of(maskInput ? 1 : 0), [1]),
    };
    this.spec.embeddingInputs.forEach((name, i) => {
      const t = embedding.tensors[i];
      feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    });
    // Never read: only the low-res logits are fetched, so the graph's upscaling does not run.
    if (this.spec.hasOrigImSize) feeds.orig_im_size = new ort.Tensor('float32', Float32Array.of(1, 1), [2]);
    return feeds;
  }

  /**
   * Starts (or finds) the per-image part for this embedding and mask state; the next click with
   * that state only runs the rest. Nothing to do when the decoder runs whole.
   */
  prepare(embedding: EmbeddingTensors, maskInput?: Float32Array): Promise<Feeds> | undefined {
    const split = this.split;
    if (!split) return undefined;
    let entry = this.perImage.get(embedding);
    if (entry) this.perImage.delete(embedding);
    entry ??= {};
    this.perImage.set(embedding, entry); // most recent last
    for (const key of this.perImage.keys()) {
      if (this.perImage.size <= KEPT_EMBEDDINGS) break;
      this.perImage.delete(key);
    }
    if (!maskInput && entry.noMask) return entry.noMask;
    if (maskInput && entry.masked?.mask === maskInput) return entry.masked.feeds;
    const all = this.staticFeeds(embedding, maskInput);
    this.prefixRuns++;
    const feeds = split.prefix.run(Object.fromEntries(split.prefix.inputNames.map((n) => [n, all[n]])))
      .then((out) => ({ ...all, ...(out as Feeds) }));
    const forget = () => {
      const e = this.perImage.get(embedding);
      if (!e) return;
      if (!maskInput && e.noMask === feeds) e.noMask = undefined;
      if (maskInput && e.masked?.feeds === feeds) e.masked = undefined;
    };
    feeds.catch(forget);
    if (maskInput) entry.masked = { mask: maskInput, feeds };
    else entry.noMask = feeds;
    return feeds;
  }

  /** One click: the prompt's feeds (point_coords, point_labels) on top of the image's. */
  async run(embedding: EmbeddingTensors, maskInput: Float32Array | undefined, prompt: Feeds, fetches: string[]): Promise<Ort.InferenceSession.ReturnType> {
    const prepared = this.prepare(embedding, maskInput);
    if (!prepared || !this.split) {
      this.wholeRuns++;
      try {
        return await this.whole!.run({ ...this.staticFeeds(embedding, maskInput), ...prompt }, fetches);
      } finally {
        this.wholeRuns--;
        this.releaseWholeWhenIdle();
      }
    }
    const all = { ...(await prepared), ...prompt };
    const suffix = this.split.suffix;
    return suffix.run(Object.fromEntries(suffix.inputNames.map((n) => [n, all[n]])), fetches);
  }

  async release(): Promise<void> {
    await this.ready;
    this.perImage.clear();
    await this.whole?.release();
    this.whole = undefined;
    await this.split?.prefix.release();
    await this.split?.suffix.release();
    this.split = undefined;
  }
}

async function openSplit(ort: typeof Ort, model: Uint8Array, spec: DecoderSpec, create: Create, whole: Ort.InferenceSession): Promise<Split | string> {
  const folded = foldKnownShapes(model).bytes;
  const plan = splitAtInputs(folded, staticDecoderInputs(spec));
  if (typeof plan === 'string') return plan;
  // The static inputs' declared shapes must be fixed: then one prefix run on zeros gives the
  // boundary values' types and shapes, the same for every image, for the suffix's inputs.
  const declared = new Map(graphIo(folded).inputs.map((i) => [i.name, i.shape]));
  const staticNames = staticDecoderInputs(spec).filter((n) => declared.has(n));
  const fixed = (fill: (i: number, input: number) => number): Feeds | string => {
    const feeds: Feeds = {};
    for (const [k, name] of staticNames.entries()) {
      const shape = declared.get(name);
      if (!shape || !shape.every((d): d is number => typeof d === 'number')) return `${name} has no fixed shape`;
      // orig_im_size: a size (never read once `masks` is cut off; a valid one all the same).
      const value = name === 'orig_im_size' ? () => 64 : (i: number) => fill(i, k);
      feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => value(i)), shape);
    }
    return feeds;
  };
  const zeros = fixed(() => 0);
  const varied = fixed((i, k) => Math.sin(i * 0.37 + k));
  if (typeof zeros === 'string' || typeof varied === 'string') return zeros as string;
  const pick = (feeds: Feeds, session: Ort.InferenceSession) => Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]]));
  const prefix = await create(plan.prefix);
  try {
    const out = await prefix.run(pick(zeros, prefix));
    const info = new Map<string, BoundaryInfo>();
    for (const name of plan.boundary) {
      const t = out[name];
      const elemType = ONNX_TYPES[t.type];
      if (!elemType) throw new Error(`${name} has the type ${t.type}`);
      info.set(name, { elemType, dims: t.dims.map(Number) });
    }
    // A check run: an image-like probe (not zeros: pixels in the wrong order would go unnoticed
    // on a constant plane) and a two-point prompt, through the whole decoder and the split.
    const prompt = promptProbe(ort, declared, whole.inputNames.filter((n) => !staticNames.includes(n)));
    const want = await whole.run({ ...varied, ...prompt });
    const prepared: Feeds = { ...varied, ...(await prefix.run(pick(varied, prefix))), ...prompt };
    const suffixBytes = plan.suffix(info);
    const deferred = deferPixelShuffles(suffixBytes);
    const candidates: [Uint8Array, number][] = deferred.rewritten ? [[deferred.bytes, deferred.rewritten], [suffixBytes, 0]] : [[suffixBytes, 0]];
    for (const [bytes, deferredShuffles] of candidates) {
      const suffix = await create(bytes);
      let same = false;
      try {
        const got = await suffix.run(pick(prepared, suffix));
        same = whole.outputNames.every((n) => {
          const x = want[n].data as Float32Array, y = got[n]?.data as Float32Array | undefined;
          return !!y && x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
        });
      } finally {
        if (!same) await suffix.release();
      }
      if (same) return { prefix, suffix, prefixNodes: plan.prefixNodes, deferredShuffles };
    }
    await prefix.release();
    return 'the split decoder\'s outputs differ from the whole decoder\'s on a check run';
  } catch (e) {
    await prefix.release();
    throw e;
  }
}

/** Prompt feeds for a check run: two points (a positive one and a negative one) per declared shape. */
function promptProbe(ort: typeof Ort, declared: Map<string, readonly (number | string)[] | undefined>, names: readonly string[]): Feeds {
  const feeds: Feeds = {};
  for (const name of names) {
    const shape = declared.get(name);
    if (!shape) continue;
    const dims = shape.map((d) => (typeof d === 'number' ? d : 2));
    const n = dims.reduce((a, b) => a * b, 1);
    const values = name === 'point_labels' ? Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)) : Float32Array.from({ length: n }, (_, i) => (100 + 37 * i) % 1000);
    feeds[name] = new ort.Tensor('float32', values, dims);
  }
  return feeds;
}
