/**
 * Semantic near duplicates with an image-embedding ONNX model, and the image checks in
 * `labelscope check --image-health`. The model is built here with onnx-proto: a [1, 3, 32, 32]
 * input, GlobalAveragePool → [1, 3, 1, 1], i.e. the embedding is the image's normalised mean
 * colour. A picture turned by 180° keeps every pixel, so its embedding is identical while its
 * pHash is far away: only the model can link the two. Images are real files sharp writes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import sharp from 'sharp';
import { main, type CliIo } from '../../../../src/cli/main';
import { parseCoco } from '../../../../src/core/coco/parse';
import { findDuplicates, hammingHex } from '../../../../src/core/metrics/duplicates';
import { normalizeRows, similarPairs } from '../../../../src/core/metrics/embeddingPairs';
import { checkDatasetHealth } from '../../../../src/node/health/datasetHealth';
import { EmbeddingModel, embeddingFrom } from '../../../../src/node/health/embeddings';
import { probeImage } from '../../../../src/node/health/probe';
import { tinySam1Decoder } from '../sam/tinySamModels';

/** Mean colour as a [1, 3, 1, 1] embedding; `nhwc` takes [1, 32, 32, 3] and transposes first. */
function meanColourModel(nhwc = false): Uint8Array {
  const f = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: f, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const nodes: onnx.INodeProto[] = nhwc
    ? [{ opType: 'Transpose', input: ['pixels'], output: ['chw'], attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 3, 1, 2] }] },
      { opType: 'GlobalAveragePool', input: ['chw'], output: ['embedding'] }]
    : [{ opType: 'GlobalAveragePool', input: ['pixels'], output: ['embedding'] }];
  return onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'labelscope-tests',
    graph: { name: 'mean_colour', node: nodes, input: [info('pixels', nhwc ? [1, 32, 32, 3] : [1, 3, 32, 32])], output: [info('embedding', [1, 3, 1, 1])] },
  }).finish();
}

/** A 96 × 64 picture: four coloured quarters and a bar, so turning it moves every region. */
async function picture(file: string, colours: [string, string, string, string], bar = 'x="8" y="8" width="20" height="48"'): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="64">
    <rect width="48" height="32" fill="${colours[0]}"/><rect x="48" width="48" height="32" fill="${colours[1]}"/>
    <rect y="32" width="48" height="32" fill="${colours[2]}"/><rect x="48" y="32" width="48" height="32" fill="${colours[3]}"/>
    <rect ${bar} fill="white"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

function coco(names: string[]) {
  return {
    images: names.map((n, i) => ({ id: i + 1, file_name: n, width: 96, height: 64 })),
    annotations: [],
    categories: [{ id: 1, name: 'thing' }],
  };
}

