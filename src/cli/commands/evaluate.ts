/**
 * `labelscope evaluate <gt.json> <predictions.json>`: COCO mAP with pycocotools' numbers
 * (bbox, segm, keypoints), its summary lines first so the two can be diffed, then a per-class
 * table and what pycocotools would not tell. Exit codes as `check`: 0 fine, 1 errors in the
 * inputs (results pycocotools would refuse), 2 unreadable input or a wrong command line.
 */
import * as fs from 'node:fs';
import { EVAL_OUTPUT_FORMATS, evalReportJson, evalReportMarkdown, evalReportText, type EvalOutputFormat, type IouType } from '../../core/metrics/eval';
import { positionProblems } from '../../core/report/located';
import { EvalInputError, evaluateFiles } from '../../node/eval/runEval';
import { placeEvalProblems } from '../../node/eval/evalProblems';
import { makeProgress, readableFileSize, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const EVALUATE_USAGE = `Usage: labelscope evaluate <ground-truth.json> <predictions.json> [options]
       labelscope evaluate --gt <ground-truth.json> --dt <predictions.json> [options]

Evaluates predictions against labels with pycocotools' COCOeval numbers. The predictions are a
COCO results list ([{image_id, category_id, bbox|segmentation|keypoints, score}]) or a COCO file
whose annotations carry a score.

Options:
  --iou-type TYPE      bbox (default), segm or keypoints
  --format FORMAT      text (default: pycocotools' summary lines, per-class table), json or md
  --output FILE        write the report to FILE instead of standard output
  --max-dets LIST      maxDets, comma-separated (default 1,10,100; keypoints 20)
  --iou-thrs LIST      IoU thresholds, comma-separated (default .50:.05:.95); AP at any IoU
  --kpt-sigmas LIST    per-keypoint OKS sigmas (default: the 17 COCO person sigmas)
  --analysis-iou IOU   IoU of the confusion matrix, F1 curves and label hints (default 0.5)
  --confusion          print the confusion matrix (text, md)
  --per-class          the per-class table (always printed; accepted for scripts that pass it)
  --hint-score S       lowest detection score behind a label hint (default 0.5)
  --threads N          worker threads (default: cores - 1; 0 = none)
  -h, --help           show this help

\`labelscope eval\` is the same command.

Exit status: 0 evaluated, 1 evaluated but the inputs have errors, 2 the input could not be read.
`;

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'COCO mAP of predictions against labels, pycocotools-identical (bbox, segm, keypoints)',
  run,
};

/** `labelscope eval`: the name the evaluation was first announced under; the same command. */
export const evalCommand: CliCommand = { ...evaluateCommand, name: 'eval', summary: 'the same as evaluate' };

