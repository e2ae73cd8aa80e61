/** Category colours: Paul Tol's "muted" + "bright" qualitative schemes (colour-blind safe), stable by slot. */
export const PALETTE: readonly string[] = [
  '#0077BB', '#EE7733', '#009988', '#CC3311', '#33BBEE', '#EE3377', '#BBBBBB', '#332288',
  '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499',
];

export function categoryColor(colorIndex: number): string {
  return PALETTE[((colorIndex % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/**
 * The outline dash of a category: solid for the first 16 colour slots, then a dash pattern per
 * further round of the palette, so the 17th category is told from the 1st by its outline (and
 * its striped swatch), not by colour alone. In CSS pixels.
 */
export function categoryDash(colorIndex: number): number[] {
  const round = Math.floor(Math.max(0, colorIndex) / PALETTE.length);
  const DASHES: readonly number[][] = [[], [7, 4], [2, 3], [9, 3, 2, 3]];
  return DASHES[round % DASHES.length];
}

/** A swatch's CSS background: the colour, striped from the 17th category on (as its dashed outline). */
export function categorySwatch(colorIndex: number): string {
  const color = categoryColor(colorIndex);
  if (colorIndex < PALETTE.length) return color;
  return `repeating-linear-gradient(135deg, ${color} 0 3px, transparent 3px 5px)`;
}
