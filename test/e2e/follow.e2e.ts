/**
 * The viewer follows the file (issue 7), in real VS Code (code-server + Chromium): the three
 * ways an open viewer used to write stale data back over a newer change, each checked by the
 * bytes on disk after the viewer's own edit and save.
 *
 *   3. A script renames a category on disk while the viewer is open: the viewer shows the new
 *      name; a delete in the viewer + save keeps the rename.
 *   2. `git checkout` of the file while the viewer is open: the viewer shows the checked-out
 *      data; a delete + save writes it with only that annotation removed.
 *   1. The JSON text and the viewer open side by side (tabs of one file): a quick fix in the text
 *      ("Clip the polygons…" on annotation 13) + Ctrl+S, then a delete in the viewer + Ctrl+S:
 *      the fix stays on disk.
 *
 *   Text and viewer stay one: with the JSON text beside the viewer, a viewer delete shows in the
 *      text (dirty, the annotation gone from it) before anything is saved; saving the viewer, or
 *      saving the text, writes the viewer's bytes and leaves both tabs clean.
 *   Take Theirs: unsaved viewer edits and a script's change on disk: the user takes the file as
 *      it is now; a later viewer edit + save keeps the script's change.
 *
 * Waits are on rendered markers (category labels, annotation rows, body[data-shown] =
 * "<image>:<version>", the dirty mark of the tab), never fixed sleeps.
 * Screenshots: test-artifacts/e2e/follow-*.png.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const SAMPLE = path.join(REPO_ROOT, 'sample');
const COCO_FILE = 'annotations/instances_sample.json';

type Coco = { categories: { id: number; name: string }[]; annotations: { id: number; bbox: number[] }[] };
const readCoco = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Coco;

/** The category labels the viewer's side panel shows ("box (4)"). */
async function categoryLabels(wv: FrameLocator): Promise<string[]> {
  return wv.locator('.cat-row vscode-checkbox').evaluateAll((els) => els.map((e) => String((e as unknown as { label: string }).label)));
}

