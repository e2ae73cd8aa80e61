/**
 * `labelscope agree A.json B.json`: inter-annotator agreement of B against A (the reference).
 * Exit codes: 0 no error-level conflicts, 1 at least one (missing, extra or mismatching label),
 * 2 an input could not be read or the command line is wrong.
 */
import * as fs from 'node:fs';
import { computeAgreement, formatAgreementMarkdown, formatAgreementText } from '../../core/metrics/agreement';
import { CompareInputError, loadCompareFile } from '../../node/compare/loadDocument';
import { makeProgress, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const AGREE_USAGE = `Usage: labelscope agree <A.json> <B.json> [options]

Agreement of annotator B against annotator A (the reference): objects are matched per image and
category by optimal assignment on IoU (mask IoU when both have masks, box IoU otherwise, OKS for
keypoints), leftovers across categories (label conflicts). Prints precision, recall, F1, mean IoU
and Dice, Cohen's kappa, a confusion matrix and CVAT-like conflicts.

Options:
  --iou X            minimum IoU (or OKS) of a match (default 0.5)
  --low-overlap X    matched pairs under this IoU are low_overlap conflicts (default 0.8)
  --same-ids         the files share annotation ids: pair equal ids first
  --format FORMAT    text (default), json or md
  --output FILE      write the report to FILE instead of standard output
  -h, --help         show this help

Exit status: 0 no error-level conflicts, 1 some (missing, extra, mismatching label), 2 bad input.
`;

export const agreeCommand: CliCommand = {
  name: 'agree',
  summary: 'inter-annotator agreement of two COCO files (IoU matching, kappa, conflicts)',
  run,
};

function fraction(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!(v >= 0 && v <= 1) || raw.trim() === '') throw new Error(`--${name} must be a number from 0 to 1, not "${raw}"`);
  return v;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, AGREE_USAGE, 'labelscope agree', {
      args: argv,
      allowPositionals: true,
      options: {
        iou: { type: 'string' },
        'low-overlap': { type: 'string' },
        'same-ids': { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) { io.stderr(`labelscope agree: needs two COCO files, got ${positionals.length}\n\n${AGREE_USAGE}`); return 2; }
  const format = values.format!;
  if (!['text', 'json', 'md'].includes(format)) { io.stderr('labelscope agree: --format must be text, json or md\n'); return 2; }
  let iouThreshold: number, lowOverlap: number;
  try {
    iouThreshold = fraction('iou', values.iou, 0.5);
    lowOverlap = fraction('low-overlap', values['low-overlap'], 0.8);
  } catch (e) {
    io.stderr(`labelscope agree: ${(e as Error).message}\n`);
    return 2;
  }
  const [fileA, fileB] = positionals;
  const t0 = performance.now();
  let docs;
  try {
    docs = await Promise.all([fileA, fileB].map((f) => {
      const progress = makeProgress(io, fs.existsSync(f) ? fs.statSync(f).size : 0);
      return loadCompareFile(f, { onProgress: (x) => progress.update(`reading ${f}`, x) }).finally(progress.done);
    }));
  } catch (e) {
    io.stderr(`labelscope agree: ${e instanceof CompareInputError ? e.message : (e as Error).message}\n`);
    return 2;
  }
  const report = computeAgreement(docs[0], docs[1], { iouThreshold, lowOverlap, sameIdsFirst: values['same-ids'] });
  const durationMs = Math.round(performance.now() - t0);
  const text = format === 'json' ? `${JSON.stringify({ fileA, fileB, ...report, durationMs }, null, 2)}\n`
    : format === 'md' ? formatAgreementMarkdown(report, fileA, fileB)
    : formatAgreementText(report, fileA, fileB);
  if (values.output) {
    try {
      fs.writeFileSync(values.output, text);
    } catch (e) {
      io.stderr(`labelscope agree: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else io.stdout(text);
  return report.conflicts.some((c) => c.severity === 'error') ? 1 : 0;
}
