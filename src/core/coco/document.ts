/**
 * The COCO document model: every top-level array element parsed once, each with
 * the byte range it came from, so a problem can be shown at its exact place and
 * a save can rewrite only what changed.
 *
 * Values are kept as parsed (`unknown`): a malformed file still loads, and the
 * checks, not the model, decide what is wrong with it.
 */
import { LineIndex } from './lineIndex';

export type JsonObject = Record<string, unknown>;

/** One element of a top-level array (an image, an annotation …) and where it sits. */
export interface Located<T = unknown> {
  /** Position in its array. */
  readonly index: number;
  /** The parsed JSON value; any JSON type when the file is malformed. */
  readonly value: T;
  /** Byte offsets [start, end) of the element's text in the file. */
  readonly start: number;
  readonly end: number;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** A key of the top-level object (`images`, `annotations`, `info`, or any other). */
export interface Section {
  readonly name: string;
  /** Byte offset of the key's opening quote. */
  readonly keyStart: number;
  /** Byte offsets [valueStart, valueEnd) of the value. */
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly kind: JsonKind;
}

/**
 * A defect found while reading the bytes, before any rule ran: the file is not
 * JSON, a value is a bare `NaN`, nesting is too deep. `rule` is the stable rule id.
 */
export interface ParseIssue {
  readonly rule: 'coco/invalid-json' | 'coco/non-finite-number';
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** JSON path of the value, where known (`$.annotations[3].area`). */
  readonly jsonPath?: string;
}

/** The names of the sections whose elements are indexed one by one. */
export const ARRAY_SECTIONS = ['images', 'annotations', 'categories', 'licenses'] as const;
export type ArraySectionName = (typeof ARRAY_SECTIONS)[number];

/**
 * The member key the scanner reports for a top-level array (a results list: the
 * detections `COCO.loadRes` reads). Its elements are kept as `annotationEntries`
 * and their JSON paths start at the root (`$[3].score`). A NUL-prefixed name no
 * exporter writes as a key.
 */
export const ROOT_ARRAY_KEY = '\u0000root-array';

/** The key that ids are indexed under: numbers and strings are kept apart (`1` ≠ `"1"`). */
export type IdKey = number | string;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface CocoDocumentParts {
  bytes: Uint8Array;
  path?: string;
  /** The top-level value's kind; anything but 'object' means no sections. */
  rootKind: JsonKind | undefined;
  sections: Map<string, Section>;
  images: Located[];
  annotations: Located[];
  categories: Located[];
  licenses: Located[];
  /** The `info` value, when present (any JSON type). */
  info?: Located;
  parseIssues: ParseIssue[];
}

type IndexName = 'images' | 'annotations' | 'categories' | 'annotationsByImage' | 'annotationsByCategory';

export class CocoDocument {
  /**
   * The file's bytes. Kept in `heldBytes`; a subclass may let them go and give them back on
   * demand (the editor's lazy document of a big file reads from disk while it is only viewed).
   */
  get bytes(): Uint8Array { return this.heldBytes!; }
  protected heldBytes: Uint8Array | undefined;
  readonly path?: string;
  readonly rootKind: JsonKind | undefined;
  readonly sections: ReadonlyMap<string, Section>;
  readonly imageEntries: readonly Located[];
  readonly annotationEntries: readonly Located[];
  readonly categoryEntries: readonly Located[];
  readonly licenseEntries: readonly Located[];
  readonly infoEntry?: Located;
  readonly parseIssues: readonly ParseIssue[];
  readonly lines: LineIndex;

  /** Indexes by id, each built on first use (one pass over its section). */
  private readonly byId: Partial<Record<IndexName, Map<IdKey, number[]>>> = {};