function numberList(s: string | undefined, what: string): number[] | undefined {
  if (s === undefined) return undefined;
  const v = s.split(',').map((x) => Number(x.trim()));
  if (v.length === 0 || v.some((x) => !Number.isFinite(x))) throw new Error(`${what} must be comma-separated numbers, got "${s}"`);
  return v;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, EVALUATE_USAGE, 'labelscope', {
      args: argv,
      allowPositionals: true,
      options: {
        gt: { type: 'string' },
        dt: { type: 'string' },
        'iou-type': { type: 'string', default: 'bbox' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        'max-dets': { type: 'string' },
        'iou-thrs': { type: 'string' },
        'kpt-sigmas': { type: 'string' },
        'analysis-iou': { type: 'string' },
        confusion: { type: 'boolean', default: false },
        'per-class': { type: 'boolean', default: false },
        'hint-score': { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  // Positionals fill whichever of --gt / --dt was not given, in that order.
  const rest = positionals.slice();
  const gtFile = values.gt ?? rest.shift();
  const dtFile = values.dt ?? rest.shift();
  if (!gtFile || !dtFile) { io.stderr(`labelscope: evaluate needs a ground-truth file and a predictions file\n\n${EVALUATE_USAGE}`); return 2; }
  if (rest.length > 0) { io.stderr(`labelscope: unexpected arguments: ${rest.join(' ')}\n`); return 2; }
  const iouType = values['iou-type'] as IouType;
  if (!['bbox', 'segm', 'keypoints'].includes(iouType)) { io.stderr('labelscope: --iou-type must be bbox, segm or keypoints\n'); return 2; }
  const format = values.format as EvalOutputFormat;
  if (!EVAL_OUTPUT_FORMATS.includes(format)) { io.stderr(`labelscope: --format must be one of ${EVAL_OUTPUT_FORMATS.join(', ')}\n`); return 2; }
  let maxDets, iouThrs, kptOksSigmas, analysisIou, hintScore, threads;
  try {
    maxDets = numberList(values['max-dets'], '--max-dets');
    if (maxDets?.some((m) => !Number.isInteger(m) || m < 1)) throw new Error('--max-dets must be positive integers');
    iouThrs = numberList(values['iou-thrs'], '--iou-thrs');
    if (iouThrs?.some((t) => t < 0 || t > 1)) throw new Error('--iou-thrs must lie in [0, 1]');
    kptOksSigmas = numberList(values['kpt-sigmas'], '--kpt-sigmas');
    analysisIou = numberList(values['analysis-iou'], '--analysis-iou')?.[0];
    if (analysisIou !== undefined && iouThrs && !iouThrs.includes(analysisIou)) throw new Error('--analysis-iou must be one of --iou-thrs');
    if (analysisIou !== undefined && !iouThrs && Math.round(analysisIou * 100) % 5 !== 0) throw new Error('--analysis-iou must be one of 0.50, 0.55 … 0.95 (or give --iou-thrs)');
    hintScore = numberList(values['hint-score'], '--hint-score')?.[0];
    threads = numberList(values.threads, '--threads')?.[0];
  } catch (e) {
    io.stderr(`labelscope: ${(e as Error).message}\n`);
    return 2;
  }
  let size = 0;
  for (const f of [gtFile, dtFile]) {
    const fileSize = readableFileSize(f, io);
    if (fileSize === undefined) return 2;
    size += fileSize;
  }
  const progress = makeProgress(io, size);
  let ev;
  try {
    ev = await evaluateFiles(gtFile, dtFile, { iouType, maxDets, iouThrs, kptOksSigmas, analysisIou: snapIou(analysisIou, iouThrs), hintScore, threads, onProgress: progress.update });
  } catch (e) {
    progress.done();
    io.stderr(`labelscope: ${e instanceof EvalInputError ? e.message : `evaluation failed: ${(e as Error).message}`}\n`);
    return 2;
  }
  progress.done();
  const { result } = ev;
  const gtProblems = positionProblems(ev.gt, placeEvalProblems(ev.gt, result.problems, 'gt')).map((p) => ({ ...p, file: gtFile }));
  const dtPlaced = placeEvalProblems(ev.dt.doc, result.problems, 'dt');
  const dtProblems = ev.dt.doc
    ? positionProblems(ev.dt.doc, dtPlaced).map((p) => ({ ...p, file: dtFile }))
    : dtPlaced.map((p) => ({ rule: p.rule, severity: p.severity, message: p.message, jsonPath: p.jsonPath, line: 0, column: 0, endLine: 0, endColumn: 0, file: dtFile, ...(p.imageId !== undefined ? { imageId: p.imageId } : {}), ...(p.categoryId !== undefined ? { categoryId: p.categoryId } : {}) }));
  const input = { gtFile, dtFile, result, problems: [...dtProblems, ...gtProblems], durationMs: ev.durationMs, confusion: values.confusion };
  const text = format === 'json' ? evalReportJson(input) : format === 'md' ? evalReportMarkdown(input) : evalReportText(input);
  if (values.output) {
    try {
      fs.writeFileSync(values.output, text);
    } catch (e) {
      io.stderr(`labelscope: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else io.stdout(text);
  return result.problems.some((p) => p.severity === 'error') ? 1 : 0;
}

/** The IoU threshold as COCOeval holds it (0.7 is 0.7000000000000001 in np.linspace). */
function snapIou(iou: number | undefined, iouThrs: number[] | undefined): number | undefined {
  if (iou === undefined || iouThrs) return iou;
  const t = Math.round((iou - 0.5) / 0.05);
  return t === 9 ? 0.95 : t * ((0.95 - 0.5) / 9) + 0.5;
}
