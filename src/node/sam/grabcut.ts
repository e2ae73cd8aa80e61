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
 */
import { resizeBilinear } from '../../core/sam';

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
  /** Margin around the box, as a fraction of its larger side (default 0.25, at least 8 px). */
  margin?: number;
  /** Extra hints in image pixels: positive points are certainly object, negative certainly not. */
  points?: readonly { x: number; y: number; positive: boolean }[];
}

export interface RgbPixels { data: Uint8Array; width: number; height: number }

/** Reads an image's stored pixel grid as RGB (no EXIF rotation, as COCO coordinates). */
export async function readRgb(file: string | Uint8Array): Promise<RgbPixels> {
  const { data, info } = await (await loadSharp())(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Row-major 0/1 mask of the image size: the object inside `box` ([x, y, w, h]) by GrabCut. */
export async function grabCutBox(img: RgbPixels, box: readonly number[], opts: GrabCutOptions = {}): Promise<Uint8Array> {
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
    cv.grabCut(src, mask, rect, bgd, fgd, iterations, cv.GC_INIT_WITH_RECT);
    if (opts.points?.length) {
      const r = Math.max(2, Math.round(Math.min(sw, sh) / 40));
      for (const p of opts.points) {
        const px = Math.round((p.x - cx0) * scale);
        const py = Math.round((p.y - cy0) * scale);
        cv.circle(mask, new cv.Point(px, py), r, new cv.Scalar(p.positive ? cv.GC_FGD : cv.GC_BGD), -1);
      }
      cv.grabCut(src, mask, rect, bgd, fgd, iterations, cv.GC_INIT_WITH_MASK);
    }
    const labels: Uint8Array = mask.data;
    const fg = new Float32Array(sw * sh);
    for (let i = 0; i < fg.length; i++) fg[i] = labels[i] === cv.GC_FGD || labels[i] === cv.GC_PR_FGD ? 1 : 0;
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
