/**
 * The viewer follows the file and never writes the wrong bytes (issue 7): it reloads when the
 * JSON text or the disk changes and it has no unsaved edits; with unsaved edits the user
 * chooses; a save checks mtime + size first; fixes carry the fingerprint of the bytes they were
 * computed from; save points; backups that hold the edit list.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { activate } from '../../../src/extension/extension';
import { InProcessCheckRunner } from '../../../src/extension/checkRunner';
import {
  COCO_EDITOR_VIEW_TYPE, KEEP_MINE, OVERWRITE, TAKE_THEIRS, viewerBytes, type CocoCustomDocument, type CocoEditorProvider,
} from '../../../src/extension/editor/cocoEditorProvider';
import { parseCoco } from '../../../src/core/coco/parse';
import { applyByteEdits } from '../../../src/core/edits/applyByteEdits';
import { isShared } from '../../../src/node/sharedBytes';
import { RESIDENT_MAX_BYTES, STALE_FIX } from '../../../src/editor/editorModel';
import { STALE_VIEW } from '../../../src/editor/session';
import { type HostNotifications } from '../../../src/shared/protocol';
import { cocoText, negativeArea, tmpDir, waitFor } from '../helpers';
import { openViewerPanel as openPanel, type ViewerPanel as Panel } from '../viewerPanel';

const { __mock } = mock;
const token = new vscode.CancellationTokenSource().token;


const inits = (p: Panel) => p.notes.filter((n) => n.method === 'init').map((n) => n.params as HostNotifications['init']);

/**
 * Every guarantee twice: with the bytes kept in memory (files up to RESIDENT_MAX_BYTES) and with
 * every file read from disk on demand while it is only viewed (as a big file is, issue 8.6).
 */
const byteModes = [
  { title: '', residentMaxBytes: RESIDENT_MAX_BYTES },
  { title: ' — bytes read from disk while viewed', residentMaxBytes: 0 },
];

