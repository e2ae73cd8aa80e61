/**
 * The custom editor provider through the vscode mock: open, edits with undo/redo,
 * save (only the edited bytes change), revert, backup, and the two-way link with
 * the check (problems in the viewer, fixes, reveal from a diagnostic, Show in JSON, CodeLens).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { activate } from '../../../src/extension/extension';
import { InProcessCheckRunner } from '../../../src/extension/checkRunner';
import { COCO_EDITOR_VIEW_TYPE, textCursorFollowed, type CocoCustomDocument, type CocoEditorProvider } from '../../../src/extension/editor/cocoEditorProvider';
import { OpenInViewerCodeLensProvider } from '../../../src/extension/editor/links';
import { webviewChannel, type Envelope, type HostNotifications, type WebviewChannel } from '../../../src/shared/protocol';
import { maskToCoco } from '../../../src/core/sam';
import { evalEvents } from '../../../src/extension/eval/evalPanel';
import { evaluateFiles } from '../../../src/node/eval/runEval';
import { cocoText, negativeArea, tmpDir, waitFor } from '../helpers';

const { __mock } = mock;
const token = new vscode.CancellationTokenSource().token;

interface Panel { web: WebviewChannel; notes: { method: string; params: unknown }[]; dispose(): void; html: () => string; roots: () => string[] }

/** A fake WebviewPanel joined to a webview-side channel by structured-cloned async messages. */
async function openPanel(provider: CocoEditorProvider, doc: CocoCustomDocument): Promise<Panel> {
  const toHost = new vscode.EventEmitter<unknown>();
  const disposed = new vscode.EventEmitter<void>();
  const notes: { method: string; params: unknown }[] = [];
  const web = webviewChannel((m: Envelope) => queueMicrotask(() => toHost.fire(structuredClone(m))));
  const webview = {
    options: {}, html: '', cspSource: 'https://csp.test',
    asWebviewUri: (u: vscode.Uri) => u,
    postMessage: async (m: unknown) => { queueMicrotask(() => { const c = structuredClone(m) as Envelope; if (c.t === 'note') notes.push({ method: c.method, params: c.params }); web.receive(c); }); return true; },
    onDidReceiveMessage: toHost.event,
  };
  const panel = { webview, onDidDispose: disposed.event };
  await provider.resolveCustomEditor(doc, panel as never);
  web.notify('ready', {});
  return { web, notes, dispose: () => disposed.fire(), html: () => webview.html, roots: () => ((webview.options as { localResourceRoots?: vscode.Uri[] }).localResourceRoots ?? []).map((u) => u.fsPath) };
}

function note<K extends keyof HostNotifications>(p: Panel, method: K, after = 0): Promise<HostNotifications[K]> {
  return waitFor(() => p.notes.slice(after).find((n) => n.method === method)?.params as HostNotifications[K] | undefined, `note ${method}`);
}

