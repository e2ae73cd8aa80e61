/**
 * An evaluation's predictions over the labels (issue 12), in the second-layer style (dashed):
 * true positives and false positives in the theme's test colours, missed labels (false
 * negatives) haloed. The user picks the IoU threshold (COCOeval's .50:.05:.95) and a minimum
 * score; both apply at once, without asking the host, because the host sent every threshold's
 * matching (core/metrics/eval/layer.ts) and greedy matching in score order makes a score cut
 * exact: a detection keeps its state, a label whose match scores under the cut becomes a miss.
 * `.` / `,` walk the false positives and negatives of the image, then on to the next (previous)
 * image with any at the same IoU and score, in the grid filter's order when the grid is filtered
 * or sorted, else in file order (→ / j): the host answers which one from
 * the evaluation it holds (`nextEvalErrorImage`), images without errors are skipped, and the
 * status line says when there are no more. Hovering a prediction shows its score and the IoU of
 * its match.
 */
import type { EvalLayer, EvalLayerDetection, EvalLayerLabel } from '../../../src/shared/evalLayerProtocol';
import type { EvalOverlayColors } from '../evalOverlay';
import { drawHalo, drawSecondLayer, hitShape, type SecondLayerItem } from './secondLayer';

export type LayerError = { kind: 'fp'; det: EvalLayerDetection } | { kind: 'fn'; label: EvalLayerLabel };

export const WALK_KEYS = { next: '.', previous: ',' } as const;

