/**
 * The viewer as the file's home (issue 8, items 1–4) through the vscode mock: a file opened in
 * the viewer is checked (progress, Cancel, Check Now); every command finds the viewer's file;
 * Check All reports what it did; diagnostics link to the viewer and the Labelscope Problems view
 * lists every problem; Reopen as Text replaces the tab; fix-all says what it will do and deletes
 * nothing without consent; an unknown category_id is offered "Add category" and "Change to…".
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import sharp from 'sharp';
import * as mock from './vscodeMock';
import { ALL_RULES } from '../../src/core/rules';
import { activate } from '../../src/extension/extension';
import { CancelledError, InProcessCheckRunner, type CheckRunner } from '../../src/extension/checkRunner';
import { COCO_EDITOR_VIEW_TYPE, type CocoCustomDocument, type CocoEditorProvider } from '../../src/extension/editor/cocoEditorProvider';
import { REVEAL_PROBLEM_COMMAND, diagnosticCode } from '../../src/extension/diagnostics';
import { APPLY, APPLY_WITHOUT_DELETIONS, PREVIEW, type FixAllResult } from '../../src/extension/fixCommands';
import { CHUNK, type ProblemNode, type ProblemsTreeProvider } from '../../src/extension/problemsView';
import type { WorkspaceCheckReport } from '../../src/extension/extension';
import { type ImagePayload, type HostNotifications } from '../../src/shared/protocol';
import { cocoText, negativeArea, tmpDir, waitFor } from './helpers';
import { openViewerPanel as openPanel, type ViewerPanel as Panel } from './viewerPanel';

const { __mock } = mock;
const RULES = [...ALL_RULES.filter((r) => ['coco/annotation-unknown-category', 'coco/category-unused'].includes(r.id)), negativeArea];


const notesOf = <K extends keyof HostNotifications>(p: Panel, method: K) => p.notes.filter((n) => n.method === method).map((n) => n.params as HostNotifications[K]);

/** A runner whose checks wait at a gate (so a test can cancel one midway); aborts end them at once. */
class GatedRunner implements CheckRunner {
  private readonly inner = new InProcessCheckRunner(RULES);
  gate: Promise<void> = Promise.resolve();
  open: () => void = () => undefined;
  runs = 0;
  close(): void { this.gate = new Promise((r) => { this.open = r; }); }
  async run(...[req, onProgress, signal]: Parameters<CheckRunner['run']>) {
    this.runs++;
    onProgress('parse', 0.5);
    await Promise.race([this.gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError())))]);
    return this.inner.run(req, onProgress, signal);
  }
  fixAll(...a: Parameters<CheckRunner['fixAll']>) { return this.inner.fixAll(...a); }
}

/** Two annotations of category 1, one of the unknown category 7; area -5 (fixable without deleting). */
function unknownCategoryText(): string {
  const coco = {
    images: [{ id: 1, file_name: 'a.jpg', width: 640, height: 480 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: -5, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 7, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    ],
    categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }],
  };
  return JSON.stringify(coco, null, 2) + '\n';
}

