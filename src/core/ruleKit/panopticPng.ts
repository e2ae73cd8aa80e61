import { isJsonObject, type JsonObject, type Located } from '../coco/document';
import type { PanopticPngFacts, RuleContext } from './types';

/** A panoptic annotation whose PNG was read, with the PNG's segments. */
export interface PanopticWithPng {
  readonly entry: Located<unknown>;
  readonly ann: JsonObject & { file_name: string; segments_info: unknown[] };
  readonly facts: Extract<PanopticPngFacts, { found: true }>;
}

/**
 * The panoptic annotations whose PNG was found, for the rules that compare a PNG with its
 * segments_info (a missing PNG is coco/panoptic-png-missing's); none when nobody read the disk.
 */
export function* annotationsWithPng(ctx: RuleContext): Generator<PanopticWithPng> {
  const png = ctx.files?.panopticPng;
  if (!png) return;
  for (const entry of ctx.doc.annotationEntries) {
    const ann = entry.value;
    if (!isJsonObject(ann) || typeof ann.file_name !== 'string' || !Array.isArray(ann.segments_info)) continue;
    const facts = png.call(ctx.files, ann.file_name);
    if (!facts?.found) continue;
    yield { entry, ann: ann as PanopticWithPng['ann'], facts };
  }
}
