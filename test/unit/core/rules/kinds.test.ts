/**
 * One small file per kind of COCO file, written here: a clean twin that every rule
 * passes without an error, and a defective twin whose defects are found by their
 * rule at their line. Also the false errors real files used to get (issue 10).
 */
import * as assert from 'node:assert/strict';
import { checkDocument } from '../../../../src/core/check';
import { rleEncode } from '../../../../src/core/geometry/rle';
import type { Problem } from '../../../../src/core/problems';
import { cocoText, parseText, positionOf, problemPosition } from './helpers';

const W = 640, H = 480;
const info = { description: 'kinds test', version: '1.0', year: 2024 };
const images = [1, 2].map((id) => ({ id, file_name: `${id}.jpg`, width: W, height: H }));
const rect = (x: number, y: number, w: number, h: number) => [x, y, x + w, y, x + w, y + h, x, y + h];

/** `element`: the defect is the whole element (a missing field): reported at its opening '{', the line above. */
interface Planted { rule: string; marker: string; nth?: number; element?: boolean }

function expectedLine(text: string, plant: Planted): number {
  let line = positionOf(text, plant.marker, plant.nth ?? 0).line;
  if (plant.element) {
    const lines = text.split('\n');
    while (line > 0 && lines[line].trim() !== '{') line--;
  }
  return line;
}

function run(text: string, opts: Parameters<typeof checkDocument>[1] = {}) {
  const doc = parseText(text);
  const result = checkDocument(doc, opts);
  for (const p of result.problems) assert.notEqual(p.rule, 'labelscope/internal-error', p.message);
  return { doc, ...result };
}

function errorsOf(problems: readonly Problem[]): string[] {
  return problems.filter((p) => p.severity === 'error').map((p) => `${p.rule} ${p.jsonPath}: ${p.message}`);
}

/** Each planted defect is reported by its rule on the line of its marker. */
function assertFoundAtLines(text: string, planted: readonly Planted[], opts: Parameters<typeof checkDocument>[1] = {}) {
  const result = run(text, opts);
  const { doc, problems } = result;
  for (const plant of planted) {
    const line = expectedLine(text, plant);
    const hit = problems.find((p) => p.rule === plant.rule && problemPosition(doc, p).line === line);
    assert.ok(hit, `${plant.rule} not reported on line ${line + 1} (${plant.marker}); got ${problems.map((p) => `${p.rule}@${problemPosition(doc, p).line + 1}`).join(', ')}`);
  }
  return result;
}

const CLEAN: Record<string, unknown> = {
  instances: {
    info, licenses: [], images,
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, segmentation: [rect(10, 20, 30, 40)] },
      { id: 2, image_id: 2, category_id: 2, bbox: [100, 100, 50, 20], area: 1000, iscrowd: 0, segmentation: [] },
    ],
    categories: [{ id: 1, name: 'cat', supercategory: 'animal' }, { id: 2, name: 'dog', supercategory: 'animal' }],
  },
  keypoints: {
    info, licenses: [], images,
    annotations: [1, 2].map((id) => ({ id, image_id: id, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, segmentation: [rect(10, 20, 30, 40)], keypoints: [15, 25, 2, 20, 30, 1], num_keypoints: 2 })),
    categories: [{ id: 1, name: 'person', supercategory: 'person', keypoints: ['nose', 'left_eye'], skeleton: [[1, 2]] }],
  },
  stuff: {
    info, licenses: [], images,
    annotations: [1, 2].map((id) => {
      const mask = new Uint8Array(W * H);
      for (let y = 0; y < 100; y++) for (let x = 0; x < W; x++) mask[y * W + x] = 1;
      return { id, image_id: id, category_id: 92 + id, bbox: [0, 0, W, 100], area: W * 100, iscrowd: 0, segmentation: rleEncode(mask, H, W) };
    }),
    categories: [{ id: 93, name: 'banner', supercategory: 'textile' }, { id: 94, name: 'blanket', supercategory: 'textile' }],
  },
  captions: {
    info, licenses: [], images,
    annotations: [
      { id: 1, image_id: 1, caption: 'A cat sleeps on a red sofa.' },
      { id: 2, image_id: 1, caption: 'A sleeping cat.' },
      { id: 3, image_id: 2, caption: 'Two dogs in the snow.' },
    ],
  },
  panoptic: {
    info, licenses: [], images,
    annotations: [1, 2].map((id) => ({
      image_id: id, file_name: `${id}.png`,
      segments_info: [
        { id: 3226956, category_id: 1, iscrowd: 0, bbox: [10, 20, 30, 40], area: 1100 },
        { id: 6979964, category_id: 184, iscrowd: 0, bbox: [0, 0, W, 100], area: W * 100 },
      ],
    })),
    categories: [
      { id: 1, name: 'person', supercategory: 'person', isthing: 1, color: [220, 20, 60] },
      { id: 184, name: 'tree-merged', supercategory: 'plant', isthing: 0, color: [107, 142, 35] },
    ],
  },
  'image-info': {
    info, licenses: [], images,
    categories: [{ id: 1, name: 'cat', supercategory: 'animal' }],
  },
  results: [
    { image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], score: 0.91 },
    { image_id: 2, category_id: 2, bbox: [100, 100, 50, 20], score: 0.42 },
  ],
  'results-wrapped': {
    images,
    annotations: [
      { image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], score: 0.91 },
      { image_id: 2, category_id: 2, bbox: [100, 100, 50, 20], score: 0.42 },
    ],
    categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
  },
};

