/**
 * `Labelscope: Segment Boxes…` in the extension host (the `vscode` mock, test/host/setup.ts):
 * tiny SAM models set in the settings, a real image, the open JSON document changed by exactly
 * one WorkspaceEdit (one Undo step), the status bar item, and the untrusted-workspace refusal.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import * as mock from '../../../host/vscodeMock';
import { activate } from '../../../../src/extension/extension';
import { InProcessCheckRunner } from '../../../../src/extension/checkRunner';
import type { SegmentBoxesResult } from '../../../../src/extension/sam/segmentBoxesCommand';
import { tinySam1Decoder, tinySam1Encoder } from './tinySamModels';

const { __mock } = mock;

describe('extension: Labelscope: Segment Boxes… (mock vscode)', function () {
  this.timeout(60000);
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  const coco = `{
  "images": [{"id": 1, "file_name": "a.png", "width": 151, "height": 97}],
  "annotations": [
    {"id": 1, "image_id": 1, "category_id": 1, "bbox": [50, 30, 40, 30], "area": 1200, "iscrowd": 0},
    {"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0, "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}
  ],
  "categories": [{"id": 1, "name": "thing"}]
}
`;

  beforeEach(async () => {
    __mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-sam-host-'));
    await sharp({ create: { width: 151, height: 97, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(path.join(dir, 'a.png'));
    fs.writeFileSync(path.join(dir, 'enc.onnx'), tinySam1Encoder());
    fs.writeFileSync(path.join(dir, 'dec.onnx'), tinySam1Decoder());
    fs.writeFileSync(path.join(dir, 'instances_x.json'), coco);
    __mock.setConfiguration('labelscope.sam.encoderPath', path.join(dir, 'enc.onnx'));
    __mock.setConfiguration('labelscope.sam.decoderPath', path.join(dir, 'dec.onnx'));
    context = __mock.context(dir);
    activate(context as unknown as vscode.ExtensionContext, new InProcessCheckRunner([]));
  });
  afterEach(() => {
    for (const s of context?.subscriptions ?? []) s.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the masks into the open document as one WorkspaceEdit and shows the provider and times', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'instances_x.json'));
    const doc = __mock.openDocument(uri as unknown as mock.Uri, coco);
    const r = await vscode.commands.executeCommand<SegmentBoxesResult>('labelscope.segmentBoxes', uri);
    assert.equal(r.applied, 'text');
    assert.equal(__mock.state.appliedEdits.length, 1, 'one WorkspaceEdit: one Undo step');
    const text = doc.getText();
    const json = JSON.parse(text);
    assert.equal(json.annotations[0].area, 1200);
    assert.ok(Array.isArray(json.annotations[0].segmentation[0]));
    assert.ok(text.includes('{"id": 2, "image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0, "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]]}'));
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), coco, 'nothing written to disk: the edit waits in the document (save or undo)');
    const item = __mock.state.statusBarItems.find((i) => (i as { name?: string }).name === 'Labelscope SAM') as { text: string; tooltip: string } | undefined;
    assert.ok(item, 'the SAM status bar item');
    assert.match(item.text, /SAM CPU · enc \d+ ms · dec \d+ ms/);
    assert.ok(__mock.state.messages.some((m) => /segmented 1 of 1 box-only annotation with enc\.onnx \(SAM 1, CPU\)/.test(m.message)));
  });

  it('refuses in an untrusted workspace: no model runs, nothing changes', async () => {
    (vscode.workspace as unknown as { isTrusted: boolean }).isTrusted = false;
    const uri = vscode.Uri.file(path.join(dir, 'instances_x.json'));
    __mock.openDocument(uri as unknown as mock.Uri, coco);
    const r = await vscode.commands.executeCommand<SegmentBoxesResult>('labelscope.segmentBoxes', uri);
    assert.equal(r.applied, 'refused');
    assert.equal(__mock.state.appliedEdits.length, 0);
    assert.ok(__mock.state.messages.some((m) => /does not run models in an untrusted workspace/.test(m.message)));
  });
});
