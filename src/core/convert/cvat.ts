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

/** What one shape of a frame came from: an `<image>` child, or a `<track>`'s shape on that frame. */
interface FrameShape {
  type: string;
  node: XmlNode;
  track?: { id: number; keyframe: boolean };
}

/** A skeleton label's keypoint names (its sub-labels, in meta order) and edges (1-based, COCO's skeleton). */
interface SkeletonSpec {
  names: string[];
  edges: number[][];
}

/**
 * Skeleton labels from `meta`: sub-labels name their `parent`; the parent's `svg` holds circles
 * (`data-node-id`, `data-label-name`) and lines (`data-node-from`, `data-node-to`).
 */
function skeletonSpecs(labels: XmlNode[]): Map<string, SkeletonSpec> {
  const specs = new Map<string, SkeletonSpec>();
  for (const l of labels) if (typeof l.parent === 'string' && typeof l.name === 'string') {
    const spec = specs.get(l.parent) ?? { names: [], edges: [] };
    spec.names.push(l.name);
    specs.set(l.parent, spec);
  }
  for (const l of labels) {
    const spec = typeof l.name === 'string' ? specs.get(l.name) : undefined;
    if (!spec || typeof l.svg !== 'string') continue;
    const nodeName = new Map<string, string>();
    for (const m of l.svg.matchAll(/<circle\b[^>]*>/g)) {
      const id = /data-node-id="([^"]*)"/.exec(m[0])?.[1], name = /data-label-name="([^"]*)"/.exec(m[0])?.[1];
      if (id && name) nodeName.set(id, name);
    }
    for (const m of l.svg.matchAll(/<line\b[^>]*>/g)) {
      const from = nodeName.get(/data-node-from="([^"]*)"/.exec(m[0])?.[1] ?? ''), to = nodeName.get(/data-node-to="([^"]*)"/.exec(m[0])?.[1] ?? '');
      const i = from ? spec.names.indexOf(from) : -1, j = to ? spec.names.indexOf(to) : -1;
      if (i >= 0 && j >= 0) spec.edges.push([i + 1, j + 1]);
    }
  }
  return specs;
}

