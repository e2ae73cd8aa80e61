import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import { ALL_RULES } from '../../../src/core/rules';
import { releaseBundles } from '../releaseBundles';

const ROOT = path.resolve(__dirname, '../../..');

interface Run { code: number; stdout: string; stderr: string }
async function cli(argv: string[], stderrIsTTY = false): Promise<Run> {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A COCO file no rule should find an error in (warnings/infos allowed). */
function cleanCoco(nImages = 2) {
  const images = [], annotations = [];
  for (let i = 1; i <= nImages; i++) {
    images.push({ id: i, file_name: `img${i}.jpg`, width: 640, height: 480, license: 1 });
    annotations.push({ id: i, image_id: i, category_id: 1, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, segmentation: [[10, 20, 40, 20, 40, 60, 10, 60]] });
  }
  return {
    info: { year: 2024, version: '1', description: 'test', contributor: '', url: '', date_created: '2024/01/01' },
    licenses: [{ id: 1, name: 'CC', url: '' }],
    images, annotations,
    categories: [{ id: 1, name: 'cat', supercategory: 'animal' }],
  };
}

describe('CLI (labelscope check)', function () {
  let dir: string;
  let clean: string, bad: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-cli-'));
    fs.mkdirSync(path.join(dir, 'pics'));
    for (const n of ['img1.jpg', 'img2.jpg']) fs.writeFileSync(path.join(dir, 'pics', n), '');
    clean = path.join(dir, 'clean.json');
    fs.writeFileSync(clean, JSON.stringify(cleanCoco(), null, 2));
    const b = cleanCoco();
    (b.annotations[1] as { category_id: number }).category_id = 99; // coco/annotation-unknown-category (error)
    b.annotations[1].id = 1; // coco/duplicate-id (error)
    bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify(b, null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('exit codes', () => {
    it('0 for a clean file', async () => {
      const r = await cli(['check', clean, '--images', path.join(dir, 'pics')]);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /0 errors/);
    });
    it('--images relative to the working folder, like any CLI path', async () => {
      const cwd = process.cwd();
      // pics/ exists under dir but not next to clean.json's parent chain from another cwd.
      const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-cwd-'));
      fs.mkdirSync(path.join(elsewhere, 'rel'));
      fs.cpSync(path.join(dir, 'pics'), path.join(elsewhere, 'rel', 'pics'), { recursive: true });
      const json = path.join(elsewhere, 'data.json');
      fs.copyFileSync(clean, json);
      fs.mkdirSync(path.join(elsewhere, 'run'));
      try {
        process.chdir(path.join(elsewhere, 'run'));
        const found = await cli(['check', json, '--images', '../rel/pics', '--format', 'json']);
        assert.equal(JSON.parse(found.stdout).summary.byRule['coco/image-file-missing'], undefined, found.stdout);
        const notFound = await cli(['check', json, '--images', 'rel/pics', '--format', 'json']);
        // Neither image found: one problem for the wrong folder, not one per image.
        assert.equal(JSON.parse(notFound.stdout).summary.byRule['coco/image-file-missing'], 1);
      } finally {
        process.chdir(cwd);
        fs.rmSync(elsewhere, { recursive: true, force: true });
      }
    });
    it('1 when errors are found', async () => {
      assert.equal((await cli(['check', bad, '--images', path.join(dir, 'pics')])).code, 1);
    });
    it('2 for a missing file, a bad --format, a missing --config, no command', async () => {
      const missing = await cli(['check', path.join(dir, 'nope.json')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no such file/);
      const fmt = await cli(['check', clean, '--format', 'xml']);
      assert.equal(fmt.code, 2);
      assert.match(fmt.stderr, /--format must be one of text, json, sarif, junit/);
      assert.equal((await cli(['check', clean, '--config', path.join(dir, 'nope.labelscope.json')])).code, 2);
      assert.equal((await cli([])).code, 2);
      assert.equal((await cli(['lint', clean])).code, 2);
      assert.equal((await cli(['check', clean, '--bogus'])).code, 2);
      assert.equal((await cli(['--help'])).code, 0);
    });
    it('invalid JSON is an error (1), not unreadable (2)', async () => {
      const f = path.join(dir, 'broken.json');
      fs.writeFileSync(f, '{"images": [');
      const r = await cli(['check', f, '--format', 'json']);
      assert.equal(r.code, 1);
      assert.ok(JSON.parse(r.stdout).problems.some((p: { rule: string }) => p.rule === 'coco/invalid-json'));
    });
  });

  describe('formats', () => {
    it('text: file:line:col: severity message [rule] (jsonPath), then a summary', async () => {
      const r = await cli(['check', bad, '--images', path.join(dir, 'pics')]);
      assert.match(r.stdout, /bad\.json:\d+:\d+: error .* \[coco\/duplicate-id\] \(\$\.annotations\[1\]\.id\)/);
      assert.match(r.stdout, /bad\.json: 2 images, 2 annotations, 1 categories — \d+ errors?, \d+ warnings?, \d+ info\n$/);
      assert.equal(r.stderr, '');
    });

    it('json: exactly the documented fields', async () => {
      const r = await cli(['check', bad, '--format', 'json', '--images', path.join(dir, 'pics')]);
      const report = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(report).sort(), ['file', 'problems', 'summary']);
      assert.equal(report.file, bad);
      const dup = report.problems.find((p: { rule: string }) => p.rule === 'coco/duplicate-id');
      for (const k of ['rule', 'severity', 'message', 'jsonPath', 'line', 'column', 'endLine', 'endColumn']) assert.ok(k in dup, k);
      assert.equal(dup.severity, 'error');
      assert.equal(dup.jsonPath, '$.annotations[1].id');
      assert.equal(typeof dup.line, 'number');
      assert.equal(dup.related[0].jsonPath, '$.annotations[0].id');
      assert.ok(!('start' in dup) && !('fix' in dup) && !('data' in dup), 'no internal fields');
      const unk = report.problems.find((p: { rule: string }) => p.rule === 'coco/annotation-unknown-category');
      assert.equal(unk.categoryId, 99);
      for (const k of ['images', 'annotations', 'categories', 'errors', 'warnings', 'infos', 'byRule', 'durationMs']) assert.ok(k in report.summary, k);
      assert.equal(report.summary.byRule['coco/duplicate-id'], 1);
      assert.equal(report.summary.errors, report.problems.filter((p: { severity: string }) => p.severity === 'error').length);
      // The position is the id's value in the file.
      const lines = fs.readFileSync(bad, 'utf8').split('\n');
      assert.equal(lines[dup.line - 1].slice(dup.column - 1, dup.endColumn - 1), '1');
    });

    it('sarif: 2.1.0 with every rule\'s help and located results', async () => {
      const r = await cli(['check', bad, '--format', 'sarif', '--images', path.join(dir, 'pics')]);
      assert.equal(r.code, 1);
      const sarif = JSON.parse(r.stdout);
      assert.equal(sarif.version, '2.1.0');
      assert.match(sarif.$schema, /sarif-2\.1\.0/);
      const run = sarif.runs[0];
      assert.equal(run.tool.driver.name, 'Labelscope');
      assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), ALL_RULES.map((x) => x.id));
      for (const rule of run.tool.driver.rules) {
        assert.ok(rule.help.text.length > 0 && rule.shortDescription.text.length > 0, rule.id);
        assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
      }
      const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'coco/duplicate-id');
      assert.equal(res.level, 'error');
      assert.equal(run.tool.driver.rules[res.ruleIndex].id, 'coco/duplicate-id');
      const region = res.locations[0].physicalLocation.region;
      assert.ok(region.startLine >= 1 && region.startColumn >= 1 && region.endColumn > region.startColumn);
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, res.locations[0].physicalLocation.artifactLocation.uri.replace(/\\/g, '/'));
      assert.equal(res.locations[0].logicalLocations[0].fullyQualifiedName, '$.annotations[1].id');
      assert.equal(res.relatedLocations.length, 1);
      assert.equal(run.columnKind, 'utf16CodeUnits');
    });

    it('junit: well-formed XML, a failure per error rule', async () => {
      const r = await cli(['check', bad, '--format', 'junit', '--images', path.join(dir, 'pics')]);
      assertWellFormedXml(r.stdout);
      const failures = [...r.stdout.matchAll(/<failure message="[^"]*" type="([^"]+)"/g)].map((m) => m[1]).sort();
      assert.deepEqual(failures, ['coco/annotation-unknown-category', 'coco/duplicate-id']);
      assert.match(r.stdout, new RegExp(`<testsuites name="labelscope" tests="${ALL_RULES.length}" failures="2"`));
      const ok = await cli(['check', clean, '--format', 'junit', '--images', path.join(dir, 'pics')]);
      assertWellFormedXml(ok.stdout);
      assert.doesNotMatch(ok.stdout, /<failure/);
    });

    it('--output writes the report to a file', async () => {
      const out = path.join(dir, 'report.json');
      const r = await cli(['check', bad, '--format', 'json', '--output', out]);
      assert.equal(r.stdout, '');
      assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).file, bad);
    });
  });

  describe('options', () => {
    it('--config is honored (and wins over the nearest .labelscope.json)', async () => {
      fs.writeFileSync(path.join(dir, '.labelscope.json'), JSON.stringify({ rules: { 'coco/annotation-unknown-category': 'warning' } }));
      const cfg = path.join(dir, 'ci.labelscope.json');
      fs.writeFileSync(cfg, JSON.stringify({ rules: { 'coco/duplicate-id': 'off', 'coco/annotation-unknown-category': 'info' } }));
      try {
        const nearest = JSON.parse((await cli(['check', bad, '--format', 'json', '--no-image-files'])).stdout);
        assert.equal(nearest.problems.find((p: { rule: string }) => p.rule === 'coco/annotation-unknown-category').severity, 'warning');
        const r = await cli(['check', bad, '--format', 'json', '--config', cfg, '--no-image-files']);
        const report = JSON.parse(r.stdout);
        assert.ok(!report.problems.some((p: { rule: string }) => p.rule === 'coco/duplicate-id'));
        assert.equal(report.problems.find((p: { rule: string }) => p.rule === 'coco/annotation-unknown-category').severity, 'info');
        assert.equal(r.code, report.summary.errors > 0 ? 1 : 0);
      } finally {
        fs.rmSync(path.join(dir, '.labelscope.json'));
      }
    });

    it('no image found at all: ONE coco/image-file-missing naming the folders tried and the count; a partial miss lists each file', async () => {
      const many = path.join(dir, 'many.json');
      fs.writeFileSync(many, JSON.stringify(cleanCoco(300)));
      try {
        const none = JSON.parse((await cli(['check', many, '--format', 'json', '--images', path.join(dir, '..', 'no-such-folder')])).stdout);
        const missing = none.problems.filter((p: { rule: string }) => p.rule === 'coco/image-file-missing');
        assert.equal(missing.length, 1);
        assert.equal(missing[0].jsonPath, '$.images');
        assert.match(missing[0].message, /any of the 300 images; looked in \.\.\/no-such-folder\/, \.\/, images\/, \.\.\/images\/, \.\.\/ \(relative to the JSON file\)/);
        assert.match(missing[0].message, /--images/);
        // pics/ holds img1.jpg and img2.jpg: the other 298 are listed one by one, each at its file_name.
        const some = JSON.parse((await cli(['check', many, '--format', 'json', '--images', path.join(dir, 'pics')])).stdout);
        const each = some.problems.filter((p: { rule: string }) => p.rule === 'coco/image-file-missing');
        assert.equal(each.length, 298);
        assert.equal(each[0].jsonPath, '$.images[2].file_name');
        assert.equal(each[0].imageId, 3);
        assert.match(each[0].message, /"img3\.jpg" not found; tried pics\/img3\.jpg, img3\.jpg, images\/img3\.jpg and 2 more/);
      } finally {
        fs.rmSync(many);
      }
    });

    it('--images is where image files are looked up', async () => {
      const without = JSON.parse((await cli(['check', clean, '--format', 'json', '--images', path.join(dir, 'elsewhere')])).stdout);
      assert.equal(without.problems.filter((p: { rule: string }) => p.rule === 'coco/image-file-missing').length, 1);
      const withImages = JSON.parse((await cli(['check', clean, '--format', 'json', '--images', path.join(dir, 'pics')])).stdout);
      assert.equal(withImages.problems.filter((p: { rule: string }) => p.rule === 'coco/image-file-missing').length, 0);
      const off = JSON.parse((await cli(['check', clean, '--format', 'json', '--no-image-files'])).stdout);
      assert.equal(off.problems.filter((p: { rule: string }) => p.rule === 'coco/image-file-missing').length, 0);
    });

    it('progress goes to stderr only for big files, never to stdout', async function () {
      this.timeout(120000);
      const small = await cli(['check', clean, '--format', 'json', '--no-image-files']);
      assert.equal(small.stderr, '');
      const big = path.join(dir, 'big.json');
      const coco = cleanCoco(1);
      const pad = 'x'.repeat(1000);
      const images = Array.from({ length: 22000 }, (_, i) => ({ id: i + 1, file_name: `img${i + 1}.jpg`, width: 640, height: 480, license: 1, note: pad }));
      fs.writeFileSync(big, JSON.stringify({ ...coco, images }));
      assert.ok(fs.statSync(big).size > 20 * 1024 * 1024);
      const r = await cli(['check', big, '--format', 'json', '--no-image-files']);
      assert.match(r.stderr, /^labelscope: (read|parse|check) \d+%$/m);
      assert.ok(JSON.parse(r.stdout).summary.images === 22000, 'stdout is only the report');
      const tty = await cli(['check', big, '--format', 'json', '--no-image-files'], true);
      assert.match(tty.stderr, /\rlabelscope: \w+ \d+% {3}/);
      assert.ok(tty.stderr.endsWith('\r\x1b[K'), 'the live line is cleared');
      fs.rmSync(big);
    });
  });

  it('the built cli.js (production build, minified) runs as a program (spawn)', function () {
    this.timeout(120000);
    const bin = path.join(releaseBundles(), 'cli.js');
    const r = spawnSync(process.execPath, [bin, 'check', bad, '--format', 'json', '--images', path.join(dir, 'pics')], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.byRule['coco/duplicate-id'], 1);
    const missing = spawnSync(process.execPath, [bin, 'check', path.join(dir, 'nope.json')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file/);
    const v = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    assert.equal(v.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

/** Enough of XML 1.0 to catch what breaks CI parsers: balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<&]*(?:&(?:lt|gt|amp|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body))) {
    assert.equal(m.index, consumed, `unparseable XML at ${consumed}: ${body.slice(consumed, consumed + 60)}`);
    consumed = re.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(lt|gt|amp|quot|apos);)/, 'bare & in text');
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
      assert.doesNotMatch(m[5], /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'control character');
      continue;
    }
    if (m[1]) assert.equal(stack.pop(), m[2], `mismatched </${m[2]}>`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.equal(consumed, body.length, 'trailing garbage');
  assert.deepEqual(stack, [], 'unclosed tags');
}