for (const mode of byteModes) describe(`the viewer follows the file, fixes carry fingerprints, save points and edit-list backups${mode.title}`, () => {
  before(() => { viewerBytes.residentMaxBytes = mode.residentMaxBytes; });
  after(() => { viewerBytes.residentMaxBytes = RESIDENT_MAX_BYTES; });
  let dir: string;
  let file: string;
  let uri: vscode.Uri;
  let context: ReturnType<typeof __mock.context>;
  let api: ReturnType<typeof activate>;
  let provider: CocoEditorProvider;
  let events: vscode.CustomDocumentEditEvent<CocoCustomDocument>[];
  const text0 = cocoText([-5, 10, -7]);

  beforeEach(() => {
    __mock.reset();
    dir = tmpDir();
    file = path.join(dir, 'instances_x.json');
    fs.writeFileSync(file, text0);
    uri = vscode.Uri.file(file);
    context = __mock.context(dir);
    api = activate(context as unknown as vscode.ExtensionContext, new InProcessCheckRunner([negativeArea]));
    provider = __mock.state.customEditors.find((e) => e.viewType === COCO_EDITOR_VIEW_TYPE)!.provider as CocoEditorProvider;
    events = [];
    provider.onDidChangeCustomDocument((e) => { events.push(e as never); });
    // "Take theirs" reverts through VS Code (which clears the dirty mark): the mock calls the provider as VS Code does.
    __mock.state.commands.set('workbench.action.files.revert', async () => {
      for (const d of docs) await provider.revertCustomDocument(d, token);
    });
    docs = [];
  });
  let docs: CocoCustomDocument[] = [];
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); for (const d of docs) d.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  const openDoc = (backupId?: string) => {
    const d = provider.openCustomDocument(uri, { backupId, untitledDocumentData: undefined }) as CocoCustomDocument;
    docs.push(d);
    return d;
  };
  /** The file changed on disk (git checkout, a script): written, then the watcher fires as VS Code's does. */
  const writeOnDisk = (text: string) => {
    fs.writeFileSync(file, text);
    const t = new Date(Date.now() + 2000);
    fs.utimesSync(file, t, t); // a distinct mtime even on coarse-clock file systems
    for (const w of __mock.state.watchers) {
      const p = w.pattern as { baseUri?: vscode.Uri; pattern?: string };
      if (p.baseUri && path.join(p.baseUri.fsPath, p.pattern ?? '') === file) w.change.fire(uri as unknown as mock.Uri);
    }
  };
  const renamed = (t: string) => t.replace('"name": "cat"', '"name": "kitten"');
  const names = async (d: CocoCustomDocument) => (await d.model).categories().map((c) => c.name);

  it('path 1: a quick fix in the JSON text + save, then a viewer edit + save: the fix stays on disk', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const [fix] = await __mock.codeActions(text, new mock.Range(0, 0, 100, 0));
    assert.equal(fix.title, 'Make the area positive');
    await __mock.applyCodeAction(fix);
    // The viewer shows the fixed text at once (it has no edits of its own).
    await waitFor(() => inits(p).length === 2, 'the viewer reloads from the text');
    await text.save();
    await provider.settled(doc);
    const r = await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [1, 1, 10, 10], generation: inits(p)[1].generation });
    assert.deepEqual(r, { ok: true });
    await provider.saveCustomDocument(doc, token);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(saved.annotations.map((a: { area: number }) => a.area), [5, 100, -7], 'the text fix and the viewer edit, both');
    assert.deepEqual(saved.annotations[1].bbox, [1, 1, 10, 10]);
  });

  it('paths 2 and 3: the file changes on disk (git checkout, a script renames a category): the viewer reloads; a later viewer save keeps the change', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    writeOnDisk(renamed(text0));
    await waitFor(() => inits(p).length === 2, 'reload');
    assert.deepEqual(await names(doc), ['kitten']);
    await p.web.request('edit', { op: 'delete', annotationIndex: 2 });
    await provider.saveCustomDocument(doc, token);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(saved.categories[0].name, 'kitten', 'the rename is not reverted');
    assert.equal(saved.annotations.length, 2);
  });

  it('the JSON text edited (viewer follows), then closed without saving: the viewer goes back to the file on disk', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
    text.setText(renamed(text0));
    await waitFor(() => inits(p).length === 2, 'follows the text');
    assert.deepEqual(await names(doc), ['kitten']);
    __mock.closeDocument(text);
    await waitFor(() => inits(p).length === 3, 'back to the disk');
    assert.deepEqual(await names(doc), ['cat']);
  });

  it('an edit from a view of the file before a reload is refused (nothing lands on other annotations)', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const old = inits(p)[0].generation;
    writeOnDisk(cocoText([1, 2]));
    await waitFor(() => inits(p).length === 2, 'reload');
    const r = await p.web.request('edit', { op: 'delete', annotationIndex: 0, generation: old });
    assert.deepEqual(r, { ok: false, message: STALE_VIEW });
    assert.equal((await doc.model).isDirty, false);
  });

  it('unsaved viewer edits and a change on disk: the user is asked; "Keep Mine" lets the save overwrite, nothing silent', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    __mock.state.messageResponses.push(KEEP_MINE);
    writeOnDisk(renamed(text0));
    await waitFor(() => __mock.state.messages.find((m) => /changed on disk/.test(m.message) && m.items.includes(TAKE_THEIRS)), 'the question');
    await provider.settled(doc);
    assert.deepEqual(await names(doc), ['cat'], 'the viewer keeps its edits');
    await provider.saveCustomDocument(doc, token);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).annotations.length, 2);
  });

  it('unsaved viewer edits and a change on disk: "Take Theirs" drops the edits and shows the file', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    __mock.state.messageResponses.push(TAKE_THEIRS);
    writeOnDisk(renamed(text0));
    await waitFor(() => inits(p).length === 2, 'reload');
    assert.deepEqual(await names(doc), ['kitten']);
    const model = await doc.model;
    assert.equal(model.isDirty, false);
    assert.equal(model.annotationCount(), 3);
    // The old delete can't be undone onto the new data.
    await events[0].undo();
    assert.equal(model.annotationCount(), 3);
    assert.ok(__mock.state.messages.some((m) => /before the file was reloaded/.test(m.message)));
  });

  it('a save checks mtime and size first: a change on disk the user did not see makes the save fail unless they choose Overwrite', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    // Changed on disk with no watcher event (a network drive, a missed event).
    fs.writeFileSync(file, renamed(text0));
    fs.utimesSync(file, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    await assert.rejects(provider.saveCustomDocument(doc, token), /changed on disk/);
    assert.equal(fs.readFileSync(file, 'utf8'), renamed(text0), 'not overwritten');
    __mock.state.messageResponses.push(OVERWRITE);
    await provider.saveCustomDocument(doc, token);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).annotations.length, 2);
    // Our own save is not a change from outside: the next save does not ask.
    const asked = __mock.state.messages.length;
    await p.web.request('edit', { op: 'delete', annotationIndex: 1 });
    await provider.saveCustomDocument(doc, token);
    assert.equal(__mock.state.messages.length, asked);
  });

  it('a viewer fix computed from other bytes (same length) is refused and the file re-checked, never applied at stale offsets', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await api.service.check(uri);
    const probs = await waitFor(() => p.notes.filter((x) => x.method === 'problems').map((x) => x.params as HostNotifications['problems']).find((x) => x.source === 'check' && x.problems.length === 2), 'problems');
    // The file changes under the check without the viewer hearing of it yet: same length, other bytes.
    const other = text0.replace('"area": 10,', '"area": 11,');
    const model = await doc.model;
    model.reload(parseCoco(new TextEncoder().encode(other), { path: file }));
    const r = await p.web.request('applyFix', { key: probs.problems[0].key });
    assert.deepEqual(r, { ok: false, message: STALE_FIX });
    assert.equal(Buffer.from(model.bytes()).toString(), other, 'nothing applied');
    assert.equal(events.length, 0);
  });

  it('edit → save → undo, then a fix from the check of the saved file: refused (its offsets are of the saved bytes, not the viewer\'s)', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 1 });
    await provider.saveCustomDocument(doc, token);
    await api.service.check(uri);
    await events[0].undo();
    const model = await doc.model;
    const probs = await waitFor(() => p.notes.filter((x) => x.method === 'problems').map((x) => x.params as HostNotifications['problems']).reverse().find((x) => x.source === 'check' && x.problems.some((q) => q.fix)), 'problems');
    const before = Buffer.from(model.bytes()).toString();
    const r = await p.web.request('applyFix', { key: probs.problems.find((q) => q.fix && q.key < 1e9)!.key });
    assert.deepEqual(r, { ok: false, message: STALE_FIX });
    assert.equal(Buffer.from(model.bytes()).toString(), before, 'nothing applied');
  });

  it('with the JSON text open and edited since the check, a viewer fix button is refused (the quick fix\'s version check)', async () => {
    const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    const probs = await waitFor(() => p.notes.filter((x) => x.method === 'problems').map((x) => x.params as HostNotifications['problems']).find((x) => x.source === 'check'), 'problems');
    // Typed in the text after the check (the re-check is still debounced): same length, other bytes.
    text.applyEdits([new mock.TextEdit(new mock.Range(0, 0, 0, 1), '{')]);
    const r = await p.web.request('applyFix', { key: probs.problems[0].key });
    assert.deepEqual(r, { ok: false, message: STALE_FIX });
    assert.equal(__mock.state.appliedEdits.length, 0, 'no WorkspaceEdit');
  });

  it('with the JSON text beside, the viewer\'s own save does not reload it (its undo stack stays)', async () => {
    const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    await provider.saveCustomDocument(doc, token);
    // VS Code reloads the unedited text from disk: a change event with the saved bytes.
    const seen = provider.followedCount(doc);
    text.setText(fs.readFileSync(file, 'utf8'));
    await waitFor(() => provider.followedCount(doc) > seen, 'the text change looked at');
    assert.equal(inits(p).length, 1, 'no reload');
    await events[0].undo();
    assert.equal((await doc.model).annotationCount(), 3, 'the delete can still be undone');
  });

  it('the re-check after a viewer edit goes to the check runner (the worker on the host), with the edited bytes and the per-annotation rules', async () => {
    const runner = api.service.runner;
    const requests: { bytes?: Uint8Array; edits?: { start: number; end: number; newText: string }[]; only?: string[] }[] = [];
    const run = runner.run.bind(runner);
    runner.run = (req, onProgress, signal) => { requests.push(req); return run(req, onProgress, signal); };
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 5, 5] });
    const req = await waitFor(() => requests.find((r) => r.only), 'a re-check request');
    assert.ok(req.only!.length > 0 && req.bytes && req.bytes.length > 0);
    // The host hands over the file's bytes as read (shared memory, no copy) and the edits; the worker applies them.
    assert.equal(req.bytes, (await doc.model).base.bytes, 'the base bytes themselves');
    assert.ok(isShared(req.bytes));
    assert.equal(JSON.parse(new TextDecoder().decode(applyByteEdits(req.bytes, req.edits ?? []))).annotations[1].bbox.join(), '0,0,5,5', 'the edited bytes');
  });

  it('save points: undo past a save, save again, redo, revert: right bytes and right dirty state', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const model = await doc.model;
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    await p.web.request('edit', { op: 'delete', annotationIndex: 1 });
    assert.equal(model.isDirty, true);
    await provider.saveCustomDocument(doc, token);
    const saved2 = fs.readFileSync(file, 'utf8');
    assert.equal(JSON.parse(saved2).annotations.length, 1);
    assert.equal(model.isDirty, false);
    await events[1].undo();
    assert.equal(model.isDirty, true, 'undo past the save: dirty');
    await events[1].redo();
    assert.equal(model.isDirty, false, 'redo back to the save point: clean');
    await events[1].undo();
    await provider.saveCustomDocument(doc, token);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).annotations.length, 2, 'saved again after the undo');
    assert.equal(model.isDirty, false);
    await events[0].undo();
    assert.equal(Buffer.from(model.bytes()).toString(), text0);
    await provider.revertCustomDocument(doc, token);
    assert.equal(model.isDirty, false);
    assert.equal(model.annotationCount(), 2, 'revert: the file as on disk');
  });

  it('Save As then edit: the copy has the edits, the original file is untouched', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    const copy = path.join(dir, 'copy.json');
    await provider.saveCustomDocumentAs(doc, vscode.Uri.file(copy), token);
    assert.equal(JSON.parse(fs.readFileSync(copy, 'utf8')).annotations.length, 2);
    assert.equal(fs.readFileSync(file, 'utf8'), text0);
    assert.equal((await doc.model).isDirty, true, 'the original document still has unsaved edits');
  });

  it('backups hold the edit list: a few KB for a multi-MB file; replayed on restore; after a save too', async () => {
    fs.writeFileSync(file, cocoText(Array.from({ length: 20000 }, (_, i) => i + 1)));
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    await provider.saveCustomDocument(doc, token);
    await p.web.request('edit', { op: 'setBbox', annotationIndex: 5, bbox: [1, 2, 3, 4] });
    const want = Buffer.from((await doc.model).bytes()).toString();
    const dest = vscode.Uri.file(path.join(dir, 'backup', 'b.json'));
    const backup = await provider.backupCustomDocument(doc, { destination: dest }, token);
    const size = fs.statSync(dest.fsPath).size;
    assert.ok(size < 8 * 1024 && fs.statSync(file).size > 2_000_000, `backup ${size} bytes for a ${fs.statSync(file).size}-byte file`);
    const restored = openDoc(backup.id);
    const m = await restored.model;
    assert.equal(Buffer.from(m.bytes()).toString(), want, 'the edits replayed on the file');
    assert.equal(m.isDirty, true);
    assert.equal(m.holdsBytes, true, 'edits replayed: the bytes are kept');
  });

  it('a backup of a file that changed since: the user is told, and the file is shown as it is (edits not put on other bytes)', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    const dest = vscode.Uri.file(path.join(dir, 'backup', 'b.json'));
    const backup = await provider.backupCustomDocument(doc, { destination: dest }, token);
    fs.writeFileSync(file, renamed(text0));
    const restored = openDoc(backup.id);
    const m = await restored.model;
    assert.deepEqual(m.categories().map((c) => c.name), ['kitten']);
    assert.equal(m.annotationCount(), 3);
    assert.ok(__mock.state.messages.some((m2) => /changed on disk since its unsaved viewer edits were backed up/.test(m2.message)));
    assert.equal(m.holdsBytes, mode.residentMaxBytes > 0, 'the file as on disk, nothing replayed: a big one is viewed from disk');
  });
  describe('text and viewer stay one (viewer edits mirrored into the open JSON text)', () => {
    /** The viewer open with the JSON text beside it, both on the file as read. */
    async function sideBySide() {
      const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
      const doc = openDoc();
      const p = await openPanel(provider, doc);
      await waitFor(() => inits(p).length === 1, 'init');
      await doc.mirroring;
      return { text, doc, p };
    }
    const pending = async (doc: CocoCustomDocument) => new TextDecoder().decode((await doc.model).bytes());
    const warnings = () => __mock.state.messages.filter((m) => m.level === 'warning');

    it('a viewer edit is in the text before the next action, as the same minimal edit; no question is asked', async () => {
      const { text, doc, p } = await sideBySide();
      const seen = provider.followedCount(doc);
      assert.deepEqual(await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] }), { ok: true });
      // The next action waits for the mirror: by the time it runs, the text has the edit.
      assert.deepEqual(await p.web.request('edit', { op: 'setCategory', annotationIndex: 0, categoryId: 1 }), { ok: true });
      assert.equal(text.getText(), await pending(doc));
      assert.ok(text.isDirty, 'the text shows the unsaved edit');
      const mirrored = __mock.state.appliedEdits.flatMap((e) => e.entries().flatMap(([, edits]) => edits.map((x) => x.newText)));
      assert.deepEqual(mirrored, ['12', '120'], 'only the changed numbers: the box width and the area that follows it');
      await waitFor(() => provider.followedCount(doc) > seen, 'the text change looked at');
      await provider.settled(doc);
      assert.deepEqual(warnings(), [], 'its own mirrored edit is no change from elsewhere');
      assert.equal(inits(p).length, 1, 'the viewer did not reload');
    });

    it('undo and redo in the viewer are mirrored too; saving the viewer saves through the text: right bytes, both clean', async () => {
      const { text, doc, p } = await sideBySide();
      await p.web.request('edit', { op: 'delete', annotationIndex: 2 });
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [1, 2, 3, 4] });
      await doc.mirroring;
      await events[1].undo();
      await doc.mirroring;
      assert.equal(text.getText(), await pending(doc));
      assert.equal(JSON.parse(text.getText()).annotations.length, 2);
      assert.deepEqual(JSON.parse(text.getText()).annotations[0].bbox, [0, 0, 10, 10], 'the move undone in the text');
      await events[1].redo();
      await doc.mirroring;
      assert.deepEqual(JSON.parse(text.getText()).annotations[0].bbox, [1, 2, 3, 4], 'and redone');
      await provider.saveCustomDocument(doc, token);
      assert.equal(fs.readFileSync(file, 'utf8'), await pending(doc), 'the viewer\'s bytes on disk');
      assert.deepEqual(__mock.state.saved, [file], 'written once, by the text document\'s save');
      assert.equal(text.isDirty, false, 'the text is saved, not left dirty over a newer file');
      assert.equal((await doc.model).isDirty, false);
      await provider.settled(doc);
      assert.deepEqual(warnings(), []);
    });

    /** The viewer open beside the JSON text that VS Code opened from the file as it is on disk. */
    async function sideBySideOn(content: string) {
      fs.writeFileSync(file, content);
      const text = await vscode.workspace.openTextDocument(uri) as unknown as mock.MockTextDocument;
      const doc = openDoc();
      const p = await openPanel(provider, doc);
      await waitFor(() => inits(p).length === 1, 'init');
      await doc.mirroring;
      return { text, doc, p };
    }
    const mirroredTexts = () => __mock.state.appliedEdits.flatMap((e) => e.entries().flatMap(([, edits]) => edits.map((x) => x.newText)));

    it('an undo in the viewer back to the saved state leaves the JSON text clean too, and the file as it was', async () => {
      const { text, doc, p } = await sideBySide();
      fs.writeFileSync(file, text0); // the text was opened from these bytes
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await doc.mirroring;
      assert.ok(text.isDirty);
      await events[0].undo();
      await doc.mirroring;
      assert.equal(text.getText(), text0, 'the text is the file again');
      assert.equal((await doc.model).isDirty, false, 'the viewer is at its save point');
      assert.equal(text.isDirty, false, 'and so is the text: no tab left dirty over the very bytes on disk');
      assert.equal(fs.readFileSync(file, 'utf8'), text0, 'the same bytes on disk');
      await provider.settled(doc);
      assert.deepEqual(warnings(), [], 'its own save is no change from elsewhere');
      assert.equal(inits(p).length, 1, 'the viewer did not reload');
      // Redo: both dirty again, and the edit is back in the text.
      await events[0].redo();
      await doc.mirroring;
      assert.ok(text.isDirty);
      assert.equal(text.getText(), await pending(doc));
    });

    it('back at the saved state with format-on-save on: the text is not saved (a save would rewrite it), it stays dirty', async () => {
      __mock.state.settings.set('editor.formatOnSave', true);
      const { text, doc, p } = await sideBySideOn(text0);
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await doc.mirroring;
      await events[0].undo();
      await doc.mirroring;
      assert.equal(text.getText(), text0);
      assert.equal(text.isDirty, true);
      assert.deepEqual(__mock.state.saved, [], 'nothing written');
    });

    it('saving the viewer with a save participant on (insert final newline): the viewer writes its own bytes, not the text as the save rewrites it', async () => {
      __mock.state.settings.set('files.insertFinalNewline', true);
      const { text, doc, p } = await sideBySideOn(text0.replace(/\n$/, ''));
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await doc.mirroring;
      assert.ok(text.isDirty);
      await provider.saveCustomDocument(doc, token);
      const mine = await pending(doc);
      assert.ok(!mine.endsWith('\n'));
      assert.equal(fs.readFileSync(file, 'utf8'), mine, 'the viewer\'s bytes on disk, no newline added');
      assert.deepEqual(__mock.state.saved, [], 'not saved through the text');
      assert.equal((await doc.model).isDirty, false);
      await provider.settled(doc);
      assert.deepEqual(warnings(), [], 'its own write is no change from elsewhere');
      assert.equal(inits(p).length, 1, 'the viewer did not reload');
    });

    it('a file with a UTF-8 BOM: viewer edits reach the text as the same minimal edits; a save keeps the BOM; both clean', async () => {
      const { text, doc, p } = await sideBySideOn('\uFEFF' + text0);
      assert.equal(text.getText(), text0, 'VS Code\'s text leaves the BOM out');
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await p.web.request('edit', { op: 'delete', annotationIndex: 2 });
      await doc.mirroring;
      assert.equal(text.getText(), await pending(doc));
      assert.deepEqual(mirroredTexts(), ['12', '120', ''], 'the changed numbers and the deleted annotation, nothing else');
      await provider.saveCustomDocument(doc, token);
      const disk = fs.readFileSync(file);
      assert.deepEqual([...disk.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is still there');
      assert.ok(disk.equals(Buffer.from((await doc.model).bytes())), 'the viewer\'s bytes on disk');
      assert.deepEqual(__mock.state.saved, [file], 'saved through the text');
      assert.equal(text.isDirty, false);
      assert.equal((await doc.model).isDirty, false);
      await provider.settled(doc);
      assert.deepEqual(warnings(), []);
    });

    it('a file with CRLF line ends: viewer edits reach the text as the same minimal edits; a save through the text; both clean', async () => {
      const crlf = cocoText([-5, 10, -7], '\r\n');
      const { text, doc, p } = await sideBySideOn(crlf);
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
      await doc.mirroring;
      assert.equal(text.getText(), await pending(doc));
      assert.deepEqual(mirroredTexts(), ['12', '120', ''], 'the changed numbers and the deleted annotation, nothing else');
      assert.ok(!/[^\r]\n/.test(text.getText()), 'CRLF throughout');
      await provider.saveCustomDocument(doc, token);
      assert.equal(fs.readFileSync(file, 'utf8'), await pending(doc));
      assert.deepEqual(__mock.state.saved, [file], 'saved through the text');
      assert.equal(text.isDirty, false);
      await provider.settled(doc);
      assert.deepEqual(warnings(), []);
    });

    it('a CRLF file and a new annotation: the text gets it with CRLF (as VS Code inserts text), and later edits are still mirrored minimally', async () => {
      const crlf = cocoText([-5, 10, -7], '\r\n');
      const { text, doc, p } = await sideBySideOn(crlf);
      assert.equal((await p.web.request('edit', { op: 'create', imageIndex: 0, categoryId: 1, polygons: [[10, 10, 50, 10, 50, 40]], shape: 'polygon' })).ok, true);
      await doc.mirroring;
      const asText = (s: string) => s.replace(/\r?\n/g, '\r\n');
      assert.equal(text.getText(), asText(await pending(doc)), 'the viewer\'s file, in the text\'s line ends');
      __mock.state.appliedEdits.length = 0;
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 12, 10] });
      await doc.mirroring;
      assert.deepEqual(mirroredTexts(), ['12', '120'], 'after the insertion, still only the changed numbers (not a whole-text diff)');
      assert.equal(text.getText(), asText(await pending(doc)));
    });

    it('saving the text that holds the viewer\'s edits saves the viewer too: right bytes, the viewer clean', async () => {
      const { text, doc, p } = await sideBySide();
      await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
      await doc.mirroring;
      const want = await pending(doc);
      await text.save();
      await waitFor(() => __mock.state.workspaceSaves.length > 0, 'VS Code asked to save the viewer');
      await provider.settled(doc);
      assert.equal(fs.readFileSync(file, 'utf8'), want);
      assert.equal((await doc.model).isDirty, false, 'the viewer\'s edits are what the file holds');
      assert.deepEqual(warnings(), [], 'no conflict: the file is what the viewer would write');
      // VS Code then saves the viewer: nothing left to write.
      const writes = __mock.state.saved.length;
      const mtime = fs.statSync(file).mtimeMs;
      await provider.saveCustomDocument(doc, token);
      assert.equal(fs.statSync(file).mtimeMs, mtime, 'not written again');
      assert.equal(__mock.state.saved.length, writes);
    });

    it('an undo in the text (which held every viewer edit) is followed by the viewer without a question', async () => {
      const { text, doc, p } = await sideBySide();
      await p.web.request('edit', { op: 'delete', annotationIndex: 1 });
      await doc.mirroring;
      text.setText(text0); // Ctrl+Z in the text
      await waitFor(() => inits(p).length === 2, 'the viewer follows the text');
      assert.equal((await doc.model).annotationCount(), 3);
      assert.deepEqual(warnings(), []);
    });

    it('a change typed in the text and not yet seen by the viewer is never overwritten by a viewer edit: the user is asked', async () => {
      const { text, doc, p } = await sideBySide();
      await p.web.request('edit', { op: 'delete', annotationIndex: 1 });
      await doc.mirroring;
      __mock.state.messageResponses.push(KEEP_MINE);
      text.setText(renamed(text.getText()).replace('"area": 10', '"area": 11')); // typed there, while …
      await p.web.request('edit', { op: 'delete', annotationIndex: 0 }); // … the viewer edits again
      await doc.mirroring;
      assert.match(text.getText(), /kitten/, 'the typed change is still in the text');
      await waitFor(() => warnings().find((m) => /changed in the JSON text editor/.test(m.message)), 'the question');
    });

    it('after hot exit (the viewer from its backup, the text restored holding the same edits), viewer edits are mirrored again', async () => {
      const first = openDoc();
      const p0 = await openPanel(provider, first);
      await waitFor(() => inits(p0).length === 1, 'init');
      await p0.web.request('edit', { op: 'delete', annotationIndex: 0 });
      const backup = await provider.backupCustomDocument(first, { destination: vscode.Uri.file(path.join(dir, 'backup', 'b.json')) }, token);
      const restoredText = await pending(first);
      first.dispose();
      const text = __mock.openDocument(uri as unknown as mock.Uri, restoredText);
      const doc = openDoc(backup.id);
      const p = await openPanel(provider, doc);
      await waitFor(() => inits(p).length === 1, 'init');
      await doc.mirroring;
      await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [2, 2, 5, 5] });
      await doc.mirroring;
      assert.equal(text.getText(), await pending(doc));
      assert.equal(JSON.parse(text.getText()).annotations.length, 2);
    });

    it('the text opened after viewer edits shows them', async () => {
      const doc = openDoc();
      const p = await openPanel(provider, doc);
      await waitFor(() => inits(p).length === 1, 'init');
      await p.web.request('edit', { op: 'delete', annotationIndex: 2 });
      const text = __mock.openDocument(uri as unknown as mock.Uri, text0);
      await doc.mirroring;
      assert.equal(text.getText(), await pending(doc));
    });
  });
});
