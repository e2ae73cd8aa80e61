/**
 * Rules that declare `scope: 'annotation'` may run over parts of the annotations (the
 * two-worker check): over any split, the parts' problems together, in the check's order, must
 * be the whole file's, message for message and byte for byte. Checked on the benchmark's
 * generated file, on a file made here with every per-annotation defect in both halves, and on
 * the shared fixtures (real files made by labelme2coco and pycococreator).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CocoDocument, type Section } from '../../../../src/core/coco/document';
import { parseCoco } from '../../../../src/core/coco/parse';
import { detectKind } from '../../../../src/core/coco/kind';
import { checkDocument } from '../../../../src/core/check';
import { ALL_RULES } from '../../../../src/core/rules';
import type { Problem } from '../../../../src/core/problems';
import { generate } from '../../../../bench/generate';
import { SHARED_FIXTURES_DIR } from '../../node/sam/sharedDir';

const ANNOTATION_RULES = ALL_RULES.filter((r) => r.scope === 'annotation');

/** The document holding only annotations [from, to), each with its own index and byte range. */
function part(doc: CocoDocument, from: number, to: number): CocoDocument {
  return new CocoDocument({
    bytes: doc.bytes, path: doc.path, rootKind: doc.rootKind, sections: doc.sections as Map<string, Section>,
    images: [...doc.imageEntries], annotations: doc.annotationEntries.slice(from, to),
    categories: [...doc.categoryEntries], licenses: [...doc.licenseEntries], info: doc.infoEntry, parseIssues: [],
  });
}

const text = (ps: readonly Problem[]) => ps.map((p) => JSON.stringify(p));

function assertSplitSafe(name: string, bytes: Uint8Array): number {
  const whole = parseCoco(bytes, { path: name });
  const kind = detectKind(whole).kind;
  const expected = checkDocument(whole, { rules: ANNOTATION_RULES, kind }).problems;
  const n = whole.annotationEntries.length;
  for (const k of [...new Set([1, Math.floor(n / 3), Math.floor(n / 2), n - 1])].filter((x) => x > 0 && x < n)) {
    const doc = parseCoco(bytes, { path: name });
    const got = [
      ...checkDocument(part(doc, 0, k), { rules: ANNOTATION_RULES, kind }).problems,
      ...checkDocument(part(doc, k, n), { rules: ANNOTATION_RULES, kind }).problems,
    ].sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule)); // checkDocument's order (a stable sort)
    assert.deepEqual(text(got), text(expected), `${name}: split at ${k} of ${n}`);
  }
  return expected.length;
}

