/**
 * Pascal VOC ↔ the hub: `Annotations/*.xml` (size, object/name/bndbox, difficult, truncated,
 * occluded, pose), `ImageSets/Main/<split>.txt`, and the `SegmentationObject` /
 * `SegmentationClass` palette PNGs (index k = the k-th object of the XML, 255 = border/void).
 * VOC pixels are 1-based and inclusive: COCO x = xmin − 1, w = xmax − xmin + 1, and back.
 * Float coordinates and empty tags (labelme2voc writes both) are read as they are.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { rleEncode } from '../geometry/rle';
import { ConvertLog, DatasetBuilder, type CocoAnnotation, type CocoDataset, type OutputFile, type SourceTree, type WriteResult, basename, categoryNames, joinPath, round, stem } from './model';
import { decodeIndexedPng, encodeIndexedPng, vocPalette } from './png';
import { segmentationRle } from './shapes';

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'object' });

const num = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const flag = (v: unknown): boolean | undefined => {
  const n = num(v);
  return n === undefined ? undefined : n !== 0;
};

interface VocObject {
  name?: unknown;
  pose?: unknown;
  truncated?: unknown;
  difficult?: unknown;
  occluded?: unknown;
  bndbox?: { xmin?: unknown; ymin?: unknown; xmax?: unknown; ymax?: unknown };
}

export function readVoc(tree: SourceTree, log: ConvertLog): CocoDataset {
  const all = tree.list();
  const xmls = all.filter((p) => p.toLowerCase().endsWith('.xml'));
  const b = new DatasetBuilder();
  const classNames = all.find((p) => /(^|\/)class_names\.txt$/.test(p) || /(^|\/)labels\.txt$/.test(p));
  const classList = classNames ? tree.text(classNames).split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : [];
  // splits from ImageSets/Main/<split>.txt (train, val, test; trainval only when alone)
  const splitOf = new Map<string, string>();
  for (const p of all.filter((q) => /(^|\/)ImageSets\/Main\/[^/_]+\.txt$/.test(q))) {
    const split = stem(p);
    if (split === 'trainval' && all.some((q) => /ImageSets\/Main\/(train|val)\.txt$/.test(q))) continue;
    for (const line of tree.text(p).split(/\r?\n/)) { const id = line.trim().split(/\s+/)[0]; if (id) splitOf.set(id, split); }
  }
  const splits = new Map<number, string>();
  const objIndex = new Set(all.filter((p) => /(^|\/)SegmentationObject\/[^/]+\.png$/i.test(p)));
  for (const file of xmls) {
    let doc: { annotation?: Record<string, unknown> };
    try {
      doc = parser.parse(tree.text(file));
    } catch (e) {
      log.dropped('file-invalid', `${file} is not valid XML (${(e as Error).message}).`, { file });
      continue;
    }
    const ann = doc.annotation;
    if (!ann || typeof ann !== 'object') { log.note('not-voc', `${file} has no <annotation>; skipped.`, { file }); continue; }
    const size = (ann.size ?? {}) as Record<string, unknown>;
    const filename = typeof ann.filename === 'string' && ann.filename ? ann.filename : `${stem(file)}.jpg`;
    const folder = file.includes('Annotations/') ? file.slice(0, file.lastIndexOf('Annotations/')) : '';
    const imagePath = all.find((p) => p === joinPath(folder, 'JPEGImages', filename)) ?? joinPath(folder, 'JPEGImages', filename);
    let W = num(size.width) ?? 0, H = num(size.height) ?? 0;
    if (!(W > 0 && H > 0)) {
      const s = tree.imageSize(imagePath);
      if (s) ({ width: W, height: H } = s);
      else log.note('image-size-missing', `${file} has no <size>; the image size is unknown.`, { file });
    }
    const img = b.image(all.includes(imagePath) ? imagePath : filename, W, H);
    const split = splitOf.get(stem(filename));
    if (split) splits.set(img.id, split);
    const objects = (Array.isArray(ann.object) ? ann.object : []) as VocObject[];
    // instance masks, when the dataset has them
    const segPath = joinPath(folder, 'SegmentationObject', `${stem(filename)}.png`);
    let seg: { data: Uint8Array; width: number; height: number } | undefined;
    if (objIndex.has(segPath)) {
      try { seg = decodeIndexedPng(tree.bytes(segPath)); } catch (e) { log.note('png-invalid', `${segPath} could not be read (${(e as Error).message}).`, { file: segPath }); }
      if (seg && (seg.width !== W || seg.height !== H)) { log.note('png-size-mismatch', `${segPath} is ${seg.width}×${seg.height}, the XML says ${W}×${H}; masks skipped.`, { file: segPath }); seg = undefined; }
      if (seg && seg.data.includes(255)) log.note('voc-border', 'SegmentationObject border pixels (255 = void) belong to no object.', { file: segPath });
    }
    objects.forEach((o, k) => {
      const name = typeof o.name === 'string' ? o.name : String(o.name ?? '');
      const at = { file, imageId: img.id, category: name };
      const bb = o.bndbox ?? {};
      const xmin = num(bb.xmin), ymin = num(bb.ymin), xmax = num(bb.xmax), ymax = num(bb.ymax);
      if (!name || xmin === undefined || ymin === undefined || xmax === undefined || ymax === undefined) {
        log.dropped('object-invalid', `An object in ${file} has no name or an incomplete <bndbox>.`, at);
        return;
      }
      const attributes: Record<string, unknown> = {};
      for (const k2 of ['difficult', 'truncated', 'occluded'] as const) { const f = flag(o[k2]); if (f !== undefined) attributes[k2] = f; }
      if (typeof o.pose === 'string' && o.pose && o.pose !== 'Unspecified') attributes.pose = o.pose;
      const bbox: [number, number, number, number] = [round(xmin - 1), round(ymin - 1), round(xmax - xmin + 1), round(ymax - ymin + 1)];
      let segmentation: CocoAnnotation['segmentation'];
      if (seg) {
        const m = new Uint8Array(W * H);
        let any = false;
        for (let i = 0; i < m.length; i++) if (seg.data[i] === k + 1) { m[i] = 1; any = true; }
        if (any) segmentation = rleEncode(m, H, W);
      }
      b.annotation(img, name, { bbox, ...(segmentation ? { segmentation } : {}) }, Object.keys(attributes).length ? { attributes } : {});
    });
  }
  for (const n of classList) if (n !== '_background_' && n !== '__ignore__') b.cats.idOf(n);
  const ds = b.dataset;
  if (splits.size) ds.splits = splits;
  return ds;
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false });

export function writeVoc(ds: CocoDataset, log: ConvertLog): WriteResult {
  const names = categoryNames(ds);
  const cats = [...ds.categories].sort((a, b) => a.id - b.id);
  const classIndex = new Map(cats.map((c, i) => [c.id, i + 1]));
  const palette = vocPalette();
  const files: OutputFile[] = [];
  const images: WriteResult['images'] = [];
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of ds.annotations) { const l = byImage.get(a.image_id) ?? []; l.push(a); byImage.set(a.image_id, l); }
  const splitLists = new Map<string, string[]>();
  const usedStems = new Set<string>();
  for (const img of ds.images) {
    let id = stem(img.file_name);
    if (usedStems.has(id)) { id = img.file_name.replace(/\.[^.]+$/, '').replace(/[\\/]/g, '__'); log.changed('image-renamed', `Two images are named ${basename(img.file_name)}; this one is ${id} in VOC.`, { imageId: img.id }); }
    usedStems.add(id);
    const ext = basename(img.file_name).slice(stem(img.file_name).length) || '.jpg';
    const jpeg = `${id}${ext}`;
    images.push({ imageId: img.id, fileName: img.file_name, target: `JPEGImages/${jpeg}` });
    const split = ds.splits?.get(img.id) ?? 'trainval';
    (splitLists.get(split) ?? splitLists.set(split, []).get(split)!).push(id);
    const anns = byImage.get(img.id) ?? [];
    const W = img.width, H = img.height;
    const objects = [];
    const objMask = new Uint8Array(W * H);
    const clsMask = new Uint8Array(W * H);
    let anyMask = false;
    for (let k = 0; k < anns.length; k++) {
      const a = anns[k];
      const name = names.get(a.category_id) ?? String(a.category_id);
      const at = { imageId: img.id, annotationId: a.id, category: name, file: img.file_name };
      const [x, y, w, h] = a.bbox;
      const x1 = Math.max(1, Math.round(x) + 1), y1 = Math.max(1, Math.round(y) + 1);
      const x2 = Math.min(W || Infinity, Math.round(x + w)), y2 = Math.min(H || Infinity, Math.round(y + h));
      if (!(x2 >= x1 && y2 >= y1)) { log.dropped('box-empty', 'The box has no whole pixel inside the image.', at); continue; }
      if (x < 0 || y < 0 || (W > 0 && x + w > W) || (H > 0 && y + h > H)) log.changed('clipped-to-image', 'The box reaches outside the image; VOC boxes were clipped to it.', at);
      const attrs = a.attributes ?? {};
      for (const key of Object.keys(attrs)) if (!['difficult', 'truncated', 'occluded', 'pose'].includes(key)) log.lostField(`attributes.${key}`, `VOC has no place for the attribute "${key}".`, at);
      if (a.iscrowd === 1) log.lostField('iscrowd', 'VOC has no crowd flag: the crowd region became an ordinary object.', at);
      if (a.keypoints?.some((v) => v > 0)) log.lostField('keypoints', 'VOC holds no keypoints.', at);
      objects.push({
        name, pose: typeof attrs.pose === 'string' ? attrs.pose : 'Unspecified',
        truncated: attrs.truncated ? 1 : 0, difficult: attrs.difficult ? 1 : 0,
        ...(attrs.occluded !== undefined ? { occluded: attrs.occluded ? 1 : 0 } : {}),
        bndbox: { xmin: x1, ymin: y1, xmax: x2, ymax: y2 },
      });
      const index = objects.length;
      if (a.segmentation && W > 0 && H > 0) {
        const m = segmentationRle(a.segmentation, H, W);
        const counts = m.counts as number[];
        let pos = 0, overlap = false;
        for (let r = 0; r < counts.length; r++) {
          if (r & 1) for (let q = pos; q < pos + counts[r]; q++) {
            const yy = q % H, xx = (q - yy) / H, i = yy * W + xx;
            if (objMask[i]) overlap = true;
            objMask[i] = index; clsMask[i] = classIndex.get(a.category_id)!;
          }
          pos += counts[r];
        }
        anyMask = true;
        if (overlap) log.changed('mask-overlap', 'Masks overlap; in a VOC index PNG a pixel has one object, so the later object covers the earlier.', at);
        if (index > 254) log.changed('too-many-objects', 'VOC object PNGs hold at most 254 objects an image.', at);
      }
      log.countWritten(name);
    }
    const xml = builder.build({
      annotation: {
        folder: 'VOC', filename: jpeg, source: { database: 'Labelscope' },
        size: { width: W, height: H, depth: 3 }, segmented: anyMask ? 1 : 0, object: objects,
      },
    });
    files.push({ path: `Annotations/${id}.xml`, data: xml });
    if (anyMask) {
      files.push({ path: `SegmentationObject/${id}.png`, data: encodeIndexedPng({ width: W, height: H, data: objMask }, palette) });
      files.push({ path: `SegmentationClass/${id}.png`, data: encodeIndexedPng({ width: W, height: H, data: clsMask }, palette) });
    }
  }
  for (const [split, ids] of splitLists) files.push({ path: `ImageSets/Main/${split}.txt`, data: ids.join('\n') + '\n' });
  if (splitLists.size > 1 && !splitLists.has('trainval') && splitLists.has('train') && splitLists.has('val')) {
    files.push({ path: 'ImageSets/Main/trainval.txt', data: [...splitLists.get('train')!, ...splitLists.get('val')!].join('\n') + '\n' });
  }
  files.push({ path: 'class_names.txt', data: ['_background_', ...cats.map((c) => c.name)].join('\n') + '\n' });
  return { files, images };
}
