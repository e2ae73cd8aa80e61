/**
 * Inputs too big for one string or one readFileSync: any JSON read from its bytes in pieces
 * (core/convert/jsonBytes: Label Studio exports over V8's ~512 MiB string limit), and files of
 * 2 GiB and more read in chunks (diskTree.readFileBytes). Neither size can be written in a test's
 * time, so the tests lower the thresholds: the pieces and chunks must give exactly what
 * JSON.parse and readFileSync give, and bad JSON must be refused with its file, line and column.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeBinary } from '@thi.ng/rle-pack/binary';
import { readCoco } from '../../../../src/core/convert/coco';
import { jsonFromBytes } from '../../../../src/core/convert/jsonBytes';
import { readLabelStudio } from '../../../../src/core/convert/labelStudio';
import { ConvertLog } from '../../../../src/core/convert/model';
import { diskTree, readFileBytes } from '../../../../src/node/convert/diskTree';
import { readInput } from '../../../../src/node/convert/runConvert';
import { makeDataset } from '../../core/convert/data';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random JSON: nesting, unicode and escaped strings, every kind of number and literal. */
function randomJson(rand: () => number, depth = 0): unknown {
  const r = rand();
  if (depth < 4 && r < 0.25) return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
  if (depth < 4 && r < 0.5) {
    const o: Record<string, unknown> = {};
    for (let k = 0; k < Math.floor(rand() * 5); k++) o[['a', 'b', 'ключ', 'x"y', 'π\n', '__proto__'][Math.floor(rand() * 6)]] = randomJson(rand, depth + 1);
    return o;
  }
  if (r < 0.65) return ['', 'plain', 'ünïcödé ✓', 'emoji 🚲', 'quote " backslash \\ tab \t', '\u0001'][Math.floor(rand() * 6)];
  if (r < 0.85) return [0, -0.5, 1e21, 123456789012, 3.14159, -7][Math.floor(rand() * 6)];
  return [true, false, null][Math.floor(rand() * 3)];
}

/** Labelscope's output is what JSON.parse gives; pretty-printing and spacing don't matter. */
function assertSameAsJsonParse(text: string, pieceBytes: number, what: string): void {
  const ours = jsonFromBytes(Buffer.from(text), 'f.json', { pieceBytes });
  assert.deepEqual(ours, JSON.parse(text), what);
}

