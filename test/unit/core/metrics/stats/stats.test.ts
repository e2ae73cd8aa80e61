/** Dataset statistics on small documents the tests write; every expected value is worked out by hand in the comments. */
import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../../src/core/coco/parse';
import { AREA_BINS, ASPECT_BINS, compareSplits, computeStats, SIDE_BINS, splitNameOf, statsReport, formatStats } from '../../../../../src/core/metrics/stats';

const doc = (value: unknown, path?: string) => parseCoco(new TextEncoder().encode(JSON.stringify(value)), { path });

const small = {
  images: [
    { id: 1, file_name: 'a.jpg', width: 100, height: 100 },
    { id: 2, file_name: 'b.jpg', width: 200, height: 100 },
    { id: 3, file_name: 'c.jpg', width: 50, height: 50 },
  ],
  categories: [{ id: 1, name: 'cat', supercategory: 'animal' }, { id: 2, name: 'dog' }, { id: 3, name: 'bird' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }, // small, centre (0.05, 0.05) → cell 0
    { id: 2, image_id: 1, category_id: 1, bbox: [50, 50, 40, 40], area: 1600 }, // medium, centre (0.7, 0.7) → row 7, col 7
    { id: 3, image_id: 2, category_id: 1, bbox: [100, 0, 100, 100] }, // no area: w·h = 10000, large; centre (0.75, 0.5) → row 5, col 7
    { id: 4, image_id: 2, category_id: 2, bbox: [0, 0, 20, 10], area: 150, iscrowd: 1 }, // small, crowd, centre (0.05, 0.05)
    { id: 5, image_id: 99, category_id: 2, bbox: [0, 0, 1, 1], area: 1 }, // unknown image: small, no centre
    { id: 6, image_id: 1, category_id: 42, bbox: [0, 0, 5, 5] }, // unknown category
  ],
};

