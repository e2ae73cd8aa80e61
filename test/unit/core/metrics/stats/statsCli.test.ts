/** `labelscope stats` end to end on files the test writes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../../../src/cli/main';

async function cli(argv: string[]) {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('CLI (labelscope stats)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-stats-'));
    const coco = (n: number) => ({
      images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }],
      categories: [{ id: 1, name: 'cat' }],
      annotations: Array.from({ length: n }, (_, i) => ({ id: i + 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 })),
    });
    fs.writeFileSync(path.join(dir, 'instances_train.json'), JSON.stringify(coco(3)));
    fs.writeFileSync(path.join(dir, 'instances_val.json'), JSON.stringify(coco(2)));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"images": [');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints JSON for several splits with the shift between them', async () => {
    const r = await cli(['stats', path.join(dir, 'instances_train.json'), path.join(dir, 'instances_val.json'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.splits.map((s: { name: string; annotations: number }) => [s.name, s.annotations]), [['train', 3], ['val', 2]]);
    assert.equal(json.shift.comparisons[0].categoryShares.test, 'chi-square homogeneity');
  });

  it('writes markdown to --output', async () => {
    const out = path.join(dir, 'stats.md');
    const r = await cli(['stats', path.join(dir, 'instances_train.json'), '--format', 'md', '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(out, 'utf8'), /^## train\n\n- images: 1 \(0 without annotations\)/);
  });

  it('exit 2 with the file, line and column when a file is not JSON, or missing; bad flags', async () => {
    const bad = await cli(['stats', path.join(dir, 'broken.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /broken\.json:1:\d+: /);
    const missing = await cli(['stats', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: no such file/);
    assert.equal((await cli(['stats', path.join(dir, 'instances_val.json'), '--format', 'xml'])).code, 2);
    assert.equal((await cli(['stats'])).code, 2);
  });
});
