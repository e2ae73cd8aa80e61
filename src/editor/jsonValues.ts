/** Reading numbers, boxes and keypoints out of parsed JSON values the checks have not vetted. */

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function bboxOf(v: unknown): [number, number, number, number] | null {
  if (!Array.isArray(v) || v.length !== 4) return null;
  const b = v.map(num);
  return b.every((x) => x !== null) ? (b as [number, number, number, number]) : null;
}

/** A keypoints value the viewer can use: numbers only. */
export function keypointsOf(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

/** A map key for an id that keeps 1 and "1" apart. */
export const idKeyString = (id: unknown): string => `${typeof id}:${String(id)}`;
