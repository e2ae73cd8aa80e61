import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { main, type CliIo } from '../../../../src/cli/main';
import { headerSize } from '../../../../src/node/convert/diskTree';
import { makeDataset } from '../../core/convert/data';

async function cli(argv: string[]) {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('labelscope convert (CLI, real files)', function () {
  this.timeout(60000);
  let dir: string;
  let coco: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-convert-'));
    const ds = makeDataset();
    fs.mkdirSync(path.join(dir, 'src', 'images', 'sub'), { recursive: true });
    for (const img of ds.images) {
      const file = path.join(dir, 'src', 'images', img.file_name);
      await sharp({ create: { width: img.width, height: img.height, channels: 3, background: '#336699' } }).toFile(file);
    }
    coco = path.join(dir, 'src', 'instances.json');
    fs.writeFileSync(coco, JSON.stringify(ds));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('COCO → YOLO-seg: labels, data.yaml, hard-linked images, the report; back to COCO detected from the folder', async () => {
    const out = path.join(dir, 'yolo');
    const r = await cli(['convert', coco, out, '--to', 'yolo-seg', '--images', path.join(dir, 'src', 'images'), '--report', path.join(dir, 'report.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /coco → yolo-seg: 3 images, 7 objects in, 7 out; 0 dropped/);
    assert.ok(fs.existsSync(path.join(out, 'data.yaml')));
    assert.equal(fs.readFileSync(path.join(out, 'labels', 'train', 'a.txt'), 'utf8').trim().split('\n').length, 4);
    assert.equal(fs.statSync(path.join(out, 'images', 'train', 'b.png')).nlink, 2, 'hard link by default');
    const md = fs.readFileSync(path.join(out, 'conversion-report.md'), 'utf8');
    assert.match(md, /# Conversion report: coco → yolo-seg/);
    assert.match(md, /`holes-lost` \| 1 \|/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    assert.equal(json.roundTrip.objects, 7);

    const back = path.join(dir, 'back.json');
    const r2 = await cli(['convert', out, back, '--to', 'coco']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stdout, /^yolo → coco: 3 images, 7 objects in, 7 out/);
    const ds = JSON.parse(fs.readFileSync(back, 'utf8'));
    assert.equal(ds.annotations.length, 7);
    assert.deepEqual(ds.categories.map((c: { name: string }) => c.name), ['cat', 'dog', 'person']);
    assert.ok(ds.annotations.every((a: { id: number }) => a.id > 0));
    // the images stay in the YOLO folder; the COCO file names them relative to itself
    for (const img of ds.images) assert.ok(fs.existsSync(path.join(dir, img.file_name)), img.file_name);
  });

  it('refuses an existing output without --force (exit 2), writes with it', async () => {
    const out = path.join(dir, 'exists.json');
    fs.writeFileSync(out, '{}');
    const r = await cli(['convert', coco, out, '--to', 'coco']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /exists\.json exists; use --force/);
    assert.equal(fs.readFileSync(out, 'utf8'), '{}');
    const r2 = await cli(['convert', coco, out, '--to', 'coco', '--force']);
    assert.equal(r2.code, 0, r2.stderr);
  });

  it('unreadable or unknown input: exit 2 naming the file', async () => {
    const r = await cli(['convert', path.join(dir, 'nope'), path.join(dir, 'o'), '--to', 'coco']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read .*nope: no such file/);
    const junk = path.join(dir, 'junk');
    fs.mkdirSync(junk);
    fs.writeFileSync(path.join(junk, 'notes.txt'), 'hello');
    const r2 = await cli(['convert', junk, path.join(dir, 'o2'), '--to', 'coco']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /junk: not a dataset Labelscope can read/);
    const r3 = await cli(['convert', coco, path.join(dir, 'o3'), '--to', 'pdf']);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /--to must be one of/);
  });

  it('objects dropped (class map drops a class): exit 1 and the count in the report', async () => {
    const map = path.join(dir, 'map.json');
    fs.writeFileSync(map, JSON.stringify({ dog: null, cat: 'feline' }));
    const out = path.join(dir, 'mapped');
    const r = await cli(['convert', coco, out, '--to', 'yolo', '--classes', map, '--crowd', 'box']);
    assert.equal(r.code, 1, r.stderr);
    const md = fs.readFileSync(path.join(out, 'conversion-report.md'), 'utf8');
    assert.match(md, /`class-dropped` \| 2 \|/);
    assert.match(md, /\| cat \| 4 \| 0 \|\n\| dog \| 2 \| 0 \|\n\| person \| 1 \| 1 \|\n\| feline \| 0 \| 4 \|/);
    assert.match(md, /objects in: 7; objects out: 5/);
  });
});

describe('image sizes without sharp (a VSIX packed without its binaries)', () => {
  it('PNG and JPEG headers give the size sharp gives', async () => {
    for (const fmt of ['png', 'jpeg'] as const) {
      const buf = await sharp({ create: { width: 37, height: 23, channels: 3, background: '#123456' } })[fmt]().toBuffer();
      assert.deepEqual(headerSize(buf), { width: 37, height: 23 }, fmt);
    }
    assert.equal(headerSize(Buffer.from('GIF89a')), undefined);
  });
});
