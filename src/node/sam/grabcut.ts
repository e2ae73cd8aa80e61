/**
 * The fallback when no SAM model is set up: box (+ optional points) -> mask with OpenCV's
 * GrabCut (@techstark/opencv-js: OpenCV's own WebAssembly build, ~10 MB, loaded on first use,
 * external to every bundle). Classical colour-model segmentation: fine on objects that stand
 * out from their surroundings, weak on camouflage and thin parts. Everything that uses it says
 * "GrabCut fallback".
 *
 * Speed: GrabCut runs on the box plus a margin (the background colour model comes from the
 * surroundings, as a human would judge), scaled down so its longest side is at most
 * `maxSide`; the mask is scaled back with bilinear interpolation of the 0/1 labels.
 *
 * Quality: several runs (context sizes, with and without a light blur) and the mask whose extent
 * best fits the box wins; when none covers half the box's extent, the box itself is the answer.
 * Figures per object: test/unit/node/sam/grabcut.test.ts.
 */
import { fillHoles, keepLargestComponent, resizeBilinear } from '../../core/sam';

/** sharp loads on first use: the CLI and the extension start without its native module. */
const loadSharp = async (): Promise<typeof import('sharp').default> => (await import('sharp')).default;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Cv = any;

let loading: Promise<Cv> | undefined;

/** OpenCV.js, initialised once (the module is an emscripten Module that calls onRuntimeInitialized). */
export function loadOpenCv(): Promise<Cv> {
  loading ??= new Promise<Cv>((resolve, reject) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, so activation never pays for it
      const mod = require('@techstark/opencv-js');
      if (mod.Mat) { resolve(mod); return; }
      mod.onRuntimeInitialized = () => {
        // The Module is thenable; hand it over wrapped so `await` does not try to chain it.
        delete mod.then;
        resolve(mod);
      };
    } catch (e) {
      reject(e);
    }
  });
  return loading;
}

export const FALLBACK_NAME = 'GrabCut fallback (no SAM model)';

export interface GrabCutOptions {
  /** Longest side GrabCut works at (default 640). */
  maxSide?: number;
  /** GrabCut iterations (default 5). */
  iterations?: number;
  /**
   * Gaussian blur (odd kernel size, px at GrabCut's scale) of the crop before GrabCut; 0 or 1:
   * none (default DEFAULT_BLUR; the default variants run unblurred). Texture and JPEG noise
   * otherwise spread both colour models and set GrabCut's edge contrast from the texture.
   */
  blur?: number;
  /** Margin around the box, as a fraction of its larger side (default 0.25, at least 8 px). */
  margin?: number;
  /** Extra hints in image pixels: positive points are certainly object, negative certainly not. */
  points?: readonly { x: number; y: number; positive: boolean }[];
  /** Radius (px at GrabCut's scale) of the morphological opening then closing that smooths the mask; 0: none. */
  smooth?: number;
  /** Keep only the largest connected part and fill its holes (a box is one object); default true. */
  cleanup?: boolean;
  /**
   * Settings to try besides the base ones (default DEFAULT_VARIANTS; [] for one run); the mask
   * whose extent best fits the box wins: a box prompt is the object's extent, so a mask that
   * stops short of a side, or that is a fragment, shows without any ground truth.
   */
  variants?: readonly Omit<GrabCutOptions, 'variants'>[];
  /**
   * When the best mask's extent covers less than this fraction of the box (extentFit), GrabCut
   * has not found the object the box was drawn around (an empty mask, a fragment): the whole box
   * is returned instead. Default MIN_EXTENT_FIT; 0: never. Not applied when points are given
   * (a negative point must stay outside the mask).
   */
  minExtentFit?: number;
}

/** Kernel of the blurred run among the defaults (see GrabCutOptions.blur). */
export const DEFAULT_BLUR = 5;

/** See GrabCutOptions.minExtentFit: under half the box's extent, the mask is not the object. */
export const MIN_EXTENT_FIT = 0.5;

/**
 * GrabCut's answer depends on how much surrounding it sees (the margin sets what the background
 * colour model learns from) and on texture (blur). The base run (margin 0.25, blurred when no
 * options say otherwise, see GrabCutOptions.blur) plus these two unblurred context sizes, chosen by the extent fit, were
 * better than any one run, and than three blurred or three unblurred runs, on held-out labelme
 * photos (see test/unit/node/sam/grabcut.test.ts for the figures).
 */
export const DEFAULT_VARIANTS: readonly Omit<GrabCutOptions, 'variants'>[] = [{ margin: 0.1, blur: 0 }, { margin: 0.5, blur: 0 }];

/** [x0, y0, x1, y1) in image pixels. */
type PixelRect = readonly [number, number, number, number];

