/**
 * The one matching engine behind agreement (`labelscope agree`) and the semantic diff
 * (`labelscope diff`): pair the images of two COCO documents, then pair their objects per image.
 */
import type { IdKey } from '../../coco/document';

export interface MatchOptions {
  /** Pairs whose similarity (IoU or OKS) is below this are not matched. Default 0.5. */
  iouThreshold?: number;
  /** Pair annotations with the same `id` in the same image first, whatever their overlap (always on for diffs). */
  sameIdsFirst?: boolean;
  /** After the per-category pass, match leftovers across categories to find label conflicts. Default true. */
  crossCategory?: boolean;
  /** How categories of A and B correspond: by `id` (diffs: a renamed category stays itself) or by `name` (default). */
  categoriesBy?: 'id' | 'name';
  /** OKS sigma per keypoint when a category has no known sigmas (CVAT's default 0.09). */
  oksSigma?: number;
  /** List the pairs of byte-identical images (default true); false leaves them out (only `identicalCount`), as diffs need. */
  identicalPairs?: boolean;
  /** Checked between images; throwing from it (an AbortError) stops the match. */
  onImage?: (done: number, total: number) => void;
}

/** How a pair's similarity was measured. */
export type SimilarityKind = 'identical' | 'mask' | 'box' | 'oks';

/** Which pass paired two objects. */
export type PairedBy = 'identical' | 'id' | 'overlap' | 'cross-category';

export interface ObjectPair {
  /** Index into A's / B's `annotationEntries`. */
  readonly a: number;
  readonly b: number;
  /** IoU (mask or box) or OKS (keypoints), 0..1; 1 for byte-identical objects. */
  readonly similarity: number;
  readonly kind: SimilarityKind;
  readonly by: PairedBy;
  /** Both objects carry the same label (category key). */
  readonly sameLabel: boolean;
}

export interface ImageMatch {
  /** Index into A's / B's `imageEntries`; undefined when the image is only on the other side. */
  readonly a?: number;
  readonly b?: number;
  /** How the two images were paired. */
  readonly pairedBy?: 'id' | 'file_name';
  /** Object pairs, then the objects (annotation entry indexes) left without a partner. */
  readonly pairs: ObjectPair[];
  readonly onlyA: number[];
  readonly onlyB: number[];
  /** Every annotation of the image is byte-identical in A and B, in the same order (nothing was measured). */
  readonly identical: boolean;
  /** How many object pairs are byte-identical (with identicalPairs: false, these are not in `pairs` for identical images). */
  readonly identicalCount: number;
}

/** One category label shared by both sides. */
export interface LabelInfo {
  readonly key: string;
  /** The category's name (B's when A has none). */
  readonly name: string;
  readonly idA?: IdKey;
  readonly idB?: IdKey;
  readonly nameA?: string;
  readonly nameB?: string;
}

export interface CategoryPairing {
  readonly labels: LabelInfo[];
  /** category_id -> label key, per side. */
  readonly keyOfA: Map<IdKey, string>;
  readonly keyOfB: Map<IdKey, string>;
}

/** A document's annotation entry indexes grouped by image entry, in file order. */
export interface AnnotationGroups {
  readonly order: Int32Array;
  /** [start, end) into `order` for an image entry index. */
  range(image: number): [number, number];
}

export interface DocumentMatch {
  /** Annotations per image of each side (what identical images hold when their pairs are not listed). */
  readonly groupsA: AnnotationGroups;
  readonly groupsB: AnnotationGroups;
  readonly images: ImageMatch[];
  readonly categories: CategoryPairing;
  /** Annotations whose `image_id` names no image (not matched). */
  readonly orphansA: number;
  readonly orphansB: number;
  readonly options: Required<Omit<MatchOptions, 'onImage'>>;
}

export const DEFAULT_MATCH_OPTIONS: Required<Omit<MatchOptions, 'onImage'>> = {
  iouThreshold: 0.5,
  sameIdsFirst: false,
  crossCategory: true,
  categoriesBy: 'name',
  oksSigma: 0.09,
  identicalPairs: true,
};
