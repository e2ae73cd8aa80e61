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
 *
 * On top of the exact split, a faster per-click part, not bit-exact: the two-way transformer's
 * attentions over the 4096 image tokens reassociated so that no 4096 x 128 projection is left
 * (reassociateAttention.ts). It is used only after it agrees with the exact per-click part on
 * probes (points, boxes, with and without a mask) to REASSOCIATION_TOLERANCE of each output's
 * largest value, and only for clicks with few enough points to gain from it; otherwise the
 * exact part runs. Masks can then differ from the exact ones only in pixels whose logit is within
 * that tolerance of 0 (upscaling interpolates, so it never widens a difference).
 */
import type * as Ort from 'onnxruntime-node';
import type { DecoderSpec } from '../../core/sam';
import { SAM_LOW_RES_SIZE } from '../../core/sam';
import { deferPixelShuffles } from './deferPixelShuffle';
import { foldKnownShapes } from './foldShapes';
import { graphIo } from './pruneOutputs';
import { reassociateAttention } from './reassociateAttention';
import { splitAtInputs, type BoundaryInfo } from './splitGraph';

type Feeds = Record<string, Ort.Tensor>;
type Create = (model: Uint8Array) => Promise<Ort.InferenceSession>;

/**
 * The reassociated per-click part's largest allowed difference from the exact one on the probes,
 * relative to each output's largest magnitude there. Float32 reassociation of sums over 256 to
 * 4096 terms differs by about 1e-6 of that (measured on the real export: 3e-7 on logits of
 * 0.5); a wrong head order or bias gives differences of the outputs' own size.
 */
export const REASSOCIATION_TOLERANCE = 1e-4;
/** SAM 1's output tokens (1 IoU + 4 mask tokens), attended to with the prompt's points. */
const SAM_OUTPUT_TOKENS = 5;

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
  /** The per-click part with its image-token attentions reassociated, for clicks of up to `maxPoints` points. */
  fast?: { suffix: Ort.InferenceSession; maxPoints: number; attentions: string[]; worstError: number };
  /** Why there is no `fast` part. */
  exactReason?: string;
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
  /**
   * Settles when the split is in use (and its reassociated per-click part in use or given up),
   * or the split has been given up. Never rejects. Clicks use the exact split before that.
   */
  readonly ready: Promise<void>;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly spec: DecoderSpec,
    whole: Ort.InferenceSession,
    makeSplit: ((useExact: (split: Split) => void) => Promise<Split | string>) | undefined,
  ) {
    this.whole = whole;
    if (!makeSplit) {
      this.wholeReason = 'not tried';
      this.ready = Promise.resolve();
      return;
    }
    // Clicks use the exact split as soon as it is checked, while the reassociated part is made.
    const use = (split: Split) => { this.split = split; this.releaseWholeWhenIdle(); };
    this.ready = makeSplit(use).then((split) => {
      if (typeof split === 'string') { this.wholeReason = split; return; }
      use(split);
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
   * The reassociated per-click part (reassociateAttention.ts), once the split is ready: the
   * attentions rewritten, the most points a click may have to use it, and its largest
   * difference from the exact part on the probes (relative); undefined when clicks run exactly.
   */
  get reassociated(): { attentions: string[]; maxPoints: number; worstError: number } | undefined {
    const fast = this.split?.fast;
    return fast && { attentions: fast.attentions, maxPoints: fast.maxPoints, worstError: fast.worstError };
  }

  /** Why clicks run the exact per-click part (undefined when reassociated, or not settled). */
  get exactReason(): string | undefined { return this.split?.exactReason; }

  /**
   * `whole`: the decoder (already cut to the outputs fetched) opened as one session; `model` its
   * bytes. When `trySplit`, the split is made in the background (it takes longer than opening
   * the decoder: a first click does not wait for it) and replaces the whole decoder when it
   * splits cleanly and passes the check run; `ready` says when that is settled.
   */
  static open(ort: typeof Ort, whole: Ort.InferenceSession, model: Uint8Array | undefined, spec: DecoderSpec, create: Create, trySplit: boolean, reassociate = true): DecoderRunner {
    return new DecoderRunner(ort, spec, whole, trySplit && model ? (useExact) => openSplit(ort, model, spec, create, whole, reassociate, useExact) : undefined);
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
    const fast = this.split.fast;
    const points = prompt.point_coords?.dims[1];
    const suffix = fast && points !== undefined && points <= fast.maxPoints ? fast.suffix : this.split.suffix;
    return suffix.run(Object.fromEntries(suffix.inputNames.map((n) => [n, all[n]])), fetches);
  }

  async release(): Promise<void> {
    await this.ready;
    this.perImage.clear();
    await this.whole?.release();
    this.whole = undefined;
    await this.split?.prefix.release();
    await this.split?.suffix.release();
    await this.split?.fast?.suffix.release();
    this.split = undefined;
  }
}

async function openSplit(ort: typeof Ort, model: Uint8Array, spec: DecoderSpec, create: Create, whole: Ort.InferenceSession, reassociate: boolean, useExact: (split: Split) => void): Promise<Split | string> {
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
      if (!same) continue;
      const split: Split = { prefix, suffix, prefixNodes: plan.prefixNodes, deferredShuffles };
      if (!reassociate) split.exactReason = 'not tried';
      else {
        useExact(split);
        // Probes in two mask states: `varied` (a mask) and the same image without one.
        const noMask = { ...varied, mask_input: new ort.Tensor('float32', ZERO_MASK, [1, 1, SAM_LOW_RES_SIZE, SAM_LOW_RES_SIZE]), has_mask_input: new ort.Tensor('float32', Float32Array.of(0), [1]) };
        const fast = await prefix.run(pick(noMask, prefix))
          .then((out) => reassociated(ort, bytes, create, suffix, [prepared, { ...noMask, ...(out as Feeds) }], pick))
          .catch((e: Error) => `the reassociated part failed: ${e.message.split('\n')[0]}`);
        if (typeof fast === 'string') split.exactReason = fast;
        else split.fast = fast;
      }
      return split;
    }
    await prefix.release();
    return 'the split decoder\'s outputs differ from the whole decoder\'s on a check run';
  } catch (e) {
    await prefix.release();
    throw e;
  }
}

