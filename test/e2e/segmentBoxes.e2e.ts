/**
 * Segment Boxes… in real VS Code (code-server 4.100.3 + Chromium), with the per-platform VSIX
 * (scripts/package-platform.mjs: onnxruntime-node inside) and tiny SAM 1 models built by the test
 * (test/unit/node/sam/tinySamModels.ts: the mask is the filled prompt box). The bundled sample with
 * two annotations made box-only (segmentation []) gets masks for exactly those two; after the save
 * the file on disk differs from the original only in their "segmentation" and "area" lines.
 * Run with `npm run test:e2e`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, waitFor } from './codeServer';
import { tinySam1Decoder, tinySam1Encoder } from '../unit/node/sam/tinySamModels';

const EXTENSION_ID = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`.toLowerCase();
})();
const BOX_ONLY = [8, 9];

/** The per-platform VSIX of this machine (E2E_PLATFORM_VSIX=<file> uses a prebuilt one). */
async function platformVsix(): Promise<string> {
  if (process.env.E2E_PLATFORM_VSIX) return path.resolve(process.env.E2E_PLATFORM_VSIX);
  const { execFileSync } = await import('node:child_process');
  execFileSync('npm', ['run', 'package:platform'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return path.join(REPO_ROOT, '.cache', `labelscope-${process.platform}-${process.arch}.vsix`);
}

describe('e2e: Segment Boxes… in code-server', function () {
  this.timeout(600_000);
  let session: CodeServerSession | undefined;
  let folder: string;
  let original: string;
  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-e2e-segment-'));
    fs.cpSync(path.join(REPO_ROOT, 'sample'), path.join(folder, 'sample'), { recursive: true });
    const file = path.join(folder, 'sample', 'annotations', 'instances_sample.json');
    // Annotations 8 and 9 lose their masks (a text edit of their one segmentation line each).
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (const id of BOX_ONLY) {
      const at = lines.findIndex((l) => l.trim() === `"id": ${id},`);
      const seg = lines.findIndex((l, k) => k > at && l.trim().startsWith('"segmentation"'));
      lines[seg] = lines[seg].replace(/"segmentation": .*,$/, '"segmentation": [],');
    }
    original = lines.join('\n');
    fs.writeFileSync(file, original);
    fs.mkdirSync(path.join(folder, 'models'));
    fs.writeFileSync(path.join(folder, 'models', 'encoder.onnx'), tinySam1Encoder());
    fs.writeFileSync(path.join(folder, 'models', 'decoder.onnx'), tinySam1Decoder());
  });
  afterEach(async function () {
    await session?.close(this.currentTest?.state === 'failed', this.currentTest?.title);
    session = undefined;
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('writes masks for the box-only annotations only; the saved diff is their segmentation and area lines', async () => {
    session = await CodeServerSession.launch({
      folder: path.join(folder, 'sample'), name: 'segment-boxes', vsix: await platformVsix(),
      // The JSON opens as text (not in the viewer), so the edit and the save are the text editor's.
      settings: { 'workbench.editorAssociations': { '*.json': 'default' }, 'labelscope.sam.encoderPath': path.join(folder, 'models', 'encoder.onnx'), 'labelscope.sam.decoderPath': path.join(folder, 'models', 'decoder.onnx') },
    });
    const s = session;
    await s.waitForActivation(EXTENSION_ID);
    await s.openFile('annotations/instances_sample.json', { editor: 'text' });
    await s.runCommand('Labelscope: Segment Boxes…');
    // The summary names the model (not the fallback): onnxruntime-node ran inside the VSIX.
    const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /segmented 2 of 2 box-only annotations/ }).first();
    await toast.waitFor({ state: 'visible', timeout: 180_000 });
    const summary = (await toast.innerText()).replace(/\s+/g, ' ');
    console.log(`    [e2e] ${summary}`);
    assert.ok(!/GrabCut/.test(summary), summary);
    await waitFor('the edit in the text editor', () => s.activeTabDirty(), (d) => d, 30_000);
    await s.saveActive();
    const saved = fs.readFileSync(path.join(s.workspace, 'annotations', 'instances_sample.json'), 'utf8');
    const before = original.split('\n'), after = saved.split('\n');
    assert.equal(after.length, before.length, 'one line per line: the masks are written in place');
    const changed = before.map((l, k) => (l === after[k] ? -1 : k)).filter((k) => k >= 0);
    for (const k of changed) assert.match(after[k].trim(), /^"(segmentation|area)": /, `line ${k + 1} changed: ${after[k]}`);
    const json = JSON.parse(saved) as { annotations: { id: number; segmentation: number[][]; area: number; bbox: number[] }[] };
    const old = JSON.parse(original) as typeof json;
    for (const a of json.annotations) {
      const o = old.annotations.find((x) => x.id === a.id && x.bbox.join() === a.bbox.join())!;
      if (!BOX_ONLY.includes(a.id)) { assert.deepEqual(a, o); continue; }
      assert.equal(a.segmentation.length, 1, `annotation ${a.id}: one polygon`);
      const xs = a.segmentation[0].filter((_, k) => k % 2 === 0), ys = a.segmentation[0].filter((_, k) => k % 2 === 1);
      // The tiny decoder's mask is the prompt box: the polygon spans it (within a pixel).
      assert.ok(Math.abs(Math.min(...xs) - a.bbox[0]) <= 1 && Math.abs(Math.max(...xs) - (a.bbox[0] + a.bbox[2])) <= 1, `annotation ${a.id} x ${Math.min(...xs)}…${Math.max(...xs)} vs bbox ${a.bbox}`);
      assert.ok(Math.abs(Math.min(...ys) - a.bbox[1]) <= 1 && Math.abs(Math.max(...ys) - (a.bbox[1] + a.bbox[3])) <= 1, `annotation ${a.id} y vs bbox ${a.bbox}`);
    }
    assert.ok(changed.length >= 2 && changed.length <= 4, `${changed.length} lines changed`);
    console.log(`    [e2e] ${changed.length} lines changed: ${changed.map((k) => after[k].trim().slice(0, 40)).join(' | ')}`);
    await s.screenshot('segment-boxes');
  });
});
