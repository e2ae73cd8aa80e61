/**
 * The dataset card, start to finish, for the CLI (`labelscope card`) and the extension
 * (`Labelscope: Generate Dataset Card`): statistics, every rule, image health and duplicates
 * (when asked and the images are found), then README.md and charts/*.svg written atomically.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetCard, type KnownIssue } from '../../core/card/datasetCard';
import { chartToSvg } from '../../core/card/svg';
import { checkDocument } from '../../core/check';
import type { CocoDocument } from '../../core/coco/document';
import { compareSplits, computeStats, datasetCharts } from '../../core/metrics/stats';
import type { Problem } from '../../core/problems';
import { writeFileAtomic } from '../atomicWrite';
import { fileAccessFor } from '../checkFile';
import { loadConfigFor } from '../config';
import { checkDatasetHealth } from './datasetHealth';

export interface CardWriterOptions {
  /** Image folder (absolute); else found as `check` does. */
  images?: string;
  checkImages: boolean;
  cacheDir?: string;
  prettyName?: string;
  generator?: string;
  signal?: AbortSignal;
  onProgress?: (file: number, done: number, total: number) => void;
}

function summarize(problems: readonly Problem[], split: string, into: Map<string, KnownIssue>): void {
  for (const p of problems) {
    const key = `${split}\0${p.rule}`;
    const prev = into.get(key);
    if (prev) into.set(key, { ...prev, count: prev.count + 1 });
    else into.set(key, { rule: p.rule, severity: p.severity, count: 1, split, example: p.message.length > 160 ? `${p.message.slice(0, 157)}…` : p.message });
  }
}

export async function writeDatasetCard(docs: readonly CocoDocument[], files: readonly string[], outDir: string, o: CardWriterOptions): Promise<{ out: string; charts: number }> {
  const results = docs.map((d) => computeStats(d));
  const splits = results.map((r) => r.stats);
  const shift = results.length > 1 ? compareSplits(results) : undefined;
  const issues = new Map<string, KnownIssue>();
  docs.forEach((doc, k) => {
    const { config } = loadConfigFor(files[k]);
    const { problems } = checkDocument(doc, { config, files: o.checkImages ? fileAccessFor(files[k], o.images) : undefined });
    summarize(problems, splits[k].name, issues);
  });
  let imagesChecked = false;
  let duplicates;
  if (o.checkImages) {
    const health = await checkDatasetHealth(docs, files, { imageRoot: o.images, cacheDir: o.cacheDir, signal: o.signal, onProgress: o.onProgress });
    imagesChecked = health.files.some((f) => f.health.images.length > 0);
    // The rules above already reported missing files.
    health.files.forEach((f, k) => summarize(f.problems.filter((p) => p.rule !== 'coco/image-file-missing'), splits[k].name, issues));
    if (imagesChecked) {
      duplicates = {
        exactGroups: health.groups.filter((g) => g.kind === 'exact').length,
        nearGroups: health.groups.filter((g) => g.kind === 'near').length,
        leakageGroups: health.groups.filter((g) => g.leakage).length,
      };
    }
  }
  const out = path.resolve(outDir);
  const charts = datasetCharts(splits).map((spec) => ({ file: `charts/${spec.id}.svg`, spec }));
  const card = datasetCard({ docs, splits, shift, issues: [...issues.values()], imagesChecked, duplicates, charts, prettyName: o.prettyName, generator: o.generator });
  fs.mkdirSync(path.join(out, 'charts'), { recursive: true });
  for (const c of charts) await writeFileAtomic(path.join(out, c.file), new TextEncoder().encode(chartToSvg(c.spec)));
  await writeFileAtomic(path.join(out, 'README.md'), new TextEncoder().encode(card));
  return { out, charts: charts.length };
}
