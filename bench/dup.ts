/**
 * npm run bench:dup  (LABELSCOPE_DUP_FAMILIES=… to change the set's size; LABELSCOPE_DUP_DIR=… to
 * generate it elsewhere, e.g. in /tmp. LABELSCOPE_DUP_FAMILIES=2000 makes 10,000 images: the
 * hashing time for 10,000 images is then measured, not extrapolated.)
 *
 * Near-duplicate detection on a generated set: F picture families (default 400), each a base
 * picture (640 × 480, soft shapes on a gradient) and three copies: resized (50–90 %), recompressed
 * as JPEG at quality 30–90, brightened by 5–15 %; plus F unrelated pictures. Default: 2,000 images.
 * Every image is probed as the product does (decode, scores, pixel hash, pHash) in the worker pool.
 *
 * Prints precision and recall over pairs at the default threshold (and a sweep), the hashing time
 * per image (and for 10,000 images at that rate), and the search time on 10,000 and 100,000 hashes
 * (the set's hashes padded with random ones).
 */
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { DEFAULT_NEAR_THRESHOLD, findDuplicates, type HashedImage } from '../src/core/metrics/duplicates';
import { createProbePool } from '../src/node/health/pool';
import { DATA_DIR, prng } from './generate';

function scene(rand: () => number, w = 640, h = 480): Buffer {
  const c = () => `rgb(${Math.floor(rand() * 256)},${Math.floor(rand() * 256)},${Math.floor(rand() * 256)})`;
  const shapes: string[] = [];
  for (let k = 0; k < 8; k++) {
    const x = rand() * w, y = rand() * h, s = 40 + rand() * 200;
    shapes.push(k % 2 ? `<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${c()}"/>` : `<rect x="${x - s / 2}" y="${y - s / 3}" width="${s}" height="${(s * 2) / 3}" fill="${c()}" transform="rotate(${rand() * 90} ${x} ${y})"/>`);
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c()}"/><stop offset="1" stop-color="${c()}"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes.join('')}</svg>`);
}

interface Item { file: string; family: number }

async function makeSet(dir: string, families: number): Promise<Item[]> {
  const stamp = path.join(dir, 'set.json');
  if (fs.existsSync(stamp)) {
    const s = JSON.parse(fs.readFileSync(stamp, 'utf8')) as { families: number; items: Item[] };
    if (s.families === families) return s.items;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rand = prng(4242);
  const items: Item[] = [];
  const t0 = performance.now();
  for (let f = 0; f < families; f++) {
    const base = await sharp(scene(rand)).flatten().jpeg({ quality: 92 }).toBuffer();
    const put = async (name: string, buf: Buffer, family: number) => { const file = path.join(dir, name); fs.writeFileSync(file, buf); items.push({ file, family }); };
    await put(`f${f}-base.jpg`, base, f);
    const scale = 0.5 + rand() * 0.4;
    await put(`f${f}-resized.jpg`, await sharp(base).resize(Math.round(640 * scale)).jpeg({ quality: 85 }).toBuffer(), f);
    await put(`f${f}-q.jpg`, await sharp(base).jpeg({ quality: 30 + Math.floor(rand() * 61) }).toBuffer(), f);
    await put(`f${f}-bright.png`, await sharp(base).modulate({ brightness: 1.05 + rand() * 0.1 }).png().toBuffer(), f);
    await put(`u${f}.jpg`, await sharp(scene(rand)).flatten().jpeg({ quality: 90 }).toBuffer(), -1 - f);
  }
  fs.writeFileSync(stamp, JSON.stringify({ families, items }));
  console.log(`generated ${items.length} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return items;
}

/** Pairs (i < j) in the same group, as "i,j". */
function pairsOf(groups: number[][]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) { const s = [...g].sort((a, b) => a - b); for (let a = 0; a < s.length; a++) for (let b = a + 1; b < s.length; b++) out.add(`${s[a]},${s[b]}`); }
  return out;
}

function randomHex(rand: () => number): string {
  return Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0') + Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0');
}

async function main() {
  const families = Number(process.env.LABELSCOPE_DUP_FAMILIES ?? 400);
  const items = await makeSet(process.env.LABELSCOPE_DUP_DIR ?? path.join(DATA_DIR, 'dup'), families);
  const pool = await createProbePool();
  await pool.run({ file: items[0].file }); // start the workers outside the clock
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const probes = await Promise.all(items.map((it) => pool.run({ file: it.file })));
  const hashMs = performance.now() - t0;
  const processCpuMs = (() => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; })();
  await pool.close();
  const failed = probes.filter((p) => p.status !== 'ok').length;
  const hashed: HashedImage[] = probes.map((p, index) => ({ split: 0, index, pixelHash: p.pixelHash, phash: p.phash }));
  const familyGroups = new Map<number, number[]>();
  items.forEach((it, i) => { if (it.family >= 0) familyGroups.set(it.family, [...(familyGroups.get(it.family) ?? []), i]); });
  const truth = pairsOf([...familyGroups.values()]);
  console.log(`\n${items.length} images (${families} families of 4 + ${families} unrelated), ${pool.threads} worker${pool.threads === 1 ? '' : 's'}`);
  const rate = `${(hashMs / items.length).toFixed(2)} ms/image`;
  console.log(`hashing (decode + scores + pixel hash + pHash) of ${items.length.toLocaleString('en')} images, measured: ${(hashMs / 1000).toFixed(1)} s wall, ${rate}` +
    `${items.length === 10000 ? '' : ` (10,000 images would take ≈ ${((hashMs / items.length) * 10000 / 1000).toFixed(1)} s at this rate: extrapolated; run with LABELSCOPE_DUP_FAMILIES=2000 to measure)`}` +
    `; ${failed} not decoded; process CPU (all threads) ${processCpuMs.toFixed(0)} ms = ${(processCpuMs / items.length).toFixed(1)} ms/image; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('\nthreshold  precision  recall  predicted pairs  true pairs');
  for (const t of [4, 6, DEFAULT_NEAR_THRESHOLD, 10, 12]) {
    const groups = findDuplicates(hashed, { threshold: t });
    const predicted = pairsOf(groups.map((g) => g.members.map((m) => m.index)));
    let tp = 0;
    for (const p of predicted) if (truth.has(p)) tp++;
    const precision = predicted.size ? tp / predicted.size : 1, recall = tp / truth.size;
    console.log(`${String(t).padStart(9)}${t === DEFAULT_NEAR_THRESHOLD ? '*' : ' '} ${precision.toFixed(4).padStart(9)}  ${recall.toFixed(4).padStart(6)}  ${String(predicted.size).padStart(15)}  ${String(truth.size).padStart(10)}`);
  }
  console.log('(* default)');
  const rand = prng(99);
  for (const n of [10000, 100000]) {
    const set: HashedImage[] = hashed.slice(0, n);
    for (let i = set.length; i < n; i++) set.push({ split: 0, index: i, pixelHash: `r${i}`, phash: randomHex(rand) });
    const ts = performance.now();
    const c0 = process.cpuUsage();
    const groups = findDuplicates(set);
    const cpu = process.cpuUsage(c0);
    console.log(`search over ${n.toLocaleString('en')} hashes at threshold ${DEFAULT_NEAR_THRESHOLD}: ${(performance.now() - ts).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${groups.length} groups)`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
