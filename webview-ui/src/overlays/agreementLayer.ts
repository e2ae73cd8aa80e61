/**
 * Agreement A/B view (issue 13): the viewer shows B's file (its labels drawn as usual, solid),
 * annotator A as the second layer (dashed, in A's category colours), and the conflicts
 * highlighted: B's object of a conflict haloed, A's drawn thicker, both in the conflict's
 * severity colour (error / warning). `.` / `,` walk the conflicts of the image.
 */
import type { AgreementLayer, AgreementLayerConflict } from '../../../src/shared/evalLayerProtocol';
import { drawHalo, drawSecondLayer, stepIndex, type SecondLayerItem } from './secondLayer';

export interface AgreementColors { error: string; warning: string }

export function agreementColors(style: CSSStyleDeclaration = getComputedStyle(document.body)): AgreementColors {
  const v = (n: string, f: string) => style.getPropertyValue(n).trim() || f;
  return { error: v('--vscode-editorError-foreground', '#f14c4c'), warning: v('--vscode-editorWarning-foreground', '#cca700') };
}

export class AgreementView {
  layer?: AgreementLayer;
  cursor?: number;

  constructor(private readonly changed: () => void, private readonly say: (text: string) => void, private readonly colorOfCategory: (id: unknown) => string) {}

  set(layer: AgreementLayer | undefined): void {
    this.layer = layer && (layer.objectsA.length || layer.conflicts.length) ? layer : undefined;
    this.cursor = undefined;
    this.changed();
  }

  status(): string {
    const n = this.layer?.conflicts.length ?? 0;
    return `A/B: ${this.layer?.fileA ?? 'A'} dashed over this file; ${n} conflict${n === 1 ? '' : 's'} on this image — . / , walk them.`;
  }

  step(direction: 1 | -1): void {
    const list = this.layer?.conflicts ?? [];
    this.cursor = stepIndex(list.length, this.cursor, direction);
    this.say(this.cursor === undefined ? 'No conflicts on this image.' : `Conflict ${this.cursor + 1} of ${list.length}: ${list[this.cursor].type.replace(/_/g, ' ')} — ${list[this.cursor].message}`);
    this.changed();
  }

  private colorOf(c: AgreementLayerConflict, colors: AgreementColors): string {
    return c.severity === 'error' ? colors.error : colors.warning;
  }

  draw(ctx: CanvasRenderingContext2D, pixel: number, colors: AgreementColors): void {
    const layer = this.layer;
    if (!layer) return;
    layer.conflicts.forEach((c, k) => { if (c.b) drawHalo(ctx, c.b, this.colorOf(c, colors), pixel, k === this.cursor); });
    const items: SecondLayerItem[] = layer.objectsA.map((o) => ({ bbox: o.bbox, rings: o.rings, color: this.colorOfCategory(o.categoryId) }));
    layer.conflicts.forEach((c, k) => { if (c.a) items.push({ bbox: c.a.bbox, rings: c.a.rings, color: this.colorOf(c, colors), selected: k === this.cursor }); });
    drawSecondLayer(ctx, items, pixel);
  }
}