const f2 = (v: number) => v.toFixed(2);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class PredictionLayer {
  layer?: EvalLayer;
  /** Index into layer.iouThrs (kept across images: the user's choice). */
  t = 0;
  /** Predictions scoring under this are hidden (and count as not made). */
  minScore = 0;
  /** The walked-to error (index into errors()). */
  cursor?: number;
  private chosenIou?: number;
  readonly controls: HTMLElement;
  readonly hoverCard: HTMLElement;
  private readonly iouSelect: HTMLSelectElement;
  private readonly slider: HTMLInputElement;
  private readonly scoreText: HTMLElement;
  private readonly counts: HTMLElement;

  /**
   * `changed`: redraw; `say`: the status line; `categoryName`: for texts; `leave`: `.` past the
   * last error (`,` before the first): go on to the next (previous) image with errors.
   */
  constructor(
    private readonly changed: () => void, private readonly say: (text: string) => void, private readonly categoryName: (id: number) => string,
    private readonly leave: (direction: 1 | -1) => void = () => undefined,
  ) {
    this.controls = el('div', 'eval-controls');
    this.controls.setAttribute('role', 'toolbar');
    this.controls.setAttribute('aria-label', 'Predictions');
    this.controls.hidden = true;
    this.iouSelect = el('select');
    this.iouSelect.title = 'IoU threshold for true / false positives (COCOeval\'s .50:.05:.95)';
    this.iouSelect.setAttribute('aria-label', 'IoU threshold');
    this.iouSelect.addEventListener('change', () => { this.t = Number(this.iouSelect.value); this.chosenIou = this.layer?.iouThrs[this.t]; this.cursor = undefined; this.update(); });
    this.slider = el('input');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.max = '1';
    this.slider.step = '0.05';
    this.slider.value = '0';
    this.slider.title = 'Minimum score: predictions under it are hidden and not counted';
    this.slider.setAttribute('aria-label', 'Minimum score');
    this.slider.addEventListener('input', () => { this.minScore = Number(this.slider.value); this.cursor = undefined; this.update(); });
    this.scoreText = el('span', 'eval-score', 'score ≥ 0.00');
    this.counts = el('span', 'eval-counts');
    const prev = el('button', 'eval-walk', '‹');
    prev.title = `Previous false positive / false negative, on to earlier images (${WALK_KEYS.previous})`;
    prev.addEventListener('click', () => this.step(-1));
    const next = el('button', 'eval-walk', '›');
    next.title = `Next false positive / false negative, on to later images (${WALK_KEYS.next})`;
    next.addEventListener('click', () => this.step(1));
    this.controls.append(el('span', undefined, 'IoU'), this.iouSelect, this.slider, this.scoreText, this.counts, prev, next);
    this.hoverCard = el('div', 'eval-hover');
    this.hoverCard.hidden = true;
  }

  /** The layer of the shown image (undefined: none). Keeps the chosen threshold and score. */
  set(layer: EvalLayer | undefined): void {
    this.layer = layer;
    this.cursor = undefined;
    this.hoverCard.hidden = true;
    if (layer) {
      const want = this.chosenIou ?? layer.iou;
      const t = layer.iouThrs.findIndex((v) => Math.abs(v - want) < 1e-9);
      this.t = t >= 0 ? t : 0;
      this.iouSelect.replaceChildren(...layer.iouThrs.map((v, i) => { const o = el('option', undefined, f2(v)); o.value = String(i); return o; }));
      this.iouSelect.value = String(this.t);
    }
    this.controls.hidden = !layer;
    this.update();
  }

  get iou(): number { return this.layer?.iouThrs[this.t] ?? 0; }

  /** Predictions shown: scoring at least minScore and not ignored at this threshold. */
  detections(): EvalLayerDetection[] {
    return (this.layer?.detections ?? []).filter((d) => d.score >= this.minScore && d.state[this.t] !== 0);
  }

  /** Labels no shown prediction matched at this threshold (crowds never count). */
  misses(): EvalLayerLabel[] {
    return (this.layer?.labels ?? []).filter((l) => !l.ignore && !(l.matchScore[this.t] >= 0 && l.matchScore[this.t] >= this.minScore));
  }

  /** False positives (highest score first, the most confident mistakes) then false negatives. */
  errors(): LayerError[] {
    const fps = this.detections().filter((d) => d.state[this.t] === 2).sort((a, b) => b.score - a.score);
    return [...fps.map((det) => ({ kind: 'fp' as const, det })), ...this.misses().map((label) => ({ kind: 'fn' as const, label }))];
  }

  countsNow(): { tp: number; fp: number; fn: number } {
    const d = this.detections();
    return { tp: d.filter((x) => x.state[this.t] === 1).length, fp: d.filter((x) => x.state[this.t] === 2).length, fn: this.misses().length };
  }

  private update(): void {
    this.scoreText.textContent = `score ≥ ${f2(this.minScore)}`;
    const c = this.countsNow();
    this.counts.textContent = `TP ${c.tp} · FP ${c.fp} · FN ${c.fn}`;
    this.changed();
  }

  /** `.` (1) / `,` (-1): the next error of this image; past its last (before its first), the next image's. */
  step(direction: 1 | -1): void {
    if (!this.layer) { this.say('No predictions on this image: Evaluate Predictions… first.'); return; }
    const errors = this.errors();
    const next = this.cursor === undefined ? (direction === 1 ? 0 : errors.length - 1) : this.cursor + direction;
    if (next < 0 || next >= errors.length) { this.leave(direction); return; }
    this.cursor = next;
    this.sayCursor(errors);
  }

  /** Arrived on this image by walking in `direction`: its first error (`.`) or its last (`,`). */
  enter(direction: 1 | -1): void {
    const errors = this.errors();
    if (!errors.length) return;
    this.cursor = direction === 1 ? 0 : errors.length - 1;
    this.sayCursor(errors);
  }

  /** What the walk says when no image further on (in the grid's filter when `filtered`) has an error at the chosen IoU and score. */
  endText(direction: 1 | -1, filtered = false): string {
    return `No more false positives or negatives ${direction === 1 ? 'after' : 'before'} this image${filtered ? ' in this filter' : ''} at IoU ${f2(this.iou)}, score ≥ ${f2(this.minScore)}.`;
  }

  private sayCursor(errors: LayerError[]): void {
    this.say(`${this.cursor! + 1} of ${errors.length}: ${this.describe(errors[this.cursor!])}`);
    this.changed();
  }

  describe(e: LayerError): string {
    if (e.kind === 'fp') {
      const d = e.det;
      return `false positive ${this.categoryName(d.categoryId)}, score ${f2(d.score)}, best IoU ${f2(d.iou[this.t])} (under ${f2(this.iou)})`;
    }
    const l = e.label;
    const s = l.matchScore[this.t];
    return `missed label ${String(l.annotationId)} (${this.categoryName(l.categoryId)})${s >= 0 ? `: matched only by a prediction scoring ${f2(s)}` : ''}`;
  }

  /** What hovering image point (x, y) shows: the prediction under it, else a missed label. */
  describeAt(x: number, y: number): string | undefined {
    const dets = this.detections();
    const k = hitShape(dets, x, y);
    if (k >= 0) {
      const d = dets[k];
      const tp = d.state[this.t] === 1;
      return `${this.categoryName(d.categoryId)} · score ${f2(d.score)} · ${tp ? `TP: IoU ${f2(d.iou[this.t])} with label ${String(d.matched[this.t])}` : `FP: best IoU ${f2(d.iou[this.t])}`} (at IoU ${f2(this.iou)})`;
    }
    const misses = this.misses();
    const m = hitShape(misses, x, y);
    return m >= 0 ? this.describe({ kind: 'fn', label: misses[m] }) : undefined;
  }

  draw(ctx: CanvasRenderingContext2D, pixel: number, colors: EvalOverlayColors): void {
    if (!this.layer) return;
    const walked = this.cursor === undefined ? undefined : this.errors()[this.cursor];
    for (const l of this.misses()) drawHalo(ctx, l, colors.fn, pixel, walked?.kind === 'fn' && walked.label === l);
    const items: SecondLayerItem[] = this.detections().map((d) => ({
      bbox: d.bbox, rings: d.rings, color: d.state[this.t] === 1 ? colors.tp : colors.fp, selected: walked?.kind === 'fp' && walked.det === d,
    }));
    // True positives first: a false positive over a matched one stays visible.
    items.sort((a, b) => Number(a.color === colors.fp) - Number(b.color === colors.fp));
    drawSecondLayer(ctx, items, pixel);
  }
}
