/**
 * `labelscope card FILE… -o DIR`: a Hugging Face-style dataset card (DIR/README.md) with the
 * statistics charts as SVG files beside it (DIR/charts/*.svg). Known issues come from every rule
 * and, unless --no-images, from the image-health and duplicate checks on the image files.
 * Exit codes: 0 written, 2 an input could not be read, the output could not be written, or the
 * command line is wrong.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { datasetCard, type KnownIssue } from '../../core/card/datasetCard';
import { chartToSvg } from '../../core/card/svg';
import { checkDocument } from '../../core/check';
import type { CocoDocument } from '../../core/coco/document';
import { computeStats, compareSplits, datasetCharts } from '../../core/metrics/stats';
import type { Problem } from '../../core/problems';
import { writeFileAtomic } from '../../node/atomicWrite';
import { fileAccessFor } from '../../node/checkFile';
import { loadConfigFor } from '../../node/config';
import { checkDatasetHealth } from '../../node/health/datasetHealth';
import { loadCoco } from '../../node/loadCoco';
import { VERSION, makeProgress, type CliIo } from '../io';
import type { CliCommand } from './index';

export const CARD_USAGE = `Usage: labelscope card <coco.json>... -o DIR [options]

Writes a dataset card in the Hugging Face layout (DIR/README.md) with charts as SVG files
(DIR/charts/). What the files tell is filled in; the rest is marked "To fill in".

Options:
  -o, --output DIR   folder for README.md and charts/ (created if needed)
  --images DIR       folder the images' file_name values are relative to
  --no-images        do not open the image files (no health, duplicate or leakage checks)
  --name NAME        pretty_name of the dataset (default: info.description or the split name)
  --cache DIR        cache of image checks (default: $XDG_CACHE_HOME/labelscope or ~/.cache/labelscope)
  -h, --help         show this help

Exit status: 0 written, 2 an input could not be read or the card could not be written.
`;

export const cardCommand: CliCommand = {
  name: 'card',
  summary: 'write a Hugging Face-style dataset card with SVG charts (README.md + charts/)',
  run,
};

function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'labelscope');
}

function summarize(problems: readonly Problem[], split: string, into: Map<string, KnownIssue>): void {
  for (const p of problems) {
    const key = `${split}\0${p.rule}`;
    const prev = into.get(key);
    if (prev) into.set(key, { ...prev, count: prev.count + 1 });
    else into.set(key, { rule: p.rule, severity: p.severity, count: 1, split, example: p.message.length > 160 ? `${p.message.slice(0, 157)}…` : p.message });
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        images: { type: 'string' },
        'no-images': { type: 'boolean', default: false },
        name: { type: 'string' },
        cache: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.stderr(`labelscope: ${(e as Error).message}\n\n${CARD_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(CARD_USAGE); return 0; }
  if (positionals.length === 0) { io.stderr(`labelscope: card needs at least one COCO file\n\n${CARD_USAGE}`); return 2; }
  if (!values.output) { io.stderr(`labelscope: card needs -o DIR\n\n${CARD_USAGE}`); return 2; }

  const docs: CocoDocument[] = [];
  for (const file of positionals) {
    try {
      if (!fs.statSync(file).isFile()) throw new Error('not a regular file');
    } catch (e) {
      io.stderr(`labelscope: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return 2;
    }
    try {
      const doc = await loadCoco(file);
      const invalid = doc.parseIssues.find((p) => p.rule === 'coco/invalid-json');
      if (invalid) {
        const pos = doc.lines.positionAt(invalid.start);
        io.stderr(`labelscope: ${file}:${pos.line + 1}:${pos.character + 1}: ${invalid.message}\n`);
        return 2;
      }
      docs.push(doc);
    } catch (e) {
      io.stderr(`labelscope: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const results = docs.map((d) => computeStats(d));
  const splits = results.map((r) => r.stats);
  const shift = results.length > 1 ? compareSplits(results) : undefined;

  // Known issues: every rule, then (with the images) health, duplicates and leakage.
  const issues = new Map<string, KnownIssue>();
  docs.forEach((doc, k) => {
    const file = positionals[k];
    const { config } = loadConfigFor(file);
    const images = values.images ? path.resolve(values.images) : undefined;
    const { problems } = checkDocument(doc, { config, files: values['no-images'] ? undefined : fileAccessFor(file, images) });
    summarize(problems, splits[k].name, issues);
  });
  let imagesChecked = false;
  let duplicates;
  if (!values['no-images']) {
    const total = docs.reduce((t, d) => t + d.imageEntries.length, 0);
    const progress = makeProgress(io, total > 2000 ? Infinity : 0);
    const health = await checkDatasetHealth(docs, positionals, {
      imageRoot: values.images ? path.resolve(values.images) : undefined,
      cacheDir: values.cache ?? defaultCacheDir(),
      onProgress: (file, done, n) => progress.update(`images of ${path.basename(positionals[file])}`, n ? done / n : 1),
    });
    progress.done();
    imagesChecked = health.files.some((f) => f.health.images.length > 0);
    health.files.forEach((f, k) => summarize(f.problems.filter((p) => p.rule !== 'coco/image-file-missing'), splits[k].name, issues));
    if (imagesChecked) {
      duplicates = {
        exactGroups: health.groups.filter((g) => g.kind === 'exact').length,
        nearGroups: health.groups.filter((g) => g.kind === 'near').length,
        leakageGroups: health.groups.filter((g) => g.leakage).length,
      };
    }
  }

  const out = path.resolve(values.output);
  const charts = datasetCharts(splits).map((spec) => ({ file: `charts/${spec.id}.svg`, spec }));
  const card = datasetCard({ docs, splits, shift, issues: [...issues.values()], imagesChecked, duplicates, charts, prettyName: values.name, generator: VERSION });
  try {
    fs.mkdirSync(path.join(out, 'charts'), { recursive: true });
    for (const c of charts) await writeFileAtomic(path.join(out, c.file), new TextEncoder().encode(chartToSvg(c.spec)));
    await writeFileAtomic(path.join(out, 'README.md'), new TextEncoder().encode(card));
  } catch (e) {
    io.stderr(`labelscope: cannot write the card to ${out}: ${(e as Error).message}\n`);
    return 2;
  }
  io.stdout(`wrote ${path.join(out, 'README.md')} and ${charts.length} charts in ${path.join(out, 'charts')}\n`);
  return 0;
}
