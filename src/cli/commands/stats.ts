/**
 * `labelscope stats FILE… [--format text|json|md]`: dataset statistics per file and, with
 * several files (train / val / test), the distribution shift between them.
 * Exit codes: 0 done, 2 an input could not be read or the command line is wrong.
 */
import * as fs from 'node:fs';
import type { CocoDocument } from '../../core/coco/document';
import { computeStats, compareSplits, STATS_FORMATS, formatStats, type StatsFormat, type StatsReport } from '../../core/metrics/stats';
import { loadCoco } from '../../node/loadCoco';
import { makeProgress, readableFileSize, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const STATS_USAGE = `Usage: labelscope stats <coco.json>... [options]

Statistics of COCO files: per category instances, images, crowd share, small / medium / large,
box sizes and aspect ratios, outliers, images without annotations, class imbalance. With several
files (train, val, test), each is compared with the first: chi-square test on category shares,
Kolmogorov-Smirnov test on box sizes.

Options:
  --format FORMAT    text (default), json or md
  --output FILE      write the report to FILE instead of standard output
  --sigma K          outlier threshold in standard deviations of ln(box area) (default 5)
  --alpha P          significance level for distribution shift, Bonferroni-corrected (default 0.01)
  -h, --help         show this help

Exit status: 0 done, 2 an input could not be read.
`;

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'dataset statistics per file and distribution shift between split files (text, json or md)',
  run,
};

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, STATS_USAGE, 'labelscope', {
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        sigma: { type: 'string' },
        alpha: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) { io.stderr(`labelscope: stats needs at least one COCO file\n\n${STATS_USAGE}`); return 2; }
  const format = values.format as StatsFormat;
  if (!STATS_FORMATS.includes(format)) { io.stderr(`labelscope: --format must be one of ${STATS_FORMATS.join(', ')}\n`); return 2; }
  const sigma = values.sigma === undefined ? undefined : Number(values.sigma);
  const alpha = values.alpha === undefined ? undefined : Number(values.alpha);
  if (sigma !== undefined && !(sigma > 0)) { io.stderr('labelscope: --sigma must be a positive number\n'); return 2; }
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) { io.stderr('labelscope: --alpha must be between 0 and 1\n'); return 2; }

  const results = [];
  for (const file of positionals) {
    const size = readableFileSize(file, io);
    if (size === undefined) return 2;
    const progress = makeProgress(io, size);
    let doc: CocoDocument;
    try {
      doc = await loadCoco(file, { onProgress: (f) => progress.update('parse', f) });
    } catch (e) {
      progress.done();
      io.stderr(`labelscope: ${(e as Error).message}\n`);
      return 2;
    }
    progress.done();
    const invalid = doc.parseIssues.find((p) => p.rule === 'coco/invalid-json');
    if (invalid) {
      const pos = doc.lines.positionAt(invalid.start);
      io.stderr(`labelscope: ${file}:${pos.line + 1}:${pos.character + 1}: ${invalid.message}\n`);
      return 2;
    }
    results.push(computeStats(doc, { sigma }));
  }
  const shift = results.length > 1 ? compareSplits(results, { alpha }) : undefined;
  const report: StatsReport = { version: 1, splits: results.map((r) => r.stats), ...(shift ? { shift } : {}) };
  const out = formatStats(report, format);
  if (values.output) {
    try {
      fs.writeFileSync(values.output, out);
    } catch (e) {
      io.stderr(`labelscope: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else io.stdout(out);
  return 0;
}
