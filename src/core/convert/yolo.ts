/**
 * YOLO in Ultralytics' layout ↔ the hub: `images/<split>/x.jpg` beside `labels/<split>/x.txt`
 * (label path = image path with the last `/images/` → `/labels/`), `data.yaml` with `names` as a
 * dict. Lines: detect `cls cx cy w h`, segment `cls x1 y1 …`, pose `cls cx cy w h px py v …`,
 * all normalized by the image size, clipped to [0, 1], 6 decimals, never `-0`.
 */
import YAML from 'yaml';
import { ConvertLog, DatasetBuilder, type CocoAnnotation, type CocoDataset, type OutputFile, type SourceTree, type WriteResult, basename, categoryNames, dirname, isImagePath, isRle, joinPath, round, usablePolygons } from './model';
import { LabelText } from './labelText';
import { clipPolygon, mergeMultiSegment, polygonLeavesImage, traceSegmentation, type TracedMasks } from './shapes';

export type YoloTask = 'detect' | 'segment' | 'pose';
export type MultipartMode = 'bridge' | 'split';
export type CrowdMode = 'contours' | 'box' | 'skip';

export interface YoloWriteOptions {
  task: YoloTask;
  multipart?: MultipartMode;
  crowd?: CrowdMode;
  /** Absolute dataset root for data.yaml's `path` (omitted when not given). */
  datasetRoot?: string;
  /** Masks traced by worker threads, asked for in dataset order; the rest are traced here. */
  traced?: TracedMasks;
}

/**
 * The annotations writeYolo would trace (RLE masks in a segment export with `--crowd contours`),
 * in dataset order, so they can be traced ahead in worker threads.
 */
export function annotationsToTrace(ds: CocoDataset, opts: Pick<YoloWriteOptions, 'task' | 'crowd'>): CocoAnnotation[] {
  if (opts.task !== 'segment' || (opts.crowd ?? 'contours') !== 'contours') return [];
  const imageById = new Map(ds.images.map((i) => [i.id, i]));
  return ds.annotations.filter((a) => {
    const img = imageById.get(a.image_id);
    return !!img && img.width > 0 && img.height > 0 && isRle(a.segmentation);
  });
}


const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * 6 decimals, clamped to [0, 1], so `-0.000000` and `1.000001` can't appear. Exactly
 * `toFixed(6)` of the clamped value, built from a table: `v * 1e6` is within 2^-33 of the exact
 * product, so its nearest integer is toFixed's unless the product is that close to a half, where
 * toFixed itself decides (its rounding of the exact decimal value is the reference).
 */
export function yoloNumber(v: number): string {
  if (!(v > 0)) return '0.000000';
  if (v >= 1) return '1.000000';
  const scaled = v * 1e6;
  const n = Math.round(scaled);
  if (Math.abs(Math.abs(scaled - n) - 0.5) < 1e-7) return v.toFixed(6);
  if (n >= 1e6) return '1.000000';
  const hi = (n / 1000) | 0;
  return '0.' + THREE_DIGITS[hi] + THREE_DIGITS[n - hi * 1000];
}

/** Ultralytics' rule: the last `/images/` becomes `/labels/`, the extension `.txt`. */
export function labelPathFor(imagePath: string): string {
  const p = '/' + imagePath;
  const i = p.lastIndexOf('/images/');
  const swapped = i < 0 ? p : p.slice(0, i) + '/labels/' + p.slice(i + '/images/'.length);
  const dot = swapped.lastIndexOf('.');
  const base = dot > swapped.lastIndexOf('/') ? swapped.slice(0, dot) : swapped;
  return (base + '.txt').slice(1);
}

