import type { CocoDocument, Located } from '../coco/document';
import type { CocoKind } from '../coco/kind';
import type { ByteEdit, Problem, Severity } from '../problems';

/** A fix a rule offers for one of its problems: a title and minimal byte edits. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly ByteEdit[];
  /** The fix deletes data (an annotation, …): fix-all calls it out and applies it only with consent. */
  readonly deletes?: boolean;
  /**
   * An alternative fix's own id (`<rule id>#<name>`), offered beside the rule's fix as a quick fix
   * and in the viewer; never applied by fix-all. Fix ids are public contracts: add, never rename.
   */
  readonly id?: string;
  /**
   * The user picks a category first: each edit's `newText` is then replaced by the picked
   * category's id (JSON). For "Change category_id to…".
   */
  readonly choose?: 'category';
}

/** The facts a rules reference and a SARIF file show about a rule. */
export interface RuleMeta {
  /** Stable forever: users' CI scripts and configs name it. */
  readonly id: string;
  readonly defaultSeverity: Severity;
  /** One line: what is wrong. */
  readonly description: string;
  /** Which tool breaks and how, when this defect reaches it. */
  readonly why: string;
  /** A small example of the defect, and of its fixed form when the rule has a fix. */
  readonly example?: { readonly bad: string; readonly good?: string };
  /** The kinds of file this rule applies to (default: instances, keypoints, stuff); it does not run on others. */
  readonly kinds?: readonly CocoKind[];
  /**
   * What one problem depends on. `annotation`: only its annotation, the images, the categories
   * and the options, so the rule may run over any part of the annotations (a document holding
   * just those, with their original indexes and offsets) and the parts' problems together are
   * the whole file's; what the two-worker check needs. `document` (the default): anything,
   * e.g. counts over every annotation, or an order among them.
   */
  readonly scope?: RuleScope;
}

export type RuleScope = 'annotation' | 'document';

/** A place inside the document to report at. */
export interface Place {
  readonly jsonPath: string;
  readonly start: number;
  readonly end: number;
}

/** What a rule reports: a message at a place, plus the ids and facts a Problem carries. */
export type ReportInput = Pick<Problem, 'annotationId' | 'imageId' | 'categoryId' | 'related' | 'data'> & {
  readonly message: string;
  readonly at: Place;
};

/** What a rule may ask of the world outside the document; absent in pure runs. */
export interface FileAccess {
  /** Whether the image named by an image's `file_name` exists; with the paths tried. */
  imageExists(fileName: string): { found: boolean; tried: readonly string[] };
  /** The folders images are looked up in (as users should read them), for the one "no image found at all" problem. */
  readonly roots?: readonly string[];
  /**
   * A panoptic annotation's PNG, read before the rules ran (rules are synchronous):
   * undefined when nobody looked (not a panoptic file, or no disk access).
   */
  panopticPng?(fileName: string): PanopticPngFacts | undefined;
}

/** One segment of a panoptic PNG: its pixels and box ([x, y, w, h], w = x_max - x_min + 1). */
export interface PngSegment { readonly area: number; readonly bbox: readonly [number, number, number, number] }

/** What a panoptic PNG holds, by segment id (R + 256·G + 256²·B; 0 = void is left out). */
export type PanopticPngFacts =
  | { readonly found: true; readonly width: number; readonly height: number; readonly segments: ReadonlyMap<number, PngSegment> }
  | { readonly found: false; readonly tried: readonly string[]; readonly error?: string };

export interface RuleContext {
  readonly doc: CocoDocument;
  /** The file's kind (detected, or forced by `.labelscope.json`). */
  readonly kind: CocoKind;
  /** The ground truth a results file is checked against (CLI --gt), when given. */
  readonly groundTruth?: CocoDocument;
  /** Present when the caller can look at the disk (CLI, extension host). */
  readonly files?: FileAccess;
  /** The rule's options from the config, merged over its defaults. */
  readonly options: Readonly<Record<string, unknown>>;
  report(input: ReportInput): void;
  /** The place of a value inside an element (falls back to the element itself). */
  place(section: 'images' | 'annotations' | 'categories' | 'licenses', entry: Located, path?: readonly (string | number)[]): Place;
  /** The place of a top-level section's value, or of the whole document. */
  sectionPlace(name?: string): Place;
}

export interface Rule extends RuleMeta {
  /**
   * Reads the shared per-annotation facts (ruleKit/facts.ts, boxFacts.ts). checkDocument runs
   * such rules after the others, so facts computed elsewhere (the CLI's scan worker, while this
   * thread parses) have the others' time to arrive. The order changes no output: problems are
   * sorted by offset and rule id, and each rule's own problems keep their order.
   */
  readonly usesFacts?: boolean;
  /** Defaults of the options this rule reads (thresholds …). */
  readonly defaultOptions?: Readonly<Record<string, unknown>>;
  check(ctx: RuleContext): void;
  /** A fix for one problem this rule reported, or undefined when none applies. */
  fix?(doc: CocoDocument, problem: Problem): Fix | undefined;
  /** Other fixes of the problem, each with its own id (offered before `fix`, never by fix-all). */
  moreFixes?(doc: CocoDocument, problem: Problem): Fix[];
}
