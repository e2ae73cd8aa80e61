/**
 * `labelscope check <coco.json>`: the editor's checks, headless, for CI.
 * Exit codes: 0 no errors, 1 at least one error, 2 the input could not be read
 * (or the command line is wrong).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULES } from '../../core/rules';
import { OUTPUT_FORMATS, formatJson, formatJunit, formatSarif, formatText, type OutputFormat, type Report } from '../../core/report/formats';
import { positionProblems } from '../../core/report/located';
import { checkFile } from '../../node/checkFile';
import { VERSION, makeProgress, readableFileSize, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const CHECK_USAGE = `Usage: labelscope check <coco.json> [options]

Checks a COCO file with the Labelscope rules that apply to its kind (instances,
keypoints, stuff, captions, panoptic, image-info, results; detected from the
content, or forced by "kinds" in .labelscope.json).

Options:
  --images DIR       folder the images' file_name values are relative to
  --gt FILE          ground-truth COCO file a results file is checked against
                     (unknown image_id / category_id, keypoint counts, RLE sizes)
  --format FORMAT    text (default), json, sarif (GitHub code scanning) or junit
  --config FILE      a .labelscope.json to use instead of the nearest one
  --output FILE      write the report to FILE instead of standard output
  --no-image-files   do not look for image files on disk
  -h, --help         show this help
  -v, --version      print the version

Exit status: 0 no errors, 1 errors found, 2 the input could not be read.
`;

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'check a COCO file with every rule (text, json, sarif or junit output)',
  // The check parser predates sub-commands and takes the command word as its first positional.
  run: (args, io) => run(['check', ...args], io),
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, CHECK_USAGE, 'labelscope', {
      args: argv,
      allowPositionals: true,
      options: {
        images: { type: 'string' },
        gt: { type: 'string' },
        format: { type: 'string', default: 'text' },
        config: { type: 'string' },
        output: { type: 'string' },
        'no-image-files': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) { io.stderr(CHECK_USAGE); return 2; }
  const [command, file, ...rest] = positionals;
  if (command !== 'check') { io.stderr(`labelscope: unknown command "${command}"\n\n${CHECK_USAGE}`); return 2; }
  if (!file) { io.stderr(`labelscope: check needs a COCO file\n\n${CHECK_USAGE}`); return 2; }
  if (rest.length > 0) { io.stderr(`labelscope: unexpected arguments: ${rest.join(' ')}\n`); return 2; }
  const format = values.format as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) { io.stderr(`labelscope: --format must be one of ${OUTPUT_FORMATS.join(', ')}\n`); return 2; }

  const size = readableFileSize(file, io);
  if (size === undefined) return 2;
  if (values.gt && !fs.existsSync(values.gt)) { io.stderr(`labelscope: cannot read ground truth ${values.gt}: no such file\n`); return 2; }
  if (values.config && !fs.existsSync(values.config)) { io.stderr(`labelscope: cannot read config ${values.config}: no such file\n`); return 2; }

  const progress = makeProgress(io, size);
  let result;
  try {
    result = await checkFile(file, {
      images: values.images,
      configFile: values.config,
      ...(values.gt ? { groundTruth: values.gt } : {}),
      checkImageFiles: !values['no-image-files'],
      onProgress: progress.update,
    });
  } catch (e) {
    progress.done();
    io.stderr(`labelscope: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  progress.done();
  for (const err of result.configErrors) io.stderr(`labelscope: config: ${err}\n`);

  const report: Report = {
    file,
    problems: positionProblems(result.doc, result.problems),
    summary: { ...result.summary, durationMs: Math.round(result.durationMs) },
  };
  const text =
    format === 'json' ? formatJson(report)
    : format === 'sarif' ? formatSarif(report, ALL_RULES, VERSION, toSarifUri(file))
    : format === 'junit' ? formatJunit(report, ALL_RULES)
    : formatText(report);
  if (values.output) {
    try {
      fs.writeFileSync(values.output, text);
    } catch (e) {
      io.stderr(`labelscope: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    io.stdout(text);
  }
  return result.summary.errors > 0 ? 1 : 0;
}

/** SARIF wants a URI; a relative one keeps GitHub code scanning's paths repo-relative. */
function toSarifUri(file: string): string {
  return path.isAbsolute(file) ? pathToFileURL(file).href : file.split(path.sep).map(encodeURIComponent).join('/');
}
