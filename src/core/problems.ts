/** What a check reports. Byte offsets, not lines: the presenters (CLI, editor) turn them into positions. */
export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  readonly message: string;
  readonly jsonPath: string;
  readonly start: number;
  readonly end: number;
}

export interface Problem {
  /** Stable rule id (`coco/bbox-out-of-image`): the diagnostic code, the CLI's `rule`, the quick fix's key. */
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where the defect is, as a JSON path (`$.annotations[12].bbox`). */
  readonly jsonPath: string;
  /** Byte range [start, end) of the defective value in the file. */
  readonly start: number;
  readonly end: number;
  readonly annotationId?: number | string;
  readonly imageId?: number | string;
  readonly categoryId?: number | string;
  /** Other places that explain this one (the twin of a duplicate id). */
  readonly related?: readonly RelatedLocation[];
  /** Rule-private facts its quick fix needs (never shown). */
  readonly data?: unknown;
}

/** A textual edit in byte offsets of the original file. */
export interface ByteEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}
