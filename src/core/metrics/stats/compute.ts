/**
 * Dataset statistics of one COCO document, in one pass over the annotations into typed arrays
 * (train2017's 860k annotations take tens of milliseconds), plus one pass for the outliers.
 *
 * Definitions (each also in README's `labelscope stats` section):
 * - small / medium / large: the annotation's `area` (the segmentation's pixel area, as COCOeval
 *   reads it; the box's w·h when `area` is absent) below 32², below 96², or from 96² up.
 * - outliers: a box whose ln(w·h) is more than `sigma` (default 5, Datumaro's far_from_mean_thr)
 *   population standard deviations from its category's mean ln(w·h) and at least `minFactor`
 *   (default 2) times larger or smaller than the geometric mean: the same test as the rule
 *   coco/bbox-size-outlier, so the report and the Problems panel agree.
 * - few samples: a category with 1 … `fewSamples` annotations (Datumaro's few_samples_thr = 1);
 *   imbalance: most / least frequent category (with ≥ 1 annotation) above `imbalanceRatio`
 *   (Datumaro's imbalance_ratio_thr = 50).
 * - centre heat map: box centres divided by the image's declared width / height, counted in a
 *   `grid` × `grid` raster (row-major, top row first); boxes of images without a usable size are
 *   left out.
 */
import { isJsonObject, type CocoDocument, type IdKey } from '../../coco/document';
import { AREA_BINS, ASPECT_BINS, HistogramSet, integerHistogram, SIDE_BINS, type Histogram } from './histogram';

export interface StatsOptions {
  /** Shown in reports; default: the split name taken from the file name (instances_val2017.json → val2017). */
  name?: string;
  sigma?: number;
  minFactor?: number;
  fewSamples?: number;
  imbalanceRatio?: number;
  /** Side of the centre heat map's grid (default 10). */
  grid?: number;
}

export const STATS_DEFAULTS: Readonly<Required<Omit<StatsOptions, 'name'>>> = { sigma: 5, minFactor: 2, fewSamples: 1, imbalanceRatio: 50, grid: 10 };

export const SMALL_AREA = 32 * 32;
export const MEDIUM_AREA = 96 * 96;

export interface HeatMap {
  readonly cols: number;
  readonly rows: number;
  /** Row-major counts, rows × cols, top row first. */
  readonly counts: number[];
}

export interface CategoryStats {
  readonly id: IdKey;
  readonly name: string;
  readonly supercategory?: string;
  readonly instances: number;
  /** Distinct images with at least one annotation of this category. */
  readonly images: number;
  readonly crowd: number;
  /** crowd / instances (0 when no instances). */
  readonly crowdShare: number;
  readonly small: number;
  readonly medium: number;
  readonly large: number;
  /** Over the images that have this category: mean and largest number of its annotations. */
  readonly instancesPerImage: { readonly mean: number; readonly max: number };
  /** Geometric mean box area (px²) and the standard deviation of ln(area). */
  readonly boxAreaLog: { readonly geometricMean: number; readonly stdLn: number; readonly boxes: number };
  readonly boxArea: Histogram;
  readonly boxWidth: Histogram;
  readonly boxHeight: Histogram;
  readonly aspectRatio: Histogram;
  readonly outliers: { readonly count: number; readonly annotationIds: (number | string)[] };
  readonly centers: HeatMap;
}

export type FindingKind = 'few-samples' | 'label-not-found' | 'imbalanced-labels' | 'far-from-mean' | 'images-without-annotations' | 'undefined-label';

/** A Datumaro-style validation finding about the whole dataset or one category. */
export interface StatsFinding {
  readonly kind: FindingKind;
  readonly severity: 'warning' | 'info';
  readonly message: string;
  readonly categoryId?: IdKey;
}

