/**
 * The segmentation / area / bbox rules on files other tools made (../shared/fixtures, beside the
 * repo; skipped when absent).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkDocument } from '../../../../src/core/check';
import { parseCoco } from '../../../../src/core/coco/parse';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../../sharedFixtures';

const SHARED = SHARED_FIXTURES;
const RULES = [
  'coco/segmentation-flat-list', 'coco/polygon-too-short', 'coco/polygon-four-numbers', 'coco/polygon-odd-length',
  'coco/polygon-outside-image', 'coco/polygon-zero-area', 'coco/polygon-self-intersecting', 'coco/segmentation-empty',
  'coco/rle-size-mismatch', 'coco/rle-counts-sum', 'coco/rle-invalid-string', 'coco/crowd-with-polygons',
  'coco/area-invalid', 'coco/area-mismatch', 'coco/bbox-segmentation-mismatch', 'coco/duplicate-annotation',
];

function check(file: string) {
  const doc = parseCoco(new Uint8Array(readFileSync(file)));
  return checkDocument(doc, { only: RULES }).problems;
}

describe('segmentation rules on real files', function () {
  before(function () { requireSharedFixtures(this); });

  it('pycococreator: the crowd RLE disagrees with its own bbox; the polygon objects are clean', function () {
    const file = path.join(SHARED, 'pycococreator/example_data/annotations/coco_example.json');
    const problems = check(file);
    assert.ok(problems.length > 0);
    // Annotation 3 is the crowd region (iscrowd 1, uncompressed RLE); 1 and 2 are polygons.
    for (const p of problems) assert.equal(p.annotationId, 3, `${p.rule}: ${p.message}`);
    const rules = new Set(problems.map((p) => p.rule));
    assert.ok(rules.has('coco/bbox-segmentation-mismatch') || rules.has('coco/area-mismatch'));
    // Its stored bbox [0, 5, 256, 251] against the RLE's own extent.
    const bbox = problems.find((p) => p.rule === 'coco/bbox-segmentation-mismatch');
    assert.ok(bbox, 'bbox-segmentation-mismatch fires');
    assert.equal(bbox.jsonPath, '$.annotations[2].bbox');
    // Its area (31463) is 8% below the RLE's: inside the default 10% tolerance, outside 5%.
    assert.ok(!rules.has('coco/area-mismatch'));
    const doc = parseCoco(new Uint8Array(readFileSync(file)));
    const strict = checkDocument(doc, { only: ['coco/area-mismatch'], config: { rules: { 'coco/area-mismatch': { options: { relTolerance: 0.05 } } } } }).problems;
    assert.deepEqual(strict.map((p) => p.annotationId), [3]);
  });

  it('labelme2coco: PIL-rasterized areas and boxes pass the default tolerances; no errors at all', function () {
    const file = path.join(SHARED, 'labelme/instance_segmentation/data_dataset_coco/annotations.json');
    const problems = check(file);
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.message), []);
    assert.deepEqual(problems.filter((p) => p.rule === 'coco/area-mismatch' || p.rule === 'coco/bbox-segmentation-mismatch'), []);
    // What does fire: two hand-drawn outlines really cross themselves (warnings).
    assert.deepEqual(problems.map((p) => `${p.rule} ${p.jsonPath}`), [
      'coco/polygon-self-intersecting $.annotations[6].segmentation[0]',
      'coco/polygon-self-intersecting $.annotations[7].segmentation[0]',
    ]);
  });
});