/** IoU of the mask's bounding box with the box [x0, x1) x [y0, y1); 0 for an empty mask. */
export function extentFit(mask: Uint8Array, width: number, box: PixelRect): number {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = box[1]; y < box[3]; y++) {
    for (let x = box[0]; x < box[2]; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return 0;
  const inter = (x1 + 1 - x0) * (y1 + 1 - y0); // the mask lies inside the box
  return inter / ((box[2] - box[0]) * (box[3] - box[1]));
}

export interface RgbPixels { data: Uint8Array; width: number; height: number }

/** Reads an image's stored pixel grid as RGB (no EXIF rotation, as COCO coordinates). */
export async function readRgb(file: string | Uint8Array): Promise<RgbPixels> {
  const { data, info } = await (await loadSharp())(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * The candidate whose extent best fits the box (the first of equals); the whole box when none
 * reaches `minFit` (see GrabCutOptions.minExtentFit). Masks are row-major 0/1 of `width`.
 */
export function chooseMask(candidates: readonly Uint8Array[], width: number, box: PixelRect, minFit: number): Uint8Array {
  let best = candidates[0];
  let bestFit = extentFit(best, width, box);
  for (const m of candidates.slice(1)) {
    const fit = extentFit(m, width, box);
    if (fit > bestFit) { best = m; bestFit = fit; }
  }
  if (bestFit >= minFit) return best;
  const whole = new Uint8Array(best.length);
  for (let y = box[1]; y < box[3]; y++) whole.fill(1, y * width + box[0], y * width + box[2]);
  return whole;
}

/** Row-major 0/1 mask of the image size: the object inside `box` ([x, y, w, h]) by GrabCut. */
export async function grabCutBox(img: RgbPixels, box: readonly number[], opts: GrabCutOptions = {}): Promise<Uint8Array> {
  const { variants = DEFAULT_VARIANTS, minExtentFit = MIN_EXTENT_FIT, ...base } = opts;
  const candidates = [await grabCutOnce(img, box, base)];
  for (const v of variants) candidates.push(await grabCutOnce(img, box, { ...base, ...v }));
  const rect: PixelRect = [
    Math.max(0, Math.floor(box[0])), Math.max(0, Math.floor(box[1])),
    Math.min(img.width, Math.ceil(box[0] + box[2])), Math.min(img.height, Math.ceil(box[1] + box[3])),
  ];
  if (rect[2] - rect[0] < 2 || rect[3] - rect[1] < 2) return candidates[0];
  return chooseMask(candidates, img.width, rect, opts.points?.length ? 0 : minExtentFit);
}

async function grabCutOnce(img: RgbPixels, box: readonly number[], opts: GrabCutOptions): Promise<Uint8Array> {
  const cv = await loadOpenCv();
  const { width: W, height: H } = img;
  const out = new Uint8Array(W * H);
  const bx0 = Math.max(0, Math.floor(box[0]));
  const by0 = Math.max(0, Math.floor(box[1]));
  const bx1 = Math.min(W, Math.ceil(box[0] + box[2]));
  const by1 = Math.min(H, Math.ceil(box[1] + box[3]));
  if (bx1 - bx0 < 2 || by1 - by0 < 2) return out;
  const m = Math.max(8, Math.round((opts.margin ?? 0.25) * Math.max(bx1 - bx0, by1 - by0)));
  const cx0 = Math.max(0, bx0 - m);
  const cy0 = Math.max(0, by0 - m);
  const cx1 = Math.min(W, bx1 + m);
  const cy1 = Math.min(H, by1 + m);
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  const scale = Math.min(1, (opts.maxSide ?? 640) / Math.max(cw, ch));
  const sw = Math.max(1, Math.round(cw * scale));
  const sh = Math.max(1, Math.round(ch * scale));

  const crop = await (await loadSharp())(img.data, { raw: { width: W, height: H, channels: 3 } })
    .extract({ left: cx0, top: cy0, width: cw, height: ch })
    .resize(sw, sh, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const src = cv.matFromArray(sh, sw, cv.CV_8UC3, crop);
  const mask = new cv.Mat();
  const bgd = new cv.Mat();
  const fgd = new cv.Mat();
  try {
    const rx = Math.max(0, Math.floor((bx0 - cx0) * scale));
    const ry = Math.max(0, Math.floor((by0 - cy0) * scale));
    const rect = new cv.Rect(rx, ry, Math.max(1, Math.min(sw - rx, Math.ceil((bx1 - bx0) * scale))), Math.max(1, Math.min(sh - ry, Math.ceil((by1 - by0) * scale))));
    const iterations = opts.iterations ?? 5;
    const blur = Math.round(opts.blur ?? DEFAULT_BLUR) | 1; // odd, as GaussianBlur demands; 1: none
    if (blur > 1) cv.GaussianBlur(src, src, new cv.Size(blur, blur), 0);
    // GrabCut's k-means starts from OpenCV's global random state: a fixed seed per call makes a
    // box's mask the same whatever was segmented before it.
    cv.setRNGSeed(0x1abe1);
    cv.grabCut(src, mask, rect, bgd, fgd, iterations, cv.GC_INIT_WITH_RECT);
    if (opts.points?.length) {
      const r = Math.max(2, Math.round(Math.min(sw, sh) / 40));
      for (const p of opts.points) {
        const px = Math.round((p.x - cx0) * scale);
        const py = Math.round((p.y - cy0) * scale);
        cv.circle(mask, new cv.Point(px, py), r, new cv.Scalar(p.positive ? cv.GC_FGD : cv.GC_BGD), -1);
      }
      // With no object pixel left (a negative point where GrabCut found nothing), OpenCV's
      // colour-model fit throws a bare number: nothing is object, and that is the answer.
      const after: Uint8Array = mask.data;
      if (after.some((l) => l === cv.GC_FGD || l === cv.GC_PR_FGD)) cv.grabCut(src, mask, rect, bgd, fgd, iterations, cv.GC_INIT_WITH_MASK);
    }
    const labels: Uint8Array = mask.data;
    let bin: Uint8Array = new Uint8Array(sw * sh);
    // Only inside the box: GrabCut never puts object outside the rectangle.
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        const l = labels[y * sw + x];
        bin[y * sw + x] = l === cv.GC_FGD || l === cv.GC_PR_FGD ? 1 : 0;
      }
    }
    const smooth = Math.round(opts.smooth ?? 0);
    if (smooth > 0) bin = morphOpenClose(cv, bin, sw, sh, smooth);
    if (opts.cleanup ?? true) bin = fillHoles(keepLargestComponent(bin, sw, sh), sw, sh);
    const fg = Float32Array.from(bin);
    const back = scale === 1 ? fg : resizeBilinear(fg, sh, sw, sw, ch, cw);
    for (let y = cy0; y < cy1; y++) {
      for (let x = cx0; x < cx1; x++) {
        // Only inside the box: GrabCut never puts object outside the rectangle.
        if (x < bx0 || x >= bx1 || y < by0 || y >= by1) continue;
        if (back[(y - cy0) * cw + (x - cx0)] > 0.5) out[y * W + x] = 1;
      }
    }
    return out;
  } finally {
    src.delete(); mask.delete(); bgd.delete(); fgd.delete();
  }
}

/** Opening then closing with an elliptical kernel of radius `r`: drops specks and thin bridges, closes notches. */
function morphOpenClose(cv: Cv, bin: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const m = cv.matFromArray(h, w, cv.CV_8UC1, bin);
  const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * r + 1, 2 * r + 1));
  try {
    cv.morphologyEx(m, m, cv.MORPH_OPEN, kernel);
    cv.morphologyEx(m, m, cv.MORPH_CLOSE, kernel);
    return Uint8Array.from(m.data as Uint8Array);
  } finally {
    m.delete(); kernel.delete();
  }
}