export interface DatasetStats {
  readonly name: string;
  readonly file?: string;
  readonly images: number;
  readonly annotations: number;
  readonly categories: number;
  readonly imagesWithoutAnnotations: number;
  /** Annotations whose category_id names no category. */
  readonly annotationsWithUnknownCategory: number;
  /** Annotations whose image_id names no image. */
  readonly annotationsWithUnknownImage: number;
  readonly crowd: number;
  readonly small: number;
  readonly medium: number;
  readonly large: number;
  readonly classImbalance: {
    /** Most / least frequent (categories with ≥ 1 annotation); 1 with one such category, 0 with none. */
    readonly ratio: number;
    readonly mostFrequent?: { readonly id: IdKey; readonly name: string; readonly instances: number };
    readonly leastFrequent?: { readonly id: IdKey; readonly name: string; readonly instances: number };
  };
  readonly instancesPerImage: Histogram;
  readonly imageWidth: Histogram;
  readonly imageHeight: Histogram;
  readonly imageAspectRatio: Histogram;
  /** The ten most common declared sizes, "640x480" → images. */
  readonly commonImageSizes: { readonly size: string; readonly images: number }[];
  readonly boxArea: Histogram;
  readonly aspectRatio: Histogram;
  readonly centers: HeatMap;
  readonly perCategory: CategoryStats[];
  readonly findings: StatsFinding[];
  readonly options: Required<Omit<StatsOptions, 'name'>>;
}

/** Per-annotation numbers the split comparison needs (kept out of the JSON). */
export interface StatsSamples {
  /** Category row per annotation (-1: no category or no usable box). */
  readonly row: Int32Array;
  /** ln(w·h) of the box, where row ≥ 0. */
  readonly lnArea: Float64Array;
  readonly categoryIds: readonly IdKey[];
}

export interface StatsResult {
  readonly stats: DatasetStats;
  readonly samples: StatsSamples;
}

/** instances_val2017.json → val2017; other names lose their folder and extension. */
export function splitNameOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const m = /^(?:instances|person_keypoints|captions|panoptic)_(.+)\.json$/i.exec(base);
  return m ? m[1] : base.replace(/\.json$/i, '');
}

const MAX_OUTLIER_IDS = 20;

