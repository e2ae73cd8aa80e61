/**
 * Drawing the Segment tool's overlay on the viewer's canvas: the preview mask (decoded from
 * RLE counts into an offscreen canvas once per preview, then drawn with the view transform),
 * the prompt points (positive: filled, negative: hollow with a bar) and the box. Colours come
 * from VS Code's theme variables.
 */
import type { SamPreview } from '../../../src/shared/samProtocol';
import type { SegmentTool } from './segmentTool';

/** Row-major RGBA of the mask (alpha 0 outside), from column-major RLE counts. */
export function maskRgba(p: SamPreview, rgb: [number, number, number], alpha = 110): Uint8ClampedArray<ArrayBuffer> {
  const { width: w, height: h } = p;
  const out = new Uint8ClampedArray(new ArrayBuffer(w * h * 4));
  let pos = 0;
  for (let j = 0; j < p.counts.length; j++) {
    const end = Math.min(w * h, pos + p.counts[j]);
    if (j & 1) {
      for (let q = pos; q < end; q++) {
        const y = q % h;
        const x = (q - y) / h;
        const o = (y * w + x) * 4;
        out[o] = rgb[0]; out[o + 1] = rgb[1]; out[o + 2] = rgb[2]; out[o + 3] = alpha;
      }
    }
    pos = end;
  }
  return out;
}

/** `#rrggbb` (or `rgb(r, g, b)`) of a CSS variable, with a fallback. */
export function themeRgb(style: CSSStyleDeclaration | undefined, variable: string, fallback: [number, number, number]): [number, number, number] {
  const v = style?.getPropertyValue(variable).trim() ?? '';
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(v);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(v);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : fallback;
}

const cache = new WeakMap<SamPreview, CanvasImageSource>();

/**
 * Draws the overlay. `ctx` already has the view transform (image pixels -> screen);
 * `pxPerImage` is screen pixels per image pixel (to keep handles a constant size).
 */
export function drawSegment(ctx: CanvasRenderingContext2D, tool: SegmentTool, pxPerImage: number, style?: CSSStyleDeclaration): void {
  const fg = themeRgb(style, '--vscode-charts-blue', [55, 148, 255]);
  const p = tool.preview;
  if (p && p.counts.length) {
    let img = cache.get(p);
    if (!img) {
      const canvas = new OffscreenCanvas(p.width, p.height);
      canvas.getContext('2d')!.putImageData(new ImageData(maskRgba(p, fg), p.width, p.height), 0, 0);
      img = canvas;
      cache.set(p, img);
    }
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, 0, 0);
    ctx.restore();
  }
  const r = 5 / pxPerImage;
  ctx.save();
  ctx.lineWidth = 1.5 / pxPerImage;
  const box = tool.drag ? [Math.min(tool.drag.x0, tool.drag.x1), Math.min(tool.drag.y0, tool.drag.y1), Math.abs(tool.drag.x1 - tool.drag.x0), Math.abs(tool.drag.y1 - tool.drag.y0)] : tool.box;
  if (box) {
    ctx.setLineDash([6 / pxPerImage, 4 / pxPerImage]);
    ctx.strokeStyle = `rgb(${fg.join(',')})`;
    ctx.strokeRect(box[0], box[1], box[2], box[3]);
    ctx.setLineDash([]);
  }
  const pos = themeRgb(style, '--vscode-charts-green', [56, 161, 105]);
  const neg = themeRgb(style, '--vscode-charts-red', [229, 62, 62]);
  for (const pt of tool.points) {
    ctx.beginPath();
    ctx.arc(pt.x, pt.y, r, 0, Math.PI * 2);
    ctx.fillStyle = `rgb(${(pt.positive ? pos : neg).join(',')})`;
    ctx.strokeStyle = 'white';
    if (pt.positive) ctx.fill();
    ctx.stroke();
    if (!pt.positive) {
      ctx.beginPath();
      ctx.moveTo(pt.x - r * 0.6, pt.y);
      ctx.lineTo(pt.x + r * 0.6, pt.y);
      ctx.strokeStyle = `rgb(${neg.join(',')})`;
      ctx.stroke();
    }
  }
  ctx.restore();
}
