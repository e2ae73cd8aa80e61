import * as assert from 'node:assert/strict';
import { looksLikeCoco, matchesCocoPatterns } from '../../src/extension/cocoFiles';

describe('which JSON files are COCO', () => {
  it('default name patterns, and the user\'s extra ones', () => {
    assert.ok(matchesCocoPatterns('/data/coco/annotations/instances_val2017.json'));
    assert.ok(matchesCocoPatterns('/d/person_keypoints_train.json'));
    assert.ok(matchesCocoPatterns('/d/train_coco.json'));
    assert.ok(matchesCocoPatterns('/d/_annotations.coco.json'));
    assert.ok(matchesCocoPatterns('C:\\data\\annotations\\labels.json'));
    assert.ok(!matchesCocoPatterns('/repo/package.json'));
    assert.ok(!matchesCocoPatterns('/repo/labels/mine.json'));
    assert.ok(matchesCocoPatterns('/repo/labels/mine.json', ['**/labels/*.json']));
  });

  it('sniffs the first bytes for COCO sections', () => {
    assert.ok(looksLikeCoco('\uFEFF{ "info": {}, "images": ['));
    assert.ok(!looksLikeCoco('{ "name": "labelscope", "version": "1" }'));
    assert.ok(!looksLikeCoco('[{"images": 1}]'));
  });

  it('recognises a results list (COCO.loadRes input) but not any array of objects', () => {
    assert.ok(looksLikeCoco('[{"image_id": 42, "category_id": 18, "bbox": [258.2, 41.3, 348.3, 243.8], "score": 0.236}'));
    assert.ok(looksLikeCoco('\n  [\n {"score": 0.9, "image_id": 1,'));
    assert.ok(!looksLikeCoco('[{"imagePath": "a.jpg", "shapes": []}]'), 'labelme-like arrays are not COCO');
    assert.ok(!looksLikeCoco('[1, 2, 3]'));
  });
});
