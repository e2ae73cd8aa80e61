/**
 * Segment Boxes: every box-only annotation (a usable `bbox`, no mask yet, not a crowd region)
 * gets a mask from its box prompt, as minimal byte edits: `segmentation` replaced or added,
 * `area` set to the mask's pycocotools area. The box itself is kept (it is the labeller's
 * ground truth and the prompt). Work goes image by image, so each image is encoded once.
 * Shared by the CLI (`labelscope segment`) and the extension (`Labelscope: Segment Boxes…`).
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../../core/coco/document';
import { isJsonObject } from '../../core/coco/document';
import { locate } from '../../core/coco/locate';
import { formatNumber, insertProperty, replaceRange } from '../../core/edits/jsonEdits';
import { isFiniteBbox } from '../../core/geometry/bbox';
import type { ByteEdit } from '../../core/problems';
import { setAreaEdit } from '../../core/ruleKit/segmentationShared';
import { maskToCoco, type CocoMaskFields, type MaskFormat } from '../../core/sam';
import { FALLBACK_NAME, grabCutBox, grabCutBoxes, readRgb, type RgbPixels } from './grabcut';
import type { SamSegmenter } from './segmenter';

/** Something that turns a box on an image file into a mask (SAM, or the GrabCut fallback). */
export interface BoxMasker {
  /** Shown in progress and summaries ("MobileSAM … on CPU", "GrabCut fallback (no SAM model)"). */
  label: string;
  fallback: boolean;
  mask(imagePath: string, box: readonly number[]): Promise<{ mask: Uint8Array; width: number; height: number; iou?: number }>;
  /** Called with every box of an image before its boxes are asked for one by one (maskers that segment them jointly). */
  beginImage?(imagePath: string, boxes: readonly (readonly number[])[]): Promise<void>;
}

export function samBoxMasker(segmenter: SamSegmenter, label: string): BoxMasker {
  return {
    label,
    fallback: false,
    async mask(imagePath, box) {
      const r = await segmenter.segment(imagePath, { box });
      return { mask: r.mask, width: r.width, height: r.height, iou: r.iou };
    },
  };
}

/**
 * GrabCut on every box of an image together (grabCutBoxes): where two masks claim a pixel, the
 * smaller box keeps it, so the people on a sofa are not part of the sofa. Measured on labelme's
 * photographs (test/unit/node/sam/grabcut.test.ts): the sofa 0.30 → 0.63 IoU.
 */
export function grabCutBoxMasker(): BoxMasker {
  let last: { path: string; img: RgbPixels } | undefined; // work goes image by image
  let joint: { path: string; masks: Map<string, Uint8Array> } | undefined;
  const image = async (imagePath: string) => {
    if (last?.path !== imagePath) last = { path: imagePath, img: await readRgb(imagePath) };
    return last.img;
  };
  return {
    label: FALLBACK_NAME,
    fallback: true,
    async beginImage(imagePath, boxes) {
      const img = await image(imagePath);
      const masks = await grabCutBoxes(img, boxes, { overlap: 'smaller' });
      joint = { path: imagePath, masks: new Map(boxes.map((b, k) => [JSON.stringify(b), masks[k]])) };
    },
    async mask(imagePath, box) {
      const img = await image(imagePath);
      const done = joint?.path === imagePath ? joint.masks.get(JSON.stringify(box)) : undefined;
      return { mask: done ?? await grabCutBox(img, box), width: img.width, height: img.height };
    },
  };
}

