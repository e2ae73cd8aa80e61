import type { Id } from '../../src/shared/protocol';

/** One map key per category / annotation id: `1` and `"1"` are different ids in COCO. */
export const catKey = (id: Id): string => `${typeof id}:${String(id)}`;
