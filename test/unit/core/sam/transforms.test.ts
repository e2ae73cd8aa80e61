import assert from 'node:assert/strict';
import {
  boxToModelCorners, encodePrompt, fromModelCoords, preprocessShape, sam1EmbeddedInput, sam1EncoderInput,
  sam2EncoderInput, samFrame, toModelCoords, wantsMultimask,
} from '../../../../src/core/sam';

describe('sam/transforms: ResizeLongestSide geometry', () => {
  it('newH/newW = floor(side * 1024 / max(H, W) + 0.5), as SAM get_preprocess_shape', () => {
    assert.deepEqual(preprocessShape(683, 1024), [683, 1024]);
    assert.deepEqual(preprocessShape(1500, 2250), [683, 1024]); // 682.67 -> 683
    assert.deepEqual(preprocessShape(37, 51), [743, 1024]); // 742.90 -> 743
    assert.deepEqual(preprocessShape(51, 37), [1024, 743]);
    assert.deepEqual(preprocessShape(3, 1000), [3, 1024]); // 3.072 -> 3
    assert.throws(() => preprocessShape(0, 10), /positive/);
  });

  it('points scale per axis (newW / W, newH / H) and come back exactly', () => {
    const f = samFrame(37, 51, 'longest-side');
    const [x, y] = toModelCoords(f, 10, 20);
    assert.equal(x, 10 * (1024 / 51));
    assert.equal(y, 20 * (743 / 37)); // not 20 * 1024 / 51: the per-axis ratio SAM's apply_coords uses
    const [bx, by] = fromModelCoords(f, x, y);
    assert.ok(Math.abs(bx - 10) < 1e-12 && Math.abs(by - 20) < 1e-12);
  });

  it('a COCO box becomes its two corners in the model frame; SAM 2 stretches to 1024²', () => {
    const f = samFrame(51, 37, 'longest-side');
    assert.deepEqual(boxToModelCorners(f, [1, 2, 10, 20]), [1 * (743 / 37), 2 * (1024 / 51), 11 * (743 / 37), 22 * (1024 / 51)]);
    const s = samFrame(51, 37, 'stretch');
    assert.equal(s.resizedHeight, 1024);
    assert.equal(s.resizedWidth, 1024);
    assert.deepEqual(toModelCoords(s, 37, 51), [1024, 1024]);
  });
});

describe('sam/prompts', () => {
  const f = samFrame(37, 51, 'longest-side');
  it('points only: labels 1/0 and the (0,0)/-1 padding point for SAM 1', () => {
    const p = encodePrompt(f, { points: [{ x: 5, y: 6, positive: true }, { x: 7, y: 8, positive: false }] }, true);
    assert.equal(p.count, 3);
    assert.deepEqual(Array.from(p.labels), [1, 0, -1]);
    assert.deepEqual(Array.from(p.coords.slice(4)), [0, 0]);
    assert.equal(p.coords[0], Math.fround(5 * (1024 / 51)));
  });
  it('a box: corners labelled 2 and 3, after the points, no padding; SAM 2 never pads', () => {
    const p = encodePrompt(f, { points: [{ x: 5, y: 6, positive: true }], box: [1, 2, 30, 20] }, true);
    assert.deepEqual(Array.from(p.labels), [1, 2, 3]);
    assert.deepEqual(Array.from(p.coords.slice(2)), [1 * (1024 / 51), 2 * (743 / 37), 31 * (1024 / 51), 22 * (743 / 37)].map(Math.fround));
    const q = encodePrompt(samFrame(37, 51, 'stretch'), { points: [{ x: 5, y: 6, positive: true }] }, false);
    assert.deepEqual(Array.from(q.labels), [1]);
  });
  it('rejects an empty prompt, non-finite points and malformed boxes with a reason', () => {
    assert.throws(() => encodePrompt(f, {}, true), /at least one point or a box/);
    assert.throws(() => encodePrompt(f, { points: [{ x: NaN, y: 1, positive: true }] }, true), /not finite/);
    assert.throws(() => encodePrompt(f, { box: [1, 2, -3, 4] }, true), /w, h >= 0/);
  });
  it('one click asks for the multimask candidates; several points or a box for the single mask', () => {
    assert.equal(wantsMultimask({ points: [{ x: 1, y: 1, positive: true }] }), true);
    assert.equal(wantsMultimask({ points: [{ x: 1, y: 1, positive: true }, { x: 2, y: 2, positive: false }] }), false);
    assert.equal(wantsMultimask({ box: [0, 0, 1, 1] }), false);
  });
});

describe('sam/preprocess', () => {
  // 2 x 3 RGB image with distinct values per pixel and channel.
  const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 13) };
  it('SAM 1: (pixel - mean) / std, CHW, zeros at the bottom and right', () => {
    const t = sam1EncoderInput(img, 4);
    assert.equal(t.length, 3 * 16);
    const mean = [123.675, 116.28, 103.53];
    const std = [58.395, 57.12, 57.375];
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 4; x++) {
          const want = y < 2 && x < 3 ? Math.fround((img.data[(y * 3 + x) * 3 + c] - mean[c]) / std[c]) : 0;
          assert.ok(Math.abs(t[c * 16 + y * 4 + x] - want) < 1e-6, `c${c} y${y} x${x}`);
        }
      }
    }
  });
  it('SAM 1 with embedded preprocessing: HWC float32 as is; SAM 2: /255 with ImageNet mean/std', () => {
    assert.deepEqual(Array.from(sam1EmbeddedInput(img)), Array.from(img.data));
    const t = sam2EncoderInput(img);
    assert.ok(Math.abs(t[0] - (0 / 255 - 0.485) / 0.229) < 1e-6);
    assert.ok(Math.abs(t[6 + 5] - (img.data[5 * 3 + 1] / 255 - 0.456) / 0.224) < 1e-6); // G plane, pixel 5
  });
  it('names the size mismatch', () => {
    assert.throws(() => sam1EncoderInput({ width: 3, height: 3, data: new Uint8Array(5) }), /expected 3x3x3 = 27 values, got 5/);
  });
});
