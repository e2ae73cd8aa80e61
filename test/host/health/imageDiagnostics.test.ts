/**
 * Image-check problems reach the Problems panel (vscode mock) on the image's file_name, leakage
 * with the twin in the other split file as related information, and the size mismatch's quick fix
 * writes the file's size.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import { ImageDiagnostics, lazyImageDiagnostics } from '../../../src/extension/health/imageDiagnostics';
import { checkDatasetHealth } from '../../../src/node/health/datasetHealth';
import { loadCoco } from '../../../src/node/loadCoco';

describe('image diagnostics (extension)', function () {
  this.timeout(60000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-imgdiag-'));
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="60"><rect width="80" height="60" fill="#c33"/><circle cx="30" cy="25" r="15" fill="#fff"/><rect x="50" y="5" width="20" height="50" fill="#124"/></svg>');
    const png = await sharp(svg).flatten().png().toBuffer();
    fs.writeFileSync(path.join(dir, 'a.png'), png);
    fs.writeFileSync(path.join(dir, 'copy.png'), png);
    // a.png is 80 × 60 but declared 100 × 100
    fs.writeFileSync(path.join(dir, 'instances_train.json'), JSON.stringify({ images: [{ id: 1, file_name: 'a.png', width: 100, height: 100 }], annotations: [], categories: [] }, null, 2));
    fs.writeFileSync(path.join(dir, 'instances_val.json'), JSON.stringify({ images: [{ id: 7, file_name: 'copy.png', width: 80, height: 60 }], annotations: [], categories: [] }, null, 2));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('publishes coco/image-… diagnostics with cross-file twins and a size quick fix', async () => {
    const files = ['instances_train.json', 'instances_val.json'].map((f) => path.join(dir, f));
    const docs = await Promise.all(files.map((f) => loadCoco(f)));
    const health = await checkDatasetHealth(docs, files, { threads: 1 });
    const diags = new ImageDiagnostics();
    diags.publish(health, docs, files);
    const train = vscode.languages.getDiagnostics(vscode.Uri.file(files[0])) as vscode.Diagnostic[];
    const val = vscode.languages.getDiagnostics(vscode.Uri.file(files[1])) as vscode.Diagnostic[];
    assert.deepEqual(train.map((d) => d.code).sort(), ['coco/image-leakage', 'coco/image-size-mismatch']);
    assert.deepEqual(val.map((d) => d.code), ['coco/image-leakage']);
    const leak = val[0];
    assert.equal(leak.relatedInformation?.[0].location.uri.fsPath, files[0]);
    const text = fs.readFileSync(files[0], 'utf8');
    assert.equal(leak.relatedInformation?.[0].location.range.start.line, text.split('\n').findIndex((l) => l.includes('"file_name": "a.png"')));
    const size = train.find((d) => d.code === 'coco/image-size-mismatch')!;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(files[0]));
    const [action] = diags.provideCodeActions(doc as never, size.range, { diagnostics: [size], triggerKind: 1, only: undefined } as never);
    assert.equal(action.title, "Set width/height to the file's 80 × 60");
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    const fixed = JSON.parse(doc.getText());
    assert.deepEqual([fixed.images[0].width, fixed.images[0].height], [80, 60]);
    diags.dispose();
  });

  it('the automatic checks and the Dataset Report share one collection: a file\'s image problems are listed once', async () => {
    const files = ['instances_train.json', 'instances_val.json'].map((f) => path.join(dir, f));
    const docs = await Promise.all(files.map((f) => loadCoco(f)));
    const health = await checkDatasetHealth(docs, files, { threads: 1 });
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    const shared = lazyImageDiagnostics(context as unknown as vscode.ExtensionContext);
    assert.equal(shared(), shared(), 'one instance');
    const uri = vscode.Uri.file(files[0]);
    // The automatic check of instances_train.json found the size mismatch…
    shared().publishPositioned(uri, [{ rule: 'coco/image-size-mismatch', severity: 'warning', message: 'a.png is 80 × 60, not 100 × 100', line: 1, column: 1, endLine: 1, endColumn: 2 }] as never);
    // …then the Dataset Report checks both splits.
    shared().publish(health, docs, files);
    const codes = (vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[]).map((d) => d.code).sort();
    assert.deepEqual(codes, ['coco/image-leakage', 'coco/image-size-mismatch']);
    for (const d of context.subscriptions) d.dispose();
  });
});