/** Two of each per-annotation defect, one in each half of the annotations. */
function defectsFile(): string {
  const images = [{ id: 1, file_name: 'a.jpg', width: 100, height: 80 }, { id: 2, file_name: 'b.jpg', width: 60, height: 60 }];
  const categories = [{ id: 1, name: 'thing' }, { id: 2, name: 'person', keypoints: ['a', 'b'], skeleton: [[1, 2]] }];
  const sq = [[10, 10, 30, 10, 30, 30, 10, 30]];
  const bad: Record<string, unknown>[] = [
    { bbox: [10, 10, 20], area: 400, segmentation: sq },                         // bbox-invalid
    { bbox: [10, 10, -5, 20], area: 400, segmentation: sq },                      // bbox-non-positive
    { bbox: [10, 10, 0.5, 0.5], area: 0.25, segmentation: [] },                   // bbox-tiny
    { bbox: [90, 10, 40, 20], area: 800, segmentation: [[90, 10, 130, 10, 130, 30, 90, 30]] }, // out of image
    { bbox: [10, 10, 20, 20], area: 400, iscrowd: 2, segmentation: sq },          // iscrowd-invalid
    { bbox: [10, 10, 20, 20], area: 400, segmentation: [[10, 10, 30, 30]] },      // four numbers
    { bbox: [10, 10, 20, 20], area: 400, segmentation: [[10, 10, 30, 10, 30, 30, 10]] }, // odd length
    { bbox: [10, 10, 20, 20], area: 400, segmentation: [[10, 10]] },              // too short
    { bbox: [10, 10, 20, 0], area: 0, segmentation: [[10, 10, 20, 10, 30, 10]] }, // zero area
    { bbox: [10, 10, 20, 20], area: 200, segmentation: [[10, 10, 30, 30, 30, 10, 10, 30]] }, // self-intersecting
    { bbox: [10, 10, 20, 20], area: 400, iscrowd: 1, segmentation: { size: [80, 100], counts: [5, 10] } }, // RLE sum
    { bbox: [10, 10, 20, 20], area: 400, iscrowd: 1, segmentation: { size: [80, 100], counts: 'Z{' } },     // RLE string
    { bbox: [10, 10, 20, 20], area: 400, iscrowd: 1, segmentation: { size: [8, 10], counts: [80] } },       // RLE size
    { bbox: [10, 10, 20, 20], area: 400, segmentation: [10, 10, 30, 10, 30, 30, 10, 30] },                 // flat list
    { bbox: [10, 10, 20, 20], area: 400, iscrowd: 1, segmentation: sq },          // crowd with polygons
    { bbox: [10, 10, 20, 20], area: 400, segmentation: sq, category_id: 99 },     // unknown category
    { bbox: [10, 10, 20, 20], area: 400, segmentation: sq, image_id: 77 },        // unknown image
    { bbox: [10, 10, 20, 20], area: -3, segmentation: sq },                       // area invalid
    { bbox: [10, 10, 20, 20], area: 900, segmentation: sq },                      // area mismatch, area vs bbox
    { bbox: [10, 10, 20, 20], area: 400, segmentation: [[10, 10, 50, 10, 50, 50, 10, 50]] }, // bbox vs segmentation
    { bbox: [10, 10, 20, 20], area: 400, segmentation: sq, category_id: 2, keypoints: [15, 15, 2, 90, 70], num_keypoints: 2 },  // keypoints length
    { bbox: [10, 10, 20, 20], area: 400, segmentation: sq, category_id: 2, keypoints: [15, 15, 2, 90, 70, 2], num_keypoints: 2 }, // outside box
    { bbox: [10, 10, 20, 20], area: 400, segmentation: sq, category_id: 2, keypoints: [15, 15, 2, 20, 20, 2], num_keypoints: 1 }, // num_keypoints
  ];
  const fine = { bbox: [10, 10, 20, 20], area: 400, segmentation: sq };
  const annotations: Record<string, unknown>[] = [];
  let id = 1;
  for (let round = 0; round < 2; round++) {
    for (const b of bad) {
      annotations.push({ id: id++, image_id: 1 + (id % 2), category_id: 1, iscrowd: 0, ...b });
      annotations.push({ id: id++, image_id: 1, category_id: 1, iscrowd: 0, ...fine });
    }
  }
  return JSON.stringify({ images, annotations, categories }, null, 1);
}

describe('rule scope: annotation-scope rules give the same problems over any split of the annotations', function () {
  this.timeout(120000);

  it('declares the per-annotation rules (and only rules whose problems need no other annotation)', () => {
    const ids = ANNOTATION_RULES.map((r) => r.id);
    assert.ok(ids.includes('coco/area-mismatch') && ids.includes('coco/polygon-self-intersecting'), ids.join(', '));
    for (const documentRule of ['coco/duplicate-id', 'coco/annotation-id-zero', 'coco/segmentation-empty', 'coco/image-without-annotations', 'coco/duplicate-annotation', 'coco/bbox-size-outlier']) {
      assert.ok(!ids.includes(documentRule), `${documentRule} looks at other annotations`);
    }
  });

  it('on a file with each per-annotation defect in both halves', () => {
    const count = assertSplitSafe('defects.json', Buffer.from(defectsFile()));
    const rules = new Set(checkDocument(parseCoco(Buffer.from(defectsFile())), { rules: ANNOTATION_RULES }).problems.map((p) => p.rule));
    for (const r of ANNOTATION_RULES) assert.ok(rules.has(r.id), `the file has no ${r.id} problem (${[...rules].join(', ')})`);
    assert.ok(count > ANNOTATION_RULES.length * 2, `${count} problems`);
  });

  it('on the benchmark\'s generated train2017-like file (scale 0.02)', async () => {
    const file = await generate(0.02);
    assert.ok(assertSplitSafe(file, fs.readFileSync(file)) > 100);
  });

  it('on the shared fixtures (labelme2coco, pycococreator)', function () {
    const creator = path.join(SHARED_FIXTURES_DIR, 'pycococreator/example_data/annotations');
    const files = [
      path.join(SHARED_FIXTURES_DIR, 'labelme/instance_segmentation/data_dataset_coco/annotations.json'),
      ...(fs.existsSync(creator) ? fs.readdirSync(creator).filter((f) => f.endsWith('.json')).map((f) => path.join(creator, f)) : []),
    ].filter((f) => fs.existsSync(f));
    if (files.length === 0) {
      if (process.env.CI) assert.fail(`no shared fixtures under ${SHARED_FIXTURES_DIR}`);
      this.skip();
    }
    for (const f of files) assertSplitSafe(path.basename(f), fs.readFileSync(f));
  });
});
