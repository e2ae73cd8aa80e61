/**
 * Planted-defect recall: a deterministic ~2,000-image / 10,000-annotation COCO
 * file, clean, then the same file with at least one defect of every rule that
 * has a plantable form, each at a known place. Every plant must be found by
 * its rule at its JSON path (recall 100 %); the clean twin has no errors.
 * A new rule gets a row in PLANTERS (the coverage test below says which are missing).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_RULES } from '../../../src/core/rules';
import { checkFile } from '../../../src/node/checkFile';
import { rleEncode } from '../../../src/core/geometry/rle';

type Obj = Record<string, any>;
interface Dataset { info?: Obj; licenses?: Obj[]; images: Obj[]; annotations: Obj[]; categories: Obj[] }
interface Plant { rule: string; jsonPath: string }

const N_IMAGES = 2000;
const N_ANNOTATIONS = 10000;
const W = 640, H = 480;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

function rect(x: number, y: number, w: number, h: number): number[] { return [x, y, x + w, y, x + w, y + h, x, y + h]; }

export function cleanDataset(seed = 42): Dataset {
  const r = rng(seed);
  const images = Array.from({ length: N_IMAGES }, (_, i) => ({ id: i + 1, file_name: `${String(i + 1).padStart(6, '0')}.jpg`, width: W, height: H, license: 1 }));
  const categories = [
    { id: 1, name: 'cat', supercategory: 'animal' },
    { id: 2, name: 'dog', supercategory: 'animal' },
    { id: 3, name: 'car', supercategory: 'vehicle' },
    { id: 4, name: 'bus', supercategory: 'vehicle' },
    { id: 5, name: 'person', supercategory: 'person', keypoints: ['nose', 'eye'], skeleton: [[1, 2]] },
  ];
  const annotations = Array.from({ length: N_ANNOTATIONS }, (_, i) => {
    const w = 30 + Math.floor(r() * 30), h = 30 + Math.floor(r() * 30);
    const x = 5 + Math.floor(r() * (W - w - 10)), y = 5 + Math.floor(r() * (H - h - 10));
    const category_id = (i % 5) + 1;
    const a: Obj = { id: i + 1, image_id: (i % N_IMAGES) + 1, category_id, bbox: [x, y, w, h], area: w * h, iscrowd: 0, segmentation: [rect(x, y, w, h)] };
    if (category_id === 5) { a.keypoints = [x + 5, y + 5, 2, x + 10, y + 10, 2]; a.num_keypoints = 2; }
    return a;
  });
  return { info: { year: 2024, version: '1.0', description: 'recall test', contributor: 'labelscope', url: '', date_created: '2024/01/01' }, licenses: [{ id: 1, name: 'CC BY 4.0', url: '' }], images, annotations, categories };
}

/** One element per line (tests and humans can find them); NaN sentinels become bare NaN. */
function serialize(d: Dataset | unknown): string {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return JSON.stringify(d);
  const parts = Object.entries(d as Obj).map(([k, v]) =>
    Array.isArray(v) ? `${JSON.stringify(k)}: [\n${v.map((e) => JSON.stringify(e)).join(',\n')}\n]` : `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${parts.join(',\n')}\n}\n`.replace(/"__NaN__"/g, 'NaN');
}

const A = (k: number) => `$.annotations[${k}]`;
const I = (k: number) => `$.images[${k}]`;

/** Picks annotations of a category spread over the file, never the same twice. */
function picker() {
  const used = new Set<number>();
  return (category?: number): number => {
    for (let k = 101 + used.size * 97; ; k++) {
      if (used.has(k) || used.has(k - 1) || used.has(k + 1)) continue;
      if (category !== undefined && (k % 5) + 1 !== category) continue;
      used.add(k);
      return k;
    }
  };
}

type Pick = ReturnType<typeof picker>;
/** Mutates the dataset in place and says where the defect is. */
type InPlace = (d: Dataset, pick: Pick) => Plant | Plant[];
/**
 * Makes a separate file (defects of the whole document, or another kind of file:
 * results, captions, panoptic). `gt`: check it with the clean dataset as --gt.
 */
type Separate = (d: Dataset) => { text: string; plant: Plant; gt?: boolean };

/** The clean dataset's boxes as a results list (what a detector writes for COCO.loadRes). */
function resultsOf(d: Dataset): Obj[] {
  return d.annotations.slice(0, 2000).map((a, i) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: Number((0.5 + (i % 50) / 100).toFixed(2)) }));
}
const R = (k: number) => `$[${k}]`;
function resultsText(d: Dataset, plant: (dets: Obj[]) => number | void, rule: string): { text: string; plant: Plant; gt: boolean } {
  const dets = resultsOf(d);
  const k = plant(dets);
  return { text: `[\n${dets.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`, plant: { rule, jsonPath: k === undefined ? '$' : R(k) }, gt: true };
}
/** A captions file of the clean dataset's images (two captions each). */
function captionsOf(d: Dataset): Dataset {
  return { info: d.info, licenses: d.licenses, images: d.images, categories: [], annotations: d.images.flatMap((im, i) => [0, 1].map((j) => ({ id: 2 * i + j + 1, image_id: im.id, caption: `A photo number ${i} (${j}).` }))) } as Dataset;
}
/** A panoptic file: one PNG per image, its boxes as segments. */
function panopticOf(d: Dataset): Dataset {
  const byImage = new Map<number, Obj[]>();
  d.annotations.forEach((a, i) => {
    const list = byImage.get(a.image_id) ?? [];
    list.push({ id: 1000 + i, category_id: a.category_id, iscrowd: 0, bbox: a.bbox, area: a.area });
    byImage.set(a.image_id, list);
  });
  return {
    info: d.info, licenses: d.licenses, images: d.images,
    categories: d.categories.map((c) => ({ id: c.id, name: c.name, supercategory: c.supercategory, isthing: c.id <= 3 ? 1 : 0, color: [c.id, 0, 0] })),
    annotations: d.images.map((im) => ({ image_id: im.id, file_name: im.file_name.replace('.jpg', '.png'), segments_info: byImage.get(im.id) ?? [] })),
  };
}
const P = (k: number, s: number) => `$.annotations[${k}].segments_info[${s}]`;