describe('image-embedding model: semantic near duplicates', function () {
  this.timeout(60000);
  let dir: string;
  let model: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-embed-'));
    model = path.join(dir, 'mean_colour.onnx');
    fs.writeFileSync(model, meanColourModel());
    await picture(path.join(dir, 'a.png'), ['#c02020', '#2040c0', '#20a040', '#e0c020']);
    await sharp(path.join(dir, 'a.png')).rotate(180).toFile(path.join(dir, 'a-turned.png'));
    await picture(path.join(dir, 'b.png'), ['#101010', '#303030', '#202020', '#404040'], 'x="4" y="40" width="88" height="14"');
    await picture(path.join(dir, 'c.png'), ['#f0f0f0', '#a0e0f0', '#e0f0a0', '#f0a0e0'], 'x="60" y="4" width="30" height="20"');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the embedding is what the model computes from the normalised, resized pixels (NCHW and NHWC)', async () => {
    const nhwcFile = path.join(dir, 'nhwc.onnx');
    fs.writeFileSync(nhwcFile, meanColourModel(true));
    const plain = await EmbeddingModel.load(model, { mean: [0, 0, 0], std: [1, 1, 1] });
    const nhwc = await EmbeddingModel.load(nhwcFile, { mean: [0, 0, 0], std: [1, 1, 1] });
    try {
      // A flat colour survives any resize: the mean is the colour / 255.
      const flat = path.join(dir, 'flat.png');
      await sharp({ create: { width: 50, height: 30, channels: 3, background: { r: 51, g: 102, b: 204 } } }).png().toFile(flat);
      for (const m of [plain, nhwc]) {
        const v = await m.embed(flat);
        assert.equal(v.length, 3);
        assert.ok(Math.abs(v[0] - 0.2) < 1e-5 && Math.abs(v[1] - 0.4) < 1e-5 && Math.abs(v[2] - 0.8) < 1e-5, `got ${Array.from(v)}`);
      }
    } finally {
      await plain.release(); await nhwc.release();
    }
  });

  it('a model with another interface gets an error naming what was expected and what the file has', async () => {
    const bad = path.join(dir, 'decoder.onnx');
    fs.writeFileSync(bad, tinySam1Decoder());
    await assert.rejects(EmbeddingModel.load(bad), (e: Error) => /not an image-embedding model: it has 6 inputs\. Expected one float32 input \[1, 3, H, W\] or \[1, H, W, 3\]; the file has image_embeddings \[1, 256, 64, 64\]/.test(e.message));
    await assert.rejects(EmbeddingModel.load(path.join(dir, 'none.onnx')), /none\.onnx: no such file/);
  });

  it('embeddingFrom reads [1, D], [1, T, D] (first token) and [1, D, h, w] (mean)', () => {
    assert.deepEqual(Array.from(embeddingFrom(Float32Array.from([1, 2, 3]), [1, 3])), [1, 2, 3]);
    assert.deepEqual(Array.from(embeddingFrom(Float32Array.from([1, 2, 9, 9]), [1, 2, 2])), [1, 2]);
    assert.deepEqual(Array.from(embeddingFrom(Float32Array.from([1, 3, 5, 7]), [1, 2, 1, 2])), [2, 6]);
    assert.throws(() => embeddingFrom(new Float32Array(32), [1, 2, 2, 2, 2]), /needs \[1, D\]/);
  });

  it('links a turned copy that pHash misses; leakage across splits names the measure', async () => {
    const [a, turned] = await Promise.all(['a.png', 'a-turned.png'].map((f) => probeImage({ file: path.join(dir, f) })));
    // The premise: hashing cannot see it.
    assert.ok(hammingHex(a.phash!, turned.phash!) > 16, `pHash distance ${hammingHex(a.phash!, turned.phash!)}`);
    const trainFile = path.join(dir, 'train.json'), valFile = path.join(dir, 'val.json');
    fs.writeFileSync(trainFile, JSON.stringify(coco(['a.png', 'b.png'])));
    fs.writeFileSync(valFile, JSON.stringify(coco(['a-turned.png', 'c.png'])));
    const docs = [trainFile, valFile].map((f) => parseCoco(fs.readFileSync(f), { path: f }));
    const hashOnly = await checkDatasetHealth(docs, [trainFile, valFile], { imageRoot: dir });
    assert.equal(hashOnly.groups.length, 0);
    const progress: number[] = [];
    const health = await checkDatasetHealth(docs, [trainFile, valFile], { imageRoot: dir, embedding: { model, threshold: 0.99 }, onEmbeddingProgress: (d) => progress.push(d) });
    assert.deepEqual(progress, [1, 2, 3, 4]);
    assert.equal(health.groups.length, 1);
    const g = health.groups[0];
    assert.equal(g.kind, 'near');
    assert.equal(g.leakage, true);
    assert.equal(g.byEmbeddingOnly, true);
    assert.ok(g.minSimilarity! > 0.9999);
    assert.deepEqual(g.members.map((m) => [m.split, m.index]).sort(), [[0, 0], [1, 0]]);
    const [train, val] = health.files.map((f) => f.problems.filter((p) => p.rule === 'coco/image-leakage'));
    assert.equal(train.length, 1);
    assert.equal(val.length, 1);
    assert.match(train[0].message, /^Leakage: image 1 "a\.png" appears in another split: nearly the same picture as \(embedding cosine similarity ≥ 1\.000\) image 1 "a-turned\.png" in val\.json\.$/);
  });

  it('SimHash pre-filter + exact cosine finds the pairs all-pairs comparison finds', () => {
    let s = 12345;
    const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
    const n = 1200, dim = 32;
    const v = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < dim; k++) v[i * dim + k] = i % 4 === 1 ? v[(i - 1) * dim + k] + 0.08 * rand() : rand();
    }
    normalizeRows(v, dim);
    const exact = similarPairs(v, dim, 0.95, { exactBelow: Infinity }).map((p) => `${p.i},${p.j}`).sort();
    const filtered = similarPairs(v, dim, 0.95, { exactBelow: 0 }).map((p) => `${p.i},${p.j}`).sort();
    assert.ok(exact.length >= 250, `${exact.length} pairs`);
    assert.deepEqual(filtered, exact);
  });

  it('findDuplicates merges embedding links with pHash groups and exact copies', () => {
    const items = [
      { split: 0, index: 0, pixelHash: 'p0', phash: '0000000000000000' },
      { split: 0, index: 1, pixelHash: 'p0', phash: '0000000000000000' }, // exact copy of 0
      { split: 0, index: 2, pixelHash: 'p2', phash: '0000000000000003' }, // pHash-near 0
      { split: 0, index: 3, pixelHash: 'p3', phash: 'ffffffffffffffff' }, // only the model links it to 2
      { split: 0, index: 4, pixelHash: 'p4', phash: 'ffff0000ffff0000' },
    ];
    const groups = findDuplicates(items, { similar: [{ a: 2, b: 3, similarity: 0.97 }, { a: 0, b: 1, similarity: 1 }] });
    const near = groups.find((g) => g.kind === 'near')!;
    assert.deepEqual(near.members.map((m) => m.index).sort(), [0, 1, 2, 3]);
    assert.equal(near.maxDistance, 2);
    assert.equal(near.minSimilarity, 0.97);
    assert.equal(near.byEmbeddingOnly, undefined);
    assert.deepEqual(groups.find((g) => g.kind === 'exact')!.members.map((m) => m.index), [0, 1]);
  });
});