/**
 * Point prompts for the reassociation probes, in the 1024 frame (SAM's labels: 1 positive,
 * 0 negative, 2/3 box corners, -1 padding): a point, three points, a box, a box with a point,
 * and `maxPoints` points (the most the fast part is used for).
 */
function reassociationProbes(maxPoints: number): { coords: number[]; labels: number[] }[] {
  const many = Array.from({ length: maxPoints }, (_, i) => i);
  return [
    { coords: [400, 300, 0, 0], labels: [1, -1] },
    { coords: [120, 900, 700, 650, 512, 100, 0, 0], labels: [1, 0, 1, -1] },
    { coords: [200, 150, 800, 700], labels: [2, 3] },
    { coords: [500, 400, 200, 150, 800, 700], labels: [1, 2, 3] },
    { coords: many.flatMap((i) => [(97 + 211 * i) % 1024, (613 + 157 * i) % 1024]), labels: many.map((i) => (i % 3 === 2 ? 0 : 1)) },
  ];
}

/**
 * The exact per-click part (`bytes`, open as `exact`) reassociated, checked on probes in each
 * of the prepared mask `states`; a string says why it is not used.
 */
async function reassociated(
  ort: typeof Ort, bytes: Uint8Array, create: Create, exact: Ort.InferenceSession, states: Feeds[],
  pick: (feeds: Feeds, session: Ort.InferenceSession) => Feeds,
): Promise<NonNullable<Split['fast']> | string> {
  const rewrite = reassociateAttention(bytes);
  if (rewrite.rewritten.length === 0) return `no attention over the image tokens to reassociate${rewrite.refused.length ? ` (${rewrite.refused.join('; ')})` : ''}`;
  if (!exact.inputNames.includes('point_coords') || !exact.inputNames.includes('point_labels')) return 'no point_coords/point_labels inputs';
  const maxPoints = rewrite.headDim - 1 - SAM_OUTPUT_TOKENS;
  if (maxPoints < 1) return `the head width ${rewrite.headDim} leaves nothing to gain`;
  const fast = await create(rewrite.bytes);
  let worst = 0;
  try {
    for (const state of states) {
      for (const probe of reassociationProbes(maxPoints)) {
        const n = probe.labels.length;
        const feeds: Feeds = {
          ...state,
          point_coords: new ort.Tensor('float32', Float32Array.from(probe.coords), [1, n, 2]),
          point_labels: new ort.Tensor('float32', Float32Array.from(probe.labels), [1, n]),
        };
        const want = await exact.run(pick(feeds, exact));
        const got = await fast.run(pick(feeds, fast));
        for (const name of exact.outputNames) {
          const x = want[name].data as Float32Array, y = got[name]?.data as Float32Array | undefined;
          if (!y || y.length !== x.length) throw new Error(`the output ${name} has another size`);
          let scale = 0, diff = 0;
          for (let i = 0; i < x.length; i++) { scale = Math.max(scale, Math.abs(x[i])); diff = Math.max(diff, Math.abs(x[i] - y[i])); }
          // NaN compares false: a NaN anywhere fails the check.
          const relative = scale > 0 ? diff / scale : diff;
          if (!(relative <= REASSOCIATION_TOLERANCE)) {
            await fast.release();
            return `the reassociated part differs from the exact one by ${relative.toExponential(1)} of ${name}'s range on a probe (${n} points)`;
          }
          worst = Math.max(worst, relative);
        }
      }
    }
  } catch (e) {
    await fast.release();
    throw e;
  }
  return { suffix: fast, maxPoints, attentions: rewrite.rewritten, worstError: worst };
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
