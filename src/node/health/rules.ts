/**
 * The image-health checks as Rules (same shape, ids, severities, config and fixes as
 * src/core/rules), built over probe results that only Node can produce: they are run with
 * checkDocument(doc, { rules: imageHealthRules(facts) }) so `.labelscope.json` severities and
 * options apply to them like to any rule.
 */
import { isJsonObject, type CocoDocument, type JsonObject, type Located } from '../../core/coco/document';
import { placeIn } from '../../core/check';
import { replaceRange } from '../../core/edits/jsonEdits';
import type { Problem } from '../../core/problems';
import { idOf } from '../../core/ruleKit/schema';
import type { Rule, RuleContext } from '../../core/ruleKit/types';
import type { ImageProbe } from './probe';
import { HEALTH_THRESHOLDS } from './scores';

/** What the checks know about each image entry (by its index in "images"). */
export interface ImageFacts {
  /** Probe per image index (absent: file missing, not checked or refused). */
  readonly probes: ReadonlyMap<number, ImageProbe>;
  /** Images whose file_name leaves the dataset's folders: index → reason. */
  readonly escaping: ReadonlyMap<number, string>;
  /** Most probed images are colour (a greyscale one is then odd). */
  readonly colourDataset: boolean;
}

const fileOf = (v: JsonObject) => JSON.stringify(v.file_name);

function forEachProbe(ctx: RuleContext, facts: ImageFacts, fn: (entry: Located, img: JsonObject, probe: ImageProbe) => void): void {
  for (const [index, probe] of facts.probes) {
    const entry = ctx.doc.imageEntries[index];
    if (entry && isJsonObject(entry.value)) fn(entry, entry.value, probe);
  }
}

function scoreRule(id: string, key: 'dark' | 'light' | 'lowInformation' | 'blurry', what: string, description: string, why: string, facts: ImageFacts, detail: (p: ImageProbe) => string): Rule {
  return {
    id, defaultSeverity: 'info', description, why,
    defaultOptions: { threshold: HEALTH_THRESHOLDS[key] },
    check(ctx) {
      const threshold = typeof ctx.options.threshold === 'number' ? ctx.options.threshold : HEALTH_THRESHOLDS[key];
      forEachProbe(ctx, facts, (entry, img, p) => {
        const score = p.scores?.[key];
        if (score === undefined || !(score < threshold)) return;
        ctx.report({ message: `Image ${fileOf(img)} looks ${what}: score ${score.toFixed(3)} < ${threshold} (${detail(p)}).`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(img.id), data: { score } });
      });
    },
  };
}