/** Left/right keypoint pairs swap on a horizontal flip (`left_eye` ↔ `right_eye`); others stay. */
export function flipIndex(names: string[]): number[] {
  return names.map((n, i) => {
    const swapped = n.replace(/(^|[_\s-])(left|right)(?=$|[_\s-])/i, (_m, pre: string, side: string) => pre + (/^left$/i.test(side) ? matchCase(side, 'right') : matchCase(side, 'left')));
    const j = swapped !== n ? names.indexOf(swapped) : -1;
    return j >= 0 ? j : i;
  });
}
function matchCase(model: string, word: string): string {
  return model[0] === model[0].toUpperCase() ? word[0].toUpperCase() + word.slice(1) : word;
}

function anyLeavesImage(polys: number[][], W: number, H: number): boolean {
  for (const p of polys) if (polygonLeavesImage(p, W, H)) return true;
  return false;
}

/** The box as a detect line (clipped to the image; the clip logged), or undefined when nothing is left. */
function boxLine(a: CocoAnnotation, cls: number, W: number, H: number, log: ConvertLog, at: { imageId: number; annotationId: number; category: string; file: string }): string | undefined {
  const x1 = Math.max(0, a.bbox[0]), y1 = Math.max(0, a.bbox[1]);
  const x2 = Math.min(W, a.bbox[0] + a.bbox[2]), y2 = Math.min(H, a.bbox[1] + a.bbox[3]);
  if (!(x2 > x1 && y2 > y1)) return undefined;
  if (x1 !== a.bbox[0] || y1 !== a.bbox[1] || x2 !== a.bbox[0] + a.bbox[2] || y2 !== a.bbox[1] + a.bbox[3]) log.changed('clipped-to-image', 'Coordinates outside the image were clipped to its border.', at);
  return `${cls} ${yoloNumber((x1 + x2) / 2 / W)} ${yoloNumber((y1 + y2) / 2 / H)} ${yoloNumber((x2 - x1) / W)} ${yoloNumber((y2 - y1) / H)}`;
}

/** One buffer shared by the label files is never made larger than this (the rest get their own). */
const MAX_SHARED_LABEL_BYTES = 1 << 30;

/**
 * Where each image's label text is written first: a region of one buffer for all of them, sized
 * from what its annotations will most likely print (9 bytes a coordinate, a class id and a newline
 * a line; polygons of every part, with room for the bridges). A text that outgrows its region
 * (traced masks, clipping that adds vertices) moves to a buffer of its own, so an estimate only
 * costs speed, never bytes. Without it every label file grew its own buffer from 256 bytes:
 * ~6 allocations and copies a file, the largest cost of the writer after formatting.
 */
function labelRegions(ds: CocoDataset, task: YoloTask, kptCount: number): (imageId: number) => Uint8Array | undefined {
  const estimate = new Map<number, number>();
  for (const a of ds.annotations) {
    let n = 0;
    const seg = a.segmentation;
    if (task !== 'segment') n = 4 * 9 + 8 + kptCount * 27;
    else if (Array.isArray(seg)) {
      for (const p of seg) n += Array.isArray(p) ? (p.length + 4) * 9 + 8 : 0;
    } else n = 8 * 9 + 8;
    estimate.set(a.image_id, (estimate.get(a.image_id) ?? 0) + n);
  }
  let total = 0;
  for (const n of estimate.values()) total += n;
  const shared = new Uint8Array(Math.min(total, MAX_SHARED_LABEL_BYTES));
  const offsets = new Map<number, number>();
  let at = 0;
  for (const [id, n] of estimate) {
    if (at + n > shared.length) break;
    offsets.set(id, at);
    at += n;
  }
  return (imageId) => {
    const o = offsets.get(imageId);
    return o === undefined ? undefined : shared.subarray(o, o + estimate.get(imageId)!);
  };
}

