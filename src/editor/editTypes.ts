/**
 * What the editor's model is made of: an annotation's override, the three kinds of edit the
 * edit stack holds, and where the viewer's images come from. Types only.
 */
import type { CocoDocument, JsonObject } from '../core/coco/document';
import type { Fingerprint } from '../core/edits/fingerprint';
import type { ByteEdit } from '../core/problems';
import type { Id } from '../shared/protocol';

export interface AnnOverride {
  deleted?: boolean;
  categoryId?: Id;
  bbox?: [number, number, number, number];
  /** Set with bbox when the annotation has no segmentation (area follows the box), or with segmentation. */
  area?: number;
  /** New polygons (geometry edits of polygon annotations); bbox and area are set with them. */
  segmentation?: number[][];
  /** Keypoints moved / scaled with the box (labeled ones only); set with bbox. */
  keypoints?: number[];
}

/** A new annotation appended to the annotations array (index = base length + position in `added`). */
export interface CreateEdit {
  readonly kind: 'create';
  readonly label: string;
  readonly annotationIndex: number;
  readonly value: JsonObject;
}

/** One applied edit of one annotation, as VS Code's undo stack holds it. */
export interface AnnotationEdit {
  readonly kind?: 'annotation';
  readonly label: string;
  readonly annotationIndex: number;
  readonly before: AnnOverride | undefined;
  readonly after: AnnOverride;
}

/**
 * Byte edits applied to the base (a quick fix from the check, whose edits are
 * byte ranges of the file as checked): the base is re-parsed; undo puts the old
 * base back. Only made while there are no overrides (the ranges are of the base).
 */
export interface BaseEdit {
  readonly kind: 'base';
  readonly label: string;
  /** The byte edits, against the bytes fingerprinted `from` (what a backup keeps). */
  readonly edits: readonly ByteEdit[];
  readonly from: Fingerprint;
  readonly before: CocoDocument;
  readonly after: CocoDocument;
}

export type ModelEdit = AnnotationEdit | BaseEdit | CreateEdit;

/** Where the base bytes came from: the file on disk, or the text of the open JSON document. */
export type BaseSource = 'disk' | 'text';

export interface ImageSource {
  /** The path of the image file, or undefined with the paths tried. */
  find(fileName: string): { path?: string; tried: string[] };
  /** A URI the webview can load (asWebviewUri, a data URL in tests). */
  toSrc(path: string): string;
}
