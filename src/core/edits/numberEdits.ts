/**
 * Minimal diffs down to the number: the edits that turn the numbers of a JSON array value
 * (flat, or an array of arrays like polygons) into new numbers, touching only the numbers
 * that changed. Everything else — the other numbers with their full precision, spacing,
 * line breaks — keeps its bytes.
 */
import { formatNumber, round2 } from './jsonEdits';
import type { ByteEdit } from '../problems';

interface NumberToken { start: number; end: number; value: number }

const isNumberByte = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * The numbers of an array value at `range`, grouped by the array they are in (an array of
 * arrays gives an empty first group, the outer array); undefined when the value holds anything
 * but arrays and numbers, or numbers beside arrays.
 */
export function scanNumberArrays(bytes: Uint8Array, range: { start: number; end: number }): NumberToken[][] | undefined {
  const groups: NumberToken[][] = [];
  let current: NumberToken[] | undefined;
  let depth = 0;
  for (let i = range.start; i < range.end; i++) {
    const c = bytes[i];
    if (c === 0x5b) { depth++; current = []; groups.push(current); continue; }
    if (c === 0x5d) { depth--; current = undefined; continue; }
    if (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (isNumberByte(c)) {
      let j = i;
      while (j < range.end && isNumberByte(bytes[j])) j++;
      const value = Number(String.fromCharCode(...bytes.subarray(i, j)));
      if (!current || !Number.isFinite(value)) return undefined;
      current.push({ start: i, end: j, value });
      i = j - 1;
      continue;
    }
    return undefined;
  }
  if (depth !== 0) return undefined;
  return groups;
}

/**
 * Edits replacing only the numbers that differ, or undefined when the shapes differ (rings
 * added or removed, vertices inserted): then the caller rewrites the whole value.
 */
export function numberArrayEdits(bytes: Uint8Array, range: { start: number; end: number }, next: readonly (readonly number[])[]): ByteEdit[] | undefined {
  const groups = scanNumberArrays(bytes, range);
  if (!groups) return undefined;
  // Nested: the first group is the outer array (no numbers of its own).
  const rings = groups.length > 1 && groups[0].length === 0 ? groups.slice(1) : groups;
  if (rings.length !== next.length || rings.some((g, k) => g.length !== next[k].length)) return undefined;
  const edits: ByteEdit[] = [];
  rings.forEach((g, k) => g.forEach((t, i) => {
    if (t.value !== next[k][i]) edits.push({ start: t.start, end: t.end, newText: formatNumber(next[k][i]) });
  }));
  return edits;
}

/**
 * New coordinates with the old values kept where the user did not move them: a value whose
 * 2-decimal rounding equals the new one (the webview draws in float32 and sends rounded
 * numbers) is the old value, at full precision.
 */
export function keepUntouched(old: readonly (readonly number[])[] | undefined, next: number[][]): number[][] {
  if (!old || old.length !== next.length || old.some((r, k) => !Array.isArray(r) || r.length !== next[k].length)) return next;
  return next.map((ring, k) => ring.map((v, i) => {
    const o = old[k][i];
    return typeof o === 'number' && Number.isFinite(o) && round2(o) === round2(v) ? o : v;
  }));
}
