// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- every room that imports this file needs these packages' typings (node10 resolution ignores "exports")
/// <reference path="./modules.d.ts" />
/**
 * Mask PNGs ↔ the hub. Written: `instances/<stem>.png` (grey, pixel = object number 1…n, 0 =
 * background; 16-bit when an image has over 255 objects), `semantic/<stem>.png` (palette, pixel =
 * class index, 0 = background), `classes.json` (index → name). Read: the same, or semantic PNGs
 * alone (then one object per class an image — a semantic mask has no instances, noted).
 * A pixel holds one object, so overlapping masks lose the covered part (counted).
 */
import { decode, encode } from 'fast-png';
import { rleEncode } from '../geometry/rle';
import { ConvertLog, DatasetBuilder, type CocoAnnotation, type CocoDataset, type OutputFile, type SourceTree, type WriteResult, basename, categoryNames, isImagePath, stem } from './model';
import { decodeIndexedPng, encodeIndexedPng, vocPalette } from './png';
import { segmentationRle } from './shapes';

export function readMasks(tree: SourceTree, log: ConvertLog): CocoDataset {
  const all = tree.list();
  const classesFile = all.find((p) => basename(p) === 'classes.json');
  let classes: string[] = [];
  if (classesFile) {
    const c = JSON.parse(tree.text(classesFile));
    classes = Array.isArray(c) ? c.map(String) : Object.entries(c as Record<string, string>).reduce((o, [k, v]) => { o[Number(k)] = String(v); return o; }, [] as string[]);
  }
  const namesFile = !classesFile ? all.find((p) => /(^|\/)(class_names|labels)\.txt$/.test(p)) : undefined;
  if (namesFile) classes = tree.text(namesFile).split(/\r?\n/).map((x) => x.trim()).filter((x) => x && x !== '__ignore__');
  const b = new DatasetBuilder();
  for (const n of classes.slice(1)) if (n) b.cats.idOf(n);
  const className = (i: number) => classes[i] ?? `class${i}`;
  const semantic = new Map(all.filter((p) => /(^|\/)(semantic|SegmentationClass|class)\/[^/]+\.png$/i.test(p)).map((p) => [stem(p), p]));
  const instances = new Map(all.filter((p) => /(^|\/)(instances?|SegmentationObject|objects?)\/[^/]+\.png$/i.test(p)).map((p) => [stem(p), p]));
  const maskPngs = new Set([...semantic.values(), ...instances.values()]);
  const perObject = perObjectMaskFiles(all.filter((p) => !maskPngs.has(p)));
  for (const files of perObject.values()) for (const f of files) maskPngs.add(f.path);
  const images = new Map(all.filter((p) => isImagePath(p) && !maskPngs.has(p)).map((p) => [stem(p), p]));
  for (const s of [...new Set([...instances.keys(), ...semantic.keys()])].sort()) {
    const sem = semantic.has(s) ? decodeIndexedPng(tree.bytes(semantic.get(s)!)) : undefined;
    const inst = instances.has(s) ? decodeInstances(tree.bytes(instances.get(s)!)) : undefined;
    const ref = inst ?? sem!;
    const W = ref.width, H = ref.height;
    const imgPath = images.get(s);
    const img = b.image(imgPath ?? `${s}.jpg`, W, H);
    const at = { file: instances.get(s) ?? semantic.get(s), imageId: img.id };
    if (sem && inst && (sem.width !== W || sem.height !== H)) { log.dropped('png-size-mismatch', `The semantic and instance PNGs of ${s} differ in size.`, at); continue; }
    if (inst) {
      const ids = new Map<number, number[]>(); // object number → votes per class
      for (let i = 0; i < inst.data.length; i++) {
        const v = inst.data[i];
        if (!v || v === 65535 || (v === 255 && inst.depth === 8)) continue;
        let votes = ids.get(v);
        if (!votes) ids.set(v, (votes = []));
        const c = sem ? sem.data[i] : 0;
        votes[c] = (votes[c] ?? 0) + 1;
      }
      for (const [v, votes] of [...ids.entries()].sort((p, q) => p[0] - q[0])) {
        let best = 0;
        votes.forEach((n, c) => { if (c > 0 && n > (votes[best] ?? 0)) best = c; });
        const m = new Uint8Array(W * H);
        for (let i = 0; i < m.length; i++) if (inst.data[i] === v) m[i] = 1;
        b.annotation(img, sem ? className(best) : 'object', { segmentation: rleEncode(m, H, W) });
      }
    } else if (sem) {
      const present = new Set(sem.data);
      for (const c of [...present].sort((p, q) => p - q)) {
        if (c === 0 || c === 255) continue;
        const m = new Uint8Array(W * H);
        for (let i = 0; i < m.length; i++) if (sem.data[i] === c) m[i] = 1;
        b.annotation(img, className(c), { segmentation: rleEncode(m, H, W) });
      }
      log.note('semantic-no-instances', 'A semantic mask has no instances: each class of an image became one object.', at);
    }
  }
  for (const [key, files] of [...perObject.entries()].sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0))) {
    let img: ReturnType<DatasetBuilder['image']> | undefined;
    for (const f of files) {
      const at = { file: f.path, ...(img ? { imageId: img.id } : {}) };
      let m: { width: number; height: number; data: Uint8Array };
      try { m = objectMaskFromPng(tree.bytes(f.path)); } catch (e) { log.dropped('png-invalid', `${f.path} is not a readable PNG (${(e as Error).message}).`, at); continue; }
      img ??= b.image(images.get(key) ?? `${key}.png`, m.width, m.height);
      if (m.width !== img.width || m.height !== img.height) { log.dropped('png-size-mismatch', `${f.path} is ${m.width}×${m.height}, the other masks of ${key} are ${img.width}×${img.height}.`, { ...at, imageId: img.id }); continue; }
      if (!m.data.some((v) => v)) { log.dropped('mask-empty', `${f.path} has no object pixel.`, { ...at, imageId: img.id }); continue; }
      b.annotation(img, f.className ?? 'object', { segmentation: rleEncode(m.data, img.height, img.width), iscrowd: f.crowd ? 1 : 0 });
    }
  }
  if (perObject.size) log.note('mask-per-object', `${perObject.size} image(s) had one PNG per object (each PNG's non-zero pixels = one object).`);
  return b.dataset;
}

