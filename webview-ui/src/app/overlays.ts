/**
 * The overlays the host sends for the shown image: a comparison's changes (diff mode, ] / [
 * walk them) and an evaluation's TP / FP / FN with its legend (e toggles it).
 */
import type { HostNotifications, Id } from '../../../src/shared/protocol';
import { overlayColors, overlayItems, stepChange } from '../reports/compare/diffOverlay';
import { evalOverlayColors, renderEvalLegend } from '../evalOverlay';
import type { App } from './context';
import { PredictionLayer } from '../overlays/predictionLayer';
import { AgreementView, agreementColors } from '../overlays/agreementLayer';
import { catKey } from '../catKey';

export class Overlays {
  /** The image the diff overlay belongs to. */
  private diffImage: number | undefined;
  private evalShown = true;
  private evalLast: HostNotifications['evalOverlay'] | undefined;

  /** The evaluation's predictions at a chosen IoU and minimum score (when the host sent a layer). */
  readonly predictions: PredictionLayer;

  /** Agreement A/B view: A's objects and the conflicts of the image shown (B's file). */
  readonly agreement: AgreementView;
  /** The image the A/B view belongs to. */
  private agreementImage: number | undefined;
  /** `.` / `,` moved on to this image: select its first (1) or last (-1) error once its layer arrives. */
  private walkArrival: { imageIndex: number; direction: 1 | -1 } | undefined;
  /** A host question for the next image with errors is on its way (key repeat waits for it). */
  private walkAsking = false;

  constructor(private readonly app: App) {
    this.agreement = new AgreementView(
      () => { this.refreshSecondLayer(); app.viewer.requestRender(); },
      (text) => app.say(text),
      (id) => app.store.colorOf(id as Id),
    );
    this.predictions = new PredictionLayer(
      () => app.viewer.requestRender(),
      (text) => app.say(text),
      (id) => app.store.catById.get(catKey(id))?.name ?? String(id),
      (direction) => { void this.walkToImage(direction); },
    );
    app.layout.stageWrap.append(this.predictions.controls, this.predictions.hoverCard);
    // Hovering a prediction (or a missed label) shows its score and the IoU of its match.
    app.viewer.root.addEventListener('pointermove', (e) => {
      const card = this.predictions.hoverCard;
      if (!this.app.viewer.secondLayer) { card.hidden = true; return; }
      const r = app.viewer.root.getBoundingClientRect();
      const [x, y] = app.viewer.view.toImage(e.clientX - r.left, e.clientY - r.top);
      const text = this.predictions.describeAt(x, y);
      card.hidden = !text;
      if (text) { card.textContent = text; card.style.left = `${e.clientX - r.left + 14}px`; card.style.top = `${e.clientY - r.top + 14}px`; }
    });
    app.viewer.root.addEventListener('pointerleave', () => { this.predictions.hoverCard.hidden = true; });
  }

  onDiff({ imageIndex, changes }: HostNotifications['diffOverlay']): void {
    const { viewer, store } = this.app;
    if (!changes.length) { viewer.diffOverlay = undefined; this.diffImage = undefined; viewer.requestRender(); return; }
    this.diffImage = imageIndex;
    viewer.diffOverlay = { items: overlayItems(changes), colors: overlayColors(), count: changes.length };
    if (store.view.mode === 'grid') this.app.gridMode.setMode('image', false);
    if (imageIndex !== store.index) this.app.images.go(imageIndex); else { this.app.say(this.diffStatus()); viewer.requestRender(); }
  }

  diffStatus(): string {
    const n = this.app.viewer.diffOverlay?.count ?? 0;
    return `Diff: ${n} change${n === 1 ? '' : 's'} on this image — ] / [ walk them.`;
  }

  stepDiff(direction: 1 | -1): void {
    const { viewer } = this.app;
    const d = viewer.diffOverlay;
    if (!d) return;
    d.selected = stepChange(d.count, d.selected, direction);
    const label = d.items.find((i) => i.index === d.selected)?.label;
    this.app.say(`Change ${(d.selected ?? 0) + 1} of ${d.count}${label ? `: ${label}` : ''}`);
    viewer.requestRender();
  }