async function annotationRows(wv: FrameLocator): Promise<string[]> {
  return wv.locator('.ann-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.annotationId ?? ''));
}

/** Select an annotation of the shown image in the side panel and delete it with the details' Delete button. */
async function deleteInViewer(s: CodeServerSession, wv: FrameLocator, id: number): Promise<void> {
  await wv.locator(`.ann-row[data-annotation-id="${id}"]`).click();
  await wv.locator(`.ann-row.selected[data-annotation-id="${id}"]`).waitFor({ state: 'visible', timeout: 10_000 });
  await wv.locator('vscode-button', { hasText: 'Delete' }).first().click();
  await waitFor(`annotation ${id} to leave the side panel`, () => annotationRows(wv), (rows) => !rows.includes(String(id)), 15_000, 100);
  await waitFor('the viewer tab to become dirty', () => s.activeTabDirty(), (d) => d, 15_000, 100);
}

/** Ctrl+S in the viewer (falls back to "File: Save" when the webview keeps the key). */
async function saveViewer(s: CodeServerSession): Promise<void> {
  try {
    await s.saveActive(10_000);
  } catch {
    await s.runCommand('File: Save');
    await waitFor('the viewer tab to be saved', () => s.activeTabDirty(), (d) => !d, 20_000, 200);
  }
}

describe('e2e: the viewer follows the file (disk and JSON text)', function () {
  this.timeout(300_000);
  let session: CodeServerSession | undefined;

  before(function () {
    packageExtension();
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    await session?.close(failed, this.currentTest?.title);
    session = undefined;
  });

  it('paths 3 and 2: a script renames a category, then `git checkout` of the file: the viewer follows, its saves keep each change', async function () {
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'follow-disk' });
    const s = session;
    const file = path.join(s.workspace, COCO_FILE);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], { cwd: s.workspace, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'sample');
    const original = fs.readFileSync(file, 'utf8');

    await s.openFile(COCO_FILE, { editor: 'webview' });
    const wv = s.webview();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.ok((await categoryLabels(wv)).some((l) => l.startsWith('box ')));

    // ---- path 3: a script renames category 1 on disk
    fs.writeFileSync(file, original.replace('"name": "box"', '"name": "crate"'));
    await waitFor('the viewer to show the renamed category', () => categoryLabels(wv), (l) => l.some((x) => x.startsWith('crate ')) && !l.some((x) => x.startsWith('box ')), 30_000, 100);
    await s.screenshot('follow-renamed');
    await deleteInViewer(s, wv, 2);
    await saveViewer(s);
    let disk = readCoco(file);
    assert.equal(disk.categories[0].name, 'crate', 'the rename is still on disk after the viewer save');
    assert.ok(!disk.annotations.some((a) => a.id === 2), 'the viewer delete is on disk');
    assert.equal(disk.annotations.length, 13);

    // ---- path 2: git checkout of the file (back to the committed sample)
    git('checkout', '--', COCO_FILE);
    assert.equal(fs.readFileSync(file, 'utf8'), original);
    await waitFor('the viewer to show the checked-out data', async () => ({ l: await categoryLabels(wv), r: await annotationRows(wv) }),
      ({ l, r }) => l.some((x) => x.startsWith('box ')) && r.includes('2'), 30_000, 100);
    await s.screenshot('follow-checked-out');
    assert.equal(await s.activeTabDirty(), false, 'the reload leaves the viewer clean');
    await deleteInViewer(s, wv, 3);
    await saveViewer(s);
    disk = readCoco(file);
    assert.equal(disk.categories[0].name, 'box', 'the checkout is not reverted by the viewer save');
    assert.ok(disk.annotations.some((a) => a.id === 2), 'annotation 2 (deleted before the checkout) stays as checked out');
    assert.equal(disk.annotations.length, 13, 'only the one annotation deleted since');
    // Byte-exact: the checked-out file with annotation 3's element (and its comma) cut out, nothing else.
    const at = original.indexOf('{\n      "id": 3,');
    const prevEnd = original.lastIndexOf('}', at) + 1;
    const end = original.indexOf('}', at) + 1;
    assert.ok(at > 0 && prevEnd > 0);
    assert.equal(fs.readFileSync(file, 'utf8'), original.slice(0, prevEnd) + original.slice(end), 'only annotation 3 removed, every other byte as checked out');
  });

  it('path 1: a quick fix + save in the JSON text, then a viewer edit + save: the fix stays on disk', async function () {
    // The text is the default editor here so the text and the viewer can be tabs of one file.
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'follow-text', settings: { 'workbench.editorAssociations': { 'instances_*.json': 'default' } } });
    const s = session;
    const file = path.join(s.workspace, COCO_FILE);
    const before = readCoco(file);
    const box13 = before.annotations.find((a) => a.id === 13)!.bbox;

    await s.openFile(COCO_FILE, { editor: 'text' });
    await s.runCommand('Labelscope: Open in COCO Viewer');
    const wv = s.webview();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 90_000 });
    const tabs = s.page.locator('.part.editor .tabs-container .tab');
    assert.equal(await tabs.count(), 2, 'the text and the viewer, two tabs of the file');

    // The text tab: the Problems row of annotation 13, its quick fix, Ctrl+S.
    await tabs.first().click();
    await s.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    const isRow = (r: string) => r.includes('coco/bbox-out-of-image') && r.includes('Annotation 13');
    const row = await s.problemRow(isRow, 'coco/bbox-out-of-image on annotation 13', 90_000);
    await row.click();
    await row.press('Enter');
    await s.page.locator('.part.editor .monaco-editor.focused').waitFor({ state: 'visible', timeout: 15_000 });
    await s.applyCodeAction('Clip');
    await waitFor('the text to become dirty after the fix', () => s.activeTabDirty(), (d) => d, 15_000, 200);
    await s.saveActive();
    const fixed = readCoco(file);
    const fixed13 = fixed.annotations.find((a) => a.id === 13)!.bbox;
    assert.notDeepEqual(fixed13, box13, 'the quick fix clipped annotation 13 on disk');

    // Back to the viewer tab: it shows the fixed file; delete annotation 2 there and save.
    await tabs.nth(1).click();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 30_000 });
    await deleteInViewer(s, wv, 2);
    await s.screenshot('follow-text-then-viewer');
    await saveViewer(s);
    const disk = readCoco(file);
    assert.deepEqual(disk.annotations.find((a) => a.id === 13)!.bbox, fixed13, 'the text fix is not reverted by the viewer save');
    assert.ok(!disk.annotations.some((a) => a.id === 2), 'the viewer delete is on disk');
    assert.equal(disk.annotations.length, before.annotations.length - 1, 'no deleted annotation comes back');
  });
  it('text and viewer stay one: a viewer edit is in the open JSON text before saving; saving either gives the viewer\'s bytes, both tabs clean', async function () {
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'follow-mirror', settings: { 'workbench.editorAssociations': { 'instances_*.json': 'default' } } });
    const s = session;
    const file = path.join(s.workspace, COCO_FILE);
    const original = fs.readFileSync(file, 'utf8');

    await s.openFile(COCO_FILE, { editor: 'text' });
    await s.runCommand('Labelscope: Open in COCO Viewer');
    const wv = s.webview();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 90_000 });
    const tabs = s.page.locator('.part.editor .tabs-container .tab');
    assert.equal(await tabs.count(), 2, 'the text and the viewer, two tabs of the file');
    const dirty = async (i: number) => ((await tabs.nth(i).getAttribute('class')) ?? '').split(/\s+/).includes('dirty');

    // A delete in the viewer: the text tab turns dirty and annotation 2's polygon is gone from it.
    await deleteInViewer(s, wv, 2);
    await waitFor('the text tab to show the unsaved viewer edit', () => dirty(0), (d) => d, 15_000, 100);
    assert.equal(fs.readFileSync(file, 'utf8'), original, 'nothing saved yet');
    await tabs.first().click();
    await s.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    const matches = async (needle: string) => {
      await s.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await s.page.keyboard.press('Control+F');
      const input = s.page.locator('.editor-instance .find-widget textarea').first();
      await input.waitFor({ state: 'visible' });
      await input.fill(needle);
      const count = s.page.locator('.editor-instance .find-widget .matchesCount').first();
      const text = await waitFor(`the find widget to count "${needle}"`, () => count.innerText(), (t) => /No results|of/.test(t), 10_000, 100);
      await s.page.keyboard.press('Escape');
      return text;
    };
    assert.match(await matches('254.14, 128.78'), /No results/, 'annotation 2 is gone from the text');
    assert.match(await matches('"id": 3,'), /of/, 'annotation 3 is still in it');
    await s.screenshot('follow-mirror-text');

    // Ctrl+S in the viewer: the viewer's bytes on disk (only annotation 2 cut out), both tabs clean.
    await tabs.nth(1).click();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 30_000 });
    await saveViewer(s);
    await waitFor('the text tab to be clean after the viewer save', () => dirty(0), (d) => !d, 15_000, 100);
    const at2 = original.indexOf('{\n      "id": 2,');
    const cut2 = original.slice(0, original.lastIndexOf('}', at2) + 1) + original.slice(original.indexOf('}', at2) + 1);
    assert.ok(at2 > 0);
    assert.equal(fs.readFileSync(file, 'utf8'), cut2, 'only annotation 2 removed, every other byte as it was');

    // Another viewer delete, then Ctrl+S in the text: the same bytes the viewer would write, and the viewer tab is clean too.
    await deleteInViewer(s, wv, 3);
    await waitFor('the text tab to show the second edit', () => dirty(0), (d) => d, 15_000, 100);
    await tabs.first().click();
    await s.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await s.saveActive();
    const at3 = cut2.indexOf('{\n      "id": 3,');
    const cut3 = cut2.slice(0, cut2.lastIndexOf('}', at3) + 1) + cut2.slice(cut2.indexOf('}', at3) + 1);
    assert.equal(fs.readFileSync(file, 'utf8'), cut3, 'the text save wrote the viewer\'s edit');
    await waitFor('the viewer tab to be clean after the text save', () => dirty(1), (d) => !d, 15_000, 100);
    await s.screenshot('follow-mirror-saved');
  });

  it('Take Theirs: unsaved viewer edits and a change on disk: the file as it is now is shown; the next save keeps that change', async function () {
    session = await CodeServerSession.launch({ folder: SAMPLE, name: 'follow-theirs' });
    const s = session;
    const file = path.join(s.workspace, COCO_FILE);
    const original = fs.readFileSync(file, 'utf8');

    await s.openFile(COCO_FILE, { editor: 'webview' });
    const wv = s.webview();
    await wv.locator('body[data-shown^="0:"]').waitFor({ state: 'attached', timeout: 90_000 });
    await deleteInViewer(s, wv, 2);

    // A script renames category 1 while the viewer has its unsaved delete: the user is asked.
    const renamed = original.replace('"name": "box"', '"name": "crate"');
    fs.writeFileSync(file, renamed);
    const dialog = s.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /changed on disk, and the Labelscope viewer has unsaved edits/);
    await s.screenshot('follow-theirs-question');
    await dialog.locator('.monaco-button', { hasText: 'Take Theirs' }).click();
    await waitFor('the viewer to show the file as it is now', async () => ({ l: await categoryLabels(wv), r: await annotationRows(wv) }),
      ({ l, r }) => l.some((x) => x.startsWith('crate ')) && r.includes('2'), 30_000, 100);
    await waitFor('the viewer tab to be clean', () => s.activeTabDirty(), (d) => !d, 15_000, 100);
    assert.equal(fs.readFileSync(file, 'utf8'), renamed, 'taking theirs writes nothing');

    await deleteInViewer(s, wv, 3);
    await saveViewer(s);
    const at3 = renamed.indexOf('{\n      "id": 3,');
    assert.ok(at3 > 0);
    assert.equal(fs.readFileSync(file, 'utf8'), renamed.slice(0, renamed.lastIndexOf('}', at3) + 1) + renamed.slice(renamed.indexOf('}', at3) + 1),
      'the rename kept, annotation 2 back, only annotation 3 removed');
  });
});