export interface PerObjectMask {
  path: string;
  className?: string;
  crowd?: boolean;
}

/**
 * The one-PNG-per-object layouts: `annotations/<image>_<class>_<n>.png` (pycococreator's; "crowd"
 * in the name = a crowd region), `masks/<image>/<object>.png`, `masks/<image>/<class>/<object>.png`
 * (also under `instances/` or `objects/`), and `<image>/masks/<object>.png` beside
 * `<image>/images/<image>.png` (the Kaggle nuclei / Mask R-CNN sample layout). Keyed by the
 * image's stem. A class comes from the `<class>` folder, else from a file name such as `car_2.png`
 * or `3-person.png`; a number or hash alone names no class ("object").
 */
export function perObjectMaskFiles(paths: string[]): Map<string, PerObjectMask[]> {
  const out = new Map<string, PerObjectMask[]>();
  const add = (key: string, path: string, className?: string, crowd = false) => {
    const l = out.get(key) ?? [];
    l.push({ path, className: className ?? classFromStem(stem(path)), ...(crowd ? { crowd } : {}) });
    out.set(key, l);
  };
  const HOLDER = /^(masks?|instances?|objects?|annotations)$/i;
  // pycococreator's layout: annotations/<image stem>_<class>_<n>.png beside images/<image stem>.jpg
  const imageStems = [...new Set(paths.filter((p) => isImagePath(p) && !p.split('/').slice(0, -1).some((seg) => HOLDER.test(seg))).map((p) => stem(p)))]
    .sort((a, b) => b.length - a.length);
  const imagesUnder = (dir: string) => paths.filter((p) => p.startsWith(dir + '/') && isImagePath(p) && !/(^|\/)masks?\//i.test(p.slice(dir.length + 1))).length;
  for (const p of paths) {
    if (!/\.png$/i.test(p)) continue;
    const parts = p.split('/');
    const n = parts.length;
    const holder = parts.findIndex((seg, k) => k <= n - 3 && HOLDER.test(seg) && !/^annotations$/i.test(seg));
    const flatStem = n >= 2 && HOLDER.test(parts[n - 2]) ? imageStems.find((st) => stem(p).startsWith(st + '_')) : undefined;
    if (flatStem !== undefined) {
      // "crowd" in the name marks a crowd region (pycococreator's is_crowd rule)
      const rest = stem(p).slice(flatStem.length + 1);
      const crowd = /(^|_)crowd(_|$)/i.test(rest);
      add(flatStem, p, classFromStem(rest.replace(/(^|_)crowd(?=_|$)/i, '').replace(/^_+|_+$/g, '')), crowd);
    } else if (holder >= 0 && n - holder === 3) add(parts[holder + 1], p);
    else if (holder >= 0 && n - holder === 4) add(parts[holder + 1], p, parts[holder + 2]);
    else if (n >= 3 && /^masks?$/i.test(parts[n - 2]) && imagesUnder(parts.slice(0, n - 2).join('/')) === 1) add(parts[n - 3], p);
  }
  return out;
}

function classFromStem(s: string): string | undefined {
  const name = s.replace(/^\d+[_\-\s]+/, '').replace(/[_\-\s]*\d+$/, '');
  return /^[A-Za-z][A-Za-z _-]{0,39}$/.test(name) ? name : undefined;
}

/**
 * One object's mask from its PNG: any colour channel above 0 is inside (for a palette PNG, the
 * index's colour); a PNG whose alpha varies is read by its alpha instead (masks drawn as opaque
 * on transparent).
 */
export function objectMaskFromPng(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const png = decode(bytes);
  const n = png.width * png.height, ch = png.channels, src = png.data;
  const data = new Uint8Array(n);
  const hasAlpha = !png.palette && (ch === 2 || ch === 4);
  const opaque = png.depth === 16 ? 65535 : 255;
  let alphaVaries = false;
  if (hasAlpha) for (let i = 0; i < n && !alphaVaries; i++) if (src[i * ch + ch - 1] !== opaque) alphaVaries = true;
  const colours = hasAlpha ? ch - 1 : ch;
  if (png.palette) {
    // the colour decides, not the index: pycococreator's PNGs put white at index 0
    const inside = (png.palette as number[][]).map((c) => c.slice(0, 3).some((v) => v > 0));
    for (let i = 0; i < n; i++) data[i] = inside[src[i]] ? 1 : 0;
    return { width: png.width, height: png.height, data };
  }
  for (let i = 0; i < n; i++) {
    if (alphaVaries) { data[i] = src[i * ch + ch - 1] > 0 ? 1 : 0; continue; }
    for (let c = 0; c < colours; c++) if (src[i * ch + c] > 0) { data[i] = 1; break; }
  }
  return { width: png.width, height: png.height, data };
}

function decodeInstances(bytes: Uint8Array): { width: number; height: number; data: Uint16Array | Uint8Array; depth: number } {
  const img = decodeIndexedPng(bytes);
  // 16-bit PNGs: decodeIndexedPng keeps the high byte; re-read at full depth for ids > 255
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const depth = view.getUint8(24);
  if (depth !== 16) return { width: img.width, height: img.height, data: img.data, depth };
  const full = decodeFull(bytes);
  return { width: img.width, height: img.height, data: full, depth };
}

/** fast-png gives 16-bit samples as a Uint16Array (8-bit maps stay Uint8Array). */
function decodeFull(bytes: Uint8Array): Uint16Array {
  const png = decode(bytes);
  const out = new Uint16Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) out[i] = (png.data as Uint16Array)[i * png.channels];
  return out;
}

