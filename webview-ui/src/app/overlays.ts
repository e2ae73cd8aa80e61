/**
 * The overlays the host sends for the shown image: a comparison's changes (diff mode, ] / [
 * walk them) and an evaluation's TP / FP / FN with its legend (e toggles it).
 */
import type { HostNotifications } from '../../../src/shared/protocol';
import { overlayColors, overlayItems, stepChange } from '../reports/compare/diffOverlay';
import { evalOverlayColors, renderEvalLegend } from '../evalOverlay';
import type { App } from './context';

export class Overlays {
  /** The image the diff overlay belongs to. */
  private diffImage: number | undefined;
  private evalShown = true;
  private evalLast: HostNotifications['evalOverlay'] | undefined;

  constructor(private readonly app: App) {}

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

  /** Another image is shown: the overlays of the last one go (the host sends the new one's evaluation after imageShown). */
  imageChanged(i: number): void {
    const { viewer, layout } = this.app;
    if (this.diffImage !== undefined && this.diffImage !== i) { viewer.diffOverlay = undefined; this.diffImage = undefined; }
    if (viewer.evalOverlay) { viewer.evalOverlay = undefined; layout.evalLegend.hidden = true; }
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