describe('kinds of COCO file: clean and defective twins', () => {
  for (const [kind, value] of Object.entries(CLEAN)) {
    it(`${kind}: detected, and the clean twin has no errors`, () => {
      const text = cocoText(value);
      const { summary, problems } = run(text, kind === 'results' ? { groundTruth: parseText(cocoText(CLEAN.instances)) } : {});
      assert.equal(summary.kind, kind);
      assert.equal(summary.kindSource, 'content');
      assert.deepEqual(errorsOf(problems), []);
    });
  }

  it('instances: box-only area of the whole image, id-less annotation, area-0 and background hint', () => {
    const text = cocoText({
      info, licenses: [], images,
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], area: W * H, iscrowd: 0, segmentation: [], marker: 'WHOLE' },
        { image_id: 2, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, marker: 'NOID' },
        { id: 3, image_id: 2, category_id: 0, bbox: [10, 20, 30, 40], area: 0, iscrowd: 0, marker: 'ZERO' },
      ],
      categories: [{ id: 0, name: 'person', supercategory: 'person' }, { id: 1, name: 'cat', supercategory: 'animal' }],
    });
    const { problems } = assertFoundAtLines(text, [
      { rule: 'coco/area-bbox-mismatch', marker: `"area": ${W * H}` },
      { rule: 'coco/missing-field', marker: '"marker": "NOID"', element: true },
      { rule: 'coco/area-invalid', marker: '"area": 0' },
    ]);
    const messages = problems.map((p) => p.message);
    assert.ok(messages.includes('This annotation at index 1 has no "id".'), messages.join('\n'));
    assert.ok(!messages.some((m) => m.includes('undefined')), messages.join('\n'));
    assert.ok(!messages.some((m) => m.includes("labelme's background")), 'a real class with id 0 gets no background hint');
    const zero = problems.find((p) => p.rule === 'coco/area-invalid')!;
    assert.match(zero.message, /files it under "small"/);
    assert.doesNotMatch(zero.message, /ignores it in every area range/);
  });

  it('keypoints: wrong keypoint count found at its line', () => {
    const c = structuredClone(CLEAN.keypoints) as { annotations: { keypoints: number[]; num_keypoints: number }[] };
    c.annotations[1].keypoints = [15, 25, 2];
    c.annotations[1].num_keypoints = 1;
    const text = cocoText(c);
    assertFoundAtLines(text, [{ rule: 'coco/keypoints-length', marker: '"keypoints": [15, 25, 2]' }]);
  });

  it('stuff: an RLE of the wrong size found at its line', () => {
    const c = structuredClone(CLEAN.stuff) as { annotations: { segmentation: { size: number[] } }[] };
    c.annotations[1].segmentation.size = [W, H];
    const text = cocoText(c);
    assertFoundAtLines(text, [{ rule: 'coco/rle-size-mismatch', marker: `"size": [${W}, ${H}]` }]);
  });

  it('captions: empty, missing and non-string captions, an image without captions; no box, area or category problems', () => {
    const text = cocoText({
      info, licenses: [], images: [...images, { id: 3, file_name: '3.jpg', width: W, height: H }],
      annotations: [
        { id: 1, image_id: 1, caption: '' },
        { id: 2, image_id: 1 },
        { id: 3, image_id: 2, caption: 42 },
      ],
    });
    const { problems } = assertFoundAtLines(text, [
      { rule: 'coco/caption-invalid', marker: '"caption": ""' },
      { rule: 'coco/caption-invalid', marker: '"id": 2', nth: 1, element: true },
      { rule: 'coco/caption-invalid', marker: '"caption": 42' },
      { rule: 'coco/image-without-annotations', marker: '"id": 3' },
    ]);
    assert.deepEqual(problems.filter((p) => /bbox|area|iscrowd|category/.test(p.rule)).map((p) => p.rule), []);
    assert.match(problems.find((p) => p.rule === 'coco/image-without-annotations')!.message, /has no captions/);
  });

  it('panoptic: duplicate segment ids, unknown category, missing isthing, area larger than its box; no missing-field noise', () => {
    const text = cocoText({
      info, licenses: [], images,
      annotations: [
        { image_id: 1, file_name: '1.png', segments_info: [
          { id: 5, category_id: 1, iscrowd: 0, bbox: [0, 0, 10, 10], area: 50 },
          { id: 5, category_id: 2, iscrowd: 0, bbox: [20, 0, 10, 10], area: 60 },
        ] },
        { image_id: 2, file_name: '2.png', segments_info: [
          { id: 7, category_id: 99, iscrowd: 0, bbox: [0, 0, 10, 10], area: 70 },
          { id: 8, category_id: 1, iscrowd: 0, bbox: [0, 0, 10, 10], area: 500 },
        ] },
      ],
      categories: [
        { id: 1, name: 'person', supercategory: 'person', isthing: 1 },
        { id: 2, name: 'sky', supercategory: 'sky' },
      ],
    });
    const { problems } = assertFoundAtLines(text, [
      { rule: 'coco/panoptic-duplicate-segment-id', marker: '"id": 5', nth: 1 },
      { rule: 'coco/panoptic-unknown-category', marker: '"category_id": 99' },
      { rule: 'coco/panoptic-isthing-invalid', marker: '"name": "sky"', element: true },
      { rule: 'coco/panoptic-segment-area-bbox', marker: '"area": 500' },
    ]);
    assert.deepEqual(problems.filter((p) => ['coco/missing-field', 'coco/category-unused', 'coco/iscrowd-invalid', 'coco/area-invalid'].includes(p.rule)).map((p) => p.message), []);
  });

  it('image-info (test-dev): no annotations is valid; a lost categories section is not', () => {
    const { problems, summary } = run(cocoText({ info, images }));
    assert.equal(summary.kind, 'image-info');
    assert.deepEqual(problems.filter((p) => p.rule === 'coco/missing-section').map((p) => p.message), ['The "categories" section is missing.']);
  });

  it('results list: score, bbox shape, unknown image and category (--gt), keypoints, RLE, duplicates, too many per image', () => {
    const gt = parseText(cocoText(CLEAN.instances));
    const mask = new Uint8Array(W * H);
    for (let y = 200; y < 230; y++) for (let x = 300; x < 340; x++) mask[y * W + x] = 1;
    const dets: Record<string, unknown>[] = [
      { image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], marker: 'NOSCORE' },
      { image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], score: 7.5 },
      { image_id: 9, category_id: 1, bbox: [10, 20, 30, 40], score: 0.5 },
      { image_id: 1, category_id: 0, bbox: [10, 20, 30, 40], score: 0.5 },
      { image_id: 1, category_id: 1, bbox: [10, 20, 30], score: 0.5 },
      { image_id: 1, category_id: 1, keypoints: [1, 2, 0.5, 4], score: 0.5 },
      { image_id: 2, category_id: 2, segmentation: { size: [W, H], counts: [W * H] }, score: 0.5 },
      { image_id: 2, category_id: 2, bbox: [1, 1, 10, 10], segmentation: rleEncode(mask, H, W), score: 0.6 },
      { image_id: 2, category_id: 1, bbox: [5, 5, 5, 5], score: 0.25 },
      { image_id: 2, category_id: 1, bbox: [5, 5, 5, 5], score: 0.25 },
    ];
    for (let i = 0; i < 101; i++) dets.push({ image_id: 1, category_id: 2, bbox: [i, 0, 20, 20], score: 0.9 - i / 1000 });
    const text = cocoText(dets);
    const { summary } = assertFoundAtLines(text, [
      { rule: 'coco/result-score-invalid', marker: '"marker": "NOSCORE"', element: true },
      { rule: 'coco/result-score-range', marker: '"score": 7.5' },
      { rule: 'coco/result-unknown-image', marker: '"image_id": 9' },
      { rule: 'coco/result-unknown-category', marker: '"category_id": 0' },
      { rule: 'coco/bbox-invalid', marker: '"bbox": [10, 20, 30]' },
      { rule: 'coco/result-keypoints-length', marker: '"keypoints": [1, 2, 0.5, 4]' },
      { rule: 'coco/result-rle-size-mismatch', marker: `"size": [${W}, ${H}]` },
      { rule: 'coco/result-bbox-mask-mismatch', marker: '"bbox": [1, 1, 10, 10]' },
      { rule: 'coco/result-duplicate', marker: '"bbox": [5, 5, 5, 5]', nth: 1, element: true },
      { rule: 'coco/result-too-many-per-image', marker: '"bbox": [100, 0, 20, 20]', element: true },
    ], { groundTruth: gt });
    assert.equal(summary.kind, 'results');
  });

  it('results list: paths start at the root ($[3].score), and without --gt unknown ids are not guessed', () => {
    const text = cocoText([...(CLEAN.results as object[]), { image_id: 99, category_id: 1, bbox: [1, 2, 3, 4], score: -1 }]);
    const { problems } = run(text);
    assert.deepEqual(problems.map((p) => [p.rule, p.jsonPath]), [['coco/result-score-range', '$[2].score']]);
  });

  it('results list loadRes cannot read: empty, or a later detection without the bbox the first one has', () => {
    assert.deepEqual(run('[]').problems.map((p) => [p.rule, p.severity]), [['coco/result-list-inconsistent', 'error']]);
    const text = cocoText([
      { image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], score: 0.9 },
      { image_id: 1, category_id: 1, segmentation: { size: [H, W], counts: [W * H] }, score: 0.8 },
    ]);
    const { problems } = assertFoundAtLines(text, [{ rule: 'coco/result-list-inconsistent', marker: '"score": 0.8', element: true }]);
    assert.match(problems.find((p) => p.rule === 'coco/result-list-inconsistent')!.message, /^Detection 1 has no "bbox", but the first result has one/);
  });

  it('captions with a "categories" section need category_id (pycocotools indexes it then)', () => {
    const c = structuredClone(CLEAN.captions) as Record<string, unknown>;
    c.categories = [];
    const { problems } = run(cocoText(c));
    assert.deepEqual(errorsOf(problems).length, 3);
    assert.ok(problems.every((p) => p.rule === 'coco/missing-field' && /has no "category_id"/.test(p.message)));
  });

  it('results wrapped in a dataset object: detections checked, no missing id / area / iscrowd noise', () => {
    const c = structuredClone(CLEAN['results-wrapped']) as { annotations: Record<string, unknown>[] };
    c.annotations[1].score = 'high';
    c.annotations[0].category_id = 5;
    const text = cocoText(c);
    const { problems } = assertFoundAtLines(text, [
      { rule: 'coco/result-score-invalid', marker: '"score": "high"' },
      { rule: 'coco/annotation-unknown-category', marker: '"category_id": 5' },
    ]);
    assert.deepEqual(problems.filter((p) => ['coco/missing-field', 'coco/area-invalid', 'coco/iscrowd-invalid'].includes(p.rule)).map((p) => p.message), []);
  });

  it('values no tool reads are warnings at most: "info": null, "supercategory": null, no licenses', () => {
    const c = structuredClone(CLEAN.instances) as Record<string, unknown> & { categories: Record<string, unknown>[] };
    c.info = null;
    delete c.licenses;
    c.categories[0].supercategory = null;
    const { problems } = run(cocoText(c));
    assert.deepEqual(errorsOf(problems), []);
    assert.deepEqual(problems.filter((p) => p.rule.includes('optional')).map((p) => [p.rule, p.severity, p.jsonPath]), [
      ['coco/optional-section-wrong-type', 'warning', '$.info'],
      ['coco/optional-field-wrong-type', 'warning', '$.categories[0].supercategory'],
    ]);
  });
});

