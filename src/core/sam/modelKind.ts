/**
 * Which SAM family an encoder/decoder pair belongs to, read from the sessions' input and output
 * names and shapes (never from the file name), and which tensors to feed and read.
 */

export interface TensorInfo {
  name: string;
  /** Dimensions; strings for symbolic axes; undefined when the runtime does not say. */
  shape?: readonly (number | string)[];
}

export interface ModelIo {
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

export type SamFamily = 'sam1' | 'sam2';

export interface EncoderSpec {
  family: SamFamily;
  inputName: string;
  /** SAM 1 variant exported with its preprocessing inside: takes the resized HWC RGB image. */
  embeddedPreprocessing: boolean;
  /** SAM 1: [image_embeddings]; SAM 2: [image_embed, high_res_feats_0, high_res_feats_1]. */
  outputNames: string[];
}

export interface DecoderSpec {
  family: SamFamily;
  /** Decoder input name for each encoder output (same order as EncoderSpec.outputNames). */
  embeddingInputs: string[];
  /** Feed orig_im_size (SAM 1's export has it; we pass a dummy since we only read low-res logits). */
  hasOrigImSize: boolean;
  /** Where the 256² logits are: `low_res_masks`, or `masks` when that is already low-res (samexporter's SAM 2). */
  lowResOutput: string;
  iouOutput: string;
  /** Add SAM 1's (0, 0) / -1 padding point when there is no box. */
  padWithoutBox: boolean;
}

export class SamModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamModelError';
  }
}

function describe(io: ModelIo): string {
  const list = (ts: readonly TensorInfo[]) => ts.map((t) => `${t.name}${t.shape ? ` [${t.shape.join(', ')}]` : ''}`).join(', ') || 'none';
  return `inputs ${list(io.inputs)}; outputs ${list(io.outputs)}`;
}

const has = (ts: readonly TensorInfo[], name: string) => ts.some((t) => t.name === name);

export const ENCODER_EXPECTED =
  'a SAM 1 encoder (one input [1, 3, 1024, 1024], or `input_image` [H, W, 3] with the preprocessing inside; output `image_embeddings` [1, 256, 64, 64]) ' +
  'or a SAM 2 encoder (input `image` [1, 3, 1024, 1024]; outputs `high_res_feats_0`, `high_res_feats_1`, `image_embed`)';

export const DECODER_EXPECTED =
  'a SAM 1 decoder (inputs `image_embeddings`, `point_coords`, `point_labels`, `mask_input`, `has_mask_input`, `orig_im_size`; outputs `masks`, `iou_predictions`, `low_res_masks`) ' +
  'or a SAM 2 decoder (inputs `image_embed`, `high_res_feats_0`, `high_res_feats_1`, `point_coords`, `point_labels`, `mask_input`, `has_mask_input`; outputs `masks`, `iou_predictions`)';

export function detectEncoder(io: ModelIo, file = 'the encoder'): EncoderSpec {
  const fail = (why: string): never => {
    throw new SamModelError(`${file} is not a SAM image encoder Labelscope can run: ${why}. Expected ${ENCODER_EXPECTED}; the file has ${describe(io)}.`);
  };
  if (io.inputs.length !== 1) fail(`it has ${io.inputs.length} inputs, not 1`);
  const input = io.inputs[0];
  const rank = input.shape?.length;
  const sam2Outputs = ['image_embed', 'high_res_feats_0', 'high_res_feats_1'];
  if (sam2Outputs.every((n) => has(io.outputs, n))) {
    if (rank !== undefined && rank !== 4) fail(`its input ${input.name} has rank ${rank}, not 4`);
    return { family: 'sam2', inputName: input.name, embeddedPreprocessing: false, outputNames: sam2Outputs };
  }
  const embeddings = has(io.outputs, 'image_embeddings') ? 'image_embeddings' : undefined;
  if (!embeddings) fail('no output is called image_embeddings (SAM 1) or image_embed + high_res_feats_0/1 (SAM 2)');
  if (rank === 3) return { family: 'sam1', inputName: input.name, embeddedPreprocessing: true, outputNames: [embeddings!] };
  if (rank === 4 || rank === undefined) return { family: 'sam1', inputName: input.name, embeddedPreprocessing: false, outputNames: [embeddings!] };
  return fail(`its input ${input.name} has rank ${rank}, not 3 (HWC) or 4 (NCHW)`);
}

export function detectDecoder(io: ModelIo, file = 'the decoder'): DecoderSpec {
  const fail = (why: string): never => {
    throw new SamModelError(`${file} is not a SAM mask decoder Labelscope can run: ${why}. Expected ${DECODER_EXPECTED}; the file has ${describe(io)}.`);
  };
  const common = ['point_coords', 'point_labels', 'mask_input', 'has_mask_input'];
  const missing = common.filter((n) => !has(io.inputs, n));
  if (missing.length) fail(`inputs ${missing.join(', ')} are missing`);
  if (!has(io.outputs, 'iou_predictions')) fail('output iou_predictions is missing');
  const hasOrigImSize = has(io.inputs, 'orig_im_size');
  if (['image_embed', 'high_res_feats_0', 'high_res_feats_1'].every((n) => has(io.inputs, n))) {
    const lowResOutput = has(io.outputs, 'low_res_masks') ? 'low_res_masks' : 'masks';
    if (!has(io.outputs, lowResOutput)) fail('output masks is missing');
    return {
      family: 'sam2', embeddingInputs: ['image_embed', 'high_res_feats_0', 'high_res_feats_1'],
      hasOrigImSize, lowResOutput, iouOutput: 'iou_predictions', padWithoutBox: false,
    };
  }
  if (!has(io.inputs, 'image_embeddings')) fail('input image_embeddings (SAM 1) or image_embed + high_res_feats_0/1 (SAM 2) is missing');
  if (!has(io.outputs, 'low_res_masks')) fail('output low_res_masks is missing (re-export with the official scripts/export_onnx_model.py)');
  return {
    family: 'sam1', embeddingInputs: ['image_embeddings'], hasOrigImSize,
    lowResOutput: 'low_res_masks', iouOutput: 'iou_predictions', padWithoutBox: true,
  };
}

/** Both files of a pair must be of one family. */
export function checkPair(encoder: EncoderSpec, decoder: DecoderSpec, encoderFile: string, decoderFile: string): void {
  if (encoder.family !== decoder.family) {
    throw new SamModelError(`${encoderFile} is a ${encoder.family === 'sam1' ? 'SAM 1' : 'SAM 2'} encoder but ${decoderFile} is a ${decoder.family === 'sam1' ? 'SAM 1' : 'SAM 2'} decoder; use a matching pair.`);
  }
}
