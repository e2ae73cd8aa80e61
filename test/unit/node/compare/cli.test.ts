import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main, type CliIo } from '../../../../src/cli/main';

const ROOT = path.resolve(__dirname, '../../../..');

async function cli(argv: string[], cwd?: string) {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const here = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(argv, io);
    return { code, stdout, stderr };
  } finally {
    if (cwd) process.chdir(here);
  }
}

const square = (id: number, image_id: number, category_id: number, x: number, y: number, s = 20) =>
  ({ id, image_id, category_id, bbox: [x, y, s, s], area: s * s, iscrowd: 0, segmentation: [[x, y, x + s, y, x + s, y + s, x, y + s]] });
function coco(annotations: unknown[], images = [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }, { id: 2, file_name: 'b.jpg', width: 100, height: 100 }]) {
  return { images, annotations, categories: [{ id: 1, name: 'car' }, { id: 2, name: 'truck' }] };
}
const BASE = [square(1, 1, 1, 10, 10), square(2, 1, 2, 50, 50), square(3, 2, 1, 0, 0)];

describe('labelscope agree / diff (CLI)', function () {
  let dir: string;
  const file = (name: string, value: unknown) => { const p = path.join(dir, name); fs.writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value)); return p; };
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-compare-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('agree: a file against itself is perfect (exit 0, kappa 1, F1 1, no conflicts)', async () => {
    const a = file('a.json', coco(BASE));
    const r = await cli(['agree', a, a, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.kappa.kappa, 1);
    assert.equal(j.kappa.pairs, 3);
    assert.equal(j.overall.f1, 1);
    assert.deepEqual(j.conflicts, []);
  });

  it('agree: the sample (with its deliberate defects) against itself is perfect too', async () => {
    const sample = path.join(ROOT, 'sample/annotations/instances_sample.json');
    const r = await cli(['agree', sample, sample, '--format', 'json']);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000));
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.kappa.kappa, j.overall.f1, j.overall.countA, j.conflicts.length], [1, 1, 13, 0]);
  });

  it('agree: conflicts give exit 1 and a readable text report', async () => {
    const a = file('a.json', coco(BASE));
    const b = file('b.json', coco([square(1, 1, 2, 10, 10), square(3, 2, 1, 2, 0)]));
    const r = await cli(['agree', a, b, '--low-overlap', '0.9']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /conflicts: 3 \(missing_annotation 1, extra_annotation 0, mismatching_label 1, low_overlap 1, mismatching_attributes 0\)/);
    assert.match(r.stdout, /error\s+mismatching_label\s+a\.jpg: B labels it truck, A car \(IoU 1\.00\)/);
    const md = await cli(['agree', a, b, '--format', 'md']);
    assert.match(md.stdout, /^## Agreement of `.*b\.json` against `.*a\.json`/);
  });

  it('bad input: exit 2 naming the file, line and column; bad flags: exit 2', async () => {
    const a = file('a.json', coco(BASE));
    const bad = file('bad.json', '{\n  "images": [1,,]\n}');
    const r = await cli(['agree', a, bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.json:2:\d+: not valid JSON/);
    assert.equal((await cli(['agree', a, path.join(dir, 'nope.json')])).code, 2);
    assert.match((await cli(['agree', a, a, '--iou', '2'])).stderr, /--iou must be a number from 0 to 1/);
    assert.equal((await cli(['diff', a])).code, 2);
  });

  it('diff OLD NEW: summary line and changes', async () => {
    const a = file('old.json', coco(BASE));
    const b = file('new.json', coco([square(1, 1, 1, 12, 10), square(2, 1, 1, 50, 50), square(4, 2, 2, 60, 60)]));
    const r = await cli(['diff', a, b]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /new\.json: \+1 −1 ~2 annotations on 2 images\n/);
    assert.match(r.stdout, /~ annotation 1: moved \(IoU 0\.82\)/);
    assert.match(r.stdout, /~ annotation 2: relabelled truck → car/);
    const j = JSON.parse((await cli(['diff', a, b, '--format', 'json'])).stdout);
    assert.equal(j.summary.annotationsChanged, 2);
  });

  describe('in a git repository', function () {
    // git starts the CLI from source through tsx (a few seconds each on a busy machine).
    this.timeout(120_000);
    let repo: string, target: string;
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    before(() => {
      repo = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-git-'));
      fs.mkdirSync(path.join(repo, 'annotations'));
      target = path.join(repo, 'annotations', 'instances.json');
      git('init', '-q');
      fs.writeFileSync(target, JSON.stringify(coco(BASE)));
      git('add', '.');
      git('commit', '-qm', 'v1');
      const v2 = coco([...BASE]);
      (v2.categories[1] as { name: string }).name = 'lorry';
      v2.annotations.push(square(9, 2, 2, 70, 70));
      fs.writeFileSync(target, JSON.stringify(v2));
      git('commit', '-qam', 'v2');
      const v3 = coco(BASE.filter((a) => a.id !== 3));
      fs.writeFileSync(target, JSON.stringify(v3)); // working tree, not committed
    });
    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it('diff REV -- path: the revision against the working tree (path relative to where you stand)', async () => {
      const r = await cli(['diff', 'HEAD', '--', 'instances.json'], path.join(repo, 'annotations'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^instances\.json: \+0 −2 ~0 annotations on 1 image; 1 category renamed\n/);
    });

    it('diff REV1 REV2 -- path', async () => {
      const r = await cli(['diff', 'HEAD~1', 'HEAD', '--', path.join(repo, 'annotations', 'instances.json')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /: \+1 −0 ~0 annotations on 1 image; 1 category renamed\n/);
      assert.match(r.stdout, /category 2: renamed "truck" → "lorry"/);
      const bad = await cli(['diff', 'no-such-rev', '--', target]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /labelscope diff: .*no-such-rev/);
    });

    // git runs the CLI from source through tsx's loader (dist/ need not be built for unit tests).
    const labelscope = () => `"${process.execPath}" --import "${pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href}" "${path.join(ROOT, 'src/cli/main.ts')}"`;

    it('as git\'s external diff driver (diff.<driver>.command with .gitattributes)', () => {
      fs.writeFileSync(path.join(repo, '.gitattributes'), '*.json diff=coco\n');
      const out = git('-c', `diff.coco.command=${labelscope()} diff`, 'diff', 'HEAD~1', 'HEAD');
      assert.match(out, /^labelscope diff a\/annotations\/instances\.json b\/annotations\/instances\.json\n/);
      assert.match(out, /annotations\/instances\.json: \+1 −0 ~0 annotations on 1 image; 1 category renamed\n/);
      // GIT_EXTERNAL_DIFF works the same way, and also for the uncommitted working tree
      const wt = execFileSync('git', ['diff'], { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_EXTERNAL_DIFF: `${labelscope()} diff` } });
      assert.match(wt, /\+0 −2 ~0 annotations on 1 image/);
    });

    it('as textconv: git diff shows changed objects as lines', () => {
      const out = git('-c', `diff.coco.textconv=${labelscope()} diff --textconv`, 'diff', 'HEAD~1', 'HEAD');
      assert.match(out, /^-category 2 truck$/m);
      assert.match(out, /^\+category 2 lorry$/m);
      assert.match(out, /^\+annotation 9 image 2 lorry bbox \[70, 70, 20, 20\] area 400 polygons 1\/4pts #[0-9a-f]{8}$/m);
    });
  });
});
