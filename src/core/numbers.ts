/**
 * Number rounding and printing as COCO files write coordinates. Pure: the
 * rules, the fixes, the editor and the webview all import this one module.
 */

/** A coordinate rounded to 2 decimals, the precision COCO files print (never -0). */
export function round2(v: number): number {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? 0 : r;
}

/** A number printed compactly with at most 2 decimals (`12`, `3.5`, `7.25`), as COCO writes boxes. */
export function formatNumber(v: number): string {
  return String(round2(v));
}
