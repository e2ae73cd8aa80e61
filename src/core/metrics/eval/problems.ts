/**
 * What the evaluation says about its inputs. pycocotools' number is kept (users compare with
 * it); where pycocotools is surprising or would refuse the input, a problem says so.
 */
import type { Severity } from '../../problems';

export type EvalFile = 'gt' | 'dt';

export interface EvalProblem {
  /** Stable id (`eval/gt-id-zero`): public contract, add never rename. */
  readonly rule: EvalRuleId;
  readonly severity: Severity;
  readonly message: string;
  /** Which input the problem is on. */
  readonly file: EvalFile;
  /** The top-level array the element is in (`annotations`, `images`; `results` for a bare results list). */
  readonly section: 'annotations' | 'images' | 'categories' | 'results';
  /** Position in that array, or -1 for a problem on the whole file. */
  readonly index: number;
  readonly jsonPath: string;
  readonly imageId?: number | string;
  readonly annotationId?: number | string;
  readonly categoryId?: number | string;
  /** A detection's score (label hints). */
  readonly score?: number;
}

export const EVAL_RULES = {
  'eval/gt-id-zero': 'A ground-truth annotation with id 0 can never be a true positive in pycocotools (cocoapi#664): a detection matched to it counts as a false positive.',
  'eval/gt-ignore-unused': 'COCOeval overwrites `ignore` with `iscrowd`: an `ignore: 1` annotation that is not a crowd still counts as an object to find.',
  'eval/gt-crowd-region': 'An `iscrowd: 1` annotation is an ignore region in COCOeval: detections on it are neither true nor false positives and it is never a missed object (CVAT and Datumaro export masks as crowd RLE).',
  'eval/gt-field-missing': 'A ground-truth field COCOeval reads is missing (pycocotools raises KeyError); a default was used.',
  'eval/result-unknown-image': "A result's image_id is not in the ground truth: pycocotools' loadRes refuses the whole file; the result was left out.",
  'eval/result-unknown-category': "A result's category_id is not in the ground truth: COCOeval silently leaves it out.",
  'eval/result-invalid': 'A result lacks a usable score, bbox, segmentation or keypoints (pycocotools raises); it was left out.',
  'eval/result-bbox-mask-mismatch': "A result's bbox disagrees with its mask: loadRes takes the area from the bbox, so the small/medium/large bucket follows the bbox.",
  'eval/too-many-detections': 'More detections of one category on one image than the largest maxDets: COCOeval keeps only the highest-scoring ones.',
  'eval/no-results': 'The results are empty (pycocotools raises IndexError in loadRes).',
  'eval/hint-missing-label': 'A confident detection overlaps no ground truth at all: the label is likely missing.',
  'eval/hint-wrong-class': 'A confident detection of another class covers this annotation almost exactly (IoU ≥ 0.9): its class is likely wrong.',
  'eval/hint-badly-placed': 'A confident detection of the same class overlaps this annotation only loosely (IoU 0.1–0.5) and nothing matches it: the box is likely badly placed.',
} as const;

export type EvalRuleId = keyof typeof EVAL_RULES;

/** Collects problems, at most `cap` per rule, counting the rest. */
export class ProblemSink {
  readonly problems: EvalProblem[] = [];
  readonly omitted = new Map<EvalRuleId, number>();
  private readonly perRule = new Map<EvalRuleId, number>();
  constructor(private readonly cap = 200) {}

  add(p: EvalProblem): void {
    const n = this.perRule.get(p.rule) ?? 0;
    this.perRule.set(p.rule, n + 1);
    if (n < this.cap) this.problems.push(p);
    else this.omitted.set(p.rule, (this.omitted.get(p.rule) ?? 0) + 1);
  }

  count(rule: EvalRuleId): number {
    return this.perRule.get(rule) ?? 0;
  }
}
