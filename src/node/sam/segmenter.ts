/**
 * Image + prompt -> mask, for the viewer, the Segment Boxes command and the CLI: reads the image,
 * runs the encoder once per image (EmbeddingCache; the next image can be prefetched in the
 * background), runs the decoder per prompt, upscales only the chosen candidate, and turns the
 * mask into COCO fields.
 */
import * as fs from 'node:fs';
import {
  candidatePlane, lowResToImageMask, maskToCoco, SAM_LOW_RES_SIZE,
  type CocoMaskFields, type MaskFormat, type SamPrompt,
} from '../../core/sam';
import { EmbeddingCache, imageContentHash } from './embeddingCache';
import { readEncoderImage } from './imageInput';
import type { DecodeOptions, SamEmbedding, SamModel } from './samModel';

export interface SegmentResult {
  /** The chosen candidate's mask at the original size, row-major 0/1. */
  mask: Uint8Array;
  width: number;
  height: number;
  /** The candidate shown and the others, best first. */
  candidate: number;
  ranking: number[];
  /** Predicted IoU of the chosen candidate. */
  iou: number;
  /** 256² low-res logits of the chosen candidate (feed back as maskInput to refine). */
  lowRes: Float32Array;
  timings: { encodeMs?: number; decodeMs: number; postMs: number; cacheHit: boolean };
}

export interface SegmentOptions extends DecodeOptions {
  /** The candidate to return (default: the best ranked). */
  candidate?: number;
  /**
   * Prepare the decoder for a refinement click that feeds this result's low-res mask back
   * (SamModel.prepare). Default: when the prompt has points (the viewer's clicks); Segment
   * Boxes' box prompts are never refined.
   */
  prepareRefinement?: boolean;
}

export class SamSegmenter {
  private readonly inFlight = new Map<string, Promise<{ embedding: SamEmbedding; encodeMs?: number }>>();
  /** Encoder runs one at a time: a prefetch must not double the time of the image on screen. */
  private encoderQueue: Promise<unknown> = Promise.resolve();
  lastEncodeMs: number | undefined;
  lastDecodeMs: number | undefined;

  constructor(readonly model: SamModel, readonly cache = new EmbeddingCache()) {}

  /** The embedding of an image file (or its bytes), from the cache or the encoder. */
  async embed(image: string | Uint8Array): Promise<{ embedding: SamEmbedding; encodeMs?: number }> {
    const bytes = typeof image === 'string' ? await fs.promises.readFile(image) : image;
    const key = EmbeddingCache.key(imageContentHash(bytes), this.model.modelHash);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const work = (async () => {
      const cached = await this.cache.get(key);
      if (cached) return { embedding: cached };
      const run = this.encoderQueue.then(async () => {
        const input = await readEncoderImage(bytes, this.model.resizeMode);
        return this.model.encode(input);
      });
      this.encoderQueue = run.catch(() => undefined);
      const encoded = await run;
      const embedding: SamEmbedding = { frame: encoded.frame, tensors: encoded.tensors };
      await this.cache.set(key, embedding);
      this.lastEncodeMs = encoded.ms;
      return { embedding, encodeMs: encoded.ms };
    })();
    this.inFlight.set(key, work);
    try { return await work; } finally { this.inFlight.delete(key); }
  }

  /** Encode in the background (the viewer's next image); errors surface when it is used. */
  prefetch(image: string): void {
    this.embed(image).catch(() => undefined);
  }

  async segment(image: string | Uint8Array, prompt: SamPrompt, opts: SegmentOptions = {}): Promise<SegmentResult> {
    const { embedding, encodeMs } = await this.embed(image);
    return this.segmentEmbedding(embedding, prompt, opts, encodeMs);
  }

  async segmentEmbedding(embedding: SamEmbedding, prompt: SamPrompt, opts: SegmentOptions = {}, encodeMs?: number): Promise<SegmentResult> {
    const decoded = await this.model.decode(embedding, prompt, opts);
    this.lastDecodeMs = decoded.ms;
    const t0 = performance.now();
    const candidate = opts.candidate ?? decoded.ranking[0];
    const lowRes = candidatePlane(decoded.lowRes, candidate, SAM_LOW_RES_SIZE);
    const { frame } = embedding;
    const mask = lowResToImageMask(lowRes, SAM_LOW_RES_SIZE, frame);
    const chosen = Float32Array.from(lowRes);
    const postMs = performance.now() - t0;
    // The viewer feeds this candidate back with the next point: its per-image decoder part is
    // computed now, while the user decides, instead of on that click.
    if (opts.prepareRefinement ?? (prompt.points?.length ?? 0) > 0) this.model.prepare(embedding, chosen);
    return {
      mask, width: frame.width, height: frame.height, candidate, ranking: decoded.ranking, iou: decoded.iou[candidate],
      lowRes: chosen,
      timings: { encodeMs, decodeMs: decoded.ms, postMs, cacheHit: encodeMs === undefined },
    };
  }
}

/** The COCO fields of a result (undefined when the mask is empty). */
export function resultToCoco(r: SegmentResult, format: MaskFormat): CocoMaskFields | undefined {
  return maskToCoco(r.mask, r.height, r.width, format);
}
