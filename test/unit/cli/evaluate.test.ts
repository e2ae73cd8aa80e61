/** `labelscope evaluate`: pycocotools' summary lines, JSON fields, exit codes, and the worker path. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import { evaluateFiles } from '../../../src/node/eval/runEval';

const FIX = path.resolve(__dirname, '../../fixtures/eval-oracle');
const input = (f: string) => path.join(FIX, 'inputs', f);
const expected = (run: string) => JSON.parse(fs.readFileSync(path.join(FIX, 'expected', `${run}.json`), 'utf8')) as { stats: number[]; summary: string };

async function cli(argv: string[]) {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('labelscope evaluate', () => {
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-eval-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('text: starts with the lines pycocotools prints, then the per-class table', async () => {
    const r = await cli(['evaluate', input('segm.gt.json'), input('segm.dt.json'), '--iou-type', 'segm', '--threads', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(expected('segm').summary), r.stdout.slice(0, 400));
    assert.match(r.stdout, /Per class .*\n\s+id\s+class\s+GT\s+dets\s+AP/);
  });

  it('json: the 12 numbers under their names, per category, warnings with file positions', async () => {
    const r = await cli(['evaluate', '--gt', input('bbox.gt.json'), '--dt', input('bbox.dt.json'), '--format', 'json', '--threads', '0']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const keys = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];
    assert.deepEqual(keys.map((k) => j[k]), expected('bbox').stats);
    assert.equal(j.perCategory.length, 6);
    assert.equal(j.perCategory[5].AP, -1); // class6: detections, no ground truth
    const zero = j.warnings.find((w: { rule: string }) => w.rule === 'eval/gt-id-zero');
    assert.equal(zero.line, 1);
    assert.ok(zero.column > 1);
  });

  it('`labelscope eval --gt … --dt … --per-class` (the spelling the issue announced) gives the same JSON as evaluate', async () => {
    const args = ['--gt', input('bbox.gt.json'), '--dt', input('bbox.dt.json'), '--format', 'json', '--threads', '0'];
    const a = await cli(['eval', ...args, '--per-class']);
    const b = await cli(['evaluate', ...args]);
    assert.equal(a.code, 0, a.stderr);
    const strip = (t: string) => { const j = JSON.parse(t); delete j.durationMs; return j; };
    assert.deepEqual(strip(a.stdout), strip(b.stdout));
    assert.equal(JSON.parse(a.stdout).AP, expected('bbox').stats[0]);
  });

  it('keypoints with custom sigmas; Markdown output', async () => {
    const r = await cli(['evaluate', input('keypoints-custom.gt.json'), input('keypoints-custom.dt.json'), '--iou-type', 'keypoints', '--kpt-sigmas', '0.05,0.1,0.02,0.07', '--format', 'md']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\| AP \\| 0.50:0.95 \\| all \\| 20 \\| ${expected('keypoints-custom').stats[0].toFixed(3)} \\|`));
  });

  it('a COCO file with scores as predictions gives the same numbers as the results list', async () => {
    const gt = JSON.parse(fs.readFileSync(input('bbox.gt.json'), 'utf8'));
    const dets = JSON.parse(fs.readFileSync(input('bbox.dt.json'), 'utf8')) as object[];
    const asCoco = { ...gt, annotations: dets.map((d, i) => ({ id: 5000 + i, iscrowd: 0, ...d })) };
    const f = path.join(tmp, 'preds.coco.json');
    fs.writeFileSync(f, JSON.stringify(asCoco));
    const r = await cli(['evaluate', input('bbox.gt.json'), f, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).stats, expected('bbox').stats);
  });

  it('exit 1 when results pycocotools would refuse are left out; 2 for a missing file or a bad flag', async () => {
    const dets = JSON.parse(fs.readFileSync(input('bbox.dt.json'), 'utf8')) as { image_id: number }[];
    dets.push({ ...dets[0], image_id: 424242 });
    const f = path.join(tmp, 'unknown-image.json');
    fs.writeFileSync(f, JSON.stringify(dets));
    const r = await cli(['evaluate', input('bbox.gt.json'), f]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /unknown-image\.json: error result 334 is on image_id 424242.*\[eval\/result-unknown-image\] \(\$\[334\]\)/);
    assert.equal((await cli(['evaluate', input('bbox.gt.json'), path.join(tmp, 'nope.json')])).code, 2);
    assert.equal((await cli(['evaluate', input('bbox.gt.json'), input('bbox.dt.json'), '--iou-type', 'mask'])).code, 2);
    assert.equal((await cli(['evaluate', input('bbox.gt.json')])).code, 2);
  });

  it('worker threads split by image ranges give the very same numbers', async () => {
    const one = await evaluateFiles(input('segm.gt.json'), input('segm.dt.json'), { iouType: 'segm', threads: 0 });
    const three = await evaluateFiles(input('segm.gt.json'), input('segm.dt.json'), { iouType: 'segm', threads: 3, minWorkForThreads: 0 });
    assert.equal(one.threads, 0);
    assert.equal(three.threads, 3);
    assert.deepEqual(three.result.stats, one.result.stats);
    assert.deepEqual(three.result.stats, expected('segm').stats);
    assert.deepEqual([...three.result.accumulated.precision], [...one.result.accumulated.precision]);
    assert.deepEqual(three.result.analysis.confusion, one.result.analysis.confusion);
  });

  it('cancelling stops the workers and rejects', async () => {
    const ac = new AbortController();
    await assert.rejects(evaluateFiles(input('segm.gt.json'), input('segm.dt.json'), {
      iouType: 'segm', threads: 2, minWorkForThreads: 0, signal: ac.signal,
      onProgress: (phase) => { if (phase === 'evaluating') ac.abort(); },
    }));
  });
});