/** An ellipse (CVAT: centre, radii, rotation in degrees) as a polygon of `n` vertices. */
export function ellipsePolygon(cx: number, cy: number, rx: number, ry: number, deg = 0, n = 64): number[] {
  const t = (deg * Math.PI) / 180, c = Math.cos(t), sn = Math.sin(t);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n, x = rx * Math.cos(a), y = ry * Math.sin(a);
    out.push(round(cx + x * c - y * sn, 3), round(cy + x * sn + y * c, 3));
  }
  return out;
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
    const skeletons = skeletonSpecs(labels);
    // sub-labels of a skeleton are its keypoints, not categories of their own
    for (const l of labels) if (typeof l.name === 'string' && typeof l.parent !== 'string') b.cats.idOf(l.name);
    for (const [name, spec] of skeletons) {
      const cat = b.cats.get(name) ?? b.cats.categories.find((c) => c.id === b.cats.idOf(name))!;
      cat.keypoints = spec.names;
      if (spec.edges.length) cat.skeleton = spec.edges;
    }
    const original = (holder.original_size ?? {}) as XmlNode;
    const frameW = fnum(typeof original.width === 'string' ? original.width : undefined), frameH = fnum(typeof original.height === 'string' ? original.height : undefined);

    // Frames: every <image> in order, then the frames only tracks name (video: no <image>).
    const frames = new Map<string, { im?: XmlNode; shapes: FrameShape[] }>();
    for (const im of (root.image ?? []) as XmlNode[]) {
      const shapes: FrameShape[] = [];
      for (const type of SHAPES) for (const node of (im[type] ?? []) as XmlNode[]) shapes.push({ type, node });
      frames.set(attr(im, 'id') ?? `#${frames.size}`, { im, shapes });
    }
    let outside = 0, trackShapes = 0;
    const tracks = (root.track ?? []) as XmlNode[];
    for (const tr of tracks) {
      const id = Number(attr(tr, 'id') ?? 0);
      const label = attr(tr, 'label') ?? '';
      const gid = attr(tr, 'group_id');
      for (const type of SHAPES) {
        for (const node of (tr[type] ?? []) as XmlNode[]) {
          const frame = attr(node, 'frame');
          if (frame === undefined) { log.dropped('shape-invalid', `A shape of track ${id} has no frame.`, { file, category: label }); continue; }
          // outside = the object has left the view from this frame on: no object on it
          if (attr(node, 'outside') === '1') { outside++; continue; }
          trackShapes++;
          let f = frames.get(frame);
          if (!f) frames.set(frame, (f = { shapes: [] }));
          f.shapes.push({ type, node: { ...node, '@label': label, ...(gid !== undefined ? { '@group_id': gid } : {}) }, track: { id, keyframe: attr(node, 'keyframe') === '1' } });
        }
      }
    }
    if (tracks.length) log.add({ kind: 'note', reason: 'cvat-track', file, message: `${tracks.length} track(s) in ${file}: each shape on a frame where its object is in view became an object of that frame; the attributes track_id and keyframe say where it came from.` }, trackShapes);
    if (outside) log.add({ kind: 'note', reason: 'cvat-track-outside', file, message: 'Track shapes marked outside (the object is not in view from that frame on) are not objects.' }, outside);

    const frameIds = [...frames.keys()];
    const byNumber = (a: string, b2: string) => Number(a) - Number(b2);
    const ordered = [...frameIds.filter((k) => frames.get(k)!.im), ...frameIds.filter((k) => !frames.get(k)!.im).sort(byNumber)];
    for (const frameId of ordered) {
      const { im, shapes } = frames.get(frameId)!;
      const W = im ? fnum(attr(im, 'width')) : frameW, H = im ? fnum(attr(im, 'height')) : frameH;
      // CVAT's own reader names a frame without <image> frame_NNNNNN.PNG (its video export's images/)
      const name = (im && attr(im, 'name')) ?? `frame_${String(frameId).padStart(6, '0')}.PNG`;
      const img = b.image(name, W, H);
      const groups = new Map<string, { label: string; segs: number[][]; rles: number[][]; box?: [number, number, number, number]; attributes: Record<string, unknown>; kp?: number[]; lines?: number[] }>();
      let solo = 0;
      for (const { type, node: s, track } of shapes) {
          const label = attr(s, 'label') ?? '';
          const at = { file, imageId: img.id, category: label };
          const gid = attr(s, 'group_id');
          const key = gid && gid !== '0' ? `${label}\u0000${gid}` : `#${solo++}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { label, segs: [], rles: [], attributes: {} }));
          if (track) { g.attributes.track_id = track.id; g.attributes.keyframe = track.keyframe; }
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
          } else if (type === 'ellipse') {
            const cx = fnum(attr(s, 'cx')), cy = fnum(attr(s, 'cy')), rx = fnum(attr(s, 'rx')), ry = fnum(attr(s, 'ry'));
            if (![cx, cy, rx, ry].every(Number.isFinite)) { log.dropped('shape-invalid', 'An ellipse without numeric cx/cy/rx/ry was skipped.', at); continue; }
            const rot = fnum(attr(s, 'rotation'));
            g.segs.push(ellipsePolygon(cx, cy, rx, ry, Number.isFinite(rot) ? rot : 0));
            log.changed('ellipse-as-polygon', 'An ellipse became a 64-vertex polygon (COCO has no ellipses; mask IoU with the ellipse ≈ 0.998).', at);
          } else if (type === 'skeleton') {
            const names = b.dataset.categories.find((c) => c.name === label)?.keypoints ?? [];
            const kp = new Array<number>(names.length * 3).fill(0);
            const extra: string[] = [];
            for (const el of (s.points ?? []) as XmlNode[]) {
              const p = parsePoints(attr(el, 'points'));
              const name = attr(el, 'label') ?? '';
              let k = names.indexOf(name);
              if (k < 0) { extra.push(name); names.push(name); kp.push(0, 0, 0); k = names.length - 1; }
              // CVAT: outside = not labelled (v 0), occluded = labelled, not visible (v 1)
              const v = attr(el, 'outside') === '1' || p.length < 2 ? 0 : attr(el, 'occluded') === '1' ? 1 : 2;
              if (v > 0) { kp[3 * k] = p[0]; kp[3 * k + 1] = p[1]; kp[3 * k + 2] = v; }
            }
            if (extra.length) {
              const cat = b.dataset.categories.find((c) => c.id === b.cats.idOf(label))!;
              cat.keypoints = names;
              log.note('skeleton-points-unlisted', `Skeleton points not named in the meta labels (${extra.join(', ')}) were appended to "${label}"'s keypoints.`, at);
            }
            g.kp = kp;
          } else {
            log.dropped(`cvat-${type}`, `CVAT ${type} shapes are not converted (COCO has no ${type === 'tag' ? 'image-level tags' : type + 's'}).`, at);
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
          const p: number[] = [];
          if (g.kp) { for (let i = 0; i + 2 < g.kp.length; i += 3) if (g.kp[i + 2] > 0) p.push(g.kp[i], g.kp[i + 1]); } else p.push(...g.lines!);
          if (p.length === 0) { log.dropped('skeleton-empty', 'A skeleton with no point in view was skipped.', at); continue; }
          const xs = p.filter((_, i) => i % 2 === 0), ys = p.filter((_, i) => i % 2 === 1);
          const x = Math.min(...xs), y = Math.min(...ys);
          b.annotation(img, g.label, { bbox: [x, y, Math.max(...xs) - x, Math.max(...ys) - y], ...(g.kp ? { keypoints: g.kp } : {}) }, { attributes: { ...g.attributes, ...(g.lines ? { cvat_shape: 'polyline', points: g.lines } : {}) } });
          log.changed('no-area-shape', `A CVAT ${g.kp ? 'points / skeleton' : 'polyline'} shape has no area: it became a box${g.kp ? ' with keypoints' : ' (its points kept in attributes)'}.`, at);
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
