/**
 * `labelscope check <coco.json>`: the editor's checks, headless, for CI.
 * Exit codes: 0 no errors, 1 at least one error, 2 the input could not be read
 * (or the command line is wrong).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_RULES } from '../../core/rules';
import { OUTPUT_FORMATS, formatJson, formatJunit, formatSarif, formatText, type OutputFormat, type Report } from '../../core/report/formats';
import { positionProblems } from '../../core/report/located';
import { summarize } from '../../core/check';
import { checkFile } from '../../node/checkFile';
import { checkDatasetHealth } from '../../node/health/datasetHealth';
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
  --image-health     also open every image file (decoded in worker threads, cached
                     by path + size + mtime): unreadable or truncated files, declared
                     size vs the file's (EXIF-aware), colour modes, dark / light /
                     low-information / blurry images, exact and near duplicates
                     (coco/image-… rules)
  --embedding-model FILE
                     with --image-health: an image-embedding ONNX model (CLIP- or
                     DINO-style image encoder) whose cosine similarity also finds
                     near duplicates hashing misses (crops, other shots of a scene)
  --embedding-threshold N
                     cosine similarity at or above which two images are near
                     duplicates by the embedding model (default 0.95)
  --cache DIR        cache of image checks (default: $XDG_CACHE_HOME/labelscope or
                     ~/.cache/labelscope)
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
        'image-health': { type: 'boolean', default: false },
        'embedding-model': { type: 'string' },
        'embedding-threshold': { type: 'string' },
        cache: { type: 'string' },
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
  const imageHealth = parseImageHealthOptions(values, io);
  if (imageHealth === 'error') return 2;

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
  if (imageHealth) {
    try {
      result = await withImageHealth(file, result, { ...imageHealth, images: values.images }, io);
    } catch (e) {
      io.stderr(`labelscope: image checks of ${file} failed: ${(e as Error).message}\n`);
      return 2;
    }
  }

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

interface ImageHealthFlags { cacheDir: string; embeddingModel?: string; embeddingThreshold?: number }

/** --image-health and its companions; undefined when image checks were not asked for, 'error' after saying why. */
function parseImageHealthOptions(values: { 'image-health'?: boolean; 'no-image-files'?: boolean; 'embedding-model'?: string; 'embedding-threshold'?: string; cache?: string }, io: CliIo): ImageHealthFlags | undefined | 'error' {
  const wantsEmbedding = values['embedding-model'] !== undefined || values['embedding-threshold'] !== undefined;
  if (!values['image-health']) {
    if (wantsEmbedding) { io.stderr('labelscope: --embedding-model and --embedding-threshold need --image-health\n'); return 'error'; }
    return undefined;
  }
  if (values['no-image-files']) { io.stderr('labelscope: --image-health opens the image files; it cannot be combined with --no-image-files\n'); return 'error'; }
  const model = values['embedding-model'];
  if (model !== undefined && !fs.existsSync(model)) { io.stderr(`labelscope: cannot read embedding model ${model}: no such file\n`); return 'error'; }
  let threshold: number | undefined;
  if (values['embedding-threshold'] !== undefined) {
    threshold = Number(values['embedding-threshold']);
    if (!(threshold > 0 && threshold <= 1)) { io.stderr(`labelscope: --embedding-threshold must be a cosine similarity in (0, 1], got ${JSON.stringify(values['embedding-threshold'])}\n`); return 'error'; }
  }
  return { cacheDir: values.cache ?? defaultCacheDir(), ...(model ? { embeddingModel: model } : {}), ...(threshold !== undefined ? { embeddingThreshold: threshold } : {}) };
}

/** The text check's result with the image checks' problems added (same rule ids as the Dataset Report). */
async function withImageHealth<R extends Awaited<ReturnType<typeof checkFile>>>(file: string, result: R, flags: ImageHealthFlags & { images?: string }, io: CliIo): Promise<R> {
  const total = result.doc.imageEntries.length;
  const progress = makeProgress(io, total > 2000 ? Infinity : 0);
  const health = await checkDatasetHealth([result.doc], [file], {
    imageRoot: flags.images ? path.resolve(flags.images) : undefined,
    cacheDir: flags.cacheDir,
    config: result.config,
    ...(flags.embeddingModel ? { embedding: { model: flags.embeddingModel, threshold: flags.embeddingThreshold } } : {}),
    onProgress: (_file, done, n) => progress.update('images', n ? done / n : 1),
    onEmbeddingProgress: (done, n) => progress.update('embeddings', n ? done / n : 1),
  }).finally(() => progress.done());
  // coco/image-file-missing is already reported by the text check.
  const added = health.files[0].problems.filter((p) => p.rule !== 'coco/image-file-missing');
  const problems = [...result.problems, ...added];
  return { ...result, problems, summary: summarize(result.doc, problems, result.summary.ruleMs) };
}

function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'labelscope');
}
