/**
 * One Dataset Report panel's logic, free of `vscode` (tests drive it in Node and Chromium): load
 * the split files, post the statistics at once, then check the images (health, duplicates) and
 * post again, then thumbnails; answer the webview's "keep one", export and filter messages.
 */
import type { CocoDocument } from '../../core/coco/document';
import { removeImagesEdits, type DuplicateGroup } from '../../core/metrics/duplicates';
import { compareSplits, computeStats, type StatsReport } from '../../core/metrics/stats';
import type { ByteEdit } from '../../core/problems';
import type { DatasetHealth } from '../../node/health/datasetHealth';
import { isJsonObject } from '../../core/coco/document';
import type { ChartPick, DuplicateGroupView, FromStatsView, HealthSummaryRow, ToStatsView } from '../../shared/statsProtocol';

export interface ReportSessionOptions {
  readonly files: readonly string[];
  post(msg: ToStatsView): void;
  load(file: string): Promise<CocoDocument>;
  /** Image health + duplicates; undefined: images not checked. */
  health?(docs: readonly CocoDocument[], signal: AbortSignal): Promise<DatasetHealth | undefined>;
  /** A webview URI of a thumbnail of this image file. */
  thumbnail?(imagePath: string): Promise<string>;
  /** Apply byte edits to these files as ONE undoable edit; resolves to an error message or undefined. */
  applyRemoval?(edits: { file: string; doc: CocoDocument; edits: ByteEdit[] }[]): Promise<string | undefined>;
  exportChart?(chart: string, format: 'png' | 'svg', data: string): Promise<void>;
  filter?(file: string, pick: ChartPick): Promise<void>;
  generateCard?(files: readonly string[]): Promise<void>;
}

export class ReportSession {
  private docs: CocoDocument[] = [];
  private groups: DuplicateGroup[] = [];
  private health?: DatasetHealth;
  private readonly abort = new AbortController();
  private report?: StatsReport;

  constructor(private readonly o: ReportSessionOptions) {}

  dispose(): void {
    this.abort.abort();
  }

  async receive(msg: FromStatsView): Promise<void> {
    try {
      if (msg.type === 'ready') await this.run();
      else if (msg.type === 'keepOne') await this.keepOne(msg.group, msg.keep);
      else if (msg.type === 'export') await this.o.exportChart?.(msg.chart, msg.format, msg.data);
      else if (msg.type === 'filter') {
        const k = this.report?.splits.findIndex((s) => s.name === msg.pick.split) ?? -1;
        await this.o.filter?.(this.o.files[Math.max(0, k)], msg.pick);
      } else if (msg.type === 'generateCard') await this.o.generateCard?.(this.o.files);
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') this.o.post({ type: 'error', message: String((e as Error)?.message ?? e) });
    }
  }

  async run(): Promise<void> {
    this.o.post({ type: 'progress', message: `Reading ${this.o.files.length} file${this.o.files.length === 1 ? '' : 's'}…` });
    this.docs = [];
    for (const f of this.o.files) this.docs.push(await this.o.load(f));
    const results = this.docs.map((d) => computeStats(d));
    const shift = results.length > 1 ? compareSplits(results) : undefined;
    this.report = { version: 1, splits: results.map((r) => r.stats), ...(shift ? { shift } : {}) };
    this.o.post({ type: 'report', report: this.report });
    if (!this.o.health) return;
    let health: DatasetHealth | undefined;
    try {
      health = await this.o.health(this.docs, this.abort.signal);
    } catch (e) {
      if (this.abort.signal.aborted) return;
      const cancelled = (e as Error)?.name === 'AbortError';
      this.o.post({ type: 'report', report: this.report, healthError: cancelled ? 'The image checks were cancelled.' : `The image checks failed: ${String((e as Error)?.message ?? e)}` });
      return;
    }
    if (!health || !health.files.some((f) => f.health.images.length > 0)) return;
    this.health = health;
    this.groups = health.groups;
    const rows: HealthSummaryRow[] = [];
    health.files.forEach((f, k) => {
      const counts = new Map<string, HealthSummaryRow>();
      for (const p of f.problems) {
        if (!p.rule.startsWith('coco/image-') || p.rule === 'coco/image-file-missing') continue;
        const prev = counts.get(p.rule);
        counts.set(p.rule, { split: this.report!.splits[k].name, rule: p.rule, severity: p.severity, count: (prev?.count ?? 0) + 1 });
      }
      rows.push(...counts.values());
    });
    this.o.post({ type: 'report', report: this.report, health: rows, duplicates: this.groupViews() });
    if (this.o.thumbnail) {
      for (const g of this.groups) for (const m of g.members) {
        if (this.abort.signal.aborted) return;
        const im = health.files[m.split].health.images.find((x) => x.index === m.index);
        if (!im) continue;
        try {
          this.o.post({ type: 'thumbnail', key: `${m.split}:${m.index}`, src: await this.o.thumbnail(im.path) });
        } catch { /* no thumbnail: the name stays */ }
      }
    }
  }

  private groupViews(): DuplicateGroupView[] {
    return this.groups.map((g, id) => ({
      id, kind: g.kind, leakage: g.leakage, maxDistance: g.maxDistance,
      members: g.members.map((m) => {
        const doc = this.docs[m.split];
        const v = doc.imageEntries[m.index]?.value;
        const imageId = isJsonObject(v) && (typeof v.id === 'number' || typeof v.id === 'string') ? v.id : undefined;
        return {
          key: `${m.split}:${m.index}`,
          split: this.report!.splits[m.split].name,
          imageId,
          fileName: isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name : '?',
          annotations: imageId === undefined ? 0 : doc.annotationCountOfImage(imageId),
        };
      }),
    }));
  }

  /** Removes every other member of the group (images and their annotations), file by file, as one edit. */
  private async keepOne(group: number, keep: string): Promise<void> {
    const g = this.groups[group];
    if (!g || !this.o.applyRemoval) return;
    const bySplit = new Map<number, number[]>();
    for (const m of g.members) {
      if (`${m.split}:${m.index}` === keep) continue;
      bySplit.set(m.split, [...(bySplit.get(m.split) ?? []), m.index]);
    }
    const edits = [...bySplit].map(([split, indexes]) => ({ file: this.o.files[split], doc: this.docs[split], edits: removeImagesEdits(this.docs[split], indexes) }));
    const error = await this.o.applyRemoval(edits);
    if (error) { this.o.post({ type: 'error', message: error }); return; }
    await this.run();
  }
}