export function imageHealthRules(facts: ImageFacts): Rule[] {
  return [
    {
      id: 'coco/image-path-escapes', defaultSeverity: 'error',
      description: 'An image\'s file_name is absolute or climbs out of the dataset\'s folders with "..": it is not opened.',
      why: 'A dataset that reaches outside its folder breaks when moved, and a crafted file_name could make tools read any file on the machine.',
      example: { bad: '"file_name": "../../../etc/passwd"', good: '"file_name": "train/000042.jpg"' },
      check(ctx) {
        for (const [index, reason] of facts.escaping) {
          const entry = ctx.doc.imageEntries[index];
          if (!entry || !isJsonObject(entry.value)) continue;
          ctx.report({ message: `Image file_name ${fileOf(entry.value)} ${reason}; it was not opened.`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(entry.value.id) });
        }
      },
    },
    {
      id: 'coco/image-unreadable', defaultSeverity: 'error',
      description: 'The image file exists but its pixels cannot be decoded (truncated, corrupt, not an image).',
      why: 'PIL and OpenCV raise or return None mid-epoch (OSError: image file is truncated); a partly written JPEG trains on grey pixels when ImageFile.LOAD_TRUNCATED_IMAGES is set.',
      check(ctx) {
        forEachProbe(ctx, facts, (entry, img, p) => {
          if (p.status !== 'unreadable') return;
          ctx.report({ message: `Image ${fileOf(img)} cannot be decoded: ${p.error ?? 'unknown error'}.`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(img.id) });
        });
      },
    },
    {
      id: 'coco/image-too-large', defaultSeverity: 'error',
      description: 'The image declares more pixels than the limit (a decompression bomb or an absurd size); it is refused, not decoded.',
      why: 'Decoding a 50,000 × 50,000 image needs 7.5 GB; PIL raises DecompressionBombError above 179 Mpx, and a data loader worker is killed for memory.',
      check(ctx) {
        forEachProbe(ctx, facts, (entry, img, p) => {
          if (p.status !== 'too-large') return;
          ctx.report({ message: `Image ${fileOf(img)} refused: ${p.error}.`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(img.id) });
        });
      },
    },
    {
      id: 'coco/image-size-mismatch', defaultSeverity: 'error',
      description: 'The declared width/height differ from the image file\'s size (EXIF orientation taken into account).',
      why: 'Boxes and masks are checked, clipped and rasterized against the declared size: pycocotools\' annToRLE makes masks of the wrong shape, and out-of-image checks pass or fail wrongly.',
      example: { bad: '"width": 640, "height": 480  (the file is 800 × 600)', good: '"width": 800, "height": 600' },
      check(ctx) {
        forEachProbe(ctx, facts, (entry, img, p) => {
          if (p.status !== 'ok' || !p.displayWidth || !p.displayHeight) return;
          const w = img.width, h = img.height;
          const matchesDisplay = w === p.displayWidth && h === p.displayHeight;
          const matchesStored = w === p.width && h === p.height;
          if (matchesDisplay || matchesStored) return;
          const exif = p.displayWidth !== p.width ? ` (stored ${p.width} × ${p.height}, EXIF orientation ${p.orientation} shows it as ${p.displayWidth} × ${p.displayHeight})` : '';
          ctx.report({
            message: `Image ${fileOf(img)}: declared ${JSON.stringify(w)} × ${JSON.stringify(h)}, but the file is ${p.displayWidth} × ${p.displayHeight}${exif}.`,
            at: ctx.place('images', entry, 'width' in img ? ['width'] : []),
            imageId: idOf(img.id),
            data: { width: p.displayWidth, height: p.displayHeight },
          });
        });
      },
      fix: (doc, problem) => fixSize(doc, problem),
    },
    {
      id: 'coco/image-exif-orientation', defaultSeverity: 'warning',
      description: 'The image file carries an EXIF orientation that swaps or turns its pixels: loaders that apply it and loaders that ignore it see different images.',
      why: 'PIL\'s Image.open ignores EXIF orientation while OpenCV\'s imread, detectron2 and Ultralytics apply it, so the same boxes land on a rotated image in one of them (the classic "my boxes are rotated" bug).',
      check(ctx) {
        forEachProbe(ctx, facts, (entry, img, p) => {
          const o = p.orientation;
          if (p.status !== 'ok' || o === undefined || o === 1 || !(o >= 2 && o <= 8)) return;
          const swaps = o >= 5;
          const declared = `${JSON.stringify(img.width)} × ${JSON.stringify(img.height)}`;
          const which = swaps && img.width === p.width && img.height === p.height && p.width !== p.height
            ? `declared ${declared} matches the stored pixels, so loaders that apply EXIF (OpenCV, detectron2, Ultralytics) see a ${p.displayWidth} × ${p.displayHeight} image and the boxes land rotated`
            : swaps && img.width === p.displayWidth && img.height === p.displayHeight && p.width !== p.height
              ? `declared ${declared} matches the rotated view, so loaders that ignore EXIF (PIL's Image.open) see a ${p.width} × ${p.height} image and the boxes land rotated`
              : 'loaders that ignore EXIF (PIL\'s Image.open) and loaders that apply it (OpenCV) see the pixels differently';
          ctx.report({ message: `Image ${fileOf(img)} has EXIF orientation ${o}: ${which}. Bake the rotation into the pixels and drop the tag.`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(img.id), data: { orientation: o } });
        });
      },
    },
    {
      id: 'coco/image-color-mode', defaultSeverity: 'warning',
      description: 'The image is CMYK, 16-bit, palette-based, has an alpha channel, or is greyscale in a colour dataset.',
      why: 'Training code expects 8-bit RGB: PIL\'s convert("RGB") of CMYK inverts colours in some JPEGs, cv2.imread drops 16-bit to 8 bits only with IMREAD_ANYDEPTH unset, palette and alpha images give 1 or 4 channels where the model wants 3, and a greyscale image fails a (3, H, W) normalization.',
      check(ctx) {
        forEachProbe(ctx, facts, (entry, img, p) => {
          if (p.status !== 'ok') return;
          const modes: string[] = [];
          if (p.space === 'cmyk') modes.push('CMYK');
          if (p.depth && p.depth !== 'uchar' && p.depth !== 'char') modes.push(p.depth === 'ushort' ? '16 bits per channel' : `${p.depth} samples`);
          if (p.isPalette) modes.push('palette (indexed colour)');
          if (p.hasAlpha) modes.push('an alpha channel');
          if (facts.colourDataset && (p.space === 'b-w' || p.space === 'grey16' || (p.channels !== undefined && p.channels <= 2 && !p.isPalette))) modes.push('greyscale in a colour dataset');
          if (modes.length === 0) return;
          ctx.report({ message: `Image ${fileOf(img)} is not plain 8-bit RGB: ${modes.join(', ')}${p.format ? ` (${p.format})` : ''}; convert it to 8-bit RGB.`, at: ctx.place('images', entry, ['file_name']), imageId: idOf(img.id), data: { modes } });
        });
      },
    },
    scoreRule('coco/image-dark', 'dark', 'too dark', 'The image is very dark: the 99th percentile of its pixel brightness is below 0.32 (cleanvision\'s "dark").',
      'Under-exposed images carry little signal and are often camera faults or blank frames.', facts, (p) => `99th percentile brightness ${(p.scores!.brightnessP99).toFixed(3)}`),
    scoreRule('coco/image-light', 'light', 'too bright', 'The image is very bright: the 5th percentile of its pixel brightness is above 0.95 (cleanvision\'s "light").',
      'Over-exposed images carry little signal and are often blank or washed-out frames.', facts, (p) => `5th percentile brightness ${(p.scores!.brightnessP5).toFixed(3)}`),
    scoreRule('coco/image-low-information', 'lowInformation', 'nearly empty', 'The image carries very little information: 0.1 × the entropy of its channel histograms is below 0.3 (cleanvision\'s "low_information").',
      'Flat images (blank frames, placeholders, solid colours) teach nothing and are often export errors.', facts, (p) => `entropy ${(p.scores!.entropy).toFixed(2)} bits`),
    scoreRule('coco/image-blurry', 'blurry', 'blurry', 'The image is blurry: 1 − e^(−0.01 s), s the spread of its edges at ≤ 64 px, is below 0.29 (cleanvision\'s "blurry").',
      'Motion blur and out-of-focus frames are hard examples at best and label noise at worst.', facts, (p) => `edge spread ${(p.scores!.edgeStd).toFixed(1)}`),
  ];
}

/** Set width and height to the file's size (both must be present: coco/missing-field covers the rest). */
function fixSize(doc: CocoDocument, problem: Problem) {
  const d = problem.data as { width?: number; height?: number } | undefined;
  if (!d?.width || !d.height) return undefined;
  const m = /^\$\.images\[(\d+)\]/.exec(problem.jsonPath);
  const entry = m ? doc.imageEntries[Number(m[1])] : undefined;
  if (!entry || !isJsonObject(entry.value)) return undefined;
  if (!('width' in entry.value) || !('height' in entry.value)) return undefined;
  const edits = [
    replaceRange(placeIn(doc, 'images', entry, ['width']), String(d.width)),
    replaceRange(placeIn(doc, 'images', entry, ['height']), String(d.height)),
  ];
  return { title: `Set width/height to the file's ${d.width} × ${d.height}`, edits };
}

/** Rule ids of the image-health checks, for docs and settings. */
export const IMAGE_HEALTH_RULE_IDS = imageHealthRules({ probes: new Map(), escaping: new Map(), colourDataset: true }).map((r) => r.id);