describe('JSON read from bytes in pieces (jsonFromBytes)', () => {
  it('gives what JSON.parse gives, whatever the piece size, on 600 random documents', () => {
    const rand = mulberry32(4);
    for (let k = 0; k < 600; k++) {
      const value = randomJson(rand);
      const text = k % 3 === 0 ? JSON.stringify(value, null, 2) : k % 3 === 1 ? JSON.stringify(value) : ` \n${JSON.stringify(value)}\r\n `;
      for (const pieceBytes of [0, 1, 8, 64, 1 << 20]) assertSameAsJsonParse(text, pieceBytes, `doc ${k}, pieces ${pieceBytes}`);
    }
  });

  it('repeated keys keep their last value and "__proto__" stays an own property, as in JSON.parse', () => {
    const text = '{"a": 1, "a": [2], "__proto__": {"polluted": true}, "b": {"a": 3, "a": 4}}';
    const ours = jsonFromBytes(Buffer.from(text), 'f.json', { pieceBytes: 0 }) as Record<string, unknown>;
    assert.deepEqual(ours, JSON.parse(text));
    assert.equal(Object.getPrototypeOf(ours), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('bad JSON is refused with the file, line and column of the first error, at any piece size', () => {
    const cases: [string, number, number][] = [
      ['[\n  {"a": 1},\n  {"a": 2,}\n]', 3, 11], // trailing comma in an object
      ['[\n  {"a": 1}\n  {"a": 2}\n]', 3, 3], // a missing comma between elements
      ['[1, 2,\n]', 2, 1], // trailing comma in the array
      ['{"tasks": [1, 2], "x": NaN}', 1, 24], // not JSON (JSON.parse refuses it too)
      ['[{"a": "ü\u0001"}]', 1, 10], // a control character in a string
      ['[1, 2', 1, 6], // cut short
      ['[1] [2]', 1, 5], // two values
      ['', 1, 1],
    ];
    for (const [text, line, col] of cases) {
      assert.throws(() => JSON.parse(text));
      for (const pieceBytes of [0, 4, 1 << 20]) {
        assert.throws(() => jsonFromBytes(Buffer.from(text), 'export.json', { pieceBytes }), (e: Error) => {
          assert.match(e.message, new RegExp(`^export\\.json:${line}:${col}: not valid JSON \\(.+\\)$`), `${JSON.stringify(text)} pieces ${pieceBytes}: ${e.message}`);
          return true;
        });
      }
    }
  });
});

describe('Label Studio and COCO inputs too big for one string or one read', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-bigjson-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function labelStudioExport(): unknown[] {
    const W = 10, H = 5;
    const rgba = new Uint8Array(W * H * 4);
    for (const [x, y] of [[2, 1], [3, 1], [2, 2]]) rgba.fill(255, (y * W + x) * 4, (y * W + x) * 4 + 4);
    const rle = Array.from(encodeBinary(rgba, rgba.length, 8));
    return Array.from({ length: 40 }, (_, i) => ({ id: i + 1, data: { image: `/data/local-files/?d=imgs%2F${i}.jpg` }, annotations: [{ result: [
      { type: 'rectanglelabels', original_width: W, original_height: H, value: { x: 10, y: 20, width: 50, height: 40, rotation: i % 2 ? 90 : 0, rectanglelabels: ['car'] } },
      { type: 'polygonlabels', original_width: W, original_height: H, value: { points: [[0, 0], [50, 0], [50, 100]], polygonlabels: ['road ü'] } },
      { type: 'brushlabels', original_width: W, original_height: H, value: { format: 'rle', rle, brushlabels: ['car'] } },
    ] }] }));
  }

  it('a Label Studio export read from its bytes (and in chunks) is the one read as a string', () => {
    const file = path.join(dir, 'export.json');
    fs.writeFileSync(file, JSON.stringify(labelStudioExport(), null, 1));
    const viaString = readLabelStudio(diskTree(file), new ConvertLog());
    const viaBytes = readLabelStudio(diskTree(file, { jsonAsBytesFrom: 0 }), new ConvertLog());
    const viaChunks = readLabelStudio(diskTree(file, { jsonAsBytesFrom: 0, readInChunksFrom: 0, readChunkBytes: 1000 }), new ConvertLog());
    assert.equal(viaString.annotations.length, 120);
    assert.deepEqual(viaBytes, viaString);
    assert.deepEqual(viaChunks, viaString);
  });

  it('a broken Label Studio export is counted as dropped with its file, line and column, on both paths', async () => {
    const file = path.join(dir, 'export.json');
    const text = JSON.stringify(labelStudioExport(), null, 1).replace('"rotation": 90', '"rotation": 90,');
    fs.writeFileSync(file, text);
    const lineNo = text.slice(0, text.indexOf('"rotation": 90,')).split('\n').length;
    for (const jsonAsBytesFrom of [0, undefined]) {
      const log = new ConvertLog();
      const ds = readLabelStudio(diskTree(file, { jsonAsBytesFrom }), log);
      assert.equal(ds.annotations.length, 0);
      const dropped = log.entries().find((g) => g.reason === 'file-invalid');
      assert.equal(dropped?.count, 1);
      assert.match(dropped!.examples[0].message, new RegExp(`^export\\.json:${lineNo}:\\d+: not valid JSON`), `bytes from ${jsonAsBytesFrom}: ${dropped!.examples[0].message}`);
    }
    // and the CLI's reader says the same through readInput
    const log = new ConvertLog();
    await readInput(file, 'labelstudio', log);
    assert.match(log.entries().find((g) => g.reason === 'file-invalid')!.examples[0].message, /^export\.json:\d+:\d+: not valid JSON/);
  });

  it('files read in chunks (as those of 2 GiB and more are) are byte for byte readFileSync\'s', () => {
    const file = path.join(dir, 'blob.bin');
    const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 7919) & 0xff));
    fs.writeFileSync(file, data);
    for (const chunkBytes of [1, 4096, 65_536, 1 << 20]) assert.ok(readFileBytes(file, { chunksFrom: 0, chunkBytes }).equals(data), `chunks of ${chunkBytes}`);
    assert.ok(readFileBytes(file).equals(data));
    // a COCO file through the chunked read and the bytes parser: the same dataset
    const coco = path.join(dir, 'instances.json');
    fs.writeFileSync(coco, JSON.stringify(makeDataset()));
    assert.deepEqual(readCoco(diskTree(coco, { jsonAsBytesFrom: 0, readInChunksFrom: 0, readChunkBytes: 333 }), new ConvertLog()), readCoco(diskTree(coco), new ConvertLog()));
  });
});
