/**
 * Messages of the viewer's "Segment" tool (webview-ui/src/segment/) and its host side
 * (src/extension/sam/viewerHandlers.ts), carried by the editor's RpcChannel next to the
 * methods of protocol.ts (the method names start with `sam`). Masks travel as pycocotools
 * RLE counts (column-major, starting with zeros) in one Uint32Array: a few KB per preview.
 */
import type { Id } from './protocol';

export interface SamPromptPoint {
  /** Image pixel coordinates (the JSON's frame). */
  x: number;
  y: number;
  positive: boolean;
}

export interface SamSegmentParams {
  imageIndex: number;
  points: SamPromptPoint[];
  /** COCO [x, y, w, h] in image pixels. */
  box?: [number, number, number, number];
  /** Feed the previous preview's low-res mask back (a refinement click on the same object). */
  refine: boolean;
  /** Show this candidate instead of the best one (the "next candidate" key). */
  candidate?: number;
}

export interface SamPreview {
  width: number;
  height: number;
  /** The mask as RLE counts (column-major, pycocotools' order); empty when the mask is empty. */
  counts: Uint32Array;
  /** pycocotools bbox of the mask. */
  bbox: [number, number, number, number];
  area: number;
  candidate: number;
  /** Candidates best first, and each one's predicted IoU (indexed by candidate). */
  ranking: number[];
  iou: number[];
  /** No SAM model: the GrabCut fallback made this (box prompts only). */
  fallback: boolean;
  /** What ran ("MobileSAM (SAM 1, CPU)", "GrabCut fallback (no SAM model)"). */
  label: string;
  encodeMs?: number;
  decodeMs?: number;
}

export interface SamStatusResult {
  /** false in an untrusted workspace: the tool is shown disabled with `message`. */
  enabled: boolean;
  fallback: boolean;
  label: string;
  message?: string;
}

/** Requests webview -> host. */
export interface SamHostMethods {
  samStatus: { params: Record<string, never>; result: SamStatusResult };
  samSegment: { params: SamSegmentParams; result: { ok: true; preview: SamPreview } | { ok: false; message: string } };
  /** Add the last preview of this image as a new annotation (undoable like every edit). */
  samAccept: {
    params: { imageIndex: number; categoryId: Id; format: 'polygon' | 'rle' };
    result: { ok: boolean; message?: string; annotationId?: Id; annotationIndex?: number };
  };
}

/** Notifications webview -> host. */
export interface SamWebviewNotifications {
  /** Encode this image in the background (the next one in the grid or filmstrip). */
  samPrefetch: { imageIndex: number };
  /** The tool was closed: the host may drop the last preview. */
  samReset: { imageIndex: number };
}
