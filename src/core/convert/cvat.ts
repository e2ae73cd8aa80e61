/**
 * CVAT for images 1.1 XML ↔ the hub. `meta` labels with their attribute specs; per image `box`
 * (xtl/ytl/xbr/ybr), `polygon`, `polyline`, `points` ("x,y;x,y"), `mask` (`rle` = comma-separated
 * runs, row-major inside left/top/width/height, the first run background; CVAT's own right/bottom
 * are inclusive, so width = right − left + 1). `occluded`, `z_order` and `<attribute>`s become
 * annotation attributes; shapes of one label sharing a `group_id` are one instance.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { polygonsToRle } from '../geometry/polygon';
import { rleCounts, unionCounts, type Rle } from '../geometry/rle';
import { ConvertLog, DatasetBuilder, type CocoAnnotation, type CocoDataset, type Segmentation, type SourceTree, type WriteResult, categoryNames, round, usablePolygons, isRle } from './model';
import { cropToRle, rleToCrop, segmentationRle } from './shapes';

const SHAPES = ['box', 'polygon', 'polyline', 'points', 'mask', 'ellipse', 'cuboid', 'skeleton', 'tag'];
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false, isArray: (n) => [...SHAPES, 'image', 'label', 'attribute', 'track'].includes(n) });

type XmlNode = Record<string, unknown>;
const attr = (n: XmlNode, k: string) => (n[`@${k}`] === undefined ? undefined : String(n[`@${k}`]));
const fnum = (s: string | undefined) => (s === undefined || s === '' ? NaN : Number(s));

/** "true"/"false"/numbers become typed; anything else stays text. */
function typed(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

function parsePoints(s: string | undefined): number[] {
  if (!s) return [];
  return s.split(';').flatMap((p) => p.split(',').map(Number)).filter((v) => Number.isFinite(v));
}

/** CVAT mask runs (row-major in the crop, background first) → a full-image RLE. */
export function cvatMaskToRle(runs: number[], left: number, top: number, width: number, height: number, H: number, W: number): Rle {
  const crop = new Uint8Array(width * height);
  let pos = 0;
  runs.forEach((n, i) => { if (i & 1) crop.fill(1, pos, Math.min(crop.length, pos + n)); pos += n; });
  return cropToRle(crop, width, height, left, top, H, W);
}

/** Full-image RLE → CVAT's crop and row-major runs starting with background. */
export function rleToCvatMask(rle: Rle): { left: number; top: number; width: number; height: number; runs: number[] } | undefined {
  const crop = rleToCrop(rle);
  if (!crop) return undefined;
  const runs: number[] = [];
  let cur = 0, n = 0;
  for (const v of crop.data) {
    const b = v ? 1 : 0;
    if (b !== cur) { runs.push(n); n = 0; cur = b; }
    n++;
  }
  runs.push(n);
  return { left: crop.left, top: crop.top, width: crop.width, height: crop.height, runs };
}

export function readCvat(tree: SourceTree, log: ConvertLog): CocoDataset {
  const b = new DatasetBuilder();
  for (const file of tree.list().filter((p) => p.toLowerCase().endsWith('.xml'))) {
    let doc: { annotations?: XmlNode };
    try {
      doc = parser.parse(tree.text(file));
    } catch (e) {
      log.dropped('file-invalid', `${file} is not valid XML (${(e as Error).message}).`, { file });
      continue;
    }
    const root = doc.annotations;
    if (!root) { log.note('not-cvat', `${file} has no <annotations>; skipped.`, { file }); continue; }
    const meta = (root.meta ?? {}) as XmlNode;
    const holder = (meta.task ?? meta.project ?? meta.job ?? meta) as XmlNode;
    const labels = (((holder.labels ?? {}) as XmlNode).label ?? []) as XmlNode[];
    for (const l of labels) if (typeof l.name === 'string') b.cats.idOf(l.name);
    if (Array.isArray(root.track) && root.track.length) log.dropped('cvat-track', `${root.track.length} video track(s) in ${file} are not converted (images only).`, { file });
    for (const im of (root.image ?? []) as XmlNode[]) {
      const W = fnum(attr(im, 'width')), H = fnum(attr(im, 'height'));
      const img = b.image(attr(im, 'name') ?? '', W, H);
      const groups = new Map<string, { label: string; segs: number[][]; rles: number[][]; box?: [number, number, number, number]; attributes: Record<string, unknown>; kp?: number[]; lines?: number[] }>();
      let solo = 0;
      for (const type of SHAPES) {
        for (const s of (im[type] ?? []) as XmlNode[]) {
          const label = attr(s, 'label') ?? '';
          const at = { file, imageId: img.id, category: label };
          const gid = attr(s, 'group_id');
          const key = gid && gid !== '0' ? `${label}\u0000${gid}` : `#${solo++}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { label, segs: [], rles: [], attributes: {} }));
          const occ = attr(s, 'occluded');
          if (occ !== undefined) g.attributes.occluded = occ === '1' || occ === 'true';
          const z = attr(s, 'z_order');
          if (z !== undefined && z !== '0') g.attributes.z_order = Number(z);
          for (const a of (s.attribute ?? []) as (XmlNode | string)[]) {
            if (typeof a === 'object' && attr(a, 'name')) g.attributes[attr(a, 'name')!] = typed(String(a['#text'] ?? ''));
          }
          if (type === 'box') {
            const x1 = fnum(attr(s, 'xtl')), y1 = fnum(attr(s, 'ytl')), x2 = fnum(attr(s, 'xbr')), y2 = fnum(attr(s, 'ybr'));
            if ([x1, y1, x2, y2].some((v) => !Number.isFinite(v))) { log.dropped('shape-invalid', 'A box without numeric corners was skipped.', at); continue; }
            const rot = fnum(attr(s, 'rotation'));
            if (Number.isFinite(rot) && rot !== 0) {
              g.segs.push(rotatedRect(x1, y1, x2, y2, rot));
              log.changed('rotated-box-as-polygon', 'A rotated box became its polygon (COCO boxes are axis-aligned).', at);
            } else g.box = [x1, y1, x2 - x1, y2 - y1];
          } else if (type === 'polygon') {
            const p = parsePoints(attr(s, 'points'));
            if (p.length >= 6) g.segs.push(p); else log.dropped('shape-invalid', 'A polygon with fewer than 3 points was skipped.', at);
          } else if (type === 'mask') {
            const runs = (attr(s, 'rle') ?? '').split(',').map((v) => Number(v.trim())).filter((v) => Number.isFinite(v));
            const left = fnum(attr(s, 'left')), top = fnum(attr(s, 'top')), w = fnum(attr(s, 'width')), h = fnum(attr(s, 'height'));
            if (![left, top, w, h].every(Number.isFinite) || !runs.length) { log.dropped('shape-invalid', 'A mask without rle/left/top/width/height was skipped.', at); continue; }
            g.rles.push(rleCounts(cvatMaskToRle(runs, left, top, w, h, H, W)));
          } else if (type === 'points') {
            const p = parsePoints(attr(s, 'points'));
            g.kp = [];
            for (let i = 0; i + 1 < p.length; i += 2) g.kp.push(p[i], p[i + 1], 2);
          } else if (type === 'polyline') {
            g.lines = parsePoints(attr(s, 'points'));
          } else {
            log.dropped(`cvat-${type}`, `CVAT ${type} shapes are not converted.`, at);
          }
        }
      }
      for (const g of groups.values()) {
        const at = { file, imageId: img.id, category: g.label };
        const extra = Object.keys(g.attributes).length ? { attributes: g.attributes } : {};
        const iscrowd = g.attributes.iscrowd === true ? 1 : 0;
        if (g.attributes.iscrowd !== undefined) delete g.attributes.iscrowd;
        let segmentation: Segmentation | undefined;
        if (g.rles.length) {
          const all = [...g.rles, ...(g.segs.length ? [rleCounts(polygonsToRle(g.segs, H, W))] : [])];
          segmentation = { size: [H, W], counts: all.length === 1 ? all[0] : unionCounts(all) };
        } else if (g.segs.length) segmentation = g.segs;
        if (segmentation) b.annotation(img, g.label, { segmentation, iscrowd, ...(g.kp ? { keypoints: g.kp } : {}) }, extra);
        else if (g.box) b.annotation(img, g.label, { bbox: g.box, iscrowd, ...(g.kp ? { keypoints: g.kp } : {}) }, extra);
        else if (g.kp || g.lines) {
          const p = g.kp ? g.kp.filter((_, i) => i % 3 !== 2) : g.lines!;
          const xs = p.filter((_, i) => i % 2 === 0), ys = p.filter((_, i) => i % 2 === 1);
          const x = Math.min(...xs), y = Math.min(...ys);
          b.annotation(img, g.label, { bbox: [x, y, Math.max(...xs) - x, Math.max(...ys) - y], ...(g.kp ? { keypoints: g.kp } : {}) }, { attributes: { ...g.attributes, ...(g.lines ? { cvat_shape: 'polyline', points: g.lines } : {}) } });
          log.changed('no-area-shape', `A CVAT ${g.kp ? 'points' : 'polyline'} shape has no area: it became a box${g.kp ? ' with keypoints' : ' (its points kept in attributes)'}.`, at);
        }
      }
    }
  }
  return b.dataset;
}

function rotatedRect(x1: number, y1: number, x2: number, y2: number, deg: number): number[] {
  const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, t = (deg * Math.PI) / 180, c = Math.cos(t), s = Math.sin(t);
  return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]].flatMap(([x, y]) => [round(cx + (x - cx) * c - (y - cy) * s, 4), round(cy + (x - cx) * s + (y - cy) * c, 4)]);
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '  ', suppressEmptyNode: true });
const pts = (p: number[]) => { const o: string[] = []; for (let i = 0; i + 1 < p.length; i += 2) o.push(`${round(p[i])},${round(p[i + 1])}`); return o.join(';'); };

export function writeCvat(ds: CocoDataset, log: ConvertLog): WriteResult {
  const names = categoryNames(ds);
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of ds.annotations) { const l = byImage.get(a.image_id) ?? []; l.push(a); byImage.set(a.image_id, l); }
  const attrNames = new Map<string, Set<string>>();
  let group = 0;
  const images = ds.images.map((img, index) => {
    const node: XmlNode = { '@id': index, '@name': img.file_name, '@width': img.width, '@height': img.height };
    const push = (t: string, v: XmlNode) => { ((node[t] ??= []) as XmlNode[]).push(v); };
    for (const a of byImage.get(img.id) ?? []) {
      const label = names.get(a.category_id) ?? String(a.category_id);
      const at = { imageId: img.id, annotationId: a.id, category: label, file: img.file_name };
      const attrs = { ...(a.attributes ?? {}) };
      const base: XmlNode = { '@label': label, '@source': 'manual', '@occluded': attrs.occluded ? 1 : 0, '@z_order': typeof attrs.z_order === 'number' ? attrs.z_order : 0 };
      delete attrs.occluded; delete attrs.z_order;
      if (a.iscrowd === 1) attrs.iscrowd = true;
      const cvatShape = attrs.cvat_shape; const linePts = attrs.points;
      delete attrs.cvat_shape; if (cvatShape) delete attrs.points;
      const set = attrNames.get(label) ?? new Set<string>();
      attrNames.set(label, set);
      const attributeNodes = Object.entries(attrs).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => { set.add(k); return { '@name': k, '#text': String(v) }; });
      for (const [k, v] of Object.entries(attrs)) if (v !== null && typeof v === 'object') log.lostField(`attributes.${k}`, `CVAT attributes are text: "${k}" (an object) was not written.`, at);
      const withAttrs = (n: XmlNode) => (attributeNodes.length ? { ...n, attribute: attributeNodes } : n);
      const polys = usablePolygons(a.segmentation);
      if (cvatShape === 'polyline' && Array.isArray(linePts)) push('polyline', withAttrs({ ...base, '@points': pts(linePts as number[]) }));
      else if (isRle(a.segmentation)) {
        const m = rleToCvatMask(segmentationRle(a.segmentation, img.height, img.width));
        if (!m) { log.dropped('mask-empty', 'The mask is empty.', at); continue; }
        push('mask', withAttrs({ ...base, '@rle': m.runs.join(', '), '@left': m.left, '@top': m.top, '@width': m.width, '@height': m.height }));
      } else if (polys.length) {
        const gid = polys.length > 1 ? ++group : 0;
        for (const p of polys) push('polygon', withAttrs({ ...base, '@points': pts(p), ...(gid ? { '@group_id': gid } : {}) }));
      } else {
        const [x, y, w, h] = a.bbox;
        push('box', withAttrs({ ...base, '@xtl': round(x), '@ytl': round(y), '@xbr': round(x + w), '@ybr': round(y + h) }));
      }
      if (a.keypoints?.some((v) => v > 0) && cvatShape !== 'polyline') {
        const kp: number[] = [];
        for (let i = 0; i + 2 < a.keypoints.length; i += 3) if (a.keypoints[i + 2] > 0) kp.push(a.keypoints[i], a.keypoints[i + 1]);
        if (polys.length || isRle(a.segmentation) || a.bbox[2] > 0) log.lostField('keypoints', 'CVAT points are a shape of their own: the keypoints of an object with a box or mask were not written.', at);
        else push('points', withAttrs({ ...base, '@points': pts(kp) }));
      }
      log.countWritten(label);
    }
    return node;
  });
  const labels = ds.categories.map((c) => ({
    name: c.name, type: 'any',
    attributes: { attribute: [...(attrNames.get(c.name) ?? [])].map((n) => ({ name: n, mutable: 'False', input_type: 'text', default_value: '', values: '' })) },
  }));
  const xml = builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'utf-8' },
    annotations: { version: '1.1', meta: { task: { name: 'Labelscope export', size: ds.images.length, mode: 'annotation', labels: { label: labels } } }, image: images },
  });
  return { files: [{ path: 'annotations.xml', data: xml }], images: ds.images.map((i) => ({ imageId: i.id, fileName: i.file_name, target: `images/${i.file_name}` })) };
}
