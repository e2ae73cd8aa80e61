/** What the extension asks the compare worker, and what comes back. */
import type { AgreementReport } from '../../core/metrics/agreement';
import type { AgreementLayer } from '../../core/metrics/agreementLayer';
import type { CocoDiff, DiffOverlayChange } from '../../core/metrics/diff';

/** One side: a file on disk, or bytes (the old version from git) with a name for messages. */
export type CompareSource = { path: string } | { bytes: Uint8Array; name: string };

export interface CompareRequest {
  kind: 'agree' | 'diff';
  a: CompareSource;
  b: CompareSource;
  iouThreshold?: number;
  lowOverlap?: number;
  sameIdsFirst?: boolean;
}

/** A place in B's (NEW's) file: 0-based line and UTF-16 character, as VS Code counts. */
export interface TextRange { startLine: number; startCharacter: number; endLine: number; endCharacter: number }

export type CompareOutcome =
  | { kind: 'agree'; report: AgreementReport; /** conflicts[i] → its range in B, when it has one */ conflictRanges: (TextRange | null)[];
      /** index in the report's images with a disagreement (perImage with score > 0) → A and the conflicts on it, for the viewer's A/B view */
      layers?: Record<number, AgreementLayer>; ms: number }
  | { kind: 'diff'; diff: CocoDiff; /** `${imageIndex}:${changeIndex}` of perImage[].changed/added → range in NEW */ ranges: Record<string, TextRange>;
      /** perImage index → that image's changes with old / new geometry, for the viewer's diff mode (images in NEW the report lists) */
      overlays: Record<number, DiffOverlayChange[]>; ms: number };

export type CompareWorkerMessage =
  | { type: 'progress'; phase: 'read' | 'match'; fraction: number }
  | { type: 'result'; result: CompareOutcome }
  | { type: 'error'; message: string };