describe('COCO custom editor through the vscode mock', () => {
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
    // vscode.openWith: open (or reuse) the custom document and resolve a new panel, as VS Code does.
    const docs = new Map<string, CocoCustomDocument>();
    __mock.state.commands.set('vscode.openWith', async (u: unknown) => {
      const key = String(u);
      let d = docs.get(key);
      if (!d) docs.set(key, (d = provider.openCustomDocument(u as vscode.Uri, { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument));
      opened.push(await openPanel(provider, d));
    });
    opened = [];
  });
  let opened: Panel[] = [];
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  const openDoc = () => provider.openCustomDocument(uri, { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument;

  it('open → init; a box edit is undoable (undo/redo) and a save changes only that bbox', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    const init = await note(p, 'init');
    assert.equal(init.imageCount, 1);
    assert.match(p.html(), /script-src 'nonce-/);
    const r = await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [2, 3, 10, 10] });
    assert.deepEqual(r, { ok: true });
    assert.equal(events.length, 1);
    const model = await doc.model;
    const edited = Buffer.from(model.bytes()).toString();
    await events[0].undo();
    assert.equal(Buffer.from(model.bytes()).toString(), text0, 'undo: the bytes as read');
    await events[0].redo();
    assert.equal(Buffer.from(model.bytes()).toString(), edited);
    await provider.saveCustomDocument(doc, token);
    const saved = fs.readFileSync(file, 'utf8');
    // Exactly the two numbers of the second annotation's bbox that changed (and its area: no
    // segmentation, so it follows the box) are replaced; the file's layout of the array stays.
    const at = text0.indexOf('"bbox": [', text0.indexOf('"bbox": [') + 1) + '"bbox": '.length;
    const end = text0.indexOf(']', at) + 1;
    const box = text0.slice(at, end);
    assert.equal(saved, text0.slice(0, at) + box.replace(/0,(\s+)0,/, '2,$13,') + text0.slice(end).replace('"area": 10,', '"area": 100,'));
    assert.deepEqual(JSON.parse(saved).annotations[1].bbox, [2, 3, 10, 10]);
  });

  it('a file over 32 MiB: the columns worker parses it for the viewer (its lazy document), and an edit saves only that bbox', async function () {
    this.timeout(60000);
    // 3 annotations, and a long description: the size that sends the viewer's parse to the worker.
    const big = text0.replace('"images": [', `"info": {"description": "${'x'.repeat(33 << 20)}"},\n  "images": [`);
    fs.writeFileSync(file, big);
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    const init = await note(p, 'init');
    assert.equal(init.imageCount, 1);
    const model = await doc.model;
    assert.equal(model.base.annotationEntries.length, 3);
    assert.equal((model.base.info as { description: string }).description.length, 33 << 20, 'info parsed on the worker and handed over');
    assert.deepEqual(model.base.annotationEntries[1].value, JSON.parse(big).annotations[1], 'an annotation read from the worker\'s columns');
    assert.deepEqual(await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [2, 3, 10, 10] }), { ok: true });
    await provider.saveCustomDocument(doc, token);
    const saved = fs.readFileSync(file, 'utf8');
    assert.equal(saved.length, big.length + 1, 'two numbers changed ("0" → "2", "0" → "3"), the area 10 → 100');
    assert.deepEqual(JSON.parse(saved).annotations[1].bbox, [2, 3, 10, 10]);
    assert.equal(saved.slice(0, 1000), big.slice(0, 1000));
  });

  it('revert restores the file; a backup holds the edit list (not the file) and a backup reopens with the edits replayed', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    await p.web.request('edit', { op: 'delete', annotationIndex: 0 });
    const model = await doc.model;
    const dirty = Buffer.from(model.bytes()).toString();
    const dest = vscode.Uri.file(path.join(dir, 'backup', 'b1.json'));
    const backup = await provider.backupCustomDocument(doc, { destination: dest }, token);
    assert.equal(JSON.parse(fs.readFileSync(dest.fsPath, 'utf8')).edits.length, 1, 'one edit in the backup');
    const restored = provider.openCustomDocument(uri, { backupId: backup.id, untitledDocumentData: undefined }) as CocoCustomDocument;
    assert.equal((await restored.model).annotationCount(), 2);
    assert.equal(Buffer.from((await restored.model).bytes()).toString(), dirty);
    const n = p.notes.length;
    await provider.revertCustomDocument(doc, token);
    assert.equal(Buffer.from(model.bytes()).toString(), text0);
    assert.equal((await note(p, 'init', n)).annotationCount, 3);
    backup.delete();
  });

  it('the viewer gets the check\'s problems (and again when they change); a fix applies as an undoable edit of the custom document', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    const none = await note(p, 'problems');
    assert.equal(none.source, 'none', 'not checked yet');
    let n = p.notes.length;
    await api.service.check(uri);
    const probs = await note(p, 'problems', n);
    assert.equal(probs.source, 'check');
    assert.deepEqual(probs.problems.map((x) => [x.imageIndex, x.annotationId, x.fix, x.rule]), [
      [0, 1, 'Make the area positive', 'coco/test-negative-area'],
      [0, 3, 'Make the area positive', 'coco/test-negative-area'],
    ]);
    n = p.notes.length;
    const r = await p.web.request('applyFix', { key: probs.problems[0].key });
    assert.deepEqual(r, { ok: true });
    const model = await doc.model;
    assert.deepEqual(JSON.parse(Buffer.from(model.bytes()).toString()).annotations.map((a: { area: number }) => a.area), [5, 10, -7]);
    assert.equal(events.length, 1, 'one undoable edit');
    assert.equal(events[0].label, 'Make the area positive');
    assert.equal(__mock.state.appliedEdits.length, 0, 'no WorkspaceEdit: the JSON text is not open');
    assert.equal((await note(p, 'problems', n)).problems.length, 1, 'the fixed problem leaves the list');
    n = p.notes.length;
    await events[0].undo();
    assert.equal(Buffer.from(model.bytes()).toString(), text0);
    assert.equal((await note(p, 'problems', n)).problems.length, 2, 'undo brings it back');
    await events[0].redo();
    await provider.saveCustomDocument(doc, token);
    assert.equal(fs.readFileSync(file, 'utf8'), text0.replace('"area": -5', '"area": 5'));
  });

  it('with the JSON text open, a fix goes through the same WorkspaceEdit as the quick fix', async () => {
    const textDoc = __mock.openDocument(uri as unknown as mock.Uri, text0);
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    const probs = await waitFor(() => p.notes.filter((x) => x.method === 'problems').map((x) => x.params as HostNotifications['problems']).find((x) => x.source === 'check'), 'problems');
    const r = await p.web.request('applyFix', { key: probs.problems[1].key });
    assert.deepEqual(r, { ok: true });
    assert.equal(__mock.state.appliedEdits.length, 1);
    assert.equal(textDoc.getText(), text0.replace('"area": -7', '"area": 7'));
    assert.equal(events.length, 0, 'the custom document is not edited');
  });

  it('"Show in Labelscope viewer" on a diagnostic opens the viewer on that image with the annotation selected', async () => {
    const textDoc = __mock.openDocument(uri as unknown as mock.Uri, text0);
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const d = (vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[]).find((x) => x.message.includes('-7'))!;
    const actions = await __mock.codeActions(textDoc, d.range as never);
    assert.equal(actions[0].title, 'Make the area positive', 'the quick fix stays first');
    const show = actions.find((a) => a.title === 'Show in Labelscope viewer')!;
    assert.ok(show, 'offered');
    assert.deepEqual(show.command!.arguments![1], { jsonPath: '$.annotations[2].area', annotationId: 3 });
    await __mock.applyCodeAction(show);
    assert.equal(opened.length, 1);
    const reveal = await note(opened[0], 'reveal');
    assert.deepEqual(reveal, { imageIndex: 0, annotationId: 3 });
    // Already open: the same panel is told to go there.
    const n = opened[0].notes.length;
    await vscode.commands.executeCommand('labelscope.revealInViewer', uri, { annotationId: 1 });
    assert.deepEqual(await note(opened[0], 'reveal', n), { imageIndex: 0, annotationId: 1 });
  });

  it('labelscope.viewer.filterGrid (the Dataset Report) tells the viewer which images its grid shows', async () => {
    // Not open yet: the viewer opens and gets the filter after init. The 10×10 boxes are in AREA_BINS bin 13 (2^6.5 … 2^7 px²).
    await vscode.commands.executeCommand('labelscope.viewer.filterGrid', uri, { chart: 'boxArea', split: 'train', bin: 13, categoryId: 1 });
    assert.equal(opened.length, 1);
    const f = await note(opened[0], 'filterGrid');
    assert.deepEqual(f, { categoryId: 1, boxBin: { measure: 'area', bin: 13, label: 'box area 90.5097–128 px²' } });
    const initAt = opened[0].notes.findIndex((x) => x.method === 'init');
    assert.ok(initAt >= 0 && initAt < opened[0].notes.findIndex((x) => x.method === 'filterGrid'), 'after init');
    assert.deepEqual([...(await opened[0].web.request('queryGrid', { categories: [1], boxBin: f.boxBin })).indices], [0]);
    assert.deepEqual([...(await opened[0].web.request('queryGrid', { boxBin: { measure: 'area', bin: 14 } })).indices], [], 'no box in the next bin');
    assert.deepEqual([...(await opened[0].web.request('queryGrid', { boxBin: { measure: 'sizeClass', bin: 0 } })).indices], [0], 'small boxes');
    // Already open: the open panel is told.
    const n = opened[0].notes.length;
    await vscode.commands.executeCommand('labelscope.viewer.filterGrid', uri, { chart: 'aspectRatio', split: 'train', bin: 20 });
    assert.deepEqual((await note(opened[0], 'filterGrid', n)).boxBin?.measure, 'aspect');
  });

  it('an evaluation report filter (evalEvents.filter) on this file reaches the viewer as a grid filter with a chip label; other files\' filters do not', async () => {
    // Not open yet: the viewer opens and gets the filter after init.
    evalEvents.filter.fire({ gt: uri, message: { type: 'evalFilter', label: 'cat → missed at IoU 0.50', imageIds: [1] } });
    await waitFor(() => opened.length === 1, 'the viewer opens');
    const f = await note(opened[0], 'filterGrid');
    assert.deepEqual(f, { imageIds: { ids: [1], label: 'cat → missed at IoU 0.50' } });
    const initAt = opened[0].notes.findIndex((x) => x.method === 'init');
    assert.ok(initAt >= 0 && initAt < opened[0].notes.findIndex((x) => x.method === 'filterGrid'), 'after init');
    // The grid query it makes: only those image ids ('1' the string is another id).
    assert.deepEqual([...(await opened[0].web.request('queryGrid', { imageIds: f.imageIds })).indices], [0]);
    assert.deepEqual([...(await opened[0].web.request('queryGrid', { imageIds: { ids: ['1', 7], label: 'x' } })).indices], []);
    // Already open: told again; a filter for another file is not this viewer's.
    const n = opened[0].notes.length;
    evalEvents.filter.fire({ gt: vscode.Uri.file(path.join(dir, 'other.json')), message: { type: 'evalFilter', label: 'other', imageIds: [1] } });
    evalEvents.filter.fire({ gt: uri, message: { type: 'evalFilter', label: 'cat', imageIds: [] } });
    // (Fired first: had it reached this viewer, it would be the first filterGrid after n.)
    assert.deepEqual(await note(opened[0], 'filterGrid', n), { imageIds: { ids: [], label: 'cat' } });
  });

  it('after an evaluation of the file, each shown image gets its TP / FP / FN overlay; the toolbar button runs labelscope.evaluatePredictions on it', async () => {
    const dt = path.join(dir, 'dt.json');
    // One detection on the label (TP), one far away (FP); labels 2 and 3 have no detection left (FN).
    fs.writeFileSync(dt, JSON.stringify([
      { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [300, 300, 20, 20], score: 0.8 },
    ]));
    evalEvents.latest.set(uri.toString(), (await evaluateFiles(file, dt, { iouType: 'bbox', threads: 0 })).result);
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
      await note(opened[0], 'init');
      opened[0].web.notify('imageShown', { imageIndex: 0, ms: 1 });
      const o = await note(opened[0], 'evalOverlay');
      assert.equal(o.imageIndex, 0);
      assert.equal(o.iou, 0.5);
      assert.deepEqual(o.items.map((i) => [i.kind, i.bbox]).sort(), [['fn', [0, 0, 10, 10]], ['fn', [0, 0, 10, 10]], ['fp', [300, 300, 20, 20]], ['tp', [0, 0, 10, 10]]]);
      // The prediction layer's walk across images (`.` past the last error): the file's one image has errors, nothing lies after it.
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: -1, direction: 1, t: 0, minScore: 0 }), { imageIndex: 0 });
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: 0, direction: 1, t: 0, minScore: 0 }), { imageIndex: null });
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: 1, direction: -1, t: 9, minScore: 0.95 }), { imageIndex: 0 }, 'misses remain above any score');
      // Among the grid filter's images: none when the filter leaves the image out; from the filter's start when the shown image is not in it.
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: -1, direction: 1, t: 0, minScore: 0, among: [] }), { imageIndex: null });
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: 0, direction: 1, t: 0, minScore: 0, among: [0] }), { imageIndex: null });
      assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: 7, direction: 1, t: 0, minScore: 0, among: [0] }), { imageIndex: 0 });
      // A new evaluation while the viewer is open: the shown image's overlay comes at once.
      const n = opened[0].notes.length;
      evalEvents.evaluated.fire(uri);
      assert.equal((await note(opened[0], 'evalOverlay', n)).items.length, 4);
    } finally { evalEvents.latest.delete(uri.toString()); }
    assert.deepEqual(await opened[0].web.request('nextEvalErrorImage', { fromIndex: -1, direction: 1, t: 0, minScore: 0 }), { imageIndex: null }, 'no evaluation: no image to walk to');
    const ran: unknown[] = [];
    __mock.state.commands.set('labelscope.evaluatePredictions', async (u: unknown) => { ran.push(String(u)); });
    opened[0].web.notify('evaluatePredictions', {});
    await waitFor(() => ran.length === 1, 'evaluatePredictions ran');
    assert.deepEqual(ran, [uri.toString()]);
  });

  it('Segment tool: a trusted viewer serves the sam* requests; an accepted RLE mask is one undoable createMask edit; untrusted: no handlers', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    assert.deepEqual(await p.web.request('samAccept', { imageIndex: 0, categoryId: 1, format: 'polygon' }), { ok: false, message: 'Segment: nothing to add yet — click the object first.' });
    // What samAccept hands the session for labelscope.sam.maskFormat = "rle".
    const mask = new Uint8Array(480 * 640);
    for (let y = 10; y < 30; y++) for (let x = 100; x < 140; x++) mask[y * 640 + x] = 1;
    const fields = maskToCoco(mask, 480, 640, 'rle')!;
    const r = await [...doc.sessions][0].createMaskAnnotation(0, 1, fields);
    assert.deepEqual(r, { ok: true, annotationId: 4, annotationIndex: 3 });
    assert.equal(events.length, 1);
    assert.equal(events[0].label, 'Add mask annotation 4');
    const model = await doc.model;
    const added = JSON.parse(Buffer.from(model.bytes()).toString()).annotations[3];
    assert.deepEqual(added, { id: 4, image_id: 1, category_id: 1, segmentation: { size: [480, 640], counts: (fields.segmentation as { counts: string }).counts }, area: 800, bbox: [100, 10, 40, 20], iscrowd: 0 });
    await events[0].undo();
    assert.equal(Buffer.from(model.bytes()).toString(), text0);
    // Untrusted: the model never runs (no handlers at all).
    (vscode.workspace as { isTrusted: boolean }).isTrusted = false;
    const q = await openPanel(provider, doc);
    await note(q, 'init');
    await assert.rejects(q.web.request('samSegment', { imageIndex: 0, points: [{ x: 1, y: 1, positive: true }], refine: false }), /No handler for samSegment/);
  });

  it('labelscope.viewer.showDiff puts a comparison\'s old / new outlines on the named image of the open viewer', async () => {
    await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
    await note(opened[0], 'init');
    const changes = [{ kind: 'changed' as const, old: { bbox: [0, 0, 10, 10] }, new: { bbox: [2, 0, 10, 10] }, label: 'moved' }];
    await vscode.commands.executeCommand('labelscope.viewer.showDiff', uri, { imageId: 1 }, changes);
    assert.deepEqual(await note(opened.at(-1)!, 'diffOverlay'), { imageIndex: 0, changes });
  });

  it('the JSON cursor beside the viewer selects the annotation it is in (how a Problems click reaches the viewer)', async () => {
    await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
    const panel = opened[0];
    await note(panel, 'init');
    const textDoc = __mock.openDocument(uri as unknown as mock.Uri, text0);
    // The cursor inside the third annotation's text, as clicking its problem puts it.
    const at = text0.indexOf('-7');
    const n = panel.notes.length;
    __mock.setSelection(textDoc, new mock.Selection(textDoc.positionAt(at), textDoc.positionAt(at)) as never);
    assert.deepEqual(await note(panel, 'reveal', n), { imageIndex: 0, annotationId: 3 });
    // Outside any annotation (line 1): nothing happens.
    const m = panel.notes.length;
    __mock.setSelection(textDoc, new mock.Selection(0, 0, 0, 0) as never);
    assert.equal(await textCursorFollowed(), undefined, 'the move was handled: no annotation there');
    assert.equal(panel.notes.slice(m).filter((x) => x.method === 'reveal').length, 0);
  });

  it('"Show in JSON" opens the text beside at the annotation; a file over 50 MB gets a message instead', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    assert.deepEqual(await p.web.request('showInJson', { annotationIndex: 2 }), { ok: true });
    const shown = __mock.state.shownDocuments[0];
    assert.equal(shown.uri.toString(), uri.toString());
    const o = shown.options as { viewColumn: number; selection: vscode.Range };
    assert.equal(o.viewColumn, vscode.ViewColumn.Beside);
    const lines = text0.split('\n');
    assert.match(lines[o.selection.start.line], /^\s*\{$/);
    assert.match(lines[o.selection.start.line + 1], /"id": 3/);
    // Pretend the document is big.
    const model = await doc.model;
    Object.defineProperty(model, 'size', { value: 60 * 1048576, configurable: true });
    const r = await p.web.request('showInJson', { annotationIndex: 2 });
    assert.equal(r.ok, false);
    assert.match(r.message!, /60 MB.*50 MB/);
    assert.equal(__mock.state.shownDocuments.length, 1);
  });

  it('"Show in JSON" on an annotation drawn in the viewer: "save first" until saved, then the saved text (also after a delete before it)', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    const created = await p.web.request('edit', { op: 'create', imageIndex: 0, categoryId: 1, polygons: [[5, 5, 50, 5, 50, 40, 5, 40]], shape: 'box' });
    assert.equal(created.ok, true);
    const idx = created.annotationIndex!;
    assert.equal(idx, 3);
    const r = await p.web.request('showInJson', { annotationIndex: idx });
    assert.deepEqual(r, { ok: false, message: 'Save the file first: this annotation is not in the file on disk yet' });
    assert.equal(__mock.state.shownDocuments.length, 0, 'nothing opened');
    // The file's own annotations still open where they are on disk.
    assert.deepEqual(await p.web.request('showInJson', { annotationIndex: 2 }), { ok: true });
    // Delete the first annotation too, then save: the new one and the third are found in the saved text.
    assert.equal((await p.web.request('edit', { op: 'delete', annotationIndex: 0 })).ok, true);
    await provider.saveCustomDocument(doc, token);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const selectionOf = async (i: number) => {
      const n = __mock.state.shownDocuments.length;
      assert.deepEqual(await p.web.request('showInJson', { annotationIndex: i }), { ok: true });
      assert.equal(__mock.state.shownDocuments.length, n + 1);
      return (__mock.state.shownDocuments[n].options as { selection: vscode.Range }).selection;
    };
    const sNew = await selectionOf(idx);
    assert.match(lines[sNew.start.line], /^\s*\{$/);
    assert.match(lines[sNew.start.line + 1], /"id": 4,/);
    assert.match(lines[sNew.end.line], /^\s*\}$/);
    const s3 = await selectionOf(2);
    assert.match(lines[s3.start.line + 1], /"id": 3,/);
    // Drawn after the save: "save first" again.
    const later = await p.web.request('edit', { op: 'create', imageIndex: 0, categoryId: 1, polygons: [[60, 60, 90, 60, 90, 90]], shape: 'polygon' });
    assert.match((await p.web.request('showInJson', { annotationIndex: later.annotationIndex! })).message!, /^Save the file first/);
  });

  it('a TIFF image reaches the webview converted (PNG in globalStorage/display, a resource root) with its pixel size; a JPEG as it is', async function () {
    this.timeout(20000);
    const { default: sharp } = await import('sharp');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff8000' } }).tiff().toFile(path.join(dir, 'a.tif'));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff8000' } }).jpeg().toFile(path.join(dir, 'b.jpg'));
    const f = path.join(dir, 'instances_img.json');
    fs.writeFileSync(f, JSON.stringify({
      images: [{ id: 1, file_name: 'a.tif', width: 40, height: 30 }, { id: 2, file_name: 'b.jpg', width: 40, height: 30 }],
      categories: [{ id: 1, name: 'c' }], annotations: [],
    }));
    const doc = provider.openCustomDocument(vscode.Uri.file(f), { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument;
    const p = await openPanel(provider, doc);
    await note(p, 'init');
    const displayDir = path.join(context.globalStorageUri.fsPath, 'display');
    assert.ok(p.roots().includes(displayDir), `resource roots: ${p.roots().join(', ')}`);
    const a = await p.web.request('getImage', { index: 0 });
    assert.ok(a.image.src && vscode.Uri.parse(a.image.src).fsPath.startsWith(displayDir + path.sep), a.image.src);
    assert.match(a.image.src!, /\.png$/);
    assert.equal(a.image.converted, 'tiff');
    assert.deepEqual([a.image.pixelWidth, a.image.pixelHeight], [40, 30]);
    const b = await p.web.request('getImage', { index: 1 });
    assert.equal(vscode.Uri.parse(b.image.src!).fsPath, path.join(dir, 'b.jpg'));
    assert.equal(b.image.converted, undefined);
    p.dispose();
  });

  it('CodeLens "Open in Labelscope" on line 1 of COCO-looking JSON only', () => {
    const lens = new OpenInViewerCodeLensProvider();
    const coco = __mock.openDocument(uri as unknown as mock.Uri, text0);
    const other = __mock.openDocument(mock.Uri.file(path.join(dir, 'package.json')), '{"name": "x"}');
    const l = lens.provideCodeLenses(coco as never);
    assert.equal(l.length, 1);
    assert.equal(l[0].range.start.line, 0);
    assert.equal(l[0].command!.title, 'Open in Labelscope');
    assert.equal(l[0].command!.command, 'labelscope.openInViewer');
    assert.equal(lens.provideCodeLenses(other as never).length, 0);
    assert.equal(__mock.state.codeLensProviders.length, 1, 'registered');
  });
});
