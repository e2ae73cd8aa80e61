/** What the results rules share: the detections of a results file and the ground truth they refer to. */
import { isJsonObject, type CocoDocument, type JsonObject, type Located } from '../coco/document';
import type { RuleContext } from './types';

/** A detection (an element of a results list, or an annotation of a wrapped results file) that is an object. */
export function forEachDetection(doc: CocoDocument, visit: (entry: Located<JsonObject>, det: JsonObject) => void): void {
  for (const entry of doc.annotationEntries) {
    if (isJsonObject(entry.value)) visit(entry as Located<JsonObject>, entry.value);
  }
}

/** How a detection is named in messages: "Detection 3" (its index: loadRes numbers them id = index + 1). */
export function detectionName(entry: Located): string {
  return `Detection ${entry.index}`;
}

/**
 * The dataset a results file's ids refer to: the --gt file for a results list, the file
 * itself for a wrapped one (it has its own images and categories). Undefined without either.
 */
export function referenceDataset(ctx: RuleContext): CocoDocument | undefined {
  if (ctx.groundTruth) return ctx.groundTruth;
  return ctx.kind === 'results-wrapped' ? ctx.doc : undefined;
}
