/**
 * Conversion off the calling thread (what Convert Dataset… runs): the worker's result equals the
 * in-process one, and cancel — in the worker or in process, at any phase — leaves no output and
 * no staging folder behind.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runConvertInWorker } from '../../../../src/node/convert/convertInWorker';
import { commitStaged, runConvert } from '../../../../src/node/convert/runConvert';
import { makeDataset } from '../../core/convert/data';

const SCRIPT = { filename: path.join(__dirname, '../../../../src/node/convert/convertWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r); else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

describe('conversion in a worker thread, cancel without partial output', function () {
  this.timeout(120000);
  let dir: string;
  let input: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-convert-worker-'));
    input = path.join(dir, 'instances.json');
    fs.writeFileSync(input, JSON.stringify(makeDataset()));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the worker writes what runConvert writes in process, with progress', async () => {
    const phases: string[] = [];
    const r = await runConvertInWorker(SCRIPT, { input, output: path.join(dir, 'w'), to: 'yolo-seg', onProgress: (p) => phases.push(p) });
    const local = await runConvert({ input, output: path.join(dir, 'l'), to: 'yolo-seg' });
    assert.equal(r.report.objectsOut, local.report.objectsOut);
    assert.deepEqual(tree(path.join(dir, 'w')), tree(path.join(dir, 'l')));
    for (const f of tree(path.join(dir, 'l')).filter((f) => f.endsWith('.txt'))) {
      assert.equal(fs.readFileSync(path.join(dir, 'w', f), 'utf8'), fs.readFileSync(path.join(dir, 'l', f), 'utf8'), f);
    }
    assert.ok(phases.includes('writing') && phases.includes('done'), phases.join(', '));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['instances.json', 'l', 'w'], 'no staging folder left');
  });

  for (const phase of ['reading coco', 'writing']) {
    it(`cancel at "${phase}" (worker terminated): no output, no staging folder`, async () => {
      const abort = new AbortController();
      const out = path.join(dir, 'out');
      const run = runConvertInWorker(SCRIPT, { input, output: out, to: 'yolo-seg', signal: abort.signal, onProgress: (p) => { if (p === phase) abort.abort(); } });
      await assert.rejects(run, (e: Error) => e.name === 'AbortError');
      assert.deepEqual(fs.readdirSync(dir), ['instances.json']);
    });
  }

  it('cancel in process during writing: no output, no staging folder', async () => {
    const abort = new AbortController();
    const run = runConvert({ input, output: path.join(dir, 'out'), to: 'voc', signal: abort.signal, onProgress: (p) => { if (p === 'writing') abort.abort(); } });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(fs.readdirSync(dir), ['instances.json']);
  });

  it('a failed write leaves nothing: the output folder\'s parent is a file', async () => {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    await assert.rejects(runConvert({ input, output: path.join(dir, 'file', 'out'), to: 'yolo-seg' }), /Cannot write/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['file', 'instances.json']);
  });

  it('--force into a folder with other files: replaces same-named files, keeps the rest', async () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, 'labels', 'train'), { recursive: true });
    fs.writeFileSync(path.join(out, 'notes.md'), 'mine');
    fs.writeFileSync(path.join(out, 'labels', 'train', 'a.txt'), 'stale');
    await runConvert({ input, output: out, to: 'yolo-seg', force: true });
    assert.equal(fs.readFileSync(path.join(out, 'notes.md'), 'utf8'), 'mine');
    assert.notEqual(fs.readFileSync(path.join(out, 'labels', 'train', 'a.txt'), 'utf8'), 'stale');
    assert.ok(fs.existsSync(path.join(out, 'data.yaml')));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['instances.json', 'out']);
  });

  it('commitStaged: a new output folder is one rename', () => {
    const staging = path.join(dir, '.stage');
    fs.mkdirSync(path.join(staging, 'x'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'x', 'f'), '1');
    commitStaged(staging, path.join(dir, 'new'));
    assert.deepEqual(tree(path.join(dir, 'new')), ['x/f']);
    assert.ok(!fs.existsSync(staging));
  });
});
