/** Messages between the compare report panel (host) and its webview (webview-ui/src/reports/compare). */
import type { AgreementReport } from '../core/metrics/agreement';
import type { CocoDiff } from '../core/metrics/diff';

export type CompareToWebview =
  | { type: 'agree'; fileA: string; fileB: string; report: AgreementReport; ms: number }
  | { type: 'diff'; name: string; oldName: string; newName: string; diff: CocoDiff; ms: number };

export type CompareFromWebview =
  | { type: 'ready' }
  /** Show this conflict (agreement) or change (`${image}:${added|changed}:${k}` / `${image}:image`, diff) in B's / NEW's JSON. */
  | { type: 'reveal'; conflict?: number; change?: string }
  /** Diff: show this changed image (diff.perImage index) in NEW's viewer with its old and new outlines (diff mode). Agreement: this listed image (report.perImage index) in B's viewer with A over it. */
  | { type: 'showInViewer'; image: number }
  /** Save an export the webview made (Markdown / JSON text, SVG, or a PNG data URL). */
  | { type: 'export'; format: 'md' | 'json' | 'svg' | 'png'; content: string };
