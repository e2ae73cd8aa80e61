/**
 * Messages between the Dataset Report panel (src/extension/health/reportPanel.ts) and its webview
 * (webview-ui/src/reports/stats/main.ts). Field names are stable: add, never rename.
 */
import type { ChartId, ChartPick } from '../core/metrics/stats/charts';
import type { StatsReport } from '../core/metrics/stats/format';

export type { ChartId, ChartPick };

/** One image of a duplicate group, as the report shows it. */
export interface DuplicateMember {
  /** Stable within the report: "<split>:<image index>". */
  readonly key: string;
  readonly split: string;
  readonly imageId: number | string | undefined;
  readonly fileName: string;
  /** Webview URI of a thumbnail, when one could be made. */
  readonly thumbnail?: string;
  readonly annotations: number;
}

export interface DuplicateGroupView {
  readonly id: number;
  readonly kind: 'exact' | 'near';
  readonly leakage: boolean;
  readonly maxDistance: number;
  readonly members: readonly DuplicateMember[];
}

export interface HealthSummaryRow {
  readonly split: string;
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly count: number;
}

export type ToStatsView =
  | { readonly type: 'progress'; readonly message: string; readonly fraction?: number }
  | {
    readonly type: 'report';
    readonly report: StatsReport;
    /** Undefined when the images were not checked (none found, or skipped). */
    readonly health?: readonly HealthSummaryRow[];
    readonly duplicates?: readonly DuplicateGroupView[];
    /** The image checks failed (sharp unavailable, cancelled …): the statistics stay, this says why. */
    readonly healthError?: string;
  }
  /** A member's thumbnail arrived (thumbnails come after the report). */
  | { readonly type: 'thumbnail'; readonly key: string; readonly src: string }
  | { readonly type: 'error'; readonly message: string };

export type FromStatsView =
  | { readonly type: 'ready' }
  /**
   * A bar / cell was clicked: the viewer should filter its grid to these images / annotations.
   * The report panel forwards it to the COCO viewer of the split's file (see the hook in the
   * issue-14 report: the viewer handles `{ type: 'filterGrid', pick }`).
   */
  | { readonly type: 'filter'; readonly pick: ChartPick }
  /** "Keep this one": remove the group's other images and their annotations (an undoable edit). */
  | { readonly type: 'keepOne'; readonly group: number; readonly keep: string }
  /** Save an exported chart: PNG as a data URL, SVG as text. */
  | { readonly type: 'export'; readonly chart: ChartId; readonly format: 'png' | 'svg'; readonly data: string }
  | { readonly type: 'generateCard' };