describe('the viewer as the file\'s home (mock vscode)', () => {
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  let api: ReturnType<typeof activate>;
  let provider: CocoEditorProvider;
  let runner: GatedRunner;
  let opened: Panel[];
  const docs = new Map<string, CocoCustomDocument>();

  const write = (name: string, text: string) => { const f = path.join(dir, name); fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, text); return vscode.Uri.file(f); };
  /** The viewer on `uri`, as the active tab (VS Code then has no activeTextEditor). */
  const openViewer = async (uri: vscode.Uri) => {
    await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
    const tab = { input: new vscode.TabInputCustom(uri, COCO_EDITOR_VIEW_TYPE), isDirty: false, group: { viewColumn: 1 } };
    (vscode.window.tabGroups.activeTabGroup as { activeTab: unknown }).activeTab = tab;
    (vscode.window.tabGroups.activeTabGroup as unknown as { tabs: unknown[] }).tabs = [tab];
    (vscode.window.tabGroups as unknown as { all: unknown[] }).all = [vscode.window.tabGroups.activeTabGroup];
    return { panel: opened.at(-1)!, tab };
  };
  const diags = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[];

  beforeEach(() => {
    __mock.reset();
    docs.clear();
    dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.jpg'), '');
    context = __mock.context(dir);
    runner = new GatedRunner();
    api = activate(context as unknown as vscode.ExtensionContext, runner);
    provider = __mock.state.customEditors.find((e) => e.viewType === COCO_EDITOR_VIEW_TYPE)!.provider as CocoEditorProvider;
    opened = [];
    __mock.state.commands.set('vscode.openWith', async (u: unknown, viewType: unknown) => {
      if (viewType === 'default') return;
      const key = String(u);
      let d = docs.get(key);
      if (!d) docs.set(key, (d = provider.openCustomDocument(u as vscode.Uri, { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument));
      else if (d.sessions.size > 0) return; // brought forward, as VS Code does
      opened.push(await openPanel(provider, d));
    });
  });
  afterEach(() => { runner.open(); for (const s of context.subscriptions) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('a file that matches no name pattern is checked when opened in the viewer: progress in the viewer and the status bar, Cancel, Check Now', async () => {
    const uri = write('my-export.json', cocoText([-5, 10]));
    runner.close();
    const { panel } = await openViewer(uri);
    await waitFor(() => notesOf(panel, 'checkState').some((s) => s.kind === 'running' && s.phase === 'parse'), 'progress in the viewer');
    const status = __mock.state.statusBarItems[0];
    assert.match(status.text, /Labelscope: reading my-export\.json 50%/);
    assert.equal(status.command, 'labelscope.cancelChecks', 'the status bar item cancels');
    // The viewer's Cancel.
    panel.web.notify('cancelCheck', {});
    await waitFor(() => notesOf(panel, 'checkState').at(-1)?.kind === 'cancelled', 'cancelled in the viewer');
    assert.equal(api.service.outcomeFor(uri), undefined);
    assert.equal(status.command, 'workbench.actions.view.problems');
    // Check Now runs it again, to the end.
    runner.open();
    panel.web.notify('checkNow', {});
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    await waitFor(() => notesOf(panel, 'problems').at(-1)?.source === 'check', 'problems in the viewer');
    assert.equal(notesOf(panel, 'problems').at(-1)!.problems[0].rule, 'coco/test-negative-area');
    assert.equal(notesOf(panel, 'checkState').at(-1)!.kind, 'done');
    await waitFor(() => diags(uri).length === 1, 'in the Problems panel');
    assert.match(status.text, /1 error/, 'the status bar counts the viewer\'s file');
  });

  it('every command finds the active viewer\'s file; Check All reports what it checked and what it skipped and why', async () => {
    (vscode.workspace as unknown as { workspaceFolders: unknown }).workspaceFolders = [{ uri: vscode.Uri.file(dir), name: 'ws', index: 0 }];
    const uri = write('instances_a.json', cocoText([-5, 10]));
    write('annotations/notes.json', '{"hello": "world"}\n');
    await api.service.check(uri);
    await openViewer(uri);
    assert.equal(vscode.window.activeTextEditor, undefined);
    const before = api.service.outcomeFor(uri);
    await vscode.commands.executeCommand('labelscope.checkFile');
    assert.notEqual(api.service.outcomeFor(uri), before, 'Check COCO File checked the viewer\'s file again');
    assert.ok(!__mock.state.messages.some((m) => /open a COCO JSON file/.test(m.message)), 'no "open a COCO file"');
    // Fix all from the viewer: asked first, then one undoable viewer edit (not a hidden text document).
    __mock.state.messageResponses.push(APPLY);
    const r = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll');
    assert.equal(r.applied, 'viewer');
    assert.equal(vscode.workspace.textDocuments.length, 0, 'no text document opened');
    const model = await docs.get(uri.toString())!.model;
    assert.match(Buffer.from(model.bytes()).toString(), /"area": 5,/);
    assert.ok(model.isDirty, 'the viewer holds the fix, unsaved');
    __mock.state.quickPickResponses.push(0);
    const r2 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAllOfRule');
    assert.notEqual(r2.applied, undefined);
    await api.service.whenIdle(uri); // the viewer's re-check of its edit
    const report = await vscode.commands.executeCommand<WorkspaceCheckReport>('labelscope.checkWorkspace');
    assert.deepEqual(report.checked.map((u) => path.basename(u.fsPath)), ['instances_a.json']);
    assert.deepEqual(report.skipped.map((s) => [path.basename(s.uri.fsPath), s.reason.split(' (')[0]]), [['notes.json', 'not a COCO file']]);
    const message = __mock.state.messages.at(-1)!;
    assert.match(message.message, /checked 1 COCO file: 1 error, 0 warnings, 0 info\. Skipped 1 file: 1 not a COCO file\./);
    assert.deepEqual(message.items, ['Show Details']);
  });

  it('diagnostics link to the viewer (code link → command), and the Labelscope Problems view lists every problem, file → rule → problem', async () => {
    const areas = Array.from({ length: CHUNK + 20 }, (_, i) => -(i + 1));
    const uri = write('instances_many.json', cocoText(areas));
    await api.service.check(uri);
    const d = diags(uri).find((x) => diagnosticCode(x) === 'coco/test-negative-area')!;
    const target = (d.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'command');
    assert.equal(target.path, REVEAL_PROBLEM_COMMAND);
    const args = JSON.parse(decodeURIComponent(target.query)) as [string, unknown];
    assert.equal(args[0], uri.toString());
    // What VS Code does on a click of the code link: runs the command with the JSON arguments.
    await vscode.commands.executeCommand(REVEAL_PROBLEM_COMMAND, ...args);
    await waitFor(() => opened.length === 1 && notesOf(opened[0], 'reveal').length > 0, 'the viewer opened on it');
    assert.deepEqual(notesOf(opened[0], 'reveal')[0], { imageIndex: 0, annotationId: 1 });
    // The tree: complete (not budgeted), chunked past CHUNK, each problem revealing in the viewer.
    const tree = __mock.state.treeViews.find((t) => t.id === 'labelscope.problems')!.provider as ProblemsTreeProvider;
    const [file] = tree.getChildren();
    assert.equal(file.kind === 'file' && path.basename(file.uri.fsPath), 'instances_many.json');
    const [rule] = tree.getChildren(file);
    assert.equal(rule.kind === 'rule' && rule.indices.length, CHUNK + 20);
    const chunks = tree.getChildren(rule);
    assert.deepEqual(chunks.map((c) => tree.getTreeItem(c).label), [`1–${CHUNK}`, `${CHUNK + 1}–${CHUNK + 20}`]);
    const last = tree.getChildren(chunks[1]).at(-1) as Extract<ProblemNode, { kind: 'problem' }>;
    const item = tree.getTreeItem(last);
    assert.match(String(item.label), /-520/);
    assert.equal(item.command!.command, REVEAL_PROBLEM_COMMAND);
    const n = opened[0].notes.length;
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    await waitFor(() => opened[0].notes.slice(n).some((x) => x.method === 'reveal'), 'revealed from the tree');
    assert.deepEqual(opened[0].notes.slice(n).find((x) => x.method === 'reveal')!.params, { imageIndex: 0, annotationId: CHUNK + 20 });
  });

  it('a problem tied to no image is revealed as the problem itself (selected in the side panel)', async () => {
    const text = cocoText([5]).replace('"categories": [', '"categories": [\n    { "id": 9, "name": "unused" },');
    const uri = write('instances_cats.json', text);
    await api.service.check(uri);
    const d = diags(uri).find((x) => diagnosticCode(x) === 'coco/category-unused')!;
    const args = JSON.parse(decodeURIComponent((d.code as { target: vscode.Uri }).target.query)) as [string, unknown];
    await vscode.commands.executeCommand(REVEAL_PROBLEM_COMMAND, ...args);
    await waitFor(() => opened.length === 1 && notesOf(opened[0], 'revealProblem').length > 0, 'revealProblem');
    const key = notesOf(opened[0], 'revealProblem')[0].key;
    const listed = notesOf(opened[0], 'problems').at(-1)!.problems.find((p) => p.key === key)!;
    assert.equal(listed.rule, 'coco/category-unused');
    assert.equal(listed.imageIndex, -1);
    assert.ok(!__mock.state.messages.some((m) => /not in the file any more/.test(m.message)));
  });

  it('Reopen as Text replaces the viewer tab (VS Code\'s in-place reopen), never a second tab', async () => {
    const uri = write('instances_t.json', cocoText([5]));
    await openViewer(uri);
    await vscode.commands.executeCommand('labelscope.openAsText');
    const ran = __mock.state.executed.map((e) => e.command);
    assert.ok(ran.includes('workbench.action.reopenTextEditor'));
    assert.ok(!__mock.state.executed.some((e) => e.command === 'vscode.openWith' && e.args[1] === 'default'), 'no second editor opened beside it');
    // A viewer tab that is not the active one: text opened in its group, the viewer tab closed.
    (vscode.window.tabGroups.activeTabGroup as { activeTab: unknown }).activeTab = { input: new vscode.TabInputText(vscode.Uri.file(path.join(dir, 'other.json'))) };
    await vscode.commands.executeCommand('labelscope.openAsText', uri);
    assert.ok(__mock.state.executed.some((e) => e.command === 'vscode.openWith' && e.args[1] === 'default'));
    assert.equal(__mock.state.closedTabs.length, 1);
  });

  it('fix-all says what it will do, deletions apart, and deletes nothing without consent (dismiss, Apply Without Deletions, Preview)', async () => {
    const uri = write('instances_del.json', unknownCategoryText());
    const doc = __mock.openDocument(uri as unknown as mock.Uri, unknownCategoryText());
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    // Dismissed: nothing changes.
    __mock.state.messageResponses.push(undefined);
    const r0 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r0.applied, 'cancelled');
    const modal = __mock.state.messages.at(-1)!;
    assert.equal((modal.options as { modal: boolean }).modal, true);
    assert.match(modal.message, /Apply 2 fixes to instances_del\.json\? 1 annotation will be deleted\./);
    const detail = (modal.options as { detail: string }).detail;
    assert.match(detail, /DELETES 1 annotation: coco\/annotation-unknown-category/);
    assert.match(detail, /1 × coco\/test-negative-area/);
    assert.match(detail, /"Add category N" and "Change category_id to…"/);
    assert.deepEqual(modal.items, [APPLY_WITHOUT_DELETIONS, APPLY, PREVIEW], 'the safe choice first (the Enter button)');
    assert.equal(doc.getText(), unknownCategoryText());
    // Preview, discarded in the refactor preview: nothing changes.
    __mock.state.messageResponses.push(PREVIEW);
    __mock.state.previewResponses.push(false);
    const r1 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r1.applied, 'cancelled');
    const preview = __mock.state.previews.at(-1)!;
    assert.ok(preview.metadata.every((m) => m?.needsConfirmation));
    assert.deepEqual(preview.metadata.map((m) => m!.label).sort(), ['Deletes annotations', 'Fixes']);
    assert.equal(doc.getText(), unknownCategoryText());
    // Apply Without Deletions: the area is fixed, the annotation stays.
    __mock.state.messageResponses.push(APPLY_WITHOUT_DELETIONS);
    const r2 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r2.applied, 'text');
    assert.equal(r2.outcome!.deletionsLeftOut, 1);
    assert.deepEqual(JSON.parse(doc.getText()).annotations.map((a: { id: number; area: number }) => [a.id, a.area]), [[1, 5], [2, 100]]);
  });

  it('fix-all on save (source.fixAll) never deletes', async () => {
    const uri = write('instances_save.json', unknownCategoryText());
    const doc = __mock.openDocument(uri as unknown as mock.Uri, unknownCategoryText());
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const r = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri, { silent: true });
    assert.equal(r.applied, 'text');
    assert.equal(__mock.state.messages.length, 0, 'silent');
    assert.equal(JSON.parse(doc.getText()).annotations.length, 2, 'the unknown-category annotation stays');
  });

  it('an unknown category_id: "Add category 7" and "Change category_id to…" before "Delete", as quick fixes and as viewer fix buttons', async () => {
    const uri = write('instances_cat.json', unknownCategoryText());
    const doc = __mock.openDocument(uri as unknown as mock.Uri, unknownCategoryText());
    await waitFor(() => api.service.outcomeFor(uri), 'checked');
    const d = diags(uri).find((x) => diagnosticCode(x) === 'coco/annotation-unknown-category')!;
    const actions = (await __mock.codeActions(doc, d.range as never)).filter((a) => a.diagnostics?.includes(d as never));
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles.slice(0, 3), ['Add category 7 to "categories"', 'Change category_id to…', 'Delete annotation 2']);
    assert.ok(!actions[2].isPreferred, 'deleting is not the preferred fix');
    // Change to… → QuickPick of the file's categories → the value replaced, nothing else.
    __mock.state.quickPickResponses.push(1);
    await __mock.applyCodeAction(actions[1]);
    assert.deepEqual((__mock.state.quickPicks.at(-1) as { label: string }[]).map((i) => i.label), ['cat', 'dog']);
    assert.equal(doc.getText(), unknownCategoryText().replace('"category_id": 7', '"category_id": 2'));
    // Add category 7, on a fresh check of another copy: a new element at the end of "categories".
    const uri2 = write('instances_cat2.json', unknownCategoryText());
    const doc2 = __mock.openDocument(uri2 as unknown as mock.Uri, unknownCategoryText());
    await waitFor(() => api.service.outcomeFor(uri2), 'checked');
    const d2 = diags(uri2).find((x) => diagnosticCode(x) === 'coco/annotation-unknown-category')!;
    const add = (await __mock.codeActions(doc2, d2.range as never)).find((a) => a.title.startsWith('Add category 7'))!;
    await __mock.applyCodeAction(add);
    const cats = JSON.parse(doc2.getText()).categories;
    assert.deepEqual(cats, [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }, { id: 7, name: 'category_7', supercategory: '' }]);
    // In the viewer: the same fixes as buttons (ids are public: <rule>#add-category, #change-category).
    __mock.closeDocument(doc2);
    const uri3 = write('instances_cat3.json', unknownCategoryText());
    await api.service.check(uri3);
    const { panel } = await openViewer(uri3);
    const listed = await waitFor(() => notesOf(panel, 'problems').at(-1)?.problems.find((p) => p.rule === 'coco/annotation-unknown-category'), 'listed');
    assert.deepEqual(listed.moreFixes, [
      { id: 'coco/annotation-unknown-category#add-category', title: 'Add category 7 to "categories"' },
      { id: 'coco/annotation-unknown-category#change-category', title: 'Change category_id to…' },
    ]);
    __mock.state.quickPickResponses.push(0);
    const r = await panel.web.request('applyFix', { key: listed.key, fixId: 'coco/annotation-unknown-category#change-category' });
    assert.deepEqual(r, { ok: true });
    const model = await docs.get(uri3.toString())!.model;
    assert.equal(Buffer.from(model.bytes()).toString(), unknownCategoryText().replace('"category_id": 7', '"category_id": 1'));
  });
  it('a panoptic file\'s segments follow imageRoot: after Choose Image Folder… the PNG found there is drawn', async () => {
    // The PNG is in pngs/, which only imageRoot points to: at first the record is drawn as it is.
    const W = 20, H = 10;
    const png = Buffer.alloc(W * H * 3);
    for (let y = 1; y < 5; y++) for (let x = 2; x < 7; x++) png[(y * W + x) * 3] = 5; // segment 5: [2, 1, 5, 4]
    fs.mkdirSync(path.join(dir, 'pngs'));
    await sharp(png, { raw: { width: W, height: H, channels: 3 } }).png().toFile(path.join(dir, 'pngs', '1.png'));
    const uri = write('ann/panoptic_x.json', JSON.stringify({
      images: [{ id: 1, file_name: '1.jpg', width: W, height: H }],
      annotations: [{ image_id: 1, file_name: '1.png', segments_info: [{ id: 5, category_id: 1, iscrowd: 0, bbox: [2, 1, 5, 4], area: 20 }] }],
      categories: [{ id: 1, name: 'thing', isthing: 1 }],
    }));
    const { panel } = await openViewer(uri);
    const segments = (p: ImagePayload) => p.annotations.filter((a) => a.kind === 'rle').map((a) => a.categoryId);
    assert.deepEqual(segments(await panel.web.request('getImage', { index: 0 })), [], 'no segments while the PNG is not found');
    // Choose Image Folder… → pngs/, saved in the workspace settings.
    __mock.state.openDialogResponses.push([vscode.Uri.file(path.join(dir, 'pngs'))]);
    __mock.state.quickPickResponses.push(1);
    const r = await panel.web.request('chooseImageFolder', {});
    assert.equal(r.ok, true);
    assert.deepEqual(segments(await panel.web.request('getImage', { index: 0 })), [1], 'the segment from pngs/1.png');
  });
});
