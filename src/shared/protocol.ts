/**
 * The typed host ↔ webview protocol of the COCO editor.
 *
 * Geometry travels as typed arrays (structured clone keeps them binary), never as
 * giant JSON arrays: all polygon coordinates of an image in one Float32Array, all
 * RLE counts in one Uint32Array, with offset tables per annotation.
 *
 * Three envelopes: a request (with an id) answered by one response with the same
 * id, and fire-and-forget notifications. `RpcChannel` implements them over any
 * `post` + message listener pair, so the host and the webview share one code path.
 */

import type { SamHostMethods, SamWebviewNotifications } from './samProtocol';
import type { AgreementLayer, EvalLayer } from './evalLayerProtocol';

export type Id = number | string;

// ---------------------------------------------------------------------------
// Payloads

export interface CategoryInfo {
  id: Id;
  name: string;
  supercategory?: string;
  /** Annotations of this category in the whole file. */
  count: number;
  /** Stable palette slot (index in the category list). */
  colorIndex: number;
  /** Keypoint names (person_keypoints style), when the category has keypoints. */
  keypoints?: string[];
  /** Pairs of 1-based keypoint indices to join with a line. */
  skeleton?: [number, number][];
}

export interface ImageInfo {
  index: number;
  id: Id;
  fileName: string;
  width: number;
  height: number;
  /** A webview URI (or a data URL in tests); absent when the file was not found. */
  src?: string;
  /** Paths tried when the file was not found. */
  tried?: string[];
  /**
   * Pixel size of the file's stored grid, when the host read it. For a converted image
   * (TIFF, 16-bit, CMYK, over 8192 px…) `src` is a smaller 8-bit PNG: the viewer
   * stretches it to width × height (these when the JSON has none), so overlays keep
   * the JSON's image coordinates.
   */
  pixelWidth?: number;
  pixelHeight?: number;
  /** Why `src` is a converted copy of the file (e.g. "tiff, too large"); absent when it is the file itself. */
  converted?: string;
  /** The file was found but can't be shown (its conversion failed): why. */
  displayError?: string;
}

export type GeometryKind = 'polygons' | 'rle' | 'box' | 'invalid';

/** One annotation of the shown image: scalar fields; its geometry lives in ImageGeometry. */
export interface AnnotationInfo {
  id: Id;
  /** Position in the file's annotations array (stable key for edits). */
  index: number;
  categoryId: Id;
  /** [x, y, w, h]; null when missing or not 4 finite numbers. */
  bbox: [number, number, number, number] | null;
  area: number | null;
  iscrowd: boolean;
  kind: GeometryKind;
  /** Flat [x, y, v, …] when the annotation has keypoints (v: 0 not labelled, 1 labelled hidden, 2 visible). */
  keypoints?: number[];
}

/**
 * Geometry of all annotations of one image, packed.
 * Polygons: annotation k owns rings ringStart[k] .. ringStart[k+1]-1; ring r owns
 * coords[coordStart[r] .. coordStart[r+1]) (x, y pairs, image pixels).
 * RLE: annotation k owns counts[rleStart[k] .. rleStart[k+1]) (column-major runs,
 * pycocotools order, decoded from the compressed string on the host) of a mask of
 * rleSize[2k] × rleSize[2k+1] (h × w); an empty range means no RLE.
 */
export interface ImageGeometry {
  ringStart: Uint32Array; // length n + 1
  coordStart: Uint32Array; // length rings + 1
  coords: Float32Array;
  rleStart: Uint32Array; // length n + 1
  rleSize: Uint32Array; // length 2n
  counts: Uint32Array;
}

export interface ImagePayload {
  image: ImageInfo;
  annotations: AnnotationInfo[];
  geometry: ImageGeometry;
  /** Bumped on every change of the document (edit, undo, redo, revert). */
  version: number;
}

/** One problem of the file's check (CheckService outcome), as the viewer lists it. */
export interface ProblemInfo {
  /** Position in the check outcome's problem list (the key for applyFix). */
  key: number;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The image it belongs to (by annotation or image id, else by JSON path); -1 when none. */
  imageIndex: number;
  annotationId?: Id;
  /** 1-based line in the JSON text, as the Problems panel shows it. */
  line: number;
  /** The quick fix's title, when the problem has one. */
  fix?: string;
  /** Other fixes (id and title: "Add category 7", "Change category_id to…"), shown before `fix`. */
  moreFixes?: { id: string; title: string }[];
}