export function computeStats(doc: CocoDocument, opts: StatsOptions = {}): StatsResult {
  const o = { ...STATS_DEFAULTS, ...stripUndefined(opts) };
  const grid = Math.max(1, Math.floor(o.grid));
  // Categories: first one per id, in file order.
  const catRow = new Map<IdKey, number>();
  const cats: { id: IdKey; name: string; supercategory?: string }[] = [];
  for (const e of doc.categoryEntries) {
    const v = e.value;
    if (!isJsonObject(v)) continue;
    const id = v.id;
    if ((typeof id !== 'number' && typeof id !== 'string') || catRow.has(id)) continue;
    catRow.set(id, cats.length);
    cats.push({ id, name: typeof v.name === 'string' ? v.name : String(id), supercategory: typeof v.supercategory === 'string' ? v.supercategory : undefined });
  }
  const C = cats.length;
  // Images: first one per id; declared size where usable.
  const imgSlot = new Map<IdKey, number>();
  const imgW: number[] = [], imgH: number[] = [];
  const imageWidth = new HistogramSet(SIDE_BINS, 1), imageHeight = new HistogramSet(SIDE_BINS, 1), imageAspect = new HistogramSet(ASPECT_BINS, 1);
  const sizeCounts = new Map<string, number>();
  for (const e of doc.imageEntries) {
    const v = e.value;
    if (!isJsonObject(v)) continue;
    const id = v.id;
    if ((typeof id !== 'number' && typeof id !== 'string') || imgSlot.has(id)) continue;
    imgSlot.set(id, imgW.length);
    const w = v.width, h = v.height;
    const ok = typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 && Number.isFinite(w) && Number.isFinite(h);
    imgW.push(ok ? (w as number) : 0);
    imgH.push(ok ? (h as number) : 0);
    if (ok) {
      imageWidth.add(0, w as number);
      imageHeight.add(0, h as number);
      imageAspect.add(0, (w as number) / (h as number));
      const key = `${w}x${h}`;
      sizeCounts.set(key, (sizeCounts.get(key) ?? 0) + 1);
    }
  }
  const I = imgW.length;

  const entries = doc.annotationEntries;
  const n = entries.length;
  const instances = new Float64Array(C), crowd = new Float64Array(C);
  const small = new Float64Array(C), medium = new Float64Array(C), large = new Float64Array(C);
  const boxArea = new HistogramSet(AREA_BINS, C), boxWidth = new HistogramSet(SIDE_BINS, C), boxHeight = new HistogramSet(SIDE_BINS, C), aspect = new HistogramSet(ASPECT_BINS, C);
  const centers = new Float64Array(C * grid * grid);
  const perImage = new Int32Array(I);
  const row = new Int32Array(n).fill(-1);
  const lnArea = new Float64Array(n);
  // (category, image) pairs, sorted later to count distinct images and the most per image.
  const pairs = new Float64Array(n);
  let pairCount = 0;
  let unknownCategory = 0, unknownImage = 0, annotations = 0;
  const lnSum = new Float64Array(C), lnCount = new Float64Array(C);
  for (let a = 0; a < n; a++) {
    const ann = entries[a].value;
    if (!isJsonObject(ann)) continue;
    annotations++;
    const iid = ann.image_id;
    const img = typeof iid === 'number' || typeof iid === 'string' ? imgSlot.get(iid) ?? -1 : -1;
    if (img >= 0) perImage[img]++;
    else unknownImage++;
    const cid = ann.category_id;
    const c = typeof cid === 'number' || typeof cid === 'string' ? catRow.get(cid) : undefined;
    if (c === undefined) { unknownCategory++; continue; }
    instances[c]++;
    if (img >= 0) pairs[pairCount++] = c * I + img;
    if (ann.iscrowd === 1 || ann.iscrowd === true) crowd[c]++;
    const b = ann.bbox;
    let boxOk = false, bw = 0, bh = 0, bx = 0, by = 0;
    if (Array.isArray(b) && b.length === 4) {
      const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
      if (typeof b0 === 'number' && typeof b1 === 'number' && typeof b2 === 'number' && typeof b3 === 'number'
        && b2 > 0 && b3 > 0 && Number.isFinite(b0 + b1 + b2 * b3)) {
        boxOk = true; bx = b0; by = b1; bw = b2; bh = b3;
      }
    }
    if (boxOk) {
      // Two logarithms per box: area and aspect ratio bins follow from log₂ w and log₂ h.
      const lw = Math.log2(bw), lh = Math.log2(bh);
      boxArea.addLog2(c, lw + lh);
      boxWidth.addLog2(c, lw);
      boxHeight.addLog2(c, lh);
      aspect.addLog2(c, lw - lh);
      const ln = Math.log(bw * bh); // as coco/bbox-size-outlier computes it, so borderline boxes agree
      row[a] = c;
      lnArea[a] = ln;
      lnSum[c] += ln;
      lnCount[c]++;
      if (img >= 0 && imgW[img] > 0) {
        const gx = Math.floor(((bx + bw / 2) / imgW[img]) * grid);
        const gy = Math.floor(((by + bh / 2) / imgH[img]) * grid);
        const cx = gx < 0 ? 0 : gx >= grid ? grid - 1 : gx;
        const cy = gy < 0 ? 0 : gy >= grid ? grid - 1 : gy;
        centers[c * grid * grid + cy * grid + cx]++;
      }
    }
    const area = ann.area;
    const sizeArea = typeof area === 'number' && area >= 0 && Number.isFinite(area) ? area : boxOk ? bw * bh : -1;
    if (sizeArea >= 0) {
      if (sizeArea < SMALL_AREA) small[c]++;
      else if (sizeArea < MEDIUM_AREA) medium[c]++;
      else large[c]++;
    }
  }

  // Distinct images per category and the most annotations of it in one image.
  const sortedPairs = pairs.subarray(0, pairCount).sort();
  const catImages = new Float64Array(C), catMaxPerImage = new Float64Array(C), catInKnownImages = new Float64Array(C);
  for (let k = 0; k < pairCount;) {
    const p = sortedPairs[k];
    let j = k + 1;
    while (j < pairCount && sortedPairs[j] === p) j++;
    const c = Math.floor(p / I);
    catImages[c]++;
    catInKnownImages[c] += j - k;
    if (j - k > catMaxPerImage[c]) catMaxPerImage[c] = j - k;
    k = j;
  }

  // Outliers on ln(area): population σ per category, as coco/bbox-size-outlier.
  const mean = new Float64Array(C);
  for (let c = 0; c < C; c++) mean[c] = lnCount[c] > 0 ? lnSum[c] / lnCount[c] : 0;
  const sq = new Float64Array(C);
  for (let a = 0; a < n; a++) {
    const c = row[a];
    if (c < 0) continue;
    const d = lnArea[a] - mean[c];
    sq[c] += d * d;
  }
  const std = new Float64Array(C);
  for (let c = 0; c < C; c++) std[c] = lnCount[c] > 1 ? Math.sqrt(sq[c] / lnCount[c]) : 0;
  const outlierCount = new Float64Array(C);
  const outlierIds: (number | string)[][] = cats.map(() => []);
  const lnMinFactor = Math.log(Math.max(1, o.minFactor));
  for (let a = 0; a < n; a++) {
    const c = row[a];
    if (c < 0 || !(std[c] > 0)) continue;
    const d = lnArea[a] - mean[c];
    if (!(Math.abs(d) > o.sigma * std[c]) || Math.abs(d) < lnMinFactor) continue;
    outlierCount[c]++;
    if (outlierIds[c].length < MAX_OUTLIER_IDS) {
      const id = (entries[a].value as Record<string, unknown>).id;
      if (typeof id === 'number' || typeof id === 'string') outlierIds[c].push(id);
    }
  }

  const perCategory: CategoryStats[] = cats.map((cat, c) => ({
    id: cat.id,
    name: cat.name,
    ...(cat.supercategory !== undefined ? { supercategory: cat.supercategory } : {}),
    instances: instances[c],
    images: catImages[c],
    crowd: crowd[c],
    crowdShare: instances[c] > 0 ? crowd[c] / instances[c] : 0,
    small: small[c], medium: medium[c], large: large[c],
    instancesPerImage: { mean: catImages[c] > 0 ? catInKnownImages[c] / catImages[c] : 0, max: catMaxPerImage[c] },
    boxAreaLog: { geometricMean: lnCount[c] > 0 ? Math.exp(mean[c]) : 0, stdLn: std[c], boxes: lnCount[c] },
    boxArea: boxArea.histogram(c),
    boxWidth: boxWidth.histogram(c),
    boxHeight: boxHeight.histogram(c),
    aspectRatio: aspect.histogram(c),
    outliers: { count: outlierCount[c], annotationIds: outlierIds[c] },
    centers: { cols: grid, rows: grid, counts: Array.from(centers.subarray(c * grid * grid, (c + 1) * grid * grid)) },
  }));

  let imagesWithoutAnnotations = 0;
  for (let i = 0; i < I; i++) if (perImage[i] === 0) imagesWithoutAnnotations++;
  const allCenters = new Array<number>(grid * grid).fill(0);
  for (let c = 0; c < C; c++) for (let k = 0; k < grid * grid; k++) allCenters[k] += centers[c * grid * grid + k];

  let most: CategoryStats | undefined, least: CategoryStats | undefined;
  for (const s of perCategory) {
    if (s.instances === 0) continue;
    if (!most || s.instances > most.instances) most = s;
    if (!least || s.instances < least.instances) least = s;
  }
  const ratio = most && least ? most.instances / least.instances : 0;
  const pick = (s?: CategoryStats) => (s ? { id: s.id, name: s.name, instances: s.instances } : undefined);

  const name = opts.name ?? (doc.path ? splitNameOf(doc.path) : 'dataset');
  const findings = findingsOf(perCategory, { ratio, most, least }, imagesWithoutAnnotations, unknownCategory, o);
  const stats: DatasetStats = {
    name,
    ...(doc.path ? { file: doc.path } : {}),
    images: I,
    annotations,
    categories: C,
    imagesWithoutAnnotations,
    annotationsWithUnknownCategory: unknownCategory,
    annotationsWithUnknownImage: unknownImage,
    crowd: sum(crowd), small: sum(small), medium: sum(medium), large: sum(large),
    classImbalance: { ratio, ...(most ? { mostFrequent: pick(most) } : {}), ...(least ? { leastFrequent: pick(least) } : {}) },
    instancesPerImage: integerHistogram(perImage, 50),
    imageWidth: imageWidth.histogram(0),
    imageHeight: imageHeight.histogram(0),
    imageAspectRatio: imageAspect.histogram(0),
    commonImageSizes: [...sizeCounts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10).map(([size, images]) => ({ size, images })),
    boxArea: boxArea.total(),
    aspectRatio: aspect.total(),
    centers: { cols: grid, rows: grid, counts: allCenters },
    perCategory,
    findings,
    options: { sigma: o.sigma, minFactor: o.minFactor, fewSamples: o.fewSamples, imbalanceRatio: o.imbalanceRatio, grid },
  };
  return { stats, samples: { row, lnArea, categoryIds: cats.map((c) => c.id) } };
}