export interface SegmentBoxesOptions {
  format: MaskFormat;
  /** Annotations whose predicted IoU is below this are listed for review (still written). */
  minIou?: number;
  /** Only these annotation ids (the viewer's current filter); default all. */
  annotationIds?: ReadonlySet<IdKey>;
  /** Absolute path of an image's file_name, or undefined (with the paths tried) when absent. */
  resolveImage(fileName: string): string | undefined;
  candidates?(fileName: string): string[];
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface SegmentedAnnotation { id: IdKey; imageId: IdKey; iou?: number; area: number }
export interface SkippedAnnotation { id: IdKey; imageId?: IdKey; reason: string }

export interface SegmentBoxesOutcome {
  masker: string;
  fallback: boolean;
  /** Box-only annotations considered. */
  total: number;
  done: SegmentedAnnotation[];
  skipped: SkippedAnnotation[];
  /** Written, but predicted IoU < minIou: for review. */
  lowIou: SegmentedAnnotation[];
  edits: ByteEdit[];
  cancelled: boolean;
}

/** An annotation with a usable box and no mask yet (missing, null or [] segmentation), not a crowd. */
export function isBoxOnly(ann: unknown): ann is JsonObject & { bbox: number[] } {
  if (!isJsonObject(ann) || !isFiniteBbox(ann.bbox) || !(ann.bbox[2] > 0 && ann.bbox[3] > 0)) return false;
  if (ann.iscrowd === 1 || ann.iscrowd === true) return false;
  const seg = ann.segmentation;
  return seg === undefined || seg === null || (Array.isArray(seg) && (seg.length === 0 || seg.every((p) => Array.isArray(p) && p.length === 0)));
}

export function segmentationText(fields: CocoMaskFields): string {
  const seg = fields.segmentation;
  if (Array.isArray(seg)) return `[${seg.map((p) => `[${p.map(formatNumber).join(', ')}]`).join(', ')}]`;
  return JSON.stringify(seg);
}

/** The edits that write `fields` into one annotation element. */
export function maskEdits(doc: CocoDocument, entry: Located, fields: CocoMaskFields): ByteEdit[] {
  const ann = entry.value as JsonObject;
  const text = segmentationText(fields);
  const edits: ByteEdit[] = [];
  const range = 'segmentation' in ann ? locate(doc, entry, ['segmentation']) : undefined;
  edits.push(range ? replaceRange(range, text) : insertProperty(doc, entry, 'segmentation', text));
  const area = setAreaEdit(doc, entry, fields.area);
  if (area) edits.push(area);
  return edits;
}

export async function segmentBoxes(doc: CocoDocument, masker: BoxMasker, opts: SegmentBoxesOptions): Promise<SegmentBoxesOutcome> {
  const out: SegmentBoxesOutcome = { masker: masker.label, fallback: masker.fallback, total: 0, done: [], skipped: [], lowIou: [], edits: [], cancelled: false };
  const byImage = new Map<IdKey, Located[]>();
  const orphans: Located[] = [];
  for (const entry of doc.annotationEntries) {
    const ann = entry.value;
    if (!isBoxOnly(ann)) continue;
    const id = ann.id as IdKey;
    if (opts.annotationIds && !opts.annotationIds.has(id)) continue;
    out.total++;
    const imageId = ann.image_id as IdKey;
    if (typeof imageId !== 'number' && typeof imageId !== 'string') { orphans.push(entry); continue; }
    const list = byImage.get(imageId) ?? [];
    list.push(entry);
    byImage.set(imageId, list);
  }
  for (const entry of orphans) out.skipped.push({ id: (entry.value as JsonObject).id as IdKey, reason: 'it has no usable image_id' });
  let finished = orphans.length;
  opts.onProgress?.(finished, out.total);
  for (const [imageId, entries] of byImage) {
    if (opts.signal?.aborted) { out.cancelled = true; break; }
    const skipAll = (reason: string) => {
      for (const e of entries) out.skipped.push({ id: (e.value as JsonObject).id as IdKey, imageId, reason });
      finished += entries.length;
      opts.onProgress?.(finished, out.total);
    };
    const image = doc.imageById(imageId);
    const fileName = image?.file_name;
    if (!image || typeof fileName !== 'string') { skipAll(image ? 'its image has no file_name' : `image ${JSON.stringify(imageId)} is not in the file`); continue; }
    const file = opts.resolveImage(fileName);
    if (!file) { skipAll(`image file ${fileName} not found${opts.candidates ? ` (tried ${opts.candidates(fileName).join(', ')})` : ''}`); continue; }
    if (masker.beginImage) {
      try {
        await masker.beginImage(file, entries.map((e) => (e.value as JsonObject & { bbox: number[] }).bbox));
      } catch {
        // each box is then tried alone, and its own error is reported
      }
    }
    for (const entry of entries) {
      if (opts.signal?.aborted) { out.cancelled = true; break; }
      const ann = entry.value as JsonObject & { bbox: number[] };
      const id = ann.id as IdKey;
      try {
        const r = await masker.mask(file, ann.bbox);
        if ((typeof image.width === 'number' && image.width !== r.width) || (typeof image.height === 'number' && image.height !== r.height)) {
          out.skipped.push({ id, imageId, reason: `${fileName} is ${r.width} x ${r.height} on disk but the COCO file says ${image.width} x ${image.height}` });
        } else {
          const fields = maskToCoco(r.mask, r.height, r.width, opts.format);
          if (!fields) out.skipped.push({ id, imageId, reason: 'the mask came out empty' });
          else {
            out.edits.push(...maskEdits(doc, entry, fields));
            const seg: SegmentedAnnotation = { id, imageId, area: fields.area, ...(r.iou !== undefined ? { iou: r.iou } : {}) };
            out.done.push(seg);
            if (opts.minIou !== undefined && r.iou !== undefined && r.iou < opts.minIou) out.lowIou.push(seg);
          }
        }
      } catch (e) {
        out.skipped.push({ id, imageId, reason: `${fileName}: ${(e as Error).message}` });
      }
      opts.onProgress?.(++finished, out.total);
    }
  }
  return out;
}

/** A few lines for people: counts, the low-IoU list, the reasons things were skipped. */
export function summaryLines(o: SegmentBoxesOutcome, minIou?: number, max = 20): string[] {
  const lines = [`${o.cancelled ? 'Cancelled: ' : ''}segmented ${o.done.length} of ${o.total} box-only annotation${o.total === 1 ? '' : 's'} with ${o.masker}; skipped ${o.skipped.length}.`];
  if (o.lowIou.length) {
    lines.push(`Low predicted IoU (< ${minIou}), review these: ${o.lowIou.slice(0, max).map((a) => `annotation ${a.id} (${a.iou!.toFixed(2)})`).join(', ')}${o.lowIou.length > max ? ` and ${o.lowIou.length - max} more` : ''}.`);
  }
  for (const s of o.skipped.slice(0, max)) lines.push(`Skipped annotation ${JSON.stringify(s.id)}: ${s.reason}.`);
  if (o.skipped.length > max) lines.push(`… and ${o.skipped.length - max} more skipped.`);
  return lines;
}
