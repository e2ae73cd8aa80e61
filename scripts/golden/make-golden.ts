/**
 * Regenerates test/fixtures/golden/maskapi.json from cocoapi's C maskApi.
 * Usage: npx tsx scripts/golden/make-golden.ts <path-to-compiled-harness>
 * The harness (NOT in this repo: it links cocoapi's third-party maskApi.c) is described in
 * test/fixtures/golden/README.md. This script only designs the inputs (seeded) and stores
 * the C answers.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const harness = process.argv[2];
if (!harness) throw new Error('usage: make-golden.ts <harness>');

let seed = 20240611;
function rand(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
const rf = (a: number, b: number, dec = -1) => {
  const v = a + rand() * (b - a);
  return dec < 0 ? v : Number(v.toFixed(dec));
};

function run(lines: string[]): any[] {
  if (process.env.GOLDEN_DUMP) writeFileSync(process.env.GOLDEN_DUMP, lines.join('\n') + '\n');
  const out = execFileSync(harness, { input: lines.join('\n') + '\n', maxBuffer: 1 << 28 }).toString();
  const res = out.trim().split('\n').map((l) => JSON.parse(l));
  if (res.length !== lines.length) throw new Error('harness answered ' + res.length + ' of ' + lines.length);
  return res;
}

const toHex = (bits: number[]) => {
  let s = '';
  for (let i = 0; i < bits.length; i += 4) {
    s += ((bits[i] << 3) | ((bits[i + 1] ?? 0) << 2) | ((bits[i + 2] ?? 0) << 1) | (bits[i + 3] ?? 0)).toString(16);
  }
  return s;
};

// ---------- masks ----------
type MaskCase = { name: string; h: number; w: number; bits: number[] };
const masks: MaskCase[] = [];
const mk = (name: string, h: number, w: number, f: (x: number, y: number) => boolean) => {
  const bits: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bits.push(f(x, y) ? 1 : 0);
  masks.push({ name, h, w, bits });
};
mk('1x1 empty', 1, 1, () => false);
mk('1x1 full', 1, 1, () => true);
mk('3x3 plus', 3, 3, (x, y) => x === 1 || y === 1);
mk('4x5 empty', 4, 5, () => false);
mk('4x5 full', 4, 5, () => true);
for (const [cx, cy] of [[0, 0], [4, 0], [0, 3], [4, 3], [2, 1]]) mk(`4x5 single pixel ${cx},${cy}`, 4, 5, (x, y) => x === cx && y === cy);
mk('5x6 border ring', 5, 6, (x, y) => x === 0 || y === 0 || x === 5 || y === 4);
mk('run crossing columns (bbox quirk)', 6, 5, (x, y) => (x === 1 && y >= 4) || (x === 2 && y <= 1));
mk('run crossing 3 columns', 4, 6, (x, y) => (x === 1 && y === 3) || x === 2 || (x === 3 && y === 0));
mk('two separate columns', 6, 6, (x, y) => (x === 1 && y >= 2 && y <= 3) || (x === 4 && y === 5));
mk('diagonal', 7, 7, (x, y) => x === y);
mk('checkerboard', 6, 7, (x, y) => (x + y) % 2 === 0);
mk('1 row', 1, 9, (x) => x % 3 !== 0);
mk('1 column', 9, 1, (_x, y) => y % 4 === 1);
mk('last column only', 5, 4, (x) => x === 3);
mk('bottom row only', 5, 4, (_x, y) => y === 4);
for (let i = 0; i < 40; i++) {
  const h = ri(1, 20), w = ri(1, 20), p = rand();
  mk(`random ${i} p=${p.toFixed(2)}`, h, w, () => rand() < p);
}
const blob = (h: number, w: number, n: number) => {
  const es = Array.from({ length: n }, () => [rf(0, w), rf(0, h), rf(2, w / 3), rf(2, h / 3)]);
  return (x: number, y: number) => es.some(([cx, cy, rx, ry]) => ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 < 1);
};
mk('blobs 48x64', 48, 64, blob(48, 64, 4));
mk('blobs 120x160', 120, 160, blob(120, 160, 6));
mk('blobs 480x640', 480, 640, blob(480, 640, 5));

// ---------- polygons ----------
type PolyCase = { name: string; h: number; w: number; poly: number[] };
const polys: PolyCase[] = [];
const P = (name: string, h: number, w: number, poly: number[]) => polys.push({ name, h, w, poly });
P('triangle', 3, 3, [0, 0, 3, 0, 3, 3]);
P('integer square 1..4', 6, 6, [1, 1, 4, 1, 4, 4, 1, 4]);
P('half-integer square', 6, 6, [0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5]);
P('L concave', 10, 10, [1, 1, 8, 1, 8, 3, 3, 3, 3, 8, 1, 8]);
P('star concave', 20, 20, [10, 1, 12.5, 7.5, 19, 7.5, 14, 11.5, 16, 18.5, 10, 14.5, 4, 18.5, 6, 11.5, 1, 7.5, 7.5, 7.5]);
P('bowtie self-intersecting', 10, 10, [1, 1, 9, 9, 9, 1, 1, 9]);
P('pentagram self-intersecting', 30, 30, [15, 2, 22.6, 25.5, 3, 10.6, 27, 10.6, 7.4, 25.5]);
P('partly outside left/top', 10, 10, [-5, -5, 5, -3, 6, 6, -2, 4]);
P('partly outside right/bottom', 10, 12, [8, 7, 20, 8, 15, 15, 6, 14]);
P('fully outside', 10, 10, [12, 12, 20, 12, 20, 20]);
P('covers whole image', 8, 8, [-10, -10, 30, -10, 30, 30, -10, 30]);
P('tiny 0.2px', 10, 10, [4.1, 4.1, 4.3, 4.1, 4.3, 4.3]);
P('sub-pixel around a centre', 10, 10, [4.4, 4.4, 4.6, 4.4, 4.6, 4.6, 4.4, 4.6]);
P('float coords', 20, 30, [2.37, 3.91, 25.113, 1.05, 28.999, 17.5, 11.25, 19.75, 3.3333, 12.6666]);
P('two points (4-number list)', 10, 10, [1, 1, 8, 8]);
P('odd length (trailing coord ignored)', 10, 10, [1, 1, 8, 1, 8, 8, 5]);
P('empty', 5, 5, []);
P('single point', 5, 5, [2, 2]);
P('repeated vertices', 10, 10, [1, 1, 1, 1, 8, 1, 8, 1, 8, 8, 1, 8, 1, 8]);
P('explicitly closed', 10, 10, [1, 1, 8, 1, 8, 8, 1, 8, 1, 1]);
P('negative near zero (C int truncation)', 10, 10, [-0.1, -0.3, 5, -0.2, 5.05, 5, -0.45, 5]);
P('negative far', 10, 10, [-3.7, -2.1, 4.2, -8.8, 7.7, 6.6, -6.1, 9.9]);
P('vertical/horizontal thin', 10, 10, [2, 1, 2.4, 1, 2.4, 9, 2, 9]);
P('1-pixel-high image', 1, 10, [0, 0, 10, 0, 10, 1, 0, 1]);
P('1-pixel-wide image', 10, 1, [0, 0, 1, 0, 1, 10, 0, 10]);
P('exact .1 steps', 12, 12, [0.1, 0.2, 10.3, 0.4, 10.5, 10.6, 0.7, 10.8]);
P('x.5 ties at scale 5', 10, 10, [1.1, 1.3, 7.9, 1.7, 7.3, 8.5, 1.5, 8.1]);
const star = (cx: number, cy: number, n: number, r0: number, r1: number, dec: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const r = rf(r0, r1);
    out.push(Number((cx + r * Math.cos(a)).toFixed(dec)), Number((cy + r * Math.sin(a)).toFixed(dec)));
  }
  return out;
};
for (let i = 0; i < 30; i++) P(`480x640 50-vertex star ${i}`, 480, 640, star(rf(0, 640), rf(0, 480), 50, rf(5, 60), rf(60, 250), ri(0, 3)));
for (let i = 0; i < 150; i++) {
  const h = ri(1, 60), w = ri(1, 60), n = ri(3, 40), dec = ri(0, 4);
  const poly: number[] = [];
  for (let j = 0; j < n; j++) poly.push(rf(-0.2 * w, 1.2 * w, dec), rf(-0.2 * h, 1.2 * h, dec));
  P(`random ${i}`, h, w, poly);
}
for (let i = 0; i < 30; i++) {
  const h = ri(20, 200), w = ri(20, 200);
  P(`random star ${i}`, h, w, star(rf(0, w), rf(0, h), ri(3, 60), 1, rf(2, 100), ri(0, 2)));
}

// ---------- boxes ----------
type BoxCase = { name: string; h: number; w: number; bbox: number[] };
const boxes: BoxCase[] = [];
const Bx = (name: string, h: number, w: number, bbox: number[]) => boxes.push({ name, h, w, bbox });
Bx('unit box at 0', 4, 4, [0, 0, 1, 1]);
Bx('integer box', 10, 10, [2, 3, 4, 5]);
Bx('float box', 10, 10, [2.3, 3.7, 4.1, 5.6]);
Bx('half-integer box', 10, 10, [2.5, 3.5, 4, 5]);
Bx('zero width', 10, 10, [2, 3, 0, 5]);
Bx('zero size', 10, 10, [2, 3, 0, 0]);
Bx('negative origin', 10, 10, [-3, -2, 6, 5]);
Bx('outside', 10, 10, [11, 11, 3, 3]);
Bx('whole image', 10, 12, [0, 0, 12, 10]);
Bx('negative width', 10, 10, [5, 5, -3, -3]);
for (let i = 0; i < 40; i++) {
  const h = ri(1, 100), w = ri(1, 100);
  Bx(`random ${i}`, h, w, [rf(-10, w, ri(0, 3)), rf(-10, h, ri(0, 3)), rf(0, w, ri(0, 3)), rf(0, h, ri(0, 3))]);
}

// ---------- strings ----------
const strings: { name: string; counts: number[] }[] = [];
strings.push({ name: 'small', counts: [0, 1, 2, 3, 4, 5] });
strings.push({ name: 'negative deltas', counts: [100, 50, 10, 3, 1000, 2, 7] });
strings.push({ name: 'big values', counts: [0, 100000, 5, 300000000, 2, 400000000, 17, 5, 1] });
strings.push({ name: 'around 2^28..2^29', counts: [1, 268435455, 268435456, 536870911, 2, 1, 3] });
strings.push({ name: 'u32 extremes (7-char groups)', counts: [4294967295, 1, 2, 3, 4, 5, 2147483648, 2147483647, 0, 4000000000, 9] });
for (let i = 0; i < 30; i++) {
  const n = ri(1, 30), mx = [10, 1000, 1e5, 1e7, 5e8][i % 5];
  strings.push({ name: `random ${i}`, counts: Array.from({ length: n }, () => ri(0, mx)) });
}

// ---------- box IoU ----------
const bbIous: { name: string; dt: number[][]; gt: number[][]; iscrowd: number[] }[] = [];
bbIous.push({ name: 'touching and nested', dt: [[0, 0, 10, 10], [10, 0, 5, 5], [2, 2, 3, 3]], gt: [[0, 0, 10, 10], [5, 5, 10, 10]], iscrowd: [0, 1] });
for (let i = 0; i < 20; i++) {
  const m = ri(1, 6), n = ri(1, 6);
  const b = () => [rf(0, 50, 2), rf(0, 50, 2), rf(0, 30, 2), rf(0, 30, 2)];
  bbIous.push({ name: `random ${i}`, dt: Array.from({ length: m }, b), gt: Array.from({ length: n }, b), iscrowd: Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)) });
}

const fmt = (a: number[]) => a.map((v) => String(v)).join(' ');
const lines1: string[] = [
  ...masks.map((m) => `E ${m.h} ${m.w} ${m.bits.join('')}`),
  ...polys.map((p) => `P ${p.h} ${p.w} ${p.poly.length} ${fmt(p.poly)}`),
  ...boxes.map((b) => `B ${b.h} ${b.w} ${fmt(b.bbox)}`),
  ...strings.map((s) => `S ${s.counts.length} ${fmt(s.counts)}`),
  ...bbIous.map((q) => `Q ${q.dt.length} ${q.gt.length} ${fmt(q.iscrowd)} ${fmt(q.dt.flat())} ${fmt(q.gt.flat())}`),
];
const r1 = run(lines1);
let k = 0;
const maskOut = masks.map((m) => ({ name: m.name, h: m.h, w: m.w, maskHex: toHex(m.bits), expect: r1[k++] }));
const polyOut = polys.map((p) => ({ ...p, expect: r1[k++] }));
const boxOut = boxes.map((b) => ({ ...b, expect: r1[k++] }));
const strOut = strings.map((s) => ({ ...s, expect: r1[k++] }));
const bbIouOut = bbIous.map((q) => ({ ...q, expect: r1[k++] }));

// ---------- merge & IoU, inputs taken from C's own outputs above ----------
type R = { size: [number, number]; counts: number[] };
const pool = new Map<string, R[]>();
for (const o of [...maskOut, ...polyOut, ...boxOut]) {
  const r: R = { size: o.expect.size, counts: o.expect.counts };
  const key = r.size.join('x');
  if (!pool.has(key)) pool.set(key, []);
  pool.get(key)!.push(r);
}
const sizes = [...pool.keys()].filter((s) => pool.get(s)!.length >= 3);
const pick = (key: string) => { const l = pool.get(key)!; return l[ri(0, l.length - 1)]; };
const rleLine = (r: R) => `${r.size[0]} ${r.size[1]} ${r.counts.length} ${fmt(r.counts)}`;
const merges: { name: string; rles: R[] }[] = [];
for (let i = 0; i < 40; i++) {
  const key = sizes[ri(0, sizes.length - 1)];
  merges.push({ name: `random ${key} ${i}`, rles: Array.from({ length: ri(1, 4) }, () => pick(key)) });
}
merges.push({ name: 'size mismatch', rles: [pool.get('10x10')![0], pool.get('6x6')![0]] });
merges.push({ name: 'same twice', rles: [pool.get('480x640')![0], pool.get('480x640')![0]] });
const ious: { name: string; dt: R[]; gt: R[]; iscrowd: number[] }[] = [];
for (let i = 0; i < 30; i++) {
  const key = sizes[ri(0, sizes.length - 1)];
  const m = ri(1, 4), n = ri(1, 4);
  ious.push({ name: `random ${key} ${i}`, dt: Array.from({ length: m }, () => pick(key)), gt: Array.from({ length: n }, () => pick(key)), iscrowd: Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0)) });
}
ious.push({ name: 'size mismatch gives -1', dt: [{ size: [10, 10], counts: [0, 100] }], gt: [{ size: [10, 12], counts: [0, 120] }, { size: [10, 10], counts: [50, 50] }], iscrowd: [0, 1] });
const lines2 = [
  ...merges.map((mm) => `M ${mm.rles.length} ${mm.rles.map(rleLine).join(' ')}`),
  ...ious.map((q) => `I ${q.dt.length} ${q.gt.length} ${fmt(q.iscrowd)} ${q.dt.map(rleLine).join(' ')} ${q.gt.map(rleLine).join(' ')}`),
];
const r2 = run(lines2);
k = 0;
const mergeOut = merges.map((mm) => ({ ...mm, expect: r2[k++] }));
const iouOut = ious.map((q) => ({ ...q, expect: r2[k++] }));

const doc = {
  about: 'Golden vectors from cocoapi common/maskApi.c (see README.md in this folder).',
  masks: maskOut,
  polygons: polyOut,
  boxes: boxOut,
  strings: strOut,
  bboxIou: bbIouOut,
  merges: mergeOut,
  ious: iouOut,
};
const file = join(__dirname, '../../test/fixtures/golden/maskapi.json');
writeFileSync(file, JSON.stringify(doc) + '\n');
console.log(`wrote ${file}: ${maskOut.length} masks, ${polyOut.length} polygons, ${boxOut.length} boxes, ${strOut.length} strings, ${bbIouOut.length} bbIou, ${mergeOut.length} merges, ${iouOut.length} iou`);
