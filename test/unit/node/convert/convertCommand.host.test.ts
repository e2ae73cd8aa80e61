/**
 * `Labelscope: Convert Dataset…` against the vscode mock, with the real conversion on files the
 * test makes: the wizard's picks, progress, the report's preview for YOLO, the viewer for COCO,
 * the overwrite question, and nothing at all in an untrusted workspace.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import * as mock from '../../../host/vscodeMock';
import { CONVERT_COMMAND, registerConvertCommand } from '../../../../src/extension/convert/convertCommand';
import { makeDataset } from '../../core/convert/data';

const { __mock } = mock;

describe('Convert Dataset… (extension glue, mock vscode)', function () {
  this.timeout(60000);
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  beforeEach(async () => {
    __mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-convert-ext-'));
    const ds = makeDataset();
    fs.writeFileSync(path.join(dir, 'instances_val.json'), JSON.stringify(ds));
    for (const img of ds.images) {
      fs.mkdirSync(path.join(dir, 'images', path.dirname(img.file_name)), { recursive: true });
      await sharp({ create: { width: img.width, height: img.height, channels: 3, background: '#808080' } }).toFile(path.join(dir, 'images', img.file_name));
    }
    context = __mock.context(dir);
    registerConvertCommand(context as unknown as vscode.ExtensionContext);
  });
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  const run = (file: string, picks: number[]) => {
    __mock.state.quickPickResponses.push(...picks);
    return vscode.commands.executeCommand(CONVERT_COMMAND, vscode.Uri.file(file));
  };

  it('COCO → YOLO-seg from the Explorer: wizard, progress, the report opens; back to COCO opens the viewer', async () => {
    await run(path.join(dir, 'instances_val.json'), [1, 0, 0, 0, 0]); // YOLO segment, default folder, keep classes, bridge, contours
    const out = path.join(dir, 'instances_val-yolo-seg');
    assert.ok(fs.existsSync(path.join(out, 'data.yaml')));
    const preview = __mock.state.executed.find((e) => e.command === 'markdown.showPreview');
    assert.ok(preview, 'the report is shown');
    assert.equal((preview!.args[0] as vscode.Uri).fsPath, path.join(out, 'conversion-report.md'));
    assert.equal(__mock.state.progress.length, 1);
    assert.equal((__mock.state.progress[0].options as { cancellable: boolean }).cancellable, true);
    assert.ok(__mock.state.messages.some((m) => /7 objects in, 7 out, 0 dropped/.test(m.message)));
    const titles = __mock.state.quickPicks.map((l) => (l as { label: string }[]).map((i) => i.label));
    assert.equal(titles[0][1], 'YOLO segment');

    await run(out, [0, 0, 0]); // COCO, default file, keep classes
    const open = __mock.state.executed.find((e) => e.command === 'vscode.openWith');
    assert.ok(open, 'the COCO result opens in the viewer');
    assert.equal(open!.args[1], 'labelscope.cocoEditor.json');
    const back = JSON.parse(fs.readFileSync((open!.args[0] as vscode.Uri).fsPath, 'utf8'));
    assert.equal(back.annotations.length, 7);
  });

  it('an existing output asks before writing; "no" writes nothing', async () => {
    const out = path.join(dir, 'instances_val-voc');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    await run(path.join(dir, 'instances_val.json'), [4, 0, 0]);
    assert.ok(__mock.state.messages.some((m) => /exists/.test(m.message)));
    assert.deepEqual(fs.readdirSync(out), ['keep.txt']);
  });

  it('an untrusted workspace converts nothing', async () => {
    mock.workspace.isTrusted = false;
    await run(path.join(dir, 'instances_val.json'), [1, 0, 0, 0, 0]);
    assert.equal(__mock.state.quickPicks.length, 0);
    assert.ok(__mock.state.messages.some((m) => m.level === 'warning' && /untrusted/.test(m.message)));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['images', 'instances_val.json']);
  });
});