/**
 * Masks for several boxes of one image (Segment Boxes has every box of the image): each box by
 * grabCutBox, then a pixel claimed by more than one mask is kept by one only. Instance masks of
 * COCO do not overlap, and GrabCut's colour model happily takes the neighbour that stands in
 * front (the people on a sofa, the person beside a person).
 */
export async function grabCutBoxes(img: RgbPixels, boxes: readonly (readonly number[])[], opts: GrabCutOptions & { overlap?: 'smaller' | 'none' } = {}): Promise<Uint8Array[]> {
  const masks: Uint8Array[] = [];
  for (const b of boxes) masks.push(await grabCutBox(img, b, opts));
  if ((opts.overlap ?? 'smaller') === 'none' || boxes.length < 2) return masks;
  // The smaller box keeps a contested pixel: what overlaps a bigger object's box usually stands in
  // front of it (a person on a sofa, a bottle on a table). Ties: the earlier box.
  const order = boxes.map((b, k) => k).sort((a, b) => boxes[a][2] * boxes[a][3] - boxes[b][2] * boxes[b][3] || a - b);
  const taken = new Uint8Array(img.width * img.height);
  for (const k of order) {
    const m = masks[k];
    for (let p = 0; p < m.length; p++) {
      if (!m[p]) continue;
      if (taken[p]) m[p] = 0;
      else taken[p] = 1;
    }
  }
  return masks;
}
