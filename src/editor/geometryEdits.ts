/**
 * Geometry of viewer edits, free of `vscode`: moving / scaling polygons into a box,
 * bbox + area recomputed with the core's pycocotools-exact rasterizer, and the JSON
 * text of new values / new annotations in the style of the file.
 */
import type { CocoDocument, JsonObject, Located } from '../core/coco/document';
import { polygonBbox, polygonsArea, polygonsToRle, rleArea } from '../core/geometry';
import type { ByteEdit } from '../core/problems';
import { round2 } from '../core/edits/jsonEdits';

export type Box = [number, number, number, number];


/** Polygons with every coordinate rounded to 2 decimals; a string says why they are not usable. */
export function cleanPolygons(polys: unknown): number[][] | string {
  if (!Array.isArray(polys) || polys.length === 0) return 'No polygon';
  const out: number[][] = [];
  for (const p of polys) {
    if (!Array.isArray(p) || p.length % 2 !== 0) return 'A polygon has an odd number of coordinates';
    if (p.length < 6) return 'A polygon needs at least 3 points';
    if (!p.every((x) => typeof x === 'number' && Number.isFinite(x))) return 'A polygon has a coordinate that is not a finite number';
    out.push(p.map(round2));
  }
  return out;
}

/**
 * One axis of a move / resize from box `from` into box `to` (which the viewer sends rounded to
 * COCO's 2 decimals): a coordinate mapped and rounded, or kept exactly as it is when that axis
 * did not change (a move along x leaves every y byte-identical, at whatever precision the file
 * wrote it); a side whose length did not change is moved, not scaled.
 */
function axisMap(from: Box, to: Box, axis: 0 | 1): (v: number) => number {
  const same = (a: number, b: number) => a === b || a === round2(b);
  const sameStart = same(to[axis], from[axis]);
  const sameSize = same(to[axis + 2], from[axis + 2]);
  if (sameStart && sameSize) return (v) => v;
  const s = sameSize || !(from[axis + 2] > 0) ? 1 : to[axis + 2] / from[axis + 2];
  const start = sameStart ? from[axis] : to[axis];
  return (v) => round2(start + (v - from[axis]) * s);
}

/** Polygons moved and scaled from box `from` into box `to` (a 0-wide / 0-high side is only moved). */
export function fitPolygons(polys: readonly (readonly number[])[], from: Box, to: Box): number[][] {
  const fx = axisMap(from, to, 0);
  const fy = axisMap(from, to, 1);
  return polys.map((p) => p.map((v, i) => (i % 2 === 0 ? fx(v) : fy(v))));
}

/**
 * Keypoints [x, y, v, …] moved and scaled from box `from` into box `to` like polygons: the labeled
 * ones (v > 0) only; v and the unlabeled ones are kept as they are. A trailing partial triple stays.
 */
export function fitKeypoints(kp: readonly number[], from: Box, to: Box): number[] {
  const fx = axisMap(from, to, 0);
  const fy = axisMap(from, to, 1);
  const out = [...kp];
  for (let i = 0; i + 2 < kp.length; i += 3) {
    if (!(kp[i + 2] > 0)) continue;
    out[i] = fx(kp[i]);
    out[i + 1] = fy(kp[i + 1]);
  }
  return out;
}

/** `[x, y, v, …]` with the separator the old value used; untouched numbers as they were. */
export function keypointsText(kp: readonly number[], sep = ', '): string {
  return `[${kp.map((x) => (Object.is(x, -0) ? '0' : String(x))).join(sep)}]`;
}

/** The COCO fields that follow from polygons: bbox = their extent, area = pycocotools' mask area. */
export function polygonFields(polys: number[][], imageH: number, imageW: number): { bbox: Box; area: number } {
  const b = polygonBbox(polys);
  const bbox: Box = [round2(b[0]), round2(b[1]), round2(b[2]), round2(b[3])];
  // pycocotools rasterizes into the image; without a usable image size only the shoelace area is known.
  const area = imageH > 0 && imageW > 0 ? rleArea(polygonsToRle(polys, imageH, imageW)) : round2(polygonsArea(polys));
  return { bbox, area };
}

export function boxPolygon(b: Box): number[] {
  const [x, y, w, h] = b.map(round2);
  return [x, y, round2(x + w), y, round2(x + w), round2(y + h), x, round2(y + h)];
}

const numText = (x: number): string => String(round2(x));

/** `[[x, y, …], …]` with the separator the old value used (", " or ","). */
export function polygonsText(polys: number[][], sep = ', '): string {
  return `[${polys.map((p) => `[${p.map(numText).join(sep)}]`).join(sep)}]`;
}

