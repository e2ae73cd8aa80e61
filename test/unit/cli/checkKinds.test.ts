/** `labelscope check` on the kinds of COCO file: --gt, "kind" in JSON and SARIF, .labelscope.json "kinds", real tool output. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import { SHARED_FIXTURES, requireSharedFixtures } from '../../sharedFixtures';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const gt = {
  info: {}, licenses: [],
  images: [{ id: 1, file_name: '1.jpg', width: 640, height: 480 }],
  annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0 }],
  categories: [{ id: 1, name: 'cat', supercategory: 'animal' }],
};

describe('CLI check: kinds of file', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-kinds-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown) => { const f = path.join(dir, name); fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, JSON.stringify(value, null, 1)); return f; };

  it('a results list: exit 0 alone, exit 1 with --gt when an image_id is unknown; "kind" in the JSON summary', async () => {
    const gtFile = write('gt.json', gt);
    const res = write('dets.json', [{ image_id: 1, category_id: 1, bbox: [10, 20, 30, 40], score: 0.9 }, { image_id: 7, category_id: 1, bbox: [1, 1, 5, 5], score: 0.3 }]);
    const alone = await cli(['check', res, '--format', 'json', '--no-image-files']);
    assert.equal(alone.code, 0, alone.stdout);
    assert.equal(JSON.parse(alone.stdout).summary.kind, 'results');
    const withGt = await cli(['check', res, '--gt', gtFile, '--format', 'json', '--no-image-files']);
    assert.equal(withGt.code, 1);
    const report = JSON.parse(withGt.stdout);
    const text = fs.readFileSync(res, 'utf8');
    const line = text.slice(0, text.indexOf('"image_id": 7')).split('\n').length;
    assert.deepEqual(report.problems.map((p: { rule: string; jsonPath: string; line: number }) => [p.rule, p.jsonPath, p.line]), [['coco/result-unknown-image', '$[1].image_id', line]]);
    const missing = await cli(['check', res, '--gt', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read ground truth .*nope\.json: no such file/);
  });

  it('SARIF carries the kind in the run properties', async () => {
    const f = write('captions_val.json', { info: {}, licenses: [], images: gt.images, annotations: [{ id: 1, image_id: 1, caption: 'A cat.' }] });
    const r = await cli(['check', f, '--format', 'sarif', '--no-image-files']);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).runs[0].properties, { kind: 'captions', kindSource: 'content' });
  });

  it('.labelscope.json "kinds" forces the kind of matching files', async () => {
    const sub = path.join(dir, 'forced');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, '.labelscope.json'), JSON.stringify({ kinds: { 'preds/*.json': 'results' } }));
    // A results list by content too: kindSource says the config decided.
    const f = path.join(sub, 'preds', 'a.json');
    fs.mkdirSync(path.dirname(f));
    fs.writeFileSync(f, JSON.stringify([{ image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 }]));
    const r = await cli(['check', f, '--format', 'json', '--no-image-files']);
    assert.deepEqual([JSON.parse(r.stdout).summary.kind, JSON.parse(r.stdout).summary.kindSource], ['results', 'config']);
  });

  it('a labelme file: exit 1 with one clear "not a COCO file" error', async () => {
    const f = write('img1.json', { version: '5.4.1', flags: {}, shapes: [], imagePath: 'img1.jpg', imageData: null, imageHeight: 10, imageWidth: 10 });
    const r = await cli(['check', f, '--format', 'json', '--no-image-files']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.summary.kind, 'not-coco');
    assert.deepEqual(report.problems.map((p: { rule: string }) => p.rule), ['coco/not-coco-file']);
  });

  describe("labelme's own COCO output (../shared/fixtures)", function () {
    const file = path.join(SHARED_FIXTURES, 'labelme', 'instance_segmentation', 'data_dataset_coco', 'annotations.json');
    before(function () { requireSharedFixtures(this); });

    it('does not fail CI (no errors: supercategory null is a warning), and its true findings remain', async () => {
      const r = await cli(['check', file, '--format', 'json']);
      const report = JSON.parse(r.stdout);
      assert.equal(r.code, 0, report.problems.filter((p: { severity: string }) => p.severity === 'error').map((p: { message: string }) => p.message).join('\n'));
      assert.equal(report.summary.kind, 'instances');
      assert.equal(report.summary.errors, 0);
      const by = report.summary.byRule as Record<string, number>;
      // True findings: annotation id 0 (COCOeval's "unmatched"), two self-touching polygons, labelme's _background_ class 0.
      assert.equal(by['coco/annotation-id-zero'], 1);
      assert.equal(by['coco/polygon-self-intersecting'], 2);
      assert.equal(by['coco/category-ids-not-contiguous'], 1);
      assert.ok(by['coco/optional-field-wrong-type'] > 0, 'supercategory null is still mentioned, as a warning');
      assert.equal(by['coco/wrong-type'], undefined, 'supercategory null is no wrong-type error');
      const hint = report.problems.find((p: { rule: string }) => p.rule === 'coco/category-ids-not-contiguous');
      assert.match(hint.message, /"_background_": labelme's background class\?/);
    });
  });
});