describe('dataset statistics', () => {
  it('counts per category, sizes, crowd, images and findings', () => {
    const { stats } = computeStats(doc(small));
    assert.equal(stats.images, 3);
    assert.equal(stats.annotations, 6);
    assert.equal(stats.categories, 3);
    assert.equal(stats.imagesWithoutAnnotations, 1); // image 3
    assert.equal(stats.annotationsWithUnknownCategory, 1);
    assert.equal(stats.annotationsWithUnknownImage, 1);
    const [cat, dog, bird] = stats.perCategory;
    assert.deepEqual([cat.instances, cat.images, cat.crowd, cat.small, cat.medium, cat.large], [3, 2, 0, 1, 1, 1]);
    assert.deepEqual(cat.instancesPerImage, { mean: 1.5, max: 2 }); // image 1 has 2 cats, image 2 has 1
    assert.equal(cat.supercategory, 'animal');
    // Geometric mean of 100, 1600, 10000 = (1.6e9)^(1/3)
    assert.ok(Math.abs(cat.boxAreaLog.geometricMean - Math.cbrt(1.6e9)) < 1e-6);
    // Two bins per octave: floor(2·log₂ a) = 13, 21, 26
    assert.deepEqual([13, 21, 26].map((k) => cat.boxArea.counts[k]), [1, 1, 1]);
    assert.equal(cat.boxArea.counts.reduce((s, v) => s + v, 0), 3);
    assert.deepEqual([dog.instances, dog.images, dog.crowd, dog.crowdShare, dog.small], [2, 1, 1, 0.5, 2]);
    assert.equal(bird.instances, 0);
    // Heat map, 10 × 10, row-major
    const nonZero = (c: number[]) => c.flatMap((v, k) => (v ? [[k, v]] : []));
    assert.deepEqual(nonZero(cat.centers.counts), [[0, 1], [57, 1], [77, 1]]);
    assert.deepEqual(nonZero(dog.centers.counts), [[0, 1]]);
    assert.deepEqual(nonZero(stats.centers.counts), [[0, 2], [57, 1], [77, 1]]);
    // Image 1: 3 annotations (with the unknown category), image 2: 2, image 3: 0
    assert.deepEqual(stats.instancesPerImage.counts.slice(0, 4), [1, 0, 1, 1]);
    // Widths 100, 200, 50 → floor(2·log₂ w) = 13, 15, 11; aspect 1, 2, 1 → floor((log₂ r + 5)·4) = 20, 24
    assert.deepEqual([11, 13, 15].map((k) => stats.imageWidth.counts[k]), [1, 1, 1]);
    assert.deepEqual([stats.imageAspectRatio.counts[20], stats.imageAspectRatio.counts[24]], [2, 1]);
    assert.deepEqual(stats.commonImageSizes.map((s) => s.size), ['100x100', '200x100', '50x50']);
    assert.deepEqual(stats.classImbalance, { ratio: 1.5, mostFrequent: { id: 1, name: 'cat', instances: 3 }, leastFrequent: { id: 2, name: 'dog', instances: 2 } });
    assert.deepEqual(stats.findings.map((f) => f.kind), ['label-not-found', 'images-without-annotations', 'undefined-label']);
  });

  it('bins have the documented edges', () => {
    assert.equal(AREA_BINS.index(32 * 32), 20);
    assert.equal(AREA_BINS.index(0.5), -1);
    assert.equal(AREA_BINS.index(2 ** 28), AREA_BINS.bins);
    assert.equal(SIDE_BINS.index(1), 0);
    assert.equal(ASPECT_BINS.index(1), 20);
    assert.equal(ASPECT_BINS.edges()[20], 1);
  });

  it('flags a box beyond 5 σ on log scale (Datumaro default) and a category with one sample', () => {
    // 30 boxes of 10 × 10 and one of 1000 × 1000: with population σ the lone box is exactly √30 ≈ 5.48 σ away.
    const annotations = [];
    for (let i = 0; i < 30; i++) annotations.push({ id: i + 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] });
    annotations.push({ id: 100, image_id: 1, category_id: 1, bbox: [0, 0, 1000, 1000] });
    annotations.push({ id: 200, image_id: 1, category_id: 2, bbox: [0, 0, 10, 10] });
    const { stats } = computeStats(doc({ images: [{ id: 1, width: 2000, height: 2000 }], categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], annotations }));
    assert.deepEqual(stats.perCategory[0].outliers, { count: 1, annotationIds: [100] });
    // 28 boxes: the lone one is √27 ≈ 5.196 σ away, still out; at sigma 6 it is not
    const { stats: s6 } = computeStats(doc({ images: [{ id: 1, width: 2000, height: 2000 }], categories: [{ id: 1, name: 'a' }], annotations: annotations.slice(2, 31) }), { sigma: 6 });
    assert.equal(s6.perCategory[0].outliers.count, 0);
    // 31 / 1 = 31 is below Datumaro's imbalance ratio 50: no imbalance finding
    assert.deepEqual(stats.findings.map((f) => f.kind), ['few-samples', 'far-from-mean']);
  });

  it('split names come from COCO file names', () => {
    assert.equal(splitNameOf('/data/annotations/instances_val2017.json'), 'val2017');
    assert.equal(splitNameOf('C:\\x\\my_coco.json'), 'my_coco');
  });

  it('flags a category whose share and box sizes shift between splits, with the test and its p-value', () => {
    const make = (catBoxes: number, dogBoxes: number, catSide: number, name: string) => {
      const annotations = [];
      let id = 1;
      for (let i = 0; i < catBoxes; i++) annotations.push({ id: id++, image_id: 1, category_id: 1, bbox: [0, 0, catSide + (i % 7), catSide] });
      for (let i = 0; i < dogBoxes; i++) annotations.push({ id: id++, image_id: 1, category_id: 2, bbox: [0, 0, 20 + (i % 5), 20] });
      return computeStats(doc({ images: [{ id: 1, width: 1000, height: 1000 }], categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }], annotations }, `/d/instances_${name}.json`));
    };
    const train = make(50, 50, 10, 'train'), val = make(90, 10, 100, 'val'), same = make(50, 50, 10, 'test');
    const report = compareSplits([train, val, same]);
    const [tv, tt] = report.comparisons;
    assert.equal(tv.a, 'train');
    assert.equal(tv.b, 'val');
    // 2 × 2 table [[50, 90], [50, 10]]: rows 140 / 60, columns 100 / 100, expected 70, 70, 30, 30
    const chi = 400 / 70 * 2 + 400 / 30 * 2;
    assert.ok(Math.abs(tv.categories[0].shareTest.statistic - chi) < 1e-9);
    assert.ok(tv.categories[0].shareTest.pValue < 1e-9);
    assert.equal(tv.categories[0].shareShift, true);
    // Every val cat box (≥ 100²) is larger than every train cat box (≤ 16 · 10): D = 1
    assert.equal(tv.categories[0].sizeTest?.statistic, 1);
    assert.equal(tv.categories[0].sizeShift, true);
    assert.equal(tv.categories[1].sizeShift, false);
    assert.ok(tv.flagged.some((l) => /"cat" \(id 1\): share 50\.00% in train vs 90\.00% in val \(chi-square 38\.1, df 1, p = /.test(l)), tv.flagged.join('\n'));
    assert.ok(tv.flagged.some((l) => /KS D = 1\.000/.test(l)));
    assert.deepEqual(tt.flagged, []);
    assert.equal(tt.categoryShares.statistic, 0);
    assert.equal(tt.categoryShares.pValue, 1);
  });

  it('formats text, markdown and JSON', () => {
    const r = statsReport([doc(small, '/x/instances_train.json'), doc(small, '/x/instances_val.json')]);
    const json = JSON.parse(formatStats(r, 'json'));
    assert.equal(json.version, 1);
    assert.equal(json.splits.length, 2);
    assert.equal(json.shift.comparisons[0].b, 'val');
    const text = formatStats(r, 'text');
    assert.match(text, /^train \(\/x\/instances_train\.json\)\n {2}images: 3 \(1 without annotations\)/);
    assert.match(text, /train vs val:\n {2}category shares: chi-square 0\.0, df 1, p = 1\.0000/);
    const md = formatStats(r, 'md');
    assert.match(md, /\| category \| id \| instances \|/);
    assert.match(md, /\| cat \| 1 \| 3 \| 2 \| 0% \| 1 \| 1 \| 1 \| 1\.5 \|/);
  });
});
