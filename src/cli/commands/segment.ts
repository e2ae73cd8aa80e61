/**
 * `labelscope segment IN.json OUT.json --images DIR`: every box-only annotation gets a mask from
 * its box prompt (SAM on onnxruntime-node, or the GrabCut fallback when no model is given), as
 * minimal byte edits written atomically to OUT.json. Progress on stderr; a summary on stdout.
 * Exit codes as `check`: 0 every box got a mask, 1 some were skipped or scored under --min-iou,
 * 2 the input, the model or the command line could not be used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyByteEdits } from '../../core/edits/applyByteEdits';
import { MASK_FORMATS, type MaskFormat } from '../../core/sam';
import { writeFileAtomic } from '../../node/atomicWrite';
import { imageLookup } from '../../node/imageFiles';
import { loadCoco } from '../../node/loadCoco';
import {
  defaultModelsDir, EmbeddingCache, grabCutBoxMasker, installedModels, namedModelFiles, SamModel, SamSegmenter,
  samBoxMasker, segmentBoxes, summaryLines, type BoxMasker, type ExecutionProvider,
} from '../../node/sam';
import type { CliIo } from '../io';
import { parseCommandLine } from '../commandLine';
import type { CliCommand } from './index';

export const SEGMENT_USAGE = `Usage: labelscope segment <in.json> <out.json> --images DIR [options]

Gives every box-only annotation (a bbox, no segmentation yet) a mask from its box, with a
Segment-Anything model, or with the GrabCut fallback when no model is given. The boxes stay
as they are; segmentation and area are written (area as pycocotools computes it).

Options:
  --images DIR        folder the images' file_name values are relative to
  --encoder FILE      SAM image encoder (.onnx); with --decoder
  --decoder FILE      SAM mask decoder (.onnx); with --encoder
  --model NAME        a downloaded model: <models-dir>/NAME/{encoder,decoder}.onnx;
                      "grabcut" for the fallback
  --models-dir DIR    where --model looks (default $LABELSCOPE_MODELS_DIR or ~/.cache/labelscope/models)
  --boxes-only        only annotations without a mask (the default; masks are never overwritten)
  --format FORMAT     polygon (default) or rle (compressed, as pycocotools writes it)
  --min-iou X         list annotations whose predicted IoU is below X for review (default 0.8)
  --provider P        cpu (default) or cuda (falls back to cpu when CUDA cannot start)
  --cache DIR         keep image embeddings on disk here (re-runs skip the encoder)
  -h, --help          show this help

Exit status: 0 every box got a mask, 1 some were skipped or under --min-iou,
2 the input, the model or the command line could not be used.
`;

export const segmentCommand: CliCommand = {
  name: 'segment',
  summary: 'give box-only annotations masks with a SAM model (or the GrabCut fallback)',
  run,
};

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(io, SEGMENT_USAGE, 'labelscope segment', {
      args,
      allowPositionals: true,
      options: {
        images: { type: 'string' },
        encoder: { type: 'string' },
        decoder: { type: 'string' },
        model: { type: 'string' },
        'models-dir': { type: 'string' },
        'boxes-only': { type: 'boolean', default: false },
        format: { type: 'string', default: 'polygon' },
        'min-iou': { type: 'string', default: '0.8' },
        provider: { type: 'string', default: 'cpu' },
        cache: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const usage = (msg: string) => { io.stderr(`labelscope segment: ${msg}\n\n${SEGMENT_USAGE}`); return 2; };
  if (positionals.length !== 2) return usage(positionals.length < 2 ? 'needs an input and an output COCO file' : `unexpected arguments: ${positionals.slice(2).join(' ')}`);
  const [input, output] = positionals;
  const format = v.format as MaskFormat;
  if (!MASK_FORMATS.includes(format)) return usage(`--format must be one of ${MASK_FORMATS.join(', ')}`);
  const minIou = Number(v['min-iou']);
  if (!(minIou >= 0 && minIou <= 1)) return usage('--min-iou must be a number from 0 to 1');
  const provider = v.provider as ExecutionProvider;
  if (provider !== 'cpu' && provider !== 'cuda') return usage('--provider must be cpu or cuda');
  if (Boolean(v.encoder) !== Boolean(v.decoder)) return usage('--encoder and --decoder go together');
  if (v.encoder && v.model) return usage('give either --model or --encoder/--decoder, not both');
  if (path.resolve(input) === path.resolve(output)) return usage('the output must be another file than the input (the input is never changed)');

  let doc;
  try {
    doc = await loadCoco(input);
  } catch (e) {
    io.stderr(`labelscope segment: ${(e as Error).message}\n`);
    return 2;
  }
  if (doc.parseIssues.some((p) => p.rule === 'coco/invalid-json')) {
    io.stderr(`labelscope segment: ${input} is not valid JSON; run \`labelscope check ${input}\` for where.\n`);
    return 2;
  }

  let masker: BoxMasker;
  let model: SamModel | undefined;
  try {
    let files: { encoder: string; decoder: string; name: string } | undefined;
    if (v.encoder) files = { encoder: v.encoder, decoder: v.decoder!, name: path.basename(v.encoder) };
    else if (v.model && v.model !== 'grabcut') {
      const dir = v['models-dir'] ?? defaultModelsDir();
      files = namedModelFiles(dir, v.model);
      if (!fs.existsSync(files.encoder) || !fs.existsSync(files.decoder)) {
        const have = installedModels(dir);
        io.stderr(`labelscope segment: model "${v.model}" is not in ${dir} (expected ${files.encoder} and ${files.decoder}); installed: ${have.length ? have.join(', ') : 'none'}.\n`);
        return 2;
      }
    }
    if (files) {
      model = await SamModel.load({ encoderPath: files.encoder, decoderPath: files.decoder, executionProvider: provider });
      if (model.fallbackReason) io.stderr(`labelscope segment: ${model.fallbackReason}\n`);
      const segmenter = new SamSegmenter(model, new EmbeddingCache({ dir: v.cache, maxMemoryBytes: 64 << 20 }));
      masker = samBoxMasker(segmenter, `${files.name} (${model.family === 'sam1' ? 'SAM 1' : 'SAM 2'}, ${model.provider.toUpperCase()})`);
    } else {
      if (!v.model) io.stderr('labelscope segment: no model given (--model or --encoder/--decoder): using the GrabCut fallback.\n');
      masker = grabCutBoxMasker();
    }
  } catch (e) {
    io.stderr(`labelscope segment: ${(e as Error).message}\n`);
    return 2;
  }

  const lookup = imageLookup(input, v.images);
  let lastPct = -1;
  try {
    const outcome = await segmentBoxes(doc, masker, {
      format, minIou: model ? minIou : undefined,
      resolveImage: (f) => lookup.resolve(f), candidates: (f) => lookup.candidates(f),
      onProgress(done, total) {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        if (io.stderrIsTTY) io.stderr(`\rlabelscope: segmenting ${done}/${total} (${pct}%)   `);
        else if (pct >= lastPct + 25 || done === total) { io.stderr(`labelscope: segmenting ${done}/${total}\n`); lastPct = pct; }
      },
    });
    if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    try {
      await writeFileAtomic(output, applyByteEdits(doc.bytes, outcome.edits));
    } catch (e) {
      io.stderr(`labelscope segment: cannot write ${output}: ${(e as Error).message}\n`);
      return 2;
    }
    io.stdout(`${summaryLines(outcome, minIou).join('\n')}\nWrote ${output}.\n`);
    return outcome.skipped.length > 0 || outcome.lowIou.length > 0 ? 1 : 0;
  } finally {
    await model?.release();
  }
}