  constructor(parts: CocoDocumentParts) {
    this.heldBytes = parts.bytes;
    this.path = parts.path;
    this.rootKind = parts.rootKind;
    this.sections = parts.sections;
    this.imageEntries = parts.images;
    this.annotationEntries = parts.annotations;
    this.categoryEntries = parts.categories;
    this.licenseEntries = parts.licenses;
    this.infoEntry = parts.info;
    this.parseIssues = parts.parseIssues;
    // Through `bytes`, not the buffer itself: the index holds no reference to the bytes.
    this.lines = new LineIndex(() => this.bytes);
  }

  /** False when the bytes are not JSON at all: nothing else can be trusted. */
  get isJson(): boolean {
    return !this.parseIssues.some((p) => p.rule === 'coco/invalid-json');
  }

  get images(): JsonObject[] { return this.imageEntries.map((e) => e.value as JsonObject); }
  get annotations(): JsonObject[] { return this.annotationEntries.map((e) => e.value as JsonObject); }
  get categories(): JsonObject[] { return this.categoryEntries.map((e) => e.value as JsonObject); }
  get licenses(): JsonObject[] { return this.licenseEntries.map((e) => e.value as JsonObject); }
  get info(): unknown { return this.infoEntry?.value; }

  entries(section: ArraySectionName): readonly Located[] {
    switch (section) {
      case 'images': return this.imageEntries;
      case 'annotations': return this.annotationEntries;
      case 'categories': return this.categoryEntries;
      case 'licenses': return this.licenseEntries;
    }
  }

  private index(name: IndexName): Map<IdKey, number[]> {
    const built = this.byId[name];
    if (built) return built;
    const entries = name === 'images' ? this.imageEntries : name === 'categories' ? this.categoryEntries : this.annotationEntries;
    const field = name === 'annotationsByImage' ? 'image_id' : name === 'annotationsByCategory' ? 'category_id' : 'id';
    const map = new Map<IdKey, number[]>();
    for (const e of entries) {
      const v = e.value;
      if (!isJsonObject(v)) continue;
      const k = v[field];
      if (typeof k !== 'number' && typeof k !== 'string') continue;
      const list = map.get(k);
      if (list) list.push(e.index);
      else map.set(k, [e.index]);
    }
    this.byId[name] = map;
    return map;
  }

  /** Every image with this id (more than one is a defect). */
  imagesWithId(id: IdKey): Located[] { return (this.index('images').get(id) ?? []).map((i) => this.imageEntries[i]); }
  annotationsWithId(id: IdKey): Located[] { return (this.index('annotations').get(id) ?? []).map((i) => this.annotationEntries[i]); }
  categoriesWithId(id: IdKey): Located[] { return (this.index('categories').get(id) ?? []).map((i) => this.categoryEntries[i]); }
  imageById(id: IdKey): JsonObject | undefined {
    const list = this.index('images').get(id);
    return list === undefined ? undefined : (this.imageEntries[list[0]].value as JsonObject | undefined);
  }
  categoryById(id: IdKey): JsonObject | undefined {
    const list = this.index('categories').get(id);
    return list === undefined ? undefined : (this.categoryEntries[list[0]].value as JsonObject | undefined);
  }
  annotationById(id: IdKey): JsonObject | undefined { return this.annotationsWithId(id)[0]?.value as JsonObject | undefined; }
  /** The annotations whose `image_id` is `id`, in file order. */
  annotationsOfImage(id: IdKey): Located[] { return (this.index('annotationsByImage').get(id) ?? []).map((i) => this.annotationEntries[i]); }
  /** How many annotations have `image_id` `id` (annotationsOfImage(id).length, nothing allocated). */
  annotationCountOfImage(id: IdKey): number { return this.index('annotationsByImage').get(id)?.length ?? 0; }
  /** How many annotations have `category_id` `id`. */
  annotationCountOfCategory(id: IdKey): number { return this.index('annotationsByCategory').get(id)?.length ?? 0; }
  /** The annotations whose `category_id` is `id`, in file order. */
  annotationsOfCategory(id: IdKey): Located[] { return (this.index('annotationsByCategory').get(id) ?? []).map((i) => this.annotationEntries[i]); }
}
