/** Issue 8 item 5 (host side): Choose Image Folder… writes imageRoot where the user picks; untrusted workspaces write nothing. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { chooseImageFolder, imageRootFor, watchImageRoot, writeConfigImageRoot } from '../../src/extension/editor/imageRoot';
import { imageLookup } from '../../src/node/imageFiles';
import { cocoText, tmpDir } from './helpers';

const { __mock } = mock;

describe('Choose Image Folder… (imageRoot, mock vscode)', () => {
  let dir: string;
  let coco: vscode.Uri;
  let images: string;
  beforeEach(() => {
    __mock.reset();
    dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'annotations'));
    images = path.join(dir, 'pictures', 'val');
    fs.mkdirSync(images, { recursive: true });
    fs.writeFileSync(path.join(images, 'a.jpg'), 'x');
    const f = path.join(dir, 'annotations', 'train.json');
    fs.writeFileSync(f, cocoText([5]));
    coco = vscode.Uri.file(f);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('picked ".labelscope.json": a new config next to the COCO file, imageRoot relative to it; the image is found', async () => {
    assert.equal(imageLookup(coco.fsPath, imageRootFor(coco)).resolve('a.jpg'), undefined, 'not found before');
    __mock.state.openDialogResponses.push([mock.Uri.file(images)]);
    __mock.state.quickPickResponses.push(0);
    const r = await chooseImageFolder(coco);
    assert.equal(r.ok, true, r.message);
    const config = path.join(dir, 'annotations', '.labelscope.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(config, 'utf8')), { imageRoot: '../pictures/val' });
    assert.equal(imageLookup(coco.fsPath, imageRootFor(coco)).resolve('a.jpg'), path.join(images, 'a.jpg'), 'found after');
    const picks = __mock.state.quickPicks[0] as { label: string }[];
    assert.deepEqual(picks.map((p) => p.label), ['In a new .labelscope.json', 'In the workspace settings']);
  });

  it('an existing .labelscope.json above keeps its comments and other keys; only imageRoot changes', async () => {
    const config = path.join(dir, '.labelscope.json');
    const before = '{\n  // checks\n  "rules": { "coco/area-mismatch": "off" },\n  "imageRoot": "old"\n}\n';
    fs.writeFileSync(config, before);
    await writeConfigImageRoot(config, images);
    assert.equal(fs.readFileSync(config, 'utf8'), before.replace('"old"', '"pictures/val"'));
  });

  it('picked "workspace settings": labelscope.imageRoot relative to the COCO file, and watchers hear it', async () => {
    let heard = 0;
    const sub = watchImageRoot(coco, () => heard++);
    __mock.state.openDialogResponses.push([mock.Uri.file(images)]);
    __mock.state.quickPickResponses.push(1);
    const r = await chooseImageFolder(coco);
    assert.equal(r.ok, true);
    assert.equal(vscode.workspace.getConfiguration('labelscope').get('imageRoot'), '../pictures/val');
    assert.equal(fs.existsSync(path.join(dir, 'annotations', '.labelscope.json')), false, 'no file written');
    assert.equal(heard, 1, 'open viewers are told');
    assert.equal(imageLookup(coco.fsPath, imageRootFor(coco)).resolve('a.jpg'), path.join(images, 'a.jpg'));
    sub.dispose();
  });

  it('cancelled dialog or pick: nothing written', async () => {
    __mock.state.openDialogResponses.push(undefined);
    assert.equal((await chooseImageFolder(coco)).ok, false);
    __mock.state.openDialogResponses.push([mock.Uri.file(images)]);
    __mock.state.quickPickResponses.push(undefined);
    assert.equal((await chooseImageFolder(coco)).ok, false);
    assert.equal(fs.existsSync(path.join(dir, 'annotations', '.labelscope.json')), false);
    assert.equal(vscode.workspace.getConfiguration('labelscope').get('imageRoot'), '');
  });

  it('an untrusted workspace refuses with a message and writes nothing (no dialog)', async () => {
    (vscode.workspace as unknown as { isTrusted: boolean }).isTrusted = false;
    const r = await chooseImageFolder(coco);
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /not trusted/);
    assert.equal(__mock.state.openDialogs.length, 0, 'no folder dialog');
    assert.ok(__mock.state.messages.some((m) => /not trusted/.test(m.message)));
    assert.equal(fs.existsSync(path.join(dir, 'annotations', '.labelscope.json')), false);
  });
});