function findingsOf(
  perCategory: CategoryStats[],
  imb: { ratio: number; most?: CategoryStats; least?: CategoryStats },
  imagesWithoutAnnotations: number,
  unknownCategory: number,
  o: typeof STATS_DEFAULTS,
): StatsFinding[] {
  const out: StatsFinding[] = [];
  const label = (s: CategoryStats) => `${JSON.stringify(s.name)} (id ${JSON.stringify(s.id)})`;
  for (const s of perCategory) {
    if (s.instances === 0) out.push({ kind: 'label-not-found', severity: 'warning', message: `Category ${label(s)} is defined but has no annotations.`, categoryId: s.id });
    else if (s.instances <= o.fewSamples) out.push({ kind: 'few-samples', severity: 'warning', message: `Category ${label(s)} has only ${s.instances} annotation${s.instances === 1 ? '' : 's'} (≤ ${o.fewSamples}).`, categoryId: s.id });
  }
  if (imb.most && imb.least && imb.ratio > o.imbalanceRatio) {
    out.push({ kind: 'imbalanced-labels', severity: 'warning', message: `Classes are imbalanced: ${label(imb.most)} has ${imb.most.instances} annotations, ${label(imb.least)} ${imb.least.instances} (ratio ${fmt(imb.ratio)} > ${o.imbalanceRatio}).` });
  }
  for (const s of perCategory) {
    if (s.outliers.count > 0) out.push({ kind: 'far-from-mean', severity: 'info', message: `Category ${label(s)}: ${s.outliers.count} box area${s.outliers.count === 1 ? '' : 's'} more than ${o.sigma} σ from the category's mean on log scale.`, categoryId: s.id });
  }
  if (imagesWithoutAnnotations > 0) out.push({ kind: 'images-without-annotations', severity: 'info', message: `${imagesWithoutAnnotations} image${imagesWithoutAnnotations === 1 ? ' has' : 's have'} no annotations.` });
  if (unknownCategory > 0) out.push({ kind: 'undefined-label', severity: 'warning', message: `${unknownCategory} annotation${unknownCategory === 1 ? ' has' : 's have'} a category_id that names no category.` });
  return out;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** 3 significant digits, no exponent for everyday sizes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}
