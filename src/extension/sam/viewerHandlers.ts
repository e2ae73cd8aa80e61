/**
 * The host side of the viewer's Segment tool (shared/samProtocol.ts): previews from SAM (or the
 * GrabCut fallback, box prompts), refinement with the last low-res mask, prefetching the next
 * image's embedding, and accepting the preview as a new annotation through the editor model
 * (`createAnnotation`, which the viewer session provides — see the issue-15 report for the hook).
 */
import type { Id } from '../../shared/protocol';
import type { SamHostMethods, SamPreview, SamWebviewNotifications } from '../../shared/samProtocol';
import { rleEncode, rleToBbox, countsArea } from '../../core/geometry/rle';
import { maskToCoco, type CocoMaskFields, type MaskFormat } from '../../core/sam';
import { grabCutBox, readRgb } from '../../node/sam';
import { UntrustedWorkspaceError, type SamService } from './samService';

/** What the viewer session knows: image files and how to add an annotation (one undoable edit). */
export interface SamViewerContext {
  /** The image file of an image index, or undefined when it is not found. */
  imagePath(imageIndex: number): string | undefined;
  createAnnotation(imageIndex: number, categoryId: Id, fields: CocoMaskFields): Promise<{ ok: boolean; message?: string; annotationId?: Id; annotationIndex?: number }>;
}

/** The slice of RpcChannel this needs (any channel that carries the sam* methods). */
export interface SamChannel {
  handle(method: string, fn: (params: never) => unknown): void;
  on(method: string, fn: (params: never) => void): { dispose(): void };
}

type Result<K extends keyof SamHostMethods> = Promise<SamHostMethods[K]['result']>;

export function registerSamHandlers(channel: SamChannel, service: SamService, ctx: SamViewerContext): { dispose(): void } {
  let last: { imageIndex: number; mask: Uint8Array; width: number; height: number; lowRes?: Float32Array } | undefined;

  const failure = (e: unknown) => ({ ok: false as const, message: e instanceof UntrustedWorkspaceError ? e.message : `Segment: ${(e as Error).message}` });

  channel.handle('samStatus', (async (): Result<'samStatus'> => {
    try {
      const files = service.modelFiles();
      const { masker } = await service.masker();
      return { enabled: true, fallback: masker.fallback || !files, label: masker.label };
    } catch (e) {
      return { enabled: false, fallback: false, label: '', message: (e as Error).message };
    }
  }) as (p: never) => unknown);

  channel.handle('samSegment', (async (p: SamHostMethods['samSegment']['params']): Result<'samSegment'> => {
    const file = ctx.imagePath(p.imageIndex);
    if (!file) return { ok: false, message: 'Segment: the image file was not found.' };
    try {
      const { masker, segmenter } = await service.masker();
      let mask: Uint8Array;
      let width: number;
      let height: number;
      let extra: Pick<SamPreview, 'candidate' | 'ranking' | 'iou' | 'encodeMs' | 'decodeMs'>;
      if (segmenter) {
        const refineFrom = p.refine && last?.imageIndex === p.imageIndex ? last.lowRes : undefined;
        const r = await segmenter.segment(file, { points: p.points, box: p.box }, { maskInput: refineFrom, candidate: p.candidate });
        service.update();
        ({ mask, width, height } = r);
        last = { imageIndex: p.imageIndex, mask, width, height, lowRes: r.lowRes };
        const iou = Array.from({ length: r.ranking.length }, (_, i) => (i === r.candidate ? r.iou : NaN));
        extra = { candidate: r.candidate, ranking: r.ranking, iou, encodeMs: r.timings.encodeMs, decodeMs: r.timings.decodeMs };
      } else {
        if (!p.box) return { ok: false, message: 'Segment (GrabCut fallback, no SAM model): drag a box around the object first; points then refine it.' };
        const img = await readRgb(file);
        mask = await grabCutBox(img, p.box, { points: p.points });
        ({ width, height } = img);
        last = { imageIndex: p.imageIndex, mask, width, height };
        extra = { candidate: 0, ranking: [0], iou: [NaN] };
      }
      const rle = rleEncode(mask, height, width);
      const counts = rle.counts as number[];
      const preview: SamPreview = {
        width, height, counts: Uint32Array.from(counts), bbox: rleToBbox(rle), area: countsArea(counts),
        fallback: masker.fallback, label: masker.label, ...extra,
      };
      return { ok: true, preview };
    } catch (e) {
      return failure(e);
    }
  }) as (p: never) => unknown);

  channel.handle('samAccept', (async (p: { imageIndex: number; categoryId: Id; format: MaskFormat }): Result<'samAccept'> => {
    if (!last || last.imageIndex !== p.imageIndex) return { ok: false, message: 'Segment: nothing to add yet — click the object first.' };
    const fields = maskToCoco(last.mask, last.height, last.width, p.format);
    if (!fields) return { ok: false, message: 'Segment: the mask is empty.' };
    const r = await ctx.createAnnotation(p.imageIndex, p.categoryId, fields);
    if (r.ok) last = undefined;
    return r;
  }) as (p: never) => unknown);

  const subs = [
    channel.on('samPrefetch', ((p: SamWebviewNotifications['samPrefetch']) => {
      const file = ctx.imagePath(p.imageIndex);
      if (!file || service.modelFiles() === undefined) return;
      void service.masker().then(({ segmenter }) => segmenter?.prefetch(file)).catch(() => undefined);
    }) as (p: never) => void),
    channel.on('samReset', ((p: SamWebviewNotifications['samReset']) => { if (last?.imageIndex === p.imageIndex) last = undefined; }) as (p: never) => void),
  ];
  return { dispose: () => { for (const s of subs) s.dispose(); last = undefined; } };
}
