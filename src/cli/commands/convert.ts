/**
 * `labelscope convert IN OUT --to FORMAT`: any supported format to any other, through COCO, with
 * a fidelity report. Exit codes as `check`: 0 converted and nothing dropped, 1 converted but
 * objects were dropped (the report says which and why), 2 the input could not be read, the
 * output exists (no --force) or the command line is wrong.
 */
import * as fs from 'node:fs';
import { TARGETS, isTarget } from '../../core/convert/formats';
import { ConvertInputError, ConvertOutputError, runConvert, stagingPathFor } from '../../node/convert/runConvert';
import { makeProgress, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const CONVERT_USAGE = `Usage: labelscope convert IN OUT --to FORMAT [options]

Converts a dataset between formats (every pair through COCO) and writes conversion-report.md
beside the output: objects in/out per class, what was dropped or changed and why, and the
round trip's mask IoU (the output read back and compared object by object).

Formats: ${TARGETS.join(', ')}
  (IN is detected from its paths and contents; a COCO OUT ending in .json is one file,
   every other OUT is a folder)

Options:
  --to FORMAT            target format (required)
  --from FORMAT          input format, when detection guesses wrong
  --classes FILE         JSON {"old": "new" | null}: rename, merge (same new name) or drop (null)
  --coco80               renumber category ids 1…N contiguous (COCO's 91 → 80 table)
  --images DIR           folder the images' file names are relative to
  --multipart MODE       bridge (default: one polygon, Ultralytics' merge_multi_segment) or split
  --crowd MODE           crowd / RLE objects in polygon formats: contours (default), box or skip
  --copy-images          copy images into the output (default: YOLO hard-links, others leave them)
  --report FILE          also write the report as JSON
  --no-round-trip        skip reading the output back (faster on huge inputs)
  --force                write into an existing output
  --threads N            worker threads that trace crowd / RLE masks while the writer runs
                         (default 1 when the masks pay for a thread; 0: traced by the writer)
  -h, --help             show this help

Exit status: 0 converted, nothing dropped; 1 converted, objects dropped (see the report);
2 the input could not be read, the output exists without --force, or a bad command line.
`;

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'convert between COCO, YOLO, VOC, labelme, CVAT, Label Studio and mask PNGs, with a fidelity report',
  run,
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, CONVERT_USAGE, 'labelscope convert', {
      args: argv,
      allowPositionals: true,
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        classes: { type: 'string' },
        coco80: { type: 'boolean', default: false },
        images: { type: 'string' },
        multipart: { type: 'string', default: 'bridge' },
        crowd: { type: 'string', default: 'contours' },
        'copy-images': { type: 'boolean', default: false },
        report: { type: 'string' },
        'no-round-trip': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const bad = (msg: string) => { io.stderr(`labelscope convert: ${msg}\n\n${CONVERT_USAGE}`); return 2; };
  if (positionals.length !== 2) return bad(positionals.length < 2 ? 'needs IN and OUT' : `unexpected arguments: ${positionals.slice(2).join(' ')}`);
  if (!values.to) return bad('--to is required');
  if (!isTarget(values.to)) return bad(`--to must be one of ${TARGETS.join(', ')}`);
  if (values.multipart !== 'bridge' && values.multipart !== 'split') return bad('--multipart must be bridge or split');
  if (!['contours', 'box', 'skip'].includes(values.crowd!)) return bad('--crowd must be contours, box or skip');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) return bad('--threads must be a whole number ≥ 0');
  const [input, output] = positionals;
  let size = 0;
  try { const st = fs.statSync(input); size = st.isFile() ? st.size : 0; } catch { /* runConvert reports it */ }
  const progress = makeProgress(io, size);
  // Ctrl-C / SIGTERM: the conversion is cancelled at its next step, its staging folder removed
  // (every write in flight settles first), and the command exits 130; a second signal stops it
  // at once, removing what it can. The output folder is only ever changed by the final commit.
  const staging = stagingPathFor(output, values.to);
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      removeStaging(staging);
      process.exit(130);
    }
    interrupted = signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const r = await runConvert({
      input, output, to: values.to, from: values.from, classesFile: values.classes, coco80: values.coco80,
      images: values.images, multipart: values.multipart, crowd: values.crowd as 'contours' | 'box' | 'skip',
      copyImages: values['copy-images'], force: values.force, reportFile: values.report,
      roundTrip: !values['no-round-trip'], threads, onProgress: progress.update,
      stagingDir: staging, signal: controller.signal,
    });
    progress.done();
    const rep = r.report;
    const dropped = rep.dropped.reduce((n, d) => n + d.count, 0);
    const changed = rep.changed.reduce((n, d) => n + d.count, 0);
    const rt = rep.roundTrip;
    io.stdout(`${r.from} → ${rep.to}: ${rep.images} images, ${rep.objectsIn} objects in, ${rep.objectsOut} out; ${dropped} dropped, ${changed} changed` +
      (rt ? `; round trip: ${rt.matched}/${rt.objects} back${rt.meanMaskIou !== null ? `, mask IoU mean ${rt.meanMaskIou.toFixed(4)} min ${rt.minMaskIou!.toFixed(4)}` : ''}` : '') +
      `\nwrote ${r.outputPath}\nreport ${r.reportPath}\n`);
    return dropped > 0 ? 1 : 0;
  } catch (e) {
    progress.done();
    if (interrupted) {
      removeStaging(staging);
      io.stderr(`labelscope convert: interrupted (${interrupted}); ${output} was left as it was\n`);
      return 130;
    }
    if (e instanceof ConvertInputError || e instanceof ConvertOutputError) { io.stderr(`labelscope convert: ${e.message}\n`); return 2; }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function removeStaging(staging: string): void {
  try { fs.rmSync(staging, { recursive: true, force: true }); } catch { /* nothing was made there */ }
}
