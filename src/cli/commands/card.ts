/**
 * `labelscope card FILE… -o DIR`: a Hugging Face-style dataset card (DIR/README.md) with the
 * statistics charts as SVG files beside it (DIR/charts/*.svg). Known issues come from every rule
 * and, unless --no-images, from the image-health and duplicate checks on the image files.
 * Exit codes: 0 written, 2 an input could not be read, the output could not be written, or the
 * command line is wrong.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { CocoDocument } from '../../core/coco/document';
import { writeDatasetCard } from '../../node/health/cardWriter';
import { loadCoco } from '../../node/loadCoco';
import { VERSION, makeProgress, readableFileSize, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
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

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, CARD_USAGE, 'labelscope', {
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
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) { io.stderr(`labelscope: card needs at least one COCO file\n\n${CARD_USAGE}`); return 2; }
  if (!values.output) { io.stderr(`labelscope: card needs -o DIR\n\n${CARD_USAGE}`); return 2; }

  const docs: CocoDocument[] = [];
  for (const file of positionals) {
    if (readableFileSize(file, io) === undefined) return 2;
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
  let written;
  try {
    written = await writeDatasetCard(docs, positionals, values.output, {
      images: values.images ? path.resolve(values.images) : undefined,
      checkImages: !values['no-images'],
      cacheDir: values.cache ?? defaultCacheDir(),
      prettyName: values.name,
      generator: VERSION,
      onProgress: (() => {
        const progress = makeProgress(io, docs.reduce((t, d) => t + d.imageEntries.length, 0) > 2000 ? Infinity : 0);
        return (file: number, done: number, n: number) => { progress.update(`images of ${path.basename(positionals[file])}`, n ? done / n : 1); if (done === n) progress.done(); };
      })(),
    });
  } catch (e) {
    io.stderr(`labelscope: cannot write the card to ${path.resolve(values.output)}: ${(e as Error).message}\n`);
    return 2;
  }
  const { out, charts } = written;
  io.stdout(`wrote ${path.join(out, 'README.md')} and ${charts} charts in ${path.join(out, 'charts')}\n`);
  return 0;
}