export interface ProblemsPayload {
  /** Sorted by image index, then by position in the file. */
  problems: ProblemInfo[];
  /** 'none': the file has not been checked (yet); 'check': the latest check's outcome. */
  source: 'check' | 'none';
  /** Problems left out (not tied to an image). */
  fileLevel: number;
  /** A long list comes in pages: `more` on every page but the last; `append` on every page but the first. */
  more?: boolean;
  append?: boolean;
}

/**
 * Where the file's check stands (it runs in the check worker when the viewer opens a file no
 * check has covered): the viewer shows progress with Cancel, and Check Now after a cancel.
 */
export interface CheckViewState {
  kind: 'running' | 'done' | 'cancelled' | 'failed';
  phase?: 'read' | 'parse' | 'check';
  /** 0..1 within the phase. */
  fraction?: number;
  /** Why it failed. */
  message?: string;
}

/** One grid cell's facts. */
export interface GridCell {
  index: number;
  fileName: string;
  width: number;
  height: number;
  annotations: number;
  problems: number;
  /** Worst severity among its problems. */
  severity?: 'error' | 'warning' | 'info';
  /** The annotations drawn over the thumbnail (image pixels): box, polygon rings (thinned), category colour slot. */
  shapes?: GridShape[];
}

export interface GridShape {
  colorIndex: number;
  bbox: [number, number, number, number] | null;
  rings?: number[][];
}

export interface GridQuery {
  /** Category ids an image must have at least one annotation of (any of them); empty = all. */
  categories?: Id[];
  /** Only images with a problem of this rule ('*' = any rule). */
  rule?: string;
  /** Only images with a problem of at least this severity. */
  severity?: 'error' | 'warning' | 'info';
  noAnnotations?: boolean;
  /** Substring of file_name, case-insensitive. */
  search?: string;
  sort?: 'index' | 'problems' | 'annotations';
  /**
   * From the Dataset Report's charts: only images with an annotation whose box falls in this bin
   * ('area': AREA_BINS of w·h, 'aspect': ASPECT_BINS of w / h, 'sizeClass': 0 small, 1 medium, 2 large
   * by the annotation's area, else w·h), of `categories` when that is set too.
   */
  boxBin?: { measure: 'area' | 'aspect' | 'sizeClass'; bin: number; label?: string };
  /** From the evaluation report (a class or a confusion-matrix cell): only these image ids; `label` names it for the chip. */
  imageIds?: { ids: Id[]; label: string };
}

export interface InitPayload {
  fileName: string;
  imageCount: number;
  annotationCount: number;
  categories: CategoryInfo[];
  /** Where to start (the restored state wins in the webview). */
  imageIndex: number;
  readonly: boolean;
  /** Bumped when the file is reloaded (changed on disk or in the JSON text): requests made on an older one are refused. */
  generation?: number;
}

export type EditOp =
  | { op: 'delete'; annotationIndex: number }
  | { op: 'setCategory'; annotationIndex: number; categoryId: Id }
  /** Polygon annotations: the polygons are moved / scaled into the new box; RLE masks are refused. */
  | { op: 'setBbox'; annotationIndex: number; bbox: [number, number, number, number] }
  /** Replace a polygon annotation's polygons (vertex drag / insert / delete); bbox and area follow. */
  | { op: 'setPolygons'; annotationIndex: number; polygons: number[][]; label?: string }
  /** A new annotation at the end of the annotations array (a box is written as a 4-corner polygon). */
  | { op: 'create'; imageIndex: number; categoryId: Id; polygons: number[][]; shape: 'box' | 'polygon' }
  /** A new annotation with an RLE mask (the Segment tool's "RLE" format): written as given. */
  | { op: 'createMask'; imageIndex: number; categoryId: Id; segmentation: { size: [number, number]; counts: string }; area: number; bbox: [number, number, number, number] };

/** One change of diff mode: added has only `new`, removed only `old`, changed both. */
export interface DiffChange {
  kind: 'added' | 'removed' | 'changed';
  old?: { bbox?: number[]; segmentation?: unknown };
  new?: { bbox?: number[]; segmentation?: unknown };
  label?: string;
}

/** A first look at a big file while the full parse runs: the first image with its annotations. */
export interface PreviewPayload {
  categories: CategoryInfo[];
  first: ImagePayload;
  message: string;
}