export function writeYolo(ds: CocoDataset, log: ConvertLog, opts: YoloWriteOptions): WriteResult {
  const multipart = opts.multipart ?? 'bridge';
  const crowd = opts.crowd ?? 'contours';
  const cats = [...ds.categories].sort((a, b) => a.id - b.id);
  const classIndex = new Map(cats.map((c, i) => [c.id, i]));
  const names = categoryNames(ds);
  let kptCount = 0;
  if (opts.task === 'pose') {
    for (const c of cats) kptCount = Math.max(kptCount, c.keypoints?.length ?? 0);
    for (const a of ds.annotations) kptCount = Math.max(kptCount, Math.floor((a.keypoints?.length ?? 0) / 3));
  }
  const files: OutputFile[] = [];
  const images: WriteResult['images'] = [];
  // each image's label file, made on its first line, in its region of one shared buffer
  const texts = new Map<number, LabelText>();
  const regions = labelRegions(ds, opts.task, kptCount);
  const textOf = (imageId: number): LabelText => {
    let t = texts.get(imageId);
    if (!t) texts.set(imageId, (t = new LabelText(regions(imageId))));
    return t;
  };
  const imageById = new Map(ds.images.map((i) => [i.id, i]));
  const lostAttr = new Map<string, number>();

  for (const a of ds.annotations) {
    const img = imageById.get(a.image_id)!;
    const W = img.width, H = img.height;
    const cls = classIndex.get(a.category_id)!;
    const name = names.get(a.category_id) ?? String(a.category_id);
    const at = { imageId: a.image_id, annotationId: a.id, category: name, file: img.file_name };
    if (!(W > 0 && H > 0)) { log.dropped('image-size-unknown', `Image ${img.file_name} has no width/height; YOLO coordinates can't be normalized.`, at); continue; }
    if (a.attributes) for (const k of Object.keys(a.attributes)) lostAttr.set(k, (lostAttr.get(k) ?? 0) + 1);
    if (a.iscrowd === 1 && crowd !== 'skip') log.lostField('iscrowd', 'YOLO has no crowd flag: crowd regions become ordinary objects.', at);
    const isMaskLike = a.iscrowd === 1 || isRle(a.segmentation);
    if (isMaskLike && crowd === 'skip') { log.dropped('crowd-skipped', 'A crowd / RLE object was skipped (--crowd skip).', at); continue; }

    if (opts.task === 'detect' || opts.task === 'pose') {
      const box = boxLine(a, cls, W, H, log, at);
      if (!box) { log.dropped('box-empty', 'The box has no area inside the image.', at); continue; }
      if (opts.task === 'detect') {
        if (a.segmentation && !isMaskLike) log.lostField('segmentation', 'YOLO detect holds boxes only: masks are not written.', at);
        if (a.keypoints) log.lostField('keypoints', 'YOLO detect holds no keypoints.', at);
        textOf(a.image_id).ascii(box).newline();
      } else {
        const kp: string[] = [];
        let clipped = false;
        for (let k = 0; k < kptCount; k++) {
          const x = a.keypoints?.[3 * k] ?? 0, y = a.keypoints?.[3 * k + 1] ?? 0, v = a.keypoints?.[3 * k + 2] ?? 0;
          if (v > 0 && (x < 0 || y < 0 || x > W || y > H)) clipped = true;
          kp.push(v > 0 ? `${yoloNumber(x / W)} ${yoloNumber(y / H)} ${v}` : '0.000000 0.000000 0');
        }
        if (clipped) log.changed('keypoint-clipped', 'A keypoint outside the image was clipped to its border.', at);
        if (a.segmentation) log.lostField('segmentation', 'YOLO pose holds boxes and keypoints, not masks.', at);
        textOf(a.image_id).ascii(kptCount > 0 ? `${box} ${kp.join(' ')}` : box).newline();
      }
      log.countWritten(name);
      continue;
    }

    // segment
    let polys: number[][];
    if (isMaskLike && crowd === 'box') {
      const [x, y, w, h] = a.bbox;
      polys = [[x, y, x + w, y, x + w, y + h, x, y + h]];
      log.changed('crowd-as-box', 'A crowd / RLE object was written as its box (--crowd box).', at);
    } else if (isRle(a.segmentation)) {
      const traced = opts.traced?.get(a) ?? traceSegmentation(a.segmentation, H, W);
      polys = traced.polygons;
      if (traced.holesFilled) log.changed('holes-lost', 'The mask has holes; YOLO polygons can\'t hold them, so they were filled.', at);
      log.note('rle-traced', 'An RLE mask was traced into polygons.', at);
    } else {
      polys = usablePolygons(a.segmentation);
    }
    if (polys.length === 0) {
      const box = boxLine(a, cls, W, H, log, at);
      if (!box) { log.dropped('box-empty', 'The box has no area inside the image.', at); continue; }
      const [x, y, w, h] = a.bbox;
      polys = [[x, y, x + w, y, x + w, y + h, x, y + h]];
      log.changed('box-as-polygon', 'The object has no mask; its box was written as a polygon.', at);
    }
    if (anyLeavesImage(polys, W, H)) {
      polys = polys.map((p) => clipPolygon(p, W, H)).filter((p) => p.length >= 6);
      log.changed('clipped-to-image', 'Coordinates outside the image were clipped to its border.', at);
      if (polys.length === 0) { log.dropped('outside-image', 'The polygon lies entirely outside the image.', at); continue; }
    }
    const parts = polys.length > 1 ? (multipart === 'bridge' ? [mergeMultiSegment(polys)] : polys) : polys;
    if (polys.length > 1) {
      if (multipart === 'bridge') log.changed('multipart-bridged', `${polys.length} parts were joined into one polygon by zero-width bridges (--multipart bridge).`, at);
      else log.changed('multipart-split', `${polys.length} parts became ${polys.length} separate objects (--multipart split).`, at);
    }
    const text = textOf(a.image_id);
    for (const p of parts) {
      text.ascii(String(cls));
      for (let i = 0; i + 1 < p.length; i += 2) text.space().coordinate(p[i] / W).space().coordinate(p[i + 1] / H);
      text.newline();
    }
    log.countWritten(name, parts.length);
    if (a.keypoints) log.lostField('keypoints', 'YOLO segment holds no keypoints.', at);
  }
  for (const [k, n] of lostAttr) log.add({ kind: 'lost-field', reason: `attributes.${k}`, message: `YOLO has no place for the attribute "${k}".` }, n);

  const used = new Set<string>();
  const splits = new Set<string>();
  for (const img of ds.images) {
    const split = ds.splits?.get(img.id) ?? 'train';
    splits.add(split);
    let target = joinPath('images', split, basename(img.file_name));
    if (used.has(target)) {
      target = joinPath('images', split, img.file_name.replace(/[\\/]/g, '__'));
      log.changed('image-renamed', `Two images are named ${basename(img.file_name)}; this one became ${basename(target)} in the YOLO layout.`, { imageId: img.id, file: img.file_name });
    }
    used.add(target);
    images.push({ imageId: img.id, fileName: img.file_name, target });
    const text = texts.get(img.id);
    files.push({ path: labelPathFor(target), data: text ? text.toBytes() : '' });
    texts.delete(img.id);
  }

  const yaml: Record<string, unknown> = {};
  if (opts.datasetRoot) yaml.path = opts.datasetRoot;
  for (const s of ['train', 'val', 'test', ...[...splits].sort()]) if (splits.has(s) && !(s in yaml)) yaml[s] = `images/${s}`;
  if (!('val' in yaml) && 'train' in yaml) yaml.val = 'images/train'; // Ultralytics requires val
  yaml.names = new Map(cats.map((c, i) => [i, c.name]));
  if (opts.task === 'pose') {
    const withNames = cats.find((c) => c.keypoints?.length);
    yaml.kpt_shape = [kptCount, 3];
    yaml.flip_idx = withNames?.keypoints ? flipIndex(withNames.keypoints) : Array.from({ length: kptCount }, (_, i) => i);
    const kptNames = new Map(cats.map((c, i) => [i, c.keypoints ?? []]).filter(([, k]) => (k as string[]).length > 0) as [number, string[]][]);
    if (kptNames.size) yaml.kpt_names = kptNames;
    if (cats.some((c) => c.skeleton?.length)) log.lostField('skeleton', 'data.yaml has no place for the keypoint skeleton.');
  }
  files.push({ path: 'data.yaml', data: YAML.stringify(yaml, { flow: false }) });
  return { files, images };
}