const IN_PLACE: Record<string, InPlace> = {
  'coco/non-finite-number': (d, p) => { const k = p(1); d.annotations[k].area = '__NaN__'; return { rule: 'coco/non-finite-number', jsonPath: A(k) }; },
  'coco/element-not-object': (d, p) => { const k = p(1); d.annotations[k] = 42 as unknown as Obj; return { rule: 'coco/element-not-object', jsonPath: A(k) }; },
  'coco/missing-field': (d, p) => { const k = p(1); delete d.annotations[k].image_id; return { rule: 'coco/missing-field', jsonPath: A(k) }; },
  'coco/wrong-type': (d, p) => { const k = p(1); d.annotations[k].id = String(d.annotations[k].id); return { rule: 'coco/wrong-type', jsonPath: A(k) }; },
  'coco/duplicate-id': (d, p) => { const k = p(1); d.annotations[k].id = d.annotations[k - 1].id; return { rule: 'coco/duplicate-id', jsonPath: A(k) }; },
  'coco/annotation-unknown-image': (d, p) => { const k = p(1); d.annotations[k].image_id = 99999999; return { rule: 'coco/annotation-unknown-image', jsonPath: A(k) }; },
  'coco/annotation-unknown-category': (d, p) => { const k = p(1); d.annotations[k].category_id = 999; return { rule: 'coco/annotation-unknown-category', jsonPath: A(k) }; },
  'coco/missing-info': (d) => { delete d.info; return { rule: 'coco/missing-info', jsonPath: '$' }; },
  'coco/duplicate-category-name': (d) => { d.categories[3].name = d.categories[2].name; return { rule: 'coco/duplicate-category-name', jsonPath: '$.categories[3]' }; },
  'coco/duplicate-file-name': (d) => { d.images[1500].file_name = d.images[1499].file_name; return { rule: 'coco/duplicate-file-name', jsonPath: I(1500) }; },
  'coco/annotation-id-zero': (d, p) => { const k = p(1); d.annotations[k].id = 0; return { rule: 'coco/annotation-id-zero', jsonPath: A(k) }; },
  'coco/category-ids-not-contiguous': (d) => {
    for (const a of d.annotations) if (a && a.category_id === 2) a.category_id = 20;
    d.categories[1].id = 20;
    return { rule: 'coco/category-ids-not-contiguous', jsonPath: '$.categories' };
  },
  'coco/image-size-invalid': (d) => { d.images[1600].height = 480.5; return { rule: 'coco/image-size-invalid', jsonPath: I(1600) }; },
  'coco/image-without-annotations': (d) => { d.images.push({ id: 500000, file_name: '500000.jpg', width: W, height: H, license: 1 }); return { rule: 'coco/image-without-annotations', jsonPath: I(d.images.length - 1) }; },
  'coco/bbox-invalid': (d, p) => { const k = p(1); d.annotations[k].bbox = [10, 20, null, '5']; return { rule: 'coco/bbox-invalid', jsonPath: A(k) }; },
  'coco/bbox-non-positive': (d, p) => { const k = p(1); d.annotations[k].bbox[3] = -15; return { rule: 'coco/bbox-non-positive', jsonPath: A(k) }; },
  'coco/bbox-tiny': (d, p) => { const k = p(1); d.annotations[k].bbox[2] = 0.4; return { rule: 'coco/bbox-tiny', jsonPath: A(k) }; },
  'coco/bbox-out-of-image': (d, p) => { const k = p(1); const b = d.annotations[k].bbox; b[0] = W - 10; return { rule: 'coco/bbox-out-of-image', jsonPath: A(k) }; },
  'coco/iscrowd-invalid': (d, p) => { const k = p(1); delete d.annotations[k].iscrowd; return { rule: 'coco/iscrowd-invalid', jsonPath: A(k) }; },
  'coco/keypoints-length': (d, p) => { const k = p(5); d.annotations[k].keypoints = d.annotations[k].keypoints.slice(0, 3); d.annotations[k].num_keypoints = 1; return { rule: 'coco/keypoints-length', jsonPath: A(k) }; },
  'coco/num-keypoints-mismatch': (d, p) => { const k = p(5); d.annotations[k].num_keypoints = 7; return { rule: 'coco/num-keypoints-mismatch', jsonPath: A(k) }; },
  'coco/keypoints-outside-bbox': (d, p) => { const k = p(5); const a = d.annotations[k]; a.keypoints[0] = a.bbox[0] > 20 ? 1 : W - 2; a.keypoints[1] = 1; return { rule: 'coco/keypoints-outside-bbox', jsonPath: A(k) }; },
  'coco/category-unused': (d) => { d.categories.push({ id: 6, name: 'unused', supercategory: 'x' }); return { rule: 'coco/category-unused', jsonPath: `$.categories[${d.categories.length - 1}]` }; },
  'coco/category-few-samples': (d, p) => {
    d.categories.push({ id: 7, name: 'rare', supercategory: 'x' });
    const k = p(1); d.annotations[k].category_id = 7;
    return [{ rule: 'coco/category-few-samples', jsonPath: `$.categories[${d.categories.length - 1}]` }];
  },
  'coco/class-imbalance': (d) => {
    // Rides on category-few-samples' "rare" (1 annotation vs ~2,000).
    if (!d.categories.some((c) => c.id === 7)) throw new Error('needs the coco/category-few-samples plant');
    return { rule: 'coco/class-imbalance', jsonPath: '$' };
  },
  'coco/bbox-size-outlier': (d, p) => {
    const k = p(3); const a = d.annotations[k];
    a.bbox = [1, 1, W - 2, H - 2]; a.segmentation = [rect(1, 1, W - 2, H - 2)]; a.area = (W - 2) * (H - 2);
    return { rule: 'coco/bbox-size-outlier', jsonPath: A(k) };
  },
  'coco/segmentation-flat-list': (d, p) => { const k = p(1); d.annotations[k].segmentation = d.annotations[k].segmentation[0]; return { rule: 'coco/segmentation-flat-list', jsonPath: A(k) }; },
  'coco/polygon-too-short': (d, p) => { const k = p(1); d.annotations[k].segmentation.push([5, 5]); return { rule: 'coco/polygon-too-short', jsonPath: A(k) }; },
  'coco/polygon-four-numbers': (d, p) => { const k = p(1); const [x, y, w, h] = d.annotations[k].bbox; d.annotations[k].segmentation.push([x, y, x + w, y + h]); return { rule: 'coco/polygon-four-numbers', jsonPath: A(k) }; },
  'coco/polygon-odd-length': (d, p) => { const k = p(1); d.annotations[k].segmentation[0].pop(); return { rule: 'coco/polygon-odd-length', jsonPath: A(k) }; },
  'coco/polygon-outside-image': (d, p) => { const k = p(1); d.annotations[k].segmentation[0][2] = W + 60; return { rule: 'coco/polygon-outside-image', jsonPath: A(k) }; },
  'coco/polygon-zero-area': (d, p) => { const k = p(1); const [x, y] = d.annotations[k].bbox; d.annotations[k].segmentation.push([x, y, x + 1, y + 1, x + 2, y + 2]); return { rule: 'coco/polygon-zero-area', jsonPath: A(k) }; },
  'coco/polygon-self-intersecting': (d, p) => { const k = p(1); const [x, y, w, h] = d.annotations[k].bbox; d.annotations[k].segmentation = [[x, y, x + w, y + h, x + w, y, x, y + h]]; return { rule: 'coco/polygon-self-intersecting', jsonPath: A(k) }; },
  'coco/segmentation-empty': (d, p) => { const k = p(1); d.annotations[k].segmentation = []; return { rule: 'coco/segmentation-empty', jsonPath: A(k) }; },
  'coco/rle-size-mismatch': (d, p) => { const k = p(1); Object.assign(d.annotations[k], { iscrowd: 1, segmentation: { size: [W, H], counts: [W * H] } }); return { rule: 'coco/rle-size-mismatch', jsonPath: A(k) }; },
  'coco/rle-counts-sum': (d, p) => { const k = p(1); Object.assign(d.annotations[k], { iscrowd: 1, segmentation: { size: [H, W], counts: [1, 2] } }); return { rule: 'coco/rle-counts-sum', jsonPath: A(k) }; },
  'coco/rle-invalid-string': (d, p) => { const k = p(1); Object.assign(d.annotations[k], { iscrowd: 1, segmentation: { size: [H, W], counts: "b'PPl12Ok0'" } }); return { rule: 'coco/rle-invalid-string', jsonPath: A(k) }; },
  'coco/crowd-with-polygons': (d, p) => { const k = p(1); d.annotations[k].iscrowd = 1; return { rule: 'coco/crowd-with-polygons', jsonPath: A(k) }; },
  'coco/area-invalid': (d, p) => { const k = p(1); d.annotations[k].area = 0; return { rule: 'coco/area-invalid', jsonPath: A(k) }; },
  'coco/area-mismatch': (d, p) => { const k = p(1); d.annotations[k].area *= 3; return { rule: 'coco/area-mismatch', jsonPath: A(k) }; },
  'coco/bbox-segmentation-mismatch': (d, p) => { const k = p(1); const b = d.annotations[k].bbox; b[0] = b[0] > W / 2 ? b[0] - 40 : b[0] + 40; return { rule: 'coco/bbox-segmentation-mismatch', jsonPath: A(k) }; },
  'coco/duplicate-annotation': (d, p) => { const k = p(1); const prev = d.annotations[k - 5]; d.annotations[k] = { ...structuredClone(prev), id: d.annotations[k].id }; return { rule: 'coco/duplicate-annotation', jsonPath: A(k) }; },
  'coco/area-bbox-mismatch': (d, p) => { const k = p(1); const [, , w, h] = d.annotations[k].bbox; d.annotations[k].area = 2 * w * h; return { rule: 'coco/area-bbox-mismatch', jsonPath: A(k) }; },
  'coco/optional-field-wrong-type': (d) => { d.categories[2].supercategory = null; return { rule: 'coco/optional-field-wrong-type', jsonPath: '$.categories[2]' }; },
  'coco/image-file-missing': (d) => { d.images[1700].file_name = 'no-such-image.jpg'; return { rule: 'coco/image-file-missing', jsonPath: I(1700) }; },
};