export function writeMasks(ds: CocoDataset, log: ConvertLog): WriteResult {
  const names = categoryNames(ds);
  const cats = [...ds.categories].sort((a, b) => a.id - b.id);
  const classIndex = new Map(cats.map((c, i) => [c.id, i + 1]));
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of ds.annotations) { const l = byImage.get(a.image_id) ?? []; l.push(a); byImage.set(a.image_id, l); }
  const files: OutputFile[] = [];
  const palette = vocPalette();
  for (const img of ds.images) {
    const W = img.width, H = img.height;
    const anns = byImage.get(img.id) ?? [];
    const wide = anns.length > 255;
    const inst = wide ? new Uint16Array(W * H) : new Uint8Array(W * H);
    const sem = new Uint8Array(W * H);
    anns.forEach((a, k) => {
      const label = names.get(a.category_id) ?? String(a.category_id);
      const at = { imageId: img.id, annotationId: a.id, category: label, file: img.file_name };
      if (a.iscrowd === 1) log.lostField('iscrowd', 'Mask PNGs have no crowd flag.', at);
      for (const key of Object.keys(a.attributes ?? {})) log.lostField(`attributes.${key}`, `Mask PNGs have no place for the attribute "${key}".`, at);
      if (a.keypoints?.some((v) => v > 0)) log.lostField('keypoints', 'Mask PNGs hold no keypoints.', at);
      const seg = a.segmentation ?? [[a.bbox[0], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1], a.bbox[0] + a.bbox[2], a.bbox[1] + a.bbox[3], a.bbox[0], a.bbox[1] + a.bbox[3]]];
      const [bx, by, bw, bh] = a.bbox;
      if (bx < 0 || by < 0 || bx + bw > W || by + bh > H) log.changed('clipped-to-image', 'The object reaches outside the image; a mask PNG holds only what is inside.', at);
      if (!a.segmentation) log.changed('box-as-mask', 'An object without a mask was written as its filled box.', at);
      const counts = segmentationRle(seg, H, W).counts as number[];
      let pos = 0, overlap = false;
      for (let r = 0; r < counts.length; r++) {
        if (r & 1) for (let q = pos; q < pos + counts[r]; q++) {
          const y = q % H, x = (q - y) / H, i = y * W + x;
          if (inst[i]) overlap = true;
          inst[i] = k + 1; sem[i] = classIndex.get(a.category_id)!;
        }
        pos += counts[r];
      }
      if (overlap) log.changed('mask-overlap', 'Masks overlap; a pixel holds one object, so the later object covers the earlier.', at);
      log.countWritten(label);
    });
    const s = stem(img.file_name);
    files.push({ path: `instances/${s}.png`, data: wide ? encode({ width: W, height: H, data: inst, depth: 16, channels: 1 }) : encodeIndexedPng({ width: W, height: H, data: inst as Uint8Array }) });
    files.push({ path: `semantic/${s}.png`, data: encodeIndexedPng({ width: W, height: H, data: sem }, palette) });
  }
  files.push({ path: 'classes.json', data: JSON.stringify(['_background_', ...cats.map((c) => c.name)], null, 2) + '\n' });
  return { files, images: ds.images.map((i) => ({ imageId: i.id, fileName: i.file_name, target: `images/${basename(i.file_name)}` })) };
}
