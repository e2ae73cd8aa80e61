/**
 * Per-platform VSIXs (scripts/package-platform.mjs): the file list vsce would pack for this
 * machine's target holds onnxruntime-node with this target's native binaries and no other's, and
 * sharp's binaries of this target only; a target whose binaries are absent is refused by name.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tinySam1Decoder } from './node/sam/tinySamModels';

const ROOT = path.join(__dirname, '..', '..');

interface PackagePlatform {
  TARGETS: string[];
  hostTarget(): string;
  ignoreFileFor(target: string, root?: string): string;
  listFiles(target: string): string[];
}
const load = (): Promise<PackagePlatform> => import(path.join(ROOT, 'scripts', 'package-platform.mjs')) as Promise<PackagePlatform>;

describe('per-platform VSIX (scripts/package-platform.mjs)', function () {
  this.timeout(180000);

  it("this machine's VSIX carries onnxruntime-node with this target's binaries only, and this target's sharp", async function () {
    const pp = await load();
    const target = pp.hostTarget();
    if (!pp.TARGETS.includes(target)) this.skip(); // onnxruntime-node ships no binaries for it (e.g. darwin-x64)
    const files = pp.listFiles(target);
    const [platform, arch] = target.split('-');
    const ortBins = files.filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'));
    assert.ok(ortBins.length >= 2, ortBins.join('\n'));
    // Exactly the path onnxruntime-node's binding.js requires on this machine.
    assert.ok(ortBins.every((f) => new RegExp(`^node_modules/onnxruntime-node/bin/napi-v\\d+/${platform}/${arch}/`).test(f)), ortBins.join('\n'));
    assert.ok(ortBins.some((f) => f.endsWith(`/${platform}/${arch}/onnxruntime_binding.node`)));
    for (const f of ['node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-node/dist/index.js', 'node_modules/onnxruntime-node/dist/binding.js',
      'node_modules/onnxruntime-common/package.json', 'node_modules/onnxruntime-common/dist/cjs/index.js']) assert.ok(files.includes(f), `${f} missing`);
    assert.deepEqual(files.filter((f) => /onnxruntime-(node|common)\/.*\.(map|d\.ts|md|ts)$/.test(f) || f.includes('onnxruntime-node/script/')), []);
    const img = files.filter((f) => f.startsWith('node_modules/@img/')).map((f) => f.split('/')[2]);
    assert.ok(img.includes(`sharp-${target}`));
    assert.deepEqual([...new Set(img)].filter((p) => p !== 'colour' && !p.endsWith(`-${target}`)), []);

    // What a user gets: the listed onnxruntime files alone, under a folder whose package.json says
    // "type": "module" like ours, load and run a model (in a child process, with nothing else on its path).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-vsix-ort-'));
    try {
      for (const f of files.filter((x) => /^node_modules\/onnxruntime-(node|common)\//.test(x))) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
      }
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'vsix', type: 'module' }));
      fs.writeFileSync(path.join(dir, 'decoder.onnx'), tinySam1Decoder());
      const script = "const ort = require('onnxruntime-node'); ort.InferenceSession.create('decoder.onnx').then((s) => console.log(s.inputNames.join(',')))";
      const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'image_embeddings,point_coords,point_labels,mask_input,has_mask_input,orig_im_size');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown target and a target whose sharp binaries are not installed, saying what to run', async () => {
    const pp = await load();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-pkg-'));
    try {
      fs.writeFileSync(path.join(root, '.vscodeignore'), '**\n!package.json\n');
      fs.mkdirSync(path.join(root, 'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64'), { recursive: true });
      fs.mkdirSync(path.join(root, 'node_modules/@img/sharp-linux-x64'), { recursive: true });
      assert.throws(() => pp.ignoreFileFor('darwin-x64', root), /unknown target "darwin-x64": onnxruntime-node ships binaries for linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64/);
      assert.throws(() => pp.ignoreFileFor('linux-arm64', root), /onnxruntime-node has no binaries for linux-arm64/);
      assert.throws(() => pp.ignoreFileFor('darwin-arm64', root), /@img\/sharp-darwin-arm64\) are not installed: run `npm install --no-save --os=darwin --cpu=arm64 sharp` first/);
      fs.mkdirSync(path.join(root, 'node_modules/@img/sharp-darwin-arm64'));
      fs.mkdirSync(path.join(root, 'node_modules/@img/sharp-libvips-darwin-arm64'));
      const ignore = pp.ignoreFileFor('darwin-arm64', root);
      assert.match(ignore, /^\*\*\n!package\.json\n/);
      assert.match(ignore, /\n!node_modules\/onnxruntime-node\/bin\/napi-v6\/darwin\/arm64\/\*\*\n/);
      assert.match(ignore, /\n!node_modules\/@img\/sharp-darwin-arm64\/\*\*\n!node_modules\/@img\/sharp-libvips-darwin-arm64\/\*\*\n/);
      assert.ok(!ignore.includes('sharp-linux-x64'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
