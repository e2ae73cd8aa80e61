/**
 * The evaluation overlay (issue 12): after "Evaluate Predictions…" on this file, each image's
 * matched detections (TP), unmatched detections (FP) and missed labels (FN) as boxes on the UI
 * layer, in the theme's test colours (passed / failed / warning), FN dashed, with a legend.
 * Pure drawing on a context already transformed to image pixels, plus the legend element.
 */
import type { HostNotifications } from '../../src/shared/protocol';

export type EvalOverlayItems = HostNotifications['evalOverlay']['items'];
export interface EvalOverlayColors { tp: string; fp: string; fn: string }

export function evalOverlayColors(style: CSSStyleDeclaration = getComputedStyle(document.body)): EvalOverlayColors {
  const v = (n: string, f: string) => style.getPropertyValue(n).trim() || f;
  return {
    tp: v('--vscode-testing-iconPassed', '#73c991'),
    fp: v('--vscode-testing-iconFailed', '#f14c4c'),
    fn: v('--vscode-editorWarning-foreground', '#cca700'),
  };
}

/** `pixel`: one screen pixel in image units (1 / zoom), so lines stay 2 px wide at any zoom. */
export function drawEvalOverlay(ctx: CanvasRenderingContext2D, items: EvalOverlayItems, pixel: number, colors: EvalOverlayColors): void {
  ctx.save();
  ctx.lineWidth = 2 * pixel;
  // FN first: a detection drawn over its missed label stays readable.
  for (const kind of ['fn', 'fp', 'tp'] as const) {
    ctx.strokeStyle = colors[kind];
    ctx.setLineDash(kind === 'fn' ? [6 * pixel, 4 * pixel] : []);
    for (const it of items) {
      if (it.kind !== kind) continue;
      const [x, y, w, h] = it.bbox;
      ctx.strokeRect(x, y, w, h);
    }
  }
  ctx.restore();
}

/** The legend: the three colours with this image's counts ("TP 3 · FP 1 · FN 2 at IoU 0.50"). */
export function renderEvalLegend(legend: HTMLElement, items: EvalOverlayItems, iou: number, colors: EvalOverlayColors): void {
  const count = (k: 'tp' | 'fp' | 'fn') => items.filter((i) => i.kind === k).length;
  const entry = (k: 'tp' | 'fp' | 'fn', name: string) => {
    const span = document.createElement('span');
    span.className = `eval-legend-${k}`;
    const sw = document.createElement('i');
    sw.style.borderColor = colors[k];
    if (k === 'fn') sw.style.borderStyle = 'dashed';
    span.append(sw, `${k.toUpperCase()} ${count(k)}`);
    span.title = name;
    return span;
  };
  legend.replaceChildren(
    entry('tp', 'Matched detection (true positive)'),
    entry('fp', 'Unmatched detection (false positive)'),
    entry('fn', 'Missed label (false negative)'),
    `IoU ${iou.toFixed(2)} · e hides`,
  );
}