function indentOf(bytes: Uint8Array, offset: number): string {
  let s = offset;
  // Bounded: a one-line file (train2017 is 450 MB on one line) has no indent, and walking back to
  // its start on every save / re-check held the host for half a second per 40 MB.
  const stop = Math.max(0, offset - 64 * 1024);
  while (s > stop && bytes[s - 1] !== 0x0a) s--;
  if (s > 0 && bytes[s - 1] !== 0x0a) return '';
  let i = s;
  while (i < offset && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  return new TextDecoder().decode(bytes.subarray(s, i));
}

/** The style of an existing annotation's text: one line or many, indents, separators. */
export interface ElementStyle {
  multiLine: boolean;
  /** Indent of the element's own line (and of its closing brace). */
  indent: string;
  /** Indent of its members (multi-line). */
  memberIndent: string;
  colon: string;
  comma: string;
  /** Between two elements of the array: after the comma. */
  between: string;
}

export function elementStyle(doc: CocoDocument, entries: readonly Located[], section: { valueStart: number } | undefined): ElementStyle {
  const dec = new TextDecoder();
  const last = entries[entries.length - 1];
  const fallback: ElementStyle = { multiLine: true, indent: '    ', memberIndent: '      ', colon: ': ', comma: ', ', between: '\n    ' };
  if (!last) {
    if (!section) return fallback;
    const ind = indentOf(doc.bytes, section.valueStart);
    return { ...fallback, indent: ind + '  ', memberIndent: ind + '    ', between: '\n' + ind + '  ' };
  }
  const text = dec.decode(doc.bytes.subarray(last.start, last.end));
  const multiLine = text.includes('\n');
  const indent = indentOf(doc.bytes, last.start);
  const m = /\{\s*?\n([ \t]*)"/.exec(text);
  const memberIndent = m ? m[1] : indent + '  ';
  const colon = /"[^"]*":\s/.test(text) ? ': ' : ':';
  const comma = /,\s/.test(text.replace(/\n[ \t]*/g, '')) || /\[[^\]]*,\s/.test(text) ? ', ' : ',';
  let between = '\n' + indent;
  if (entries.length >= 2) {
    const prev = entries[entries.length - 2];
    const gap = dec.decode(doc.bytes.subarray(prev.end, last.start));
    between = gap.replace(/^\s*,/, '');
  } else if (section) {
    between = dec.decode(doc.bytes.subarray(section.valueStart + 1, last.start));
    if (!between.includes('\n')) between = comma === ', ' ? ' ' : '';
  }
  return { multiLine, indent, memberIndent, colon, comma, between };
}

/** One annotation's JSON text in a style (members in the given order). */
export function elementText(value: JsonObject, st: ElementStyle): string {
  const fmt = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(fmt).join(st.comma)}]`;
    if (typeof v === 'number') return numText(v);
    return JSON.stringify(v);
  };
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${st.colon}${fmt(v)}`);
  if (!st.multiLine) return `{${members.join(st.comma)}}`;
  return `{\n${members.map((m) => st.memberIndent + m).join(',\n')}\n${st.indent}}`;
}

/** An edit that appends elements after the last one of a top-level array (or fills an empty one). */
export function appendElements(doc: CocoDocument, entries: readonly Located[], section: { valueStart: number; valueEnd: number } | undefined, texts: string[], st: ElementStyle): ByteEdit | undefined {
  if (!texts.length || !section) return undefined;
  const last = entries[entries.length - 1];
  if (last) return { start: last.end, end: last.end, newText: texts.map((t) => `,${st.between}${t}`).join('') };
  const closeIndent = indentOf(doc.bytes, section.valueStart);
  const body = st.multiLine ? `[\n${texts.map((t) => st.indent + t).join(',\n')}\n${closeIndent}]` : `[${texts.join(', ')}]`;
  return { start: section.valueStart, end: section.valueEnd, newText: body };
}

/**
 * Rules that look at one annotation at a time (with its image and category): the ones
 * re-run on the edited annotations after a viewer edit.
 */
export const PER_ANNOTATION_RULES: readonly string[] = [
  'coco/annotation-id-zero', 'coco/annotation-unknown-category', 'coco/annotation-unknown-image',
  'coco/area-invalid', 'coco/area-mismatch', 'coco/bbox-invalid', 'coco/bbox-non-positive', 'coco/bbox-out-of-image',
  'coco/bbox-segmentation-mismatch', 'coco/bbox-tiny', 'coco/crowd-with-polygons', 'coco/iscrowd-invalid',
  'coco/keypoints-length', 'coco/keypoints-outside-bbox', 'coco/missing-field', 'coco/num-keypoints-mismatch',
  'coco/polygon-four-numbers', 'coco/polygon-odd-length', 'coco/polygon-outside-image', 'coco/polygon-self-intersecting',
  'coco/polygon-too-short', 'coco/polygon-zero-area', 'coco/rle-counts-sum', 'coco/rle-invalid-string',
  'coco/rle-size-mismatch', 'coco/segmentation-empty', 'coco/segmentation-flat-list', 'coco/wrong-type',
];
