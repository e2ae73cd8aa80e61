/** Category colours: Paul Tol's "muted" + "bright" qualitative schemes (colour-blind safe), stable by slot. */
export const PALETTE: readonly string[] = [
  '#0077BB', '#EE7733', '#009988', '#CC3311', '#33BBEE', '#EE3377', '#BBBBBB', '#332288',
  '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499',
];

export function categoryColor(colorIndex: number): string {
  return PALETTE[((colorIndex % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
