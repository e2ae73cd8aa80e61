/** `labelscope card`: a Hugging Face-layout card and SVG charts from split files and images the test writes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { main, type CliIo } from '../../../../../src/cli/main';
import { hfLicenseId, sizeCategory } from '../../../../../src/core/card/datasetCard';

async function cli(argv: string[]) {
  let stdout = '', stderr = '';
  const io: CliIo = { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, stderrIsTTY: false };
  return { code: await main(argv, io), stdout, stderr };
}

describe('dataset card (labelscope card)', function () {
  this.timeout(60000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-card-'));
    const img = path.join(dir, 'images');
    fs.mkdirSync(img);
    // Two distinct pictures; val's v1.jpg is a re-encoded copy of train's t1.png: leakage.
    const svg = (c: string, d: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48"><rect width="64" height="48" fill="${c}"/><circle cx="20" cy="20" r="12" fill="${d}"/><rect x="36" y="10" width="20" height="30" fill="#222"/></svg>`);
    const t1 = await sharp(svg('#3a7', '#fe2')).png().toBuffer();
    fs.writeFileSync(path.join(img, 't1.png'), t1);
    fs.writeFileSync(path.join(img, 't2.png'), await sharp(svg('#a37', '#2ef')).flop().png().toBuffer());
    fs.writeFileSync(path.join(img, 'v1.jpg'), await sharp(t1).jpeg({ quality: 70 }).toBuffer());
    const split = (files: string[], n: number) => ({
      info: { description: 'Shapes test set', contributor: 'Test Lab', version: '2' },
      licenses: [{ id: 1, name: 'Attribution License', url: 'http://creativecommons.org/licenses/by/2.0/' }],
      images: files.map((f, k) => ({ id: k + 1, file_name: f, width: 64, height: 48, license: 1 })),
      annotations: Array.from({ length: n }, (_, k) => ({ id: k + 1, image_id: 1, category_id: 1 + (k % 2), bbox: [2, 2, 10 + k, 10], area: 10 * (10 + k), iscrowd: 0, segmentation: [[2, 2, 12, 2, 12, 12]] })),
      categories: [{ id: 1, name: 'disc', supercategory: 'shape' }, { id: 2, name: 'bar', supercategory: 'shape' }],
    });
    fs.writeFileSync(path.join(dir, 'instances_train.json'), JSON.stringify(split(['t1.png', 't2.png'], 6)));
    fs.writeFileSync(path.join(dir, 'instances_val.json'), JSON.stringify(split(['v1.jpg'], 2)));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes README.md with the YAML header, filled-in facts, prompts and the charts as SVG', async () => {
    const out = path.join(dir, 'card');
    const r = await cli(['card', path.join(dir, 'instances_train.json'), path.join(dir, 'instances_val.json'), '-o', out, '--images', path.join(dir, 'images'), '--cache', path.join(dir, 'cache')]);
    assert.equal(r.code, 0, r.stderr);
    const md = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    assert.match(md, /^---\nlicense: cc-by-2\.0\ntask_categories:\n {2}- object-detection\n {2}- image-segmentation\nsize_categories:\n {2}- n<1K\npretty_name: "Shapes test set"\n/);
    assert.match(md, /^# Dataset Card for Shapes test set$/m);
    assert.match(md, /- \*\*Curated by:\*\* Test Lab/);
    assert.match(md, /\| train \| `instances_train\.json` \| 2 \| 6 \| 2 \| 1 \|/);
    assert.match(md, /\| disc \| 1 \| shape \| 3 \| 1 \| 1 \| 1 \|/);
    assert.match(md, /### Curation Rationale\n\n> ✏️ \*\*To fill in:\*\* /);
    assert.match(md, /\| val \| `coco\/image-leakage` \| error \| 1 \|/);
    assert.match(md, /\| train \| `coco\/image-leakage` \| error \| 1 \|/);
    assert.match(md, /1 of them span splits \(train\/test leakage\)/);
    assert.match(md, /#### Distribution shift between splits/);
    for (const id of ['categories', 'boxArea', 'sizeClasses', 'aspectRatio', 'imageSizes', 'centers']) {
      assert.match(md, new RegExp(`\\]\\(charts/${id}\\.svg\\)`));
      const svgText = fs.readFileSync(path.join(out, 'charts', `${id}.svg`), 'utf8');
      assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const png = await sharp(Buffer.from(svgText)).png().toBuffer(); // a valid SVG renders
      assert.ok(png.length > 1000);
    }
    assert.match(fs.readFileSync(path.join(out, 'charts', 'categories.svg'), 'utf8'), /disc/);
  });

  it('--no-images says the images were not checked; -o is required', async () => {
    const out = path.join(dir, 'card2');
    const r = await cli(['card', path.join(dir, 'instances_train.json'), '-o', out, '--no-images']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(out, 'README.md'), 'utf8'), /The image files were not checked/);
    assert.equal((await cli(['card', path.join(dir, 'instances_train.json')])).code, 2);
  });

  it('license ids and size buckets', () => {
    assert.equal(hfLicenseId({ url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/' }), 'cc-by-nc-sa-2.0');
    assert.equal(hfLicenseId({ url: 'https://creativecommons.org/publicdomain/zero/1.0/' }), 'cc0-1.0');
    assert.equal(hfLicenseId({ name: 'Flickr terms' }), undefined);
    assert.deepEqual([999, 1000, 118287, 2e6].map(sizeCategory), ['n<1K', '1K<n<10K', '100K<n<1M', '1M<n<10M']);
  });
});
