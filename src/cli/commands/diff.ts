/**
 * `labelscope diff`: what changed between two COCO files, as objects.
 *   labelscope diff OLD.json NEW.json          two files
 *   labelscope diff REV -- path                 path as of REV against the working tree
 *   labelscope diff REV1 REV2 -- path           path as of REV1 against REV2
 *   labelscope diff --textconv FILE             one line per object (git's textconv)
 *   (7 arguments)                               git's external diff driver (GIT_EXTERNAL_DIFF)
 * Exit codes: 0 done (changes or not, as `git diff`), 2 an input could not be read or the
 * command line is wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CocoDocument } from '../../core/coco/document';
import { cocoToText, diffDocuments, formatDiffMarkdown, formatDiffText } from '../../core/metrics/diff';
import { CompareInputError, loadCompareFile, parseCompareBytes } from '../../node/compare/loadDocument';
import { GitError, gitShowFile } from '../../node/compare/git';
import { makeProgress, type CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const DIFF_USAGE = `Usage: labelscope diff <OLD.json> <NEW.json> [options]
       labelscope diff <REV> [<REV2>] -- <path>
       labelscope diff --textconv <file>

Semantic diff of two COCO files: images added, removed and renamed; per image the annotations
added, removed, moved or reshaped (with IoU), relabelled and with attributes changed; categories
added, removed and renamed; one summary line per file. With revisions, the old side comes from
git (\`git show REV:path\`), the new side from the working tree (or REV2).

As a git diff driver (.gitattributes: \`*.json diff=coco\`):
  git config diff.coco.command "labelscope diff"        (external driver: the full report)
  git config diff.coco.textconv "labelscope diff --textconv"   (line diff of one line per object)

Options:
  --iou X            leftover annotations (ids changed) pair when their IoU is at least X (default 0.5)
  --format FORMAT    text (default), json or md
  --output FILE      write the report to FILE instead of standard output
  --textconv         print FILE as one line per category, image and annotation
  -h, --help         show this help

Exit status: 0 done, 2 an input could not be read or the command line is wrong.
`;

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'semantic diff of two COCO files or git revisions (also a git diff driver / textconv)',
  run,
};

const EMPTY = new TextEncoder().encode('{}');
const isMode = (s: string) => /^[0-7]{6}$/.test(s) || s === '.';
const isHex = (s: string) => /^[0-9a-f]{7,64}$/.test(s) || s === '.';

interface Side { name: string; load: () => Promise<CocoDocument> }

async function run(argv: string[], io: CliIo): Promise<number> {
  const dd = argv.indexOf('--');
  const before = dd < 0 ? argv : argv.slice(0, dd);
  const after = dd < 0 ? [] : argv.slice(dd + 1);
  const parsed = parseCommandLine(io, DIFF_USAGE, 'labelscope diff', {
      args: before,
      allowPositionals: true,
      options: {
        iou: { type: 'string' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string' },
        textconv: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const format = values.format!;
  if (!['text', 'json', 'md'].includes(format)) { io.stderr('labelscope diff: --format must be text, json or md\n'); return 2; }
  let iouThreshold = 0.5;
  if (values.iou !== undefined) {
    iouThreshold = Number(values.iou);
    if (!(iouThreshold >= 0 && iouThreshold <= 1) || values.iou.trim() === '') { io.stderr(`labelscope diff: --iou must be a number from 0 to 1, not "${values.iou}"\n`); return 2; }
  }

  const emit = (text: string): number => {
    if (!values.output) { io.stdout(text); return 0; }
    try {
      fs.writeFileSync(values.output, text);
      return 0;
    } catch (e) {
      io.stderr(`labelscope diff: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
  };
  const fail = (e: unknown): number => {
    if (e instanceof CompareInputError || e instanceof GitError) io.stderr(`labelscope diff: ${e.message}\n`);
    else throw e;
    return 2;
  };
  const fromDisk = (file: string): Side => ({
    name: file,
    load: () => {
      const progress = makeProgress(io, fs.existsSync(file) ? fs.statSync(file).size : 0);
      return loadCompareFile(file, { onProgress: (x) => progress.update(`reading ${file}`, x) }).finally(progress.done);
    },
  });
  const fromGit = (rev: string, file: string): Side => ({
    name: `${rev}:${file}`,
    load: async () => parseCompareBytes(await gitShowFile(rev, file), `${rev}:${file}`),
  });
  const nothing = (name: string): Side => ({ name, load: () => parseCompareBytes(EMPTY, name) });

  if (values.textconv) {
    if (positionals.length !== 1 || after.length) { io.stderr(`labelscope diff: --textconv takes one file\n\n${DIFF_USAGE}`); return 2; }
    try {
      return emit(cocoToText(await fromDisk(positionals[0]).load()));
    } catch (e) { return fail(e); }
  }

  let name: string, oldSide: Side, newSide: Side;
  if (after.length > 0) {
    if (after.length !== 1 || positionals.length < 1 || positionals.length > 2) { io.stderr(`labelscope diff: use REV -- path or REV1 REV2 -- path\n\n${DIFF_USAGE}`); return 2; }
    const file = after[0];
    name = file;
    oldSide = fromGit(positionals[0], file);
    newSide = positionals.length === 2 ? fromGit(positionals[1], file) : fromDisk(file);
  } else if (positionals.length === 7 && isHex(positionals[2]) && isMode(positionals[3]) && isHex(positionals[5]) && isMode(positionals[6])) {
    // git's external diff driver: path old-file old-hex old-mode new-file new-hex new-mode
    const [file, oldFile, , oldMode, newFile, , newMode] = positionals;
    name = file;
    oldSide = oldMode === '.' || oldFile === '/dev/null' ? nothing(`a/${file}`) : { ...fromDisk(oldFile), name: `a/${file}` };
    newSide = newMode === '.' || newFile === '/dev/null' ? nothing(`b/${file}`) : { ...fromDisk(newFile), name: `b/${file}` };
    io.stdout(`labelscope diff a/${file} b/${file}\n`);
  } else if (positionals.length === 2) {
    name = positionals[1];
    oldSide = fromDisk(positionals[0]);
    newSide = fromDisk(positionals[1]);
  } else {
    io.stderr(`labelscope diff: expected OLD NEW, REV -- path or REV1 REV2 -- path\n\n${DIFF_USAGE}`);
    return 2;
  }

  const t0 = performance.now();
  let OLD: CocoDocument, NEW: CocoDocument;
  try {
    [OLD, NEW] = await Promise.all([oldSide.load(), newSide.load()]);
  } catch (e) { return fail(e); }
  const diff = diffDocuments(OLD, NEW, { iouThreshold });
  const durationMs = Math.round(performance.now() - t0);
  const shown = path.normalize(name);
  const text = format === 'json' ? `${JSON.stringify({ file: shown, old: oldSide.name, new: newSide.name, ...diff, durationMs }, null, 2)}\n`
    : format === 'md' ? formatDiffMarkdown(diff, shown)
    : formatDiffText(diff, shown);
  return emit(text);
}