/** The webview's persisted state (vscode getState/setState). */
export interface ViewState {
  imageIndex: number;
  /** View transform: screen = image * zoom + (panX, panY); null = fit. */
  zoom: number | null;
  panX: number;
  panY: number;
  hiddenCategories: Id[];
  fillOpacity: number;
  outlineOnly: boolean;
  /** 'image' (default) or the thumbnail grid. */
  mode?: 'image' | 'grid';
  grid?: GridQuery;
  gridScroll?: number;
  /** The "Image not found" banner was dismissed (this file's images are not here). */
  missingDismissed?: boolean;
  /** The side panel is collapsed (its button or `\`). */
  sideCollapsed?: boolean;
}

// ---------------------------------------------------------------------------
// Methods

/** Requests the webview sends to the host, and their results. */
export interface HostMethods {
  getImage: { params: { index: number }; result: ImagePayload };
  /** `annotationId`: the new annotation's id (create). */
  edit: { params: EditOp & { generation?: number }; result: { ok: boolean; message?: string; annotationId?: Id; annotationIndex?: number } };
  /** Apply a problem's quick fix (the same edits as the Problems panel's quick fix). */
  applyFix: { params: { key: number; generation?: number; fixId?: string }; result: { ok: boolean; message?: string } };
  /** Open the JSON text beside, at this annotation's range. */
  showInJson: { params: { annotationIndex: number }; result: { ok: boolean; message?: string } };
  /** Image indices matching a grid query, in display order. */
  queryGrid: { params: GridQuery; result: { indices: Uint32Array; total: number } };
  /** Facts of grid cells. */
  gridCells: { params: { indices: number[] }; result: GridCell[] };
  /** A thumbnail (webview URI or data URL) per image index; undefined when the file can't be read. */
  thumbnails: { params: { indices: number[] }; result: (string | null)[] };
  /** The "Image not found" banner's Choose Image Folder…: a folder dialog, then imageRoot written where the user picks. */
  chooseImageFolder: { params: Record<string, never>; result: { ok: boolean; message?: string } };
  /**
   * The prediction layer's `.` / `,` past the shown image's last / first error (issue 12): the
   * nearest image after (direction 1) or before (-1) `fromIndex` with a false positive or negative
   * at IoU threshold index `t` and score ≥ `minScore`; null: none. Order: `among` (the grid
   * filter's images, in its order; from its start or end when `fromIndex` is not among them),
   * else file order (→ / j).
   */
  nextEvalErrorImage: { params: { fromIndex: number; direction: 1 | -1; t: number; minScore: number; among?: number[] }; result: { imageIndex: number | null } };
}

/** Requests the host sends to the webview. */
export interface WebviewMethods {
  /** For tests and commands: what is shown now. */
  getViewInfo: { params: Record<string, never>; result: { imageIndex: number; selected: Id | null } };
}

/** Notifications host → webview. */
export interface HostNotifications {
  progress: { fraction: number; message: string };
  init: InitPayload;
  /** The document changed (edit/undo/redo/revert): re-request what is shown. */
  changed: { version: number; annotationCount: number; categories: CategoryInfo[] };
  /** The check outcome for this file (sent on open and whenever it changes). */
  problems: ProblemsPayload;
  /** The first image of a big file, before the full parse is done. */
  preview: PreviewPayload;
  /** The file's check started, moved on, ended, was cancelled or failed. */
  checkState: CheckViewState;
  /** Select this problem in the side panel (from the Problems panel / Labelscope Problems; also problems tied to no image). */
  revealProblem: { key: number };
  /** Move to an image (command: go to annotation). */
  reveal: { imageIndex: number; annotationId?: Id };
  loadError: { message: string };
  /**
   * Diff mode (issue 13): old and new outlines of an image's changes from a comparison (COCO
   * geometry: bbox and/or polygons; A = old, B = new). An empty list ends diff mode.
   */
  diffOverlay: { imageIndex: number; changes: DiffChange[] };
  /**
   * Agreement A/B view (issue 13): on this image of B's file, A's objects as the second layer and
   * the conflicts to highlight and walk. An empty `layer.conflicts` and `objectsA` ends it.
   */
  agreementLayer: { imageIndex: number; layer: AgreementLayer };
  /** The Dataset Report asks the grid to show these images (labelscope.viewer.filterGrid). */
  filterGrid: { categoryId?: Id; boxBin?: GridQuery['boxBin']; imageIds?: GridQuery['imageIds'] };
  /**
   * After an evaluation of this file (issue 12): the shown image's detections as TP / FP and its
   * missed labels as FN (boxes in image pixels). Sent on every image change; `items` empty when
   * the file was evaluated but this image has nothing to draw.
   */
  evalOverlay: {
    imageIndex: number; iou: number; items: { kind: 'tp' | 'fp' | 'fn'; bbox: [number, number, number, number]; categoryId: number; score?: number }[];
    /** The image's predictions at every IoU threshold, with outlines (the prediction layer: IoU choice, score slider, FP / FN walk). */
    layer?: EvalLayer;
  };
}

