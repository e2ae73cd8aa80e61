/** What the panoptic rules share: each annotation's segments_info, and segment ids as panopticapi reads them. */
import { isJsonObject, type CocoDocument, type JsonObject, type Located } from '../coco/document';

/** One element of an annotation's segments_info with its place. */
export interface SegmentRef {
  readonly entry: Located<JsonObject>;
  readonly annotation: JsonObject;
  /** Index in segments_info. */
  readonly k: number;
  readonly segment: unknown;
}

/** Every segments_info element of every panoptic annotation, in file order. */
export function forEachSegment(doc: CocoDocument, visit: (s: SegmentRef) => void): void {
  for (const entry of doc.annotationEntries) {
    const ann = entry.value;
    if (!isJsonObject(ann) || !Array.isArray(ann.segments_info)) continue;
    ann.segments_info.forEach((segment, k) => visit({ entry: entry as Located<JsonObject>, annotation: ann, k, segment }));
  }
}

/** "segment 3 of image 42's annotation" for messages. */
export function segmentName(s: SegmentRef): string {
  const id = isJsonObject(s.segment) && (typeof s.segment.id === 'number' || typeof s.segment.id === 'string') ? ` (id ${JSON.stringify(s.segment.id)})` : '';
  const image = typeof s.annotation.image_id === 'number' || typeof s.annotation.image_id === 'string'
    ? `image ${JSON.stringify(s.annotation.image_id)}` : `annotations[${s.entry.index}]`;
  return `Segment ${s.k}${id} of ${image}`;
}

/** A panoptic PNG's pixel colour to its segment id, as panopticapi's rgb2id: R + 256·G + 256²·B. */
export function rgbToId(r: number, g: number, b: number): number {
  return r + 256 * g + 256 * 256 * b;
}