// ---------------------------------------------------------------------------------------------

interface YoloConfig {
  root: string;
  names: string[];
  kptShape?: [number, number];
  kptNames?: Map<number, string[]>;
  /** Image paths (tree-relative) per split. */
  splits: Map<string, string[]>;
}

function parseNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (v && typeof v === 'object') {
    const out: string[] = [];
    for (const [k, name] of Object.entries(v as Record<string, unknown>)) out[Number(k)] = String(name);
    for (let i = 0; i < out.length; i++) out[i] ??= `class${i}`;
    return out;
  }
  return [];
}

function findYaml(tree: SourceTree): string | undefined {
  const yamls = tree.list().filter((p) => /\.ya?ml$/i.test(p));
  return yamls.find((p) => basename(p) === 'data.yaml') ?? yamls.find((p) => /names\s*:/.test(tree.text(p)));
}

function readConfig(tree: SourceTree, log: ConvertLog): YoloConfig {
  const all = tree.list();
  const yamlPath = findYaml(tree);
  const cfg: YoloConfig = { root: '', names: [], splits: new Map() };
  const imagesUnder = (dir: string) => all.filter((p) => isImagePath(p) && (dir === '' || p === dir || p.startsWith(dir + '/')));
  if (yamlPath) {
    let data: Record<string, unknown>;
    try {
      data = YAML.parse(tree.text(yamlPath)) ?? {};
    } catch (e) {
      throw new Error(`${yamlPath}: not valid YAML (${(e as Error).message})`, { cause: e });
    }
    cfg.root = dirname(yamlPath);
    if (typeof data.path === 'string' && !data.path.startsWith('/') && !/^[A-Za-z]:/.test(data.path) && data.path !== '.' && data.path !== './') cfg.root = joinPath(cfg.root, data.path);
    cfg.names = parseNames(data.names);
    if (Array.isArray(data.kpt_shape)) cfg.kptShape = [Number(data.kpt_shape[0]), Number(data.kpt_shape[1])];
    if (data.kpt_names && typeof data.kpt_names === 'object') cfg.kptNames = new Map(Object.entries(data.kpt_names as Record<string, unknown>).map(([k, v]) => [Number(k), Array.isArray(v) ? v.map(String) : []]));
    const seen = new Set<string>();
    for (const split of ['train', 'val', 'test', 'minival']) {
      const v = data[split];
      if (v === undefined || v === null) continue;
      const entries = Array.isArray(v) ? v.map(String) : [String(v)];
      const paths: string[] = [];
      for (const e of entries) {
        const rel = normalizeRel(joinPath(cfg.root, e.replace(/^\.\//, '')));
        if (/\.txt$/i.test(e)) {
          const listFile = all.includes(rel) ? rel : undefined;
          if (!listFile) { log.note('split-list-missing', `The ${split} list ${e} was not found.`, { file: yamlPath }); continue; }
          for (const line of tree.text(listFile).split(/\r?\n/)) {
            const t = line.trim();
            if (t) paths.push(normalizeRel(joinPath(dirname(listFile), t.replace(/^\.\//, ''))));
          }
        } else {
          paths.push(...imagesUnder(rel));
        }
      }
      // the same folder may serve as train and val (a small set): read each image once
      const fresh = paths.filter((p) => !seen.has(p));
      fresh.forEach((p) => seen.add(p));
      if (fresh.length) cfg.splits.set(split, fresh);
    }
  } else {
    const classes = all.find((p) => basename(p) === 'classes.txt');
    if (classes) cfg.names = tree.text(classes).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    const imgs = all.filter(isImagePath);
    for (const p of imgs) {
      const m = /(?:^|\/)images\/([^/]+)\//.exec(p);
      const split = m ? m[1] : 'train';
      const l = cfg.splits.get(split) ?? [];
      l.push(p);
      cfg.splits.set(split, l);
    }
  }
  return cfg;
}

function normalizeRel(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

export function readYolo(tree: SourceTree, log: ConvertLog): CocoDataset {
  const cfg = readConfig(tree, log);
  const files = new Set(tree.list());
  const b = new DatasetBuilder(cfg.names.map((n, i) => ({ id: i + 1, name: n, ...(cfg.kptNames?.get(i)?.length ? { keypoints: cfg.kptNames.get(i) } : {}) })));
  const splits = new Map<number, string>();
  const K = cfg.kptShape?.[0] ?? 0, D = cfg.kptShape?.[1] ?? 3;
  for (const [split, imagePaths] of cfg.splits) {
    for (const imagePath of imagePaths) {
      const size = tree.imageSize(imagePath);
      const fileName = cfg.root && imagePath.startsWith(cfg.root + '/') ? imagePath.slice(cfg.root.length + 1) : imagePath;
      if (!size) { log.dropped('image-size-unknown', `The size of ${imagePath} could not be read; its labels were skipped.`, { file: imagePath }); continue; }
      const img = b.image(fileName, size.width, size.height);
      splits.set(img.id, split);
      const labelPath = labelPathFor(imagePath);
      if (!files.has(labelPath)) continue; // no label file = no objects (Ultralytics' reading)
      const W = size.width, H = size.height;
      tree.text(labelPath).split(/\r?\n/).forEach((line, lineNo) => {
        const t = line.trim();
        if (!t) return;
        const v = t.split(/\s+/).map(Number);
        const at = { file: `${labelPath}:${lineNo + 1}`, imageId: img.id };
        if (v.some((x) => !Number.isFinite(x)) || !Number.isInteger(v[0]) || v[0] < 0) { log.dropped('line-invalid', `Line ${lineNo + 1} of ${labelPath} is not numbers.`, at); return; }
        const cls = v[0];
        while (cfg.names.length <= cls) { b.cats.idOf(`class${cfg.names.length}`); cfg.names.push(`class${cfg.names.length}`); }
        const name = cfg.names[cls];
        const box = (cx: number, cy: number, w: number, h: number): [number, number, number, number] =>
          [round((cx - w / 2) * W), round((cy - h / 2) * H), round(w * W), round(h * H)];
        if (K > 0 && v.length === 5 + K * D) {
          const kp: number[] = [];
          for (let k = 0; k < K; k++) {
            const x = v[5 + k * D], y = v[6 + k * D];
            const vis = D === 3 ? v[7 + k * D] : x !== 0 || y !== 0 ? 2 : 0;
            kp.push(vis > 0 ? round(x * W) : 0, vis > 0 ? round(y * H) : 0, vis);
          }
          b.annotation(img, name, { bbox: box(v[1], v[2], v[3], v[4]), keypoints: kp });
        } else if (v.length === 5) {
          b.annotation(img, name, { bbox: box(v[1], v[2], v[3], v[4]) });
        } else if (v.length >= 7 && v.length % 2 === 1) {
          const poly: number[] = [];
          for (let i = 1; i + 1 < v.length; i += 2) poly.push(round(v[i] * W), round(v[i + 1] * H));
          b.annotation(img, name, { segmentation: [poly] });
        } else {
          log.dropped('line-invalid', `Line ${lineNo + 1} of ${labelPath} has ${v.length} numbers: neither a box (5), a polygon (odd, ≥ 7) nor a pose line (5 + ${K}×${D}).`, at);
        }
      });
    }
  }
  const ds = b.dataset;
  if (new Set(splits.values()).size > 1) ds.splits = splits;
  return ds;
}

export type { CocoAnnotation };