  /** The second layer draws the predictions (when shown) and annotator A (in an A/B view). */
  private refreshSecondLayer(): void {
    const { viewer } = this.app;
    if (!this.predictions.layer && !this.agreement.layer) { viewer.secondLayer = undefined; return; }
    const evalColors = evalOverlayColors();
    const abColors = agreementColors();
    viewer.secondLayer = (ctx, pixel) => {
      this.agreement.draw(ctx, pixel, abColors);
      this.predictions.draw(ctx, pixel, evalColors);
    };
  }

  onAgreement({ imageIndex, layer }: HostNotifications['agreementLayer']): void {
    const { store } = this.app;
    this.agreementImage = layer.conflicts.length || layer.objectsA.length ? imageIndex : undefined;
    this.agreement.set(this.agreementImage === undefined ? undefined : layer);
    if (this.agreementImage === undefined) return;
    if (store.view.mode === 'grid') this.app.gridMode.setMode('image', false);
    if (imageIndex !== store.index) this.app.images.go(imageIndex); else this.app.say(this.agreement.status());
  }

  /** `.` / `,`: the conflicts in an A/B view, else the prediction layer's false positives and negatives. */
  walk(direction: 1 | -1): void {
    if (this.agreement.layer) this.agreement.step(direction);
    else this.predictions.step(direction);
  }

  /**
   * Past the shown image's errors: the nearest image with any, at the same IoU and score, among
   * the grid filter's images in its order when the grid is filtered or sorted, else in file order (→ / j).
   */
  private async walkToImage(direction: 1 | -1): Promise<void> {
    const { store, channel, gridMode } = this.app;
    const p = this.predictions;
    if (this.walkAsking) return;
    this.walkAsking = true;
    try {
      const among = gridMode.grid.filteredOrder();
      const { imageIndex } = await channel.request('nextEvalErrorImage', { fromIndex: store.index, direction, t: p.t, minScore: p.minScore, ...(among ? { among: [...among] } : {}) });
      if (imageIndex === null) { this.app.say(p.endText(direction, !!among)); return; }
      this.walkArrival = { imageIndex, direction };
      this.app.images.go(imageIndex);
    } finally {
      this.walkAsking = false;
    }
  }

  /** Another image is shown: the overlays of the last one go (the host sends the new one's evaluation after imageShown). */
  imageChanged(i: number): void {
    const { viewer, layout } = this.app;
    if (this.diffImage !== undefined && this.diffImage !== i) { viewer.diffOverlay = undefined; this.diffImage = undefined; }
    if (viewer.evalOverlay) { viewer.evalOverlay = undefined; layout.evalLegend.hidden = true; }
    if (this.predictions.layer) { this.predictions.set(undefined); this.refreshSecondLayer(); }
    if (this.agreementImage !== undefined && this.agreementImage !== i) { this.agreementImage = undefined; this.agreement.set(undefined); }
    if (this.walkArrival && this.walkArrival.imageIndex !== i) this.walkArrival = undefined;
  }

  onEval(o: HostNotifications['evalOverlay']): void {
    if (o.imageIndex !== this.app.store.index) return;
    this.evalLast = o;
    this.applyEval();
  }

  private applyEval(): void {
    const { viewer, store, layout } = this.app;
    const o = this.evalLast && this.evalLast.imageIndex === store.index ? this.evalLast : undefined;
    const colors = evalOverlayColors();
    if (o?.layer) {
      // The prediction layer replaces the boxes-only overlay: its toolbar has the counts.
      this.predictions.set(this.evalShown ? o.layer : undefined);
      if (this.walkArrival?.imageIndex === store.index) { this.predictions.enter(this.walkArrival.direction); this.walkArrival = undefined; }
      this.refreshSecondLayer();
      viewer.evalOverlay = undefined;
      layout.evalLegend.hidden = true;
      viewer.requestRender();
      return;
    }
    viewer.evalOverlay = o && this.evalShown ? { items: o.items, colors } : undefined;
    layout.evalLegend.hidden = !viewer.evalOverlay;
    if (o && this.evalShown) renderEvalLegend(layout.evalLegend, o.items, o.iou, colors);
    viewer.requestRender();
  }

  toggleEval(): void {
    if (!this.evalLast) { this.app.say('No evaluation of this file yet: Evaluate Predictions… first.'); return; }
    this.evalShown = !this.evalShown;
    this.applyEval();
    this.app.say(this.evalShown ? 'Evaluation overlay shown (e hides it).' : 'Evaluation overlay hidden (e shows it).');
  }
}
