/**
 * A big file that is only viewed keeps no copy of its bytes (issue 8.6: host memory to view
 * ≤ 1.5× the file): the viewer reads each value it shows from disk, guarded by the file's stat
 * and the fingerprint of the bytes as loaded; the first edit, a fix or a save reads the whole
 * file back, checked, and a file that changed meanwhile is reloaded, never spliced at stale
 * offsets. The threshold is lowered to 0 here, so the small test files count as big.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { activate } from '../../../src/extension/extension';
import { InProcessCheckRunner } from '../../../src/extension/checkRunner';
import { COCO_EDITOR_VIEW_TYPE, viewerBytes, type CocoCustomDocument, type CocoEditorProvider } from '../../../src/extension/editor/cocoEditorProvider';
import { LazyCocoDocument } from '../../../src/editor/lazyDocument';
import { RESIDENT_MAX_BYTES } from '../../../src/editor/editorModel';
import { type HostNotifications } from '../../../src/shared/protocol';
import { cocoText, negativeArea, tmpDir, waitFor } from '../helpers';
import { openViewerPanel as openPanel, type ViewerPanel as Panel } from '../viewerPanel';

const { __mock } = mock;
const token = new vscode.CancellationTokenSource().token;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;


const inits = (p: Panel) => p.notes.filter((n) => n.method === 'init').map((n) => n.params as HostNotifications['init']);

describe('a big file viewed from disk: no copy of its bytes while viewed, read back and checked before the first edit', () => {
  let dir: string;
  let file: string;
  let uri: vscode.Uri;
  let context: ReturnType<typeof __mock.context>;
  let api: ReturnType<typeof activate>;
  let provider: CocoEditorProvider;
  let docs: CocoCustomDocument[];
  const text0 = cocoText([-5, 10, -7]);

  before(() => { viewerBytes.residentMaxBytes = 0; });
  after(() => { viewerBytes.residentMaxBytes = RESIDENT_MAX_BYTES; });

  beforeEach(() => {
    __mock.reset();
    dir = tmpDir();
    file = path.join(dir, 'instances_x.json');
    fs.writeFileSync(file, text0);
    uri = vscode.Uri.file(file);
    context = __mock.context(dir);
    api = activate(context as unknown as vscode.ExtensionContext, new InProcessCheckRunner([negativeArea]));
    provider = __mock.state.customEditors.find((e) => e.viewType === COCO_EDITOR_VIEW_TYPE)!.provider as CocoEditorProvider;
    docs = [];
  });
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); for (const d of docs) d.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  const openDoc = () => {
    const d = provider.openCustomDocument(uri, { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument;
    docs.push(d);
    return d;
  };
  /**
   * Another program rewrites the file in place with the same size and sets its modification time
   * back (as `cp -p` or `rsync -t` do), and VS Code's watcher says nothing.
   */
  const rewriteUnseen = (text: string) => {
    const before = fs.statSync(file);
    assert.equal(Buffer.byteLength(text), before.size, 'the same size');
    fs.writeFileSync(file, text);
    fs.utimesSync(file, before.atimeMs / 1000, before.mtimeMs / 1000);
  };
  /** The same bytes with annotation 2's area 10 → 99 (same length). */
  const areaChanged = text0.replace('"area": 10,', '"area": 99,');
  const areas = (p: { annotations: { area: number | null }[] }) => p.annotations.map((a) => a.area);
  /** The progress VS Code shows for reading the file back (status bar), by title. */
  const readBackProgress = () => __mock.state.progress.filter((e) => /Reading instances_x\.json from disk before the change/.test(String((e.options as { title?: string }).title)));

  it('viewing (first image, grid, the check on open) keeps no buffer of the whole file: the values are read from disk', async () => {
    const doc = openDoc();
    // A weak reference to the bytes as read: nothing may keep them once the file is on view.
    const read = new WeakRef((await doc.bytes)!);
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const image = await p.web.request('getImage', { index: 0 });
    assert.deepEqual(areas(image), [-5, 10, -7], 'the annotations as in the file');
    const [cell] = await p.web.request('gridCells', { indices: [0] });
    assert.equal(cell.annotations, 3);
    await waitFor(() => api.service.outcomeFor(uri), 'the check on open');
    await provider.settled(doc);
    const model = await doc.model;
    assert.equal(model.holdsBytes, false, 'the model keeps no bytes');
    assert.equal((model.base as LazyCocoDocument).wholeReadsSync, 0, 'nothing read the whole file');
    for (let i = 0; i < 3 && read.deref(); i++) { await new Promise((r) => setImmediate(r)); gc(); }
    assert.equal(read.deref(), undefined, 'the bytes as read are garbage: no reference is left (model, document, check, preview)');
    // Still readable: another image request reads from disk again.
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [-5, 10, -7]);
    // A later check of the file (the Check commands) is handed the file read into shared memory, as before; nothing keeps them.
    const again = await api.service.check(uri, {});
    assert.equal(again!.bytesFrom, 'shared');
    assert.equal(again!.problems.length, 2);
    assert.equal(model.holdsBytes, false);
  });

  it('the first edit reads the file back (checked): the save changes only the edited numbers; the bytes are kept from then on', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    const model = await doc.model;
    assert.equal(model.holdsBytes, false);
    const r = await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 20, 10], generation: inits(p)[0].generation });
    assert.deepEqual(r, { ok: true });
    assert.equal(model.holdsBytes, true, 'edited: the bytes are in memory');
    const shown = readBackProgress();
    assert.equal(shown.length, 1, 'the read back is shown while it runs');
    assert.equal((shown[0].options as { location: unknown }).location, vscode.ProgressLocation.Window, 'in the status bar: no toast over the viewer');
    assert.equal(shown[0].done, true);
    assert.deepEqual(await p.web.request('edit', { op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 20, 10], generation: inits(p)[0].generation }), { ok: true });
    assert.equal(readBackProgress().length, 1, 'the bytes are in memory: the next edit reads nothing and shows nothing');
    await provider.saveCustomDocument(doc, token);
    const want = text0.split('\n');
    const got = fs.readFileSync(file, 'utf8').split('\n');
    const changed = got.map((l, i) => (l !== want[i] ? i : -1)).filter((i) => i >= 0);
    assert.equal(got.length, want.length);
    assert.deepEqual(changed.map((i) => got[i].trim()), ['20,', '"area": 200,'], 'the box width and the area of annotation 2 only');
    assert.equal((model.base as LazyCocoDocument).wholeReadsSync, 0, 'read back before the edit, not on demand');
  });

  it('a change on disk between viewing and the first edit that VS Code did not report (same size, mtime set back): the edit is refused, nothing is written, the viewer shows the file as it is', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [-5, 10, -7]);
    rewriteUnseen(areaChanged);
    const r = await p.web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [0, 0, 20, 10], generation: inits(p)[0].generation });
    assert.equal(r.ok, false);
    assert.match(r.message!, /instances_x\.json changed on disk/);
    await waitFor(() => inits(p).length === 2, 'the viewer reloads');
    await provider.settled(doc);
    const model = await doc.model;
    assert.equal(model.isDirty, false, 'no edit was applied');
    assert.equal(fs.readFileSync(file, 'utf8'), areaChanged, 'the other program\'s change is on disk, untouched');
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [-5, 99, -7], 'the viewer shows the file as it is now');
    assert.equal(model.holdsBytes, false, 'viewed from disk again after the reload');
    // The edit made now lands on the new bytes.
    assert.deepEqual(await p.web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [0, 0, 20, 10], generation: inits(p)[1].generation }), { ok: true });
    await provider.saveCustomDocument(doc, token);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(saved.annotations.map((a: { area: number }) => a.area), [200, 99, -7]);
  });

  it('a read for the view that finds the file changed (VS Code\'s watcher silent): the viewer reloads it', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    // A new mtime, the same size: the read's stat check sees it.
    fs.writeFileSync(file, areaChanged);
    const t = new Date(Date.now() + 2000);
    fs.utimesSync(file, t, t);
    await assert.rejects(p.web.request('getImage', { index: 0 }), /changed on disk/);
    await waitFor(() => inits(p).length === 2, 'the viewer reloads');
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [-5, 99, -7]);
  });

  it('a fix from the viewer (fingerprinted) reads the file back and applies; revert views the file from disk again', async () => {
    const doc = openDoc();
    const p = await openPanel(provider, doc);
    await waitFor(() => inits(p).length === 1, 'init');
    await waitFor(() => api.service.outcomeFor(uri), 'the check on open');
    const probs = await waitFor(() => p.notes.filter((n) => n.method === 'problems').map((n) => n.params as HostNotifications['problems']).find((x) => x.problems.length === 2), 'the problems');
    const model = await doc.model;
    assert.equal(model.holdsBytes, false);
    assert.deepEqual(await p.web.request('applyFix', { key: probs.problems[0].key }), { ok: true });
    assert.equal(model.holdsBytes, true);
    assert.equal(readBackProgress().length, 1, 'the read back before the fix is shown');
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [5, 10, -7]);
    await provider.revertCustomDocument(doc, token);
    assert.equal(model.holdsBytes, false, 'reverted: the file as on disk, viewed from disk');
    assert.deepEqual(areas(await p.web.request('getImage', { index: 0 })), [-5, 10, -7]);
  });
});