/** Notifications webview → host. */
export interface WebviewNotifications {
  ready: Record<string, never>;
  selected: { imageIndex: number; annotationId: Id | null };
  imageShown: { imageIndex: number; ms: number };
  /** The toolbar's "Evaluate Predictions…" (runs labelscope.evaluatePredictions on this file). */
  evaluatePredictions: Record<string, never>;
  /** Cancel the running check of this file. */
  cancelCheck: Record<string, never>;
  /** Check this file now (after a cancel or a failure). */
  checkNow: Record<string, never>;
}

// ---------------------------------------------------------------------------
// Envelopes

export type Envelope =
  | { t: 'req'; id: number; method: string; params: unknown }
  | { t: 'res'; id: number; result?: unknown; error?: string }
  | { t: 'note'; method: string; params: unknown };

export function isEnvelope(x: unknown): x is Envelope {
  if (!x || typeof x !== 'object') return false;
  const t = (x as { t?: unknown }).t;
  return t === 'req' || t === 'res' || t === 'note';
}

type MethodMap<T> = { [K in keyof T]: { params: unknown; result: unknown } };

/**
 * One end of the channel. `Out*` are what this end calls/sends; `In*` what it serves/receives.
 * The host is `RpcChannel<WebviewMethods, HostMethods, HostNotifications, WebviewNotifications>`.
 */
export class RpcChannel<OutM extends MethodMap<OutM>, InM extends MethodMap<InM>, OutN extends object, InN extends object> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, (params: unknown) => unknown>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();

  constructor(private readonly post: (msg: Envelope) => void) {}

  request<K extends keyof OutM & string>(method: K, params: OutM[K]['params']): Promise<OutM[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ t: 'req', id, method, params });
    });
  }

  notify<K extends keyof OutN & string>(method: K, params: OutN[K]): void {
    this.post({ t: 'note', method, params });
  }

  handle<K extends keyof InM & string>(method: K, fn: (params: InM[K]['params']) => InM[K]['result'] | Promise<InM[K]['result']>): void {
    this.handlers.set(method, fn as (p: unknown) => unknown);
  }

  on<K extends keyof InN & string>(method: K, fn: (params: InN[K]) => void): { dispose(): void } {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    const f = fn as (p: unknown) => void;
    set.add(f);
    return { dispose: () => set!.delete(f) };
  }

  /** Feed every incoming message here. Returns false for foreign messages. */
  receive(msg: unknown): boolean {
    if (!isEnvelope(msg)) return false;
    switch (msg.t) {
      case 'res': {
        const p = this.pending.get(msg.id);
        if (!p) return true;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result);
        return true;
      }
      case 'note': {
        for (const f of this.listeners.get(msg.method) ?? []) f(msg.params);
        return true;
      }
      case 'req': {
        const h = this.handlers.get(msg.method);
        if (!h) { this.post({ t: 'res', id: msg.id, error: `No handler for ${msg.method}` }); return true; }
        Promise.resolve()
          .then(() => h(msg.params))
          .then(
            (result) => this.post({ t: 'res', id: msg.id, result }),
            (e: unknown) => this.post({ t: 'res', id: msg.id, error: e instanceof Error ? e.message : String(e) }),
          );
        return true;
      }
    }
  }

  /** Rejects every pending request (the other end went away). */
  dispose(reason = 'Channel closed'): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}

// The Segment tool's sam* methods (samProtocol.ts) ride on the same channel.
export type HostChannel = RpcChannel<WebviewMethods, HostMethods & SamHostMethods, HostNotifications, WebviewNotifications & SamWebviewNotifications>;
export type WebviewChannel = RpcChannel<HostMethods & SamHostMethods, WebviewMethods, WebviewNotifications & SamWebviewNotifications, HostNotifications>;

export function hostChannel(post: (msg: Envelope) => void): HostChannel { return new RpcChannel(post); }
export function webviewChannel(post: (msg: Envelope) => void): WebviewChannel { return new RpcChannel(post); }

// The palette lives in ./palette (not a message type); re-exported for the modules that import it from here.
export { PALETTE, categoryColor } from './palette';
