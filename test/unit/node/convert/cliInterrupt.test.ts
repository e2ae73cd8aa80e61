/**
 * `labelscope convert` stopped by Ctrl-C (SIGINT) or SIGTERM, as a user stops it: the CLI runs in
 * its own process on an input big enough for progress lines, and the signal is sent when a given
 * phase shows on stderr. It must exit 130, leave no hidden staging folder beside the output, and
 * leave the output folder exactly as it was (here, with `--force`, a folder with files in it).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

/** A COCO file over the CLI's 20 MB progress threshold: 25,000 images, two polygons each. */
function writeBigCoco(file: string): void {
  const images: string[] = [], annotations: string[] = [];
  let id = 0;
  for (let i = 1; i <= 25_000; i++) {
    images.push(`{"id":${i},"file_name":"img_${String(i).padStart(6, '0')}.jpg","width":640,"height":480}`);
    for (let k = 0; k < 2; k++) {
      const cx = 100 + ((i * 37 + k * 200) % 400), cy = 100 + ((i * 53 + k * 150) % 280);
      const poly: string[] = [];
      for (let v = 0; v < 20; v++) {
        const a = (v / 20) * 2 * Math.PI;
        poly.push((cx + 40 * Math.cos(a)).toFixed(2), (cy + 30 * Math.sin(a)).toFixed(2));
      }
      annotations.push(`{"id":${++id},"image_id":${i},"category_id":${1 + (id % 3)},"segmentation":[[${poly.join(',')}]],"bbox":[${cx - 40},${cy - 30},80,60],"area":3770,"iscrowd":0}`);
    }
  }
  fs.writeFileSync(file, `{"images":[${images.join(',')}],"annotations":[${annotations.join(',')}],"categories":[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"}]}`);
}

/** Every file under `dir` with its content (the output folder's state). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

/** Runs the CLI and sends `signal` once stderr shows `phase`; resolves with its exit status and stderr. */
function convertAndInterrupt(args: string[], phase: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; sent: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'cli', 'main.ts'), 'convert', ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '', sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (!sent && phase.test(stderr)) { sent = true; child.kill(signal); }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, sent }));
  });
}

describe('labelscope convert interrupted (SIGINT / SIGTERM)', function () {
  this.timeout(300000);
  let dir: string, input: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-interrupt-'));
    input = path.join(dir, 'instances.json');
    writeBigCoco(input);
    assert.ok(fs.statSync(input).size > 20 * 1024 * 1024, 'big enough for progress lines');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const leftovers = () => fs.readdirSync(dir).filter((f) => f.includes('labelscope-partial'));

  for (const [signal, phase] of [['SIGINT', /labelscope: writing/], ['SIGTERM', /labelscope: converting to yolo-seg/]] as const) {
    it(`${signal} at "${phase.source.replace('labelscope: ', '')}": exit 130, no staging folder, the output folder unchanged`, async () => {
      const out = path.join(dir, `out-${signal}`);
      fs.mkdirSync(path.join(out, 'labels', 'train'), { recursive: true });
      fs.writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
      fs.writeFileSync(path.join(out, 'labels', 'train', 'img_000001.txt'), 'an older label file\n');
      const before = snapshot(out);
      const r = await convertAndInterrupt([input, out, '--to', 'yolo-seg', '--force', '--no-round-trip'], phase, signal);
      assert.ok(r.sent, `the phase never showed: ${r.stderr}`);
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, new RegExp(`interrupted \\(${signal}\\); .* was left as it was`));
      assert.deepEqual(leftovers(), []);
      assert.deepEqual(snapshot(out), before);
    });
  }

  it('uninterrupted, the same command writes the output (the input converts)', async () => {
    const out = path.join(dir, 'out-complete');
    const r = await convertAndInterrupt([input, out, '--to', 'yolo-seg', '--no-round-trip'], /a phase that never shows/, 'SIGINT');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readdirSync(path.join(out, 'labels', 'train')).length, 25_000);
    assert.deepEqual(leftovers(), []);
  });
});