describe('not a COCO file: one clear error that says what it looks like', () => {
  const cases: [string, unknown, RegExp][] = [
    ['labelme', { version: '5.4.1', flags: {}, shapes: [{ label: 'cat', points: [[1, 2], [3, 4]] }], imagePath: 'a.jpg', imageData: null }, /labelme file.*labelme2coco/],
    ['Label Studio', [{ id: 1, data: { image: '/data/a.jpg' }, annotations: [{ result: [] }] }], /Label Studio/],
    ['CreateML', [{ image: 'a.jpg', annotations: [{ label: 'cat', coordinates: { x: 1, y: 2, width: 3, height: 4 } }] }], /CreateML/],
    ['VOC as JSON', { annotation: { filename: 'a.jpg', object: [{ name: 'cat' }] } }, /Pascal VOC/],
    ['Datumaro / CVAT', { info: {}, categories: { label: { labels: [] } }, items: [] }, /Datumaro \/ CVAT/],
    ['.labelscope.json', { rules: { 'coco/bbox-tiny': 'off' } }, /Labelscope config/],
    ['an unknown object', { hello: 'world' }, /none of "images", "annotations" and "categories"/],
  ];
  for (const [name, value, pattern] of cases) {
    it(name, () => {
      const { problems, summary } = run(cocoText(value));
      assert.equal(summary.kind, 'not-coco');
      assert.deepEqual(problems.map((p) => p.rule), ['coco/not-coco-file']);
      assert.match(problems[0].message, /^This is not a COCO file: /);
      assert.match(problems[0].message, pattern);
    });
  }

  it('a bare list of images or a number keeps coco/root-not-object', () => {
    for (const value of [[{ id: 1, file_name: 'a.jpg', width: 1, height: 1 }], 42]) {
      const { problems } = run(JSON.stringify(value));
      assert.deepEqual(problems.map((p) => p.rule), ['coco/root-not-object']);
      assert.doesNotMatch(problems[0].message, /undefined/);
    }
  });
});
