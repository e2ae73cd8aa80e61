/**
 * Automatic image checks (vscode mock): a COCO file's images are checked in a worker thread and the
 * coco/image-… problems reach the Problems panel with the size quick fix; a cancelled check
 * publishes nothing; a file whose images are not found gets no image problems.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import { AutoImageChecks } from '../../../src/extension/health/autoImageChecks';
import { ImageDiagnostics } from '../../../src/extension/health/imageDiagnostics';

describe('automatic image checks (extension, worker thread)', function () {
  this.timeout(120000);
  let dir: string;
  let diags: ImageDiagnostics;
  let auto: AutoImageChecks;
  const logged: string[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-autoimg-'));
    const png = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="60"><rect width="80" height="60" fill="#c33"/><circle cx="30" cy="25" r="15" fill="#fff"/></svg>')).flatten().png().toBuffer();
    fs.writeFileSync(path.join(dir, 'a.png'), png);
    fs.writeFileSync(path.join(dir, 'b.png'), png);
    fs.writeFileSync(path.join(dir, 'cut.png'), png.subarray(0, png.length - 40));
    fs.writeFileSync(path.join(dir, 'instances.json'), JSON.stringify({ images: [
      { id: 1, file_name: 'a.png', width: 100, height: 60 }, { id: 2, file_name: 'b.png', width: 80, height: 60 }, { id: 3, file_name: 'cut.png', width: 80, height: 60 },
    ], annotations: [], categories: [] }, null, 2));
    fs.writeFileSync(path.join(dir, 'elsewhere.json'), JSON.stringify({ images: [{ id: 1, file_name: 'nowhere/x.png', width: 8, height: 8 }], annotations: [], categories: [] }));
    diags = new ImageDiagnostics();
    auto = new AutoImageChecks(() => diags, path.join(dir, 'cache'), (l) => logged.push(l));
  });
  after(async () => {
    auto.dispose();
    diags.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the image problems of a file whose images are found, with the size quick fix', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'instances.json'));
    const result = await auto.run(uri);
    assert.equal(result?.probed, 3);
    const got = vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[];
    assert.deepEqual(got.map((d) => d.code).sort(), ['coco/image-duplicate', 'coco/image-duplicate', 'coco/image-low-information', 'coco/image-low-information', 'coco/image-size-mismatch', 'coco/image-unreadable']);
    const text = fs.readFileSync(uri.fsPath, 'utf8').split('\n');
    const unreadable = got.find((d) => d.code === 'coco/image-unreadable')!;
    assert.ok(text[unreadable.range.start.line].includes('"cut.png"'));
    const size = got.find((d) => d.code === 'coco/image-size-mismatch')!;
    const doc = await vscode.workspace.openTextDocument(uri);
    const [action] = diags.provideCodeActions(doc as never, size.range, { diagnostics: [size], triggerKind: 1, only: undefined } as never);
    assert.equal(action.title, "Set width/height to the file's 80 × 60");
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    assert.deepEqual(JSON.parse(doc.getText()).images[0], { id: 1, file_name: 'a.png', width: 80, height: 60 });
    assert.ok(logged.some((l) => /Image checks of instances\.json: 3 images \(0 from the cache\), 6 problems/.test(l)), logged.join('\n'));
  });

  it('a cancelled check publishes nothing; a file whose images are not found gets no image problems', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'elsewhere.json'));
    const running = auto.run(uri);
    auto.cancel(uri);
    assert.equal(await running, undefined);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
    const result = await auto.run(uri);
    assert.equal(result?.problems, undefined);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
    assert.ok(logged.some((l) => /elsewhere\.json: no image files found/.test(l)));
  });
});