describe('labelscope check --image-health', function () {
  this.timeout(60000);
  let dir: string;
  const run = async (argv: string[]) => {
    let stdout = '', stderr = '';
    const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-check-images-'));
    fs.mkdirSync(path.join(dir, 'pics'));
    await picture(path.join(dir, 'pics', 'ok.png'), ['#c02020', '#2040c0', '#20a040', '#e0c020']);
    fs.copyFileSync(path.join(dir, 'pics', 'ok.png'), path.join(dir, 'pics', 'copy.png'));
    await sharp(path.join(dir, 'pics', 'ok.png')).rotate(180).toFile(path.join(dir, 'pics', 'turned.png'));
    const jpeg = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    fs.writeFileSync(path.join(dir, 'pics', 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await picture(path.join(dir, 'pics', 'big.png'), ['#101010', '#ff3030', '#30ff30', '#3030ff'], 'x="4" y="40" width="88" height="14"');
    const doc = coco(['ok.png', 'copy.png', 'cut.jpg', 'big.png', 'turned.png']);
    doc.images[3].width = 200; // declared 200 × 64, the file is 96 × 64
    fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(doc, null, 2));
    fs.writeFileSync(path.join(dir, 'model.onnx'), meanColourModel());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('without the flag the images are not opened; with it, image rules join the report and the exit status', async () => {
    const plain = await run(['check', path.join(dir, 'data.json'), '--images', path.join(dir, 'pics'), '--format', 'json', '--cache', path.join(dir, 'cache')]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!/coco\/image-(unreadable|size-mismatch|duplicate)/.test(plain.stdout));
    const r = await run(['check', path.join(dir, 'data.json'), '--images', path.join(dir, 'pics'), '--image-health', '--format', 'json', '--cache', path.join(dir, 'cache')]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { problems: { rule: string; message: string; line: number }[]; summary: { errors: number; byRule: Record<string, number> } };
    const rules = report.problems.map((p) => p.rule);
    assert.ok(rules.includes('coco/image-unreadable'), rules.join());
    assert.ok(rules.includes('coco/image-size-mismatch'));
    assert.equal(report.summary.byRule['coco/image-duplicate'], 2);
    assert.equal(report.summary.byRule['coco/image-near-duplicate'], undefined);
    assert.equal(report.summary.errors, 2);
    const mismatch = report.problems.find((p) => p.rule === 'coco/image-size-mismatch')!;
    assert.match(mismatch.message, /"big\.png": declared 200 × 64, but the file is 96 × 64/);
    // The second run is served from the cache (same result).
    const again = await run(['check', path.join(dir, 'data.json'), '--images', path.join(dir, 'pics'), '--image-health', '--format', 'json', '--cache', path.join(dir, 'cache')]);
    assert.deepEqual(JSON.parse(again.stdout).problems, report.problems);
  });

  it('--embedding-model adds the near duplicate hashing misses', async () => {
    const r = await run(['check', path.join(dir, 'data.json'), '--images', path.join(dir, 'pics'), '--image-health', '--embedding-model', path.join(dir, 'model.onnx'), '--embedding-threshold', '0.999', '--format', 'json', '--cache', path.join(dir, 'cache')]);
    const near = (JSON.parse(r.stdout) as { problems: { rule: string; message: string }[] }).problems.filter((p) => p.rule === 'coco/image-near-duplicate');
    assert.equal(near.length, 3, r.stdout); // ok.png (= copy.png) and turned.png
    assert.ok(near.some((p) => /"turned\.png" is a near duplicate: nearly the same picture as \(embedding cosine similarity ≥ 1\.000\)/.test(p.message)), near.map((p) => p.message).join('\n'));
  });

  it('bad flags exit 2 with a reason', async () => {
    const file = path.join(dir, 'data.json');
    assert.match((await run(['check', file, '--embedding-model', 'x.onnx'])).stderr, /need --image-health/);
    assert.match((await run(['check', file, '--image-health', '--no-image-files'])).stderr, /cannot be combined with --no-image-files/);
    assert.match((await run(['check', file, '--image-health', '--embedding-model', path.join(dir, 'nope.onnx')])).stderr, /cannot read embedding model .*nope\.onnx: no such file/);
    const t = await run(['check', file, '--image-health', '--embedding-threshold', '1.5']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--embedding-threshold must be a cosine similarity in \(0, 1\], got "1\.5"/);
  });
});