const SEPARATE: Record<string, Separate> = {
  'coco/invalid-json': (d) => { const t = serialize(d); return { text: t.slice(0, Math.floor(t.length / 2)), plant: { rule: 'coco/invalid-json', jsonPath: '$' } }; },
  'coco/root-not-object': (d) => ({ text: JSON.stringify(d.images), plant: { rule: 'coco/root-not-object', jsonPath: '$' } }),
  'coco/missing-section': (d) => { const { categories: _c, ...rest } = d; return { text: serialize(rest), plant: { rule: 'coco/missing-section', jsonPath: '$' } }; },
  'coco/section-wrong-type': (d) => ({ text: serialize({ ...d, annotations: {} }), plant: { rule: 'coco/section-wrong-type', jsonPath: '$.annotations' } }),
  'coco/optional-section-wrong-type': (d) => ({ text: serialize({ ...d, info: null }), plant: { rule: 'coco/optional-section-wrong-type', jsonPath: '$.info' } }),
  'coco/not-coco-file': () => ({ text: JSON.stringify({ version: '5.4.1', flags: {}, shapes: [{ label: 'cat', points: [[1, 2], [3, 4]], shape_type: 'rectangle' }], imagePath: 'a.jpg', imageData: null }), plant: { rule: 'coco/not-coco-file', jsonPath: '$' } }),
  'coco/result-list-inconsistent': (d) => resultsText(d, (r) => { delete r[708].bbox; r[708].segmentation = { size: [H, W], counts: [W * H] }; return 708; }, 'coco/result-list-inconsistent'),
  'coco/result-score-invalid': (d) => resultsText(d, (r) => { delete r[700].score; return 700; }, 'coco/result-score-invalid'),
  'coco/result-score-range': (d) => resultsText(d, (r) => { r[701].score = 3.7; return 701; }, 'coco/result-score-range'),
  'coco/result-unknown-image': (d) => resultsText(d, (r) => { r[702].image_id = 99999999; return 702; }, 'coco/result-unknown-image'),
  'coco/result-unknown-category': (d) => resultsText(d, (r) => { r[703].category_id = 0; return 703; }, 'coco/result-unknown-category'),
  'coco/result-keypoints-length': (d) => resultsText(d, (r) => { r[704].keypoints = [1, 2, 0.5, 3]; return 704; }, 'coco/result-keypoints-length'),
  'coco/result-rle-size-mismatch': (d) => resultsText(d, (r) => { r[705].segmentation = { size: [W, H], counts: [W * H] }; return 705; }, 'coco/result-rle-size-mismatch'),
  'coco/result-too-many-per-image': (d) => resultsText(d, (r) => { for (let i = 0; i < 101; i++) r.push({ image_id: 7, category_id: 2, bbox: [i, i, 20, 20], score: 0.3 - i / 1000 }); }, 'coco/result-too-many-per-image'),
  'coco/result-duplicate': (d) => resultsText(d, (r) => { r.push({ ...r[706] }); return r.length - 1; }, 'coco/result-duplicate'),
  'coco/result-bbox-mask-mismatch': (d) => resultsText(d, (r) => {
    const mask = new Uint8Array(W * H);
    for (let y = 200; y < 230; y++) for (let x = 300; x < 340; x++) mask[y * W + x] = 1;
    r[707].segmentation = rleEncode(mask, H, W); r[707].bbox = [10, 10, 40, 30];
    return 707;
  }, 'coco/result-bbox-mask-mismatch'),
  'coco/caption-invalid': (d) => { const c = captionsOf(d); c.annotations[33].caption = ''; return { text: serialize(c), plant: { rule: 'coco/caption-invalid', jsonPath: A(33) } }; },
  'coco/panoptic-segment-invalid': (d) => { const c = panopticOf(d); delete c.annotations[10].segments_info[0].id; return { text: serialize(c), plant: { rule: 'coco/panoptic-segment-invalid', jsonPath: P(10, 0) } }; },
  'coco/panoptic-duplicate-segment-id': (d) => { const c = panopticOf(d); const s = c.annotations[11].segments_info; s[1].id = s[0].id; return { text: serialize(c), plant: { rule: 'coco/panoptic-duplicate-segment-id', jsonPath: P(11, 1) } }; },
  'coco/panoptic-unknown-category': (d) => { const c = panopticOf(d); c.annotations[12].segments_info[0].category_id = 99; return { text: serialize(c), plant: { rule: 'coco/panoptic-unknown-category', jsonPath: P(12, 0) } }; },
  'coco/panoptic-isthing-invalid': (d) => { const c = panopticOf(d); delete c.categories[1].isthing; return { text: serialize(c), plant: { rule: 'coco/panoptic-isthing-invalid', jsonPath: '$.categories[1]' } }; },
  'coco/panoptic-segment-area-bbox': (d) => { const c = panopticOf(d); c.annotations[13].segments_info[0].area = 1e6; return { text: serialize(c), plant: { rule: 'coco/panoptic-segment-area-bbox', jsonPath: P(13, 0) } }; },
  // Its PNGs are not written here, so the first annotation's is missing (the others too; one is enough).
  'coco/panoptic-png-missing': (d) => ({ text: serialize(panopticOf(d)), plant: { rule: 'coco/panoptic-png-missing', jsonPath: A(0) } }),
  'coco/single-category': (d) => ({
    text: serialize({ ...d, categories: [d.categories[0]], annotations: d.annotations.map((a) => { const { keypoints: _k, num_keypoints: _n, ...b } = a; return { ...b, category_id: 1 }; }) }),
    plant: { rule: 'coco/single-category', jsonPath: '$' },
  }),
};

