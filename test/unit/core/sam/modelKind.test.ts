import assert from 'node:assert/strict';
import { checkPair, detectDecoder, detectEncoder, SamModelError } from '../../../../src/core/sam';

const sam1Decoder = {
  inputs: [
    { name: 'image_embeddings', shape: [1, 256, 64, 64] }, { name: 'point_coords', shape: [1, 'num_points', 2] },
    { name: 'point_labels', shape: [1, 'num_points'] }, { name: 'mask_input', shape: [1, 1, 256, 256] },
    { name: 'has_mask_input', shape: [1] }, { name: 'orig_im_size', shape: [2] },
  ],
  outputs: [{ name: 'masks' }, { name: 'iou_predictions' }, { name: 'low_res_masks' }],
};
const sam2Decoder = {
  inputs: ['image_embed', 'high_res_feats_0', 'high_res_feats_1', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input'].map((name) => ({ name })),
  outputs: [{ name: 'masks' }, { name: 'iou_predictions' }],
};

describe('sam/modelKind', () => {
  it('SAM 1 encoder, NCHW (MobileSAM as shipped in ../shared/models) and HWC with preprocessing inside', () => {
    const nchw = detectEncoder({ inputs: [{ name: 'input_image', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'image_embeddings', shape: [1, 256, 64, 64] }] });
    assert.deepEqual(nchw, { family: 'sam1', inputName: 'input_image', embeddedPreprocessing: false, outputNames: ['image_embeddings'] });
    const hwc = detectEncoder({ inputs: [{ name: 'input_image', shape: ['h', 'w', 3] }], outputs: [{ name: 'image_embeddings' }] });
    assert.equal(hwc.embeddedPreprocessing, true);
  });
  it('SAM 2 encoder by its three outputs', () => {
    const e = detectEncoder({ inputs: [{ name: 'image', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'high_res_feats_0' }, { name: 'high_res_feats_1' }, { name: 'image_embed' }] });
    assert.equal(e.family, 'sam2');
    assert.deepEqual(e.outputNames, ['image_embed', 'high_res_feats_0', 'high_res_feats_1']);
  });
  it('decoders: SAM 1 reads low_res_masks and pads; samexporter SAM 2 reads masks (256²) and does not', () => {
    const d1 = detectDecoder(sam1Decoder);
    assert.equal(d1.family, 'sam1');
    assert.equal(d1.lowResOutput, 'low_res_masks');
    assert.equal(d1.hasOrigImSize, true);
    assert.equal(d1.padWithoutBox, true);
    const d2 = detectDecoder(sam2Decoder);
    assert.equal(d2.family, 'sam2');
    assert.equal(d2.lowResOutput, 'masks');
    assert.equal(d2.padWithoutBox, false);
    assert.deepEqual(d2.embeddingInputs, ['image_embed', 'high_res_feats_0', 'high_res_feats_1']);
  });
  it('a model of neither kind: the error names the file, what was expected and what it has', () => {
    const yolo = { inputs: [{ name: 'images', shape: [1, 3, 640, 640] }], outputs: [{ name: 'output0', shape: [1, 84, 8400] }] };
    assert.throws(() => detectEncoder(yolo, 'yolov8n.onnx'), (e: Error) => {
      assert.ok(e instanceof SamModelError);
      assert.match(e.message, /^yolov8n\.onnx is not a SAM image encoder/);
      assert.match(e.message, /Expected a SAM 1 encoder .* or a SAM 2 encoder/);
      assert.match(e.message, /the file has inputs images \[1, 3, 640, 640\]; outputs output0 \[1, 84, 8400\]/);
      return true;
    });
    assert.throws(() => detectDecoder(yolo, 'yolov8n.onnx'), /inputs point_coords, point_labels, mask_input, has_mask_input are missing/);
    const noLowRes = { ...sam1Decoder, outputs: [{ name: 'masks' }, { name: 'iou_predictions' }] };
    assert.throws(() => detectDecoder(noLowRes, 'd.onnx'), /low_res_masks is missing/);
  });
  it('a SAM 1 encoder with a SAM 2 decoder is refused', () => {
    const e = detectEncoder({ inputs: [{ name: 'x', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'image_embeddings' }] });
    assert.throws(() => checkPair(e, detectDecoder(sam2Decoder), 'enc.onnx', 'dec.onnx'), /enc\.onnx is a SAM 1 encoder but dec\.onnx is a SAM 2 decoder/);
  });
});