/** Rules whose defect this test cannot plant in a file: these need panoptic PNGs, planted in test/unit/node/panopticPng.test.ts. */
const NOT_PLANTABLE = new Set<string>(['coco/panoptic-png-segments-mismatch', 'coco/panoptic-segment-png-area', 'coco/panoptic-png-size-mismatch']);

/** Text a message must never show: a value JavaScript failed to print. */
const BROKEN_TEXT = /undefined|NaN|\[object Object\]/;
/** Messages that print a wrong value; coco/non-finite-number names the bare NaN token it found, on purpose. */
const brokenMessages = (problems: readonly { rule: string; message: string }[]) =>
  problems.filter((p) => p.rule !== 'coco/non-finite-number' && BROKEN_TEXT.test(p.message)).map((p) => `${p.rule}: ${p.message}`);

const found = (problems: readonly { rule: string; jsonPath: string }[], plant: Plant) =>
  problems.some((p) => p.rule === plant.rule && (p.jsonPath === plant.jsonPath || p.jsonPath.startsWith(plant.jsonPath + '.') || p.jsonPath.startsWith(plant.jsonPath + '[') || plant.jsonPath === '$'));

describe('planted-defect recall (checkFile pipeline)', function () {
  this.timeout(180000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-recall-'));
    fs.mkdirSync(path.join(dir, 'images'));
    for (let i = 1; i <= N_IMAGES; i++) fs.writeFileSync(path.join(dir, 'images', `${String(i).padStart(6, '0')}.jpg`), '');
    fs.writeFileSync(path.join(dir, 'images', '500000.jpg'), '');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every rule has a planter (or is listed as not plantable)', () => {
    const missing = ALL_RULES.map((r) => r.id).filter((id) => !(id in IN_PLACE) && !(id in SEPARATE) && !NOT_PLANTABLE.has(id));
    if (missing.length > 0) console.warn(`      rules without a planter (recall not measured): ${missing.join(', ')}`);
    assert.deepEqual(missing, [], 'add a planter to test/unit/node/recall.test.ts');
  });

  it('the clean twin has no errors', async () => {
    const file = path.join(dir, 'instances_clean.json');
    fs.writeFileSync(file, serialize(cleanDataset()));
    const result = await checkFile(file);
    const errors = result.problems.filter((p) => p.severity === 'error');
    assert.equal(result.summary.images, N_IMAGES);
    assert.equal(result.summary.annotations, N_ANNOTATIONS);
    assert.deepEqual(errors.slice(0, 5).map((p) => `${p.rule} ${p.jsonPath}: ${p.message}`), []);
  });

  it('finds every planted defect with its rule at its JSON path (recall 100%)', async () => {
    const known = new Set(ALL_RULES.map((r) => r.id));
    const d = cleanDataset();
    const pick = picker();
    const plants: Plant[] = [];
    for (const [rule, plant] of Object.entries(IN_PLACE)) {
      if (!known.has(rule)) continue; // a rule removed or renamed: its planter is inert
      plants.push(...([] as Plant[]).concat(plant(d, pick)));
    }
    const file = path.join(dir, 'instances_planted.json');
    fs.writeFileSync(file, serialize(d));
    const result = await checkFile(file);
    const missed = plants.filter((p) => !found(result.problems, p));
    const broken = brokenMessages(result.problems);
    const cleanFile = path.join(dir, 'instances_clean.json');
    if (!fs.existsSync(cleanFile)) fs.writeFileSync(cleanFile, serialize(cleanDataset()));

    const base = cleanDataset();
    for (const [rule, make] of Object.entries(SEPARATE)) {
      if (!known.has(rule)) continue;
      const { text, plant, gt } = make(base);
      const f = path.join(dir, `instances_${rule.replace('/', '_')}.json`);
      fs.writeFileSync(f, text);
      plants.push(plant);
      const { problems } = await checkFile(f, gt ? { groundTruth: cleanFile } : {});
      if (!found(problems, plant)) missed.push(plant);
      broken.push(...brokenMessages(problems));
    }
    const rules = new Set(plants.map((p) => p.rule));
    const recall = (plants.length - missed.length) / plants.length;
    console.log(`      recall ${(recall * 100).toFixed(1)}%: ${plants.length - missed.length}/${plants.length} plants found, ${rules.size} rules, ${result.summary.annotations} annotations`);
    assert.deepEqual(missed, [], 'missed plants');
    assert.deepEqual(broken, [], 'messages showing undefined, NaN or [object Object]');
  });
});
