import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { ALL_RULES } from '../../src/core/rules';
import { activate } from '../../src/extension/extension';
import { InProcessCheckRunner } from '../../src/extension/checkRunner';
import { TRUNCATED_CODE, diagnosticCode } from '../../src/extension/diagnostics';
import { FIX_ALL_KIND } from '../../src/extension/codeActions';
import { APPLY, APPLY_AND_SAVE, type FixAllResult } from '../../src/extension/fixCommands';
import { cocoText, hugeArea, negativeArea, tmpDir, waitFor } from './helpers';

const { __mock } = mock;
// A fixed rule set: other rules (and their fixes) come and go; these tests pin their own.
const RULES = [...ALL_RULES.filter((r) => ['coco/duplicate-id', 'coco/annotation-unknown-category', 'coco/missing-field'].includes(r.id)), negativeArea, hugeArea];

describe('extension host (mock vscode)', () => {
  let dir: string;
  let context: ReturnType<typeof __mock.context>;

  const start = (opts: { largeFileBytes?: number } = {}) => {
    context = __mock.context(dir);
    return activate(context as unknown as vscode.ExtensionContext, new InProcessCheckRunner(RULES), opts);
  };
  const diags = (uri: vscode.Uri) => (vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[]);
  const byCode = (uri: vscode.Uri, code: string) => diags(uri).filter((d) => diagnosticCode(d) === code);
  const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return vscode.Uri.file(f); };
  const open = (uri: vscode.Uri) => __mock.openDocument(uri as unknown as mock.Uri, fs.readFileSync(uri.fsPath, 'utf8'));

  beforeEach(() => { __mock.reset(); dir = tmpDir(); fs.mkdirSync(path.join(dir, 'images')); fs.writeFileSync(path.join(dir, 'a.jpg'), ''); });
  afterEach(() => { for (const s of context?.subscriptions ?? []) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('the mock resolves for `vscode`', () => {
    assert.equal(vscode.Uri, mock.Uri);
    assert.equal(vscode.CodeActionKind.SourceFixAll.append('labelscope').value, 'source.fixAll.labelscope');
  });

  it('the start-up scan checks small COCO files and leaves files over 50 MB for the explicit command', async () => {
    const small = write('instances_small.json', cocoText([5]));
    // A COCO head, then a sparse tail to 51 MB: big on disk, instant to make.
    const big = write('instances_big.json', cocoText([5]));
    fs.truncateSync(big.fsPath, 51 * 1024 * 1024);
    (vscode.workspace as unknown as { workspaceFolders: unknown }).workspaceFolders = [{ uri: vscode.Uri.file(dir), name: 'ws', index: 0 }];
    const api = start();
    const queued = (await api.startupScan).map((u) => u.fsPath);
    assert.deepEqual(queued, [small.fsPath], 'the start-up scan queues the small file only');
    await waitFor(() => api.service.outcomeFor(small), 'the small file checked at start-up');
    assert.equal(api.service.outcomeFor(big), undefined, 'the big file is not parsed at activation');
    await vscode.commands.executeCommand('labelscope.checkWorkspace');
    await waitFor(() => api.service.outcomeFor(big), 'the big file checked on request');
  });

  it('registers commands, the code action provider and the status bar item', () => {
    start();
    for (const c of ['labelscope.checkFile', 'labelscope.checkWorkspace', 'labelscope.fixAll', 'labelscope.fixAllOfRule']) assert.ok(__mock.state.commands.has(c), c);
    assert.equal(__mock.state.codeActionProviders.length, 1);
    const kinds = (__mock.state.codeActionProviders[0].metadata as { providedCodeActionKinds: vscode.CodeActionKind[] }).providedCodeActionKinds.map((k) => k.value);
    assert.deepEqual(kinds, ['quickfix', 'source.fixAll.labelscope']);
    assert.equal(__mock.state.statusBarItems.length, 1);
    assert.ok(__mock.state.watchers.length >= 1);
  });

  it('opening a COCO document gives diagnostics coded by rule id with ranges from the worker', async () => {
    start();
    const uri = write('instances_val.json', cocoText([5, -7, 3]).replace('"category_id": 1,\n', '"category_id": 9,\n'));
    const doc = open(uri);
    const ds = await waitFor(() => diags(uri).length >= 2 && diags(uri), "diagnostics " + JSON.stringify(__mock.state.outputChannels[0].lines) + JSON.stringify(__mock.state.messages));
    const neg = ds.find((d) => diagnosticCode(d) === 'coco/test-negative-area')!;
    assert.equal(neg.source, 'labelscope');
    assert.equal(neg.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(doc.getText(neg.range), '-7');
    const unk = ds.find((d) => diagnosticCode(d) === 'coco/annotation-unknown-category')!;
    assert.equal(doc.getText(unk.range), '9');
    assert.match(__mock.state.statusBarItems[0].text, /2 errors/);
  });

  it('the status bar names the kind of the file in view when it is not instances (captions here)', async () => {
    const uri = write('captions_val.json', JSON.stringify({ info: {}, licenses: [], images: [{ id: 1, file_name: 'a.jpg', width: 4, height: 4 }], annotations: [{ id: 1, image_id: 1, caption: 'A cat.' }] }, null, 1));
    const api = start();
    const doc = open(uri);
    __mock.setActiveEditor(doc);
    await waitFor(() => api.service.outcomeFor(uri), `a check of the captions file ${JSON.stringify(__mock.state.outputChannels[0]?.lines)}`);
    await waitFor(() => /· captions/.test(__mock.state.statusBarItems[0].text), `status bar text: ${__mock.state.statusBarItems[0]?.text}`);
    assert.match(__mock.state.statusBarItems[0].tooltip ?? '', /COCO captions/);
  });

  it('duplicate ids carry related information pointing at the twin', async () => {
    start();
    const uri = write('instances_dup.json', cocoText([5, 6]).replace('"id": 2,', '"id": 1,'));
    const doc = open(uri);
    const [d] = await waitFor(() => byCode(uri, 'coco/duplicate-id').length > 0 && byCode(uri, 'coco/duplicate-id'), 'duplicate');
    assert.equal(d.relatedInformation?.length, 1);
    assert.equal(doc.getText(new vscode.Range(d.relatedInformation![0].location.range.start, d.relatedInformation![0].location.range.start.translate(0, 1))), '1');
    assert.ok(d.relatedInformation![0].location.range.start.isBefore(d.range.start));
  });

  it('caps diagnostics per rule and adds one summary diagnostic (setting over .labelscope.json)', async () => {
    fs.writeFileSync(path.join(dir, '.labelscope.json'), JSON.stringify({ maxProblemsPerRule: 3 }));
    start();
    const uri = write('instances_cap.json', cocoText([-1, -2, -3, -4, -5, -6, 7]));
    open(uri);
    await waitFor(() => byCode(uri, TRUNCATED_CODE).length === 1, 'summary');
    assert.equal(byCode(uri, 'coco/test-negative-area').length, 3, 'the .labelscope.json cap');
    assert.match(byCode(uri, TRUNCATED_CODE)[0].message, /^3 more coco\/test-negative-area problems not shown \(limit 3/);
    __mock.setConfiguration('labelscope.maxProblemsPerRule', 5);
    await waitFor(() => byCode(uri, 'coco/test-negative-area').length === 5, 'setting cap');
    assert.match(byCode(uri, TRUNCATED_CODE)[0].message, /^1 more /);
  });

  it('labelscope.rules settings override .labelscope.json', async () => {
    fs.writeFileSync(path.join(dir, '.labelscope.json'), JSON.stringify({ rules: { 'coco/test-negative-area': 'off', 'coco/test-huge-area': 'error' } }));
    __mock.setConfiguration('labelscope.rules', { 'coco/test-negative-area': 'warning' });
    start();
    const uri = write('instances_cfg.json', cocoText([-1, 5000]));
    open(uri);
    await waitFor(() => diags(uri).length === 2, 'two diagnostics');
    assert.equal(byCode(uri, 'coco/test-negative-area')[0].severity, vscode.DiagnosticSeverity.Warning, 'setting wins over the file');
    assert.equal(byCode(uri, 'coco/test-huge-area')[0].severity, vscode.DiagnosticSeverity.Error, 'file applies where no setting');
    __mock.setConfiguration('labelscope.rules', { 'coco/test-negative-area': 'off' });
    await waitFor(() => byCode(uri, 'coco/test-negative-area').length === 0, 're-check on settings change');
  });

  it('re-checks on edit (debounced) and drops stale quick fixes until then', async () => {
    start();
    const uri = write('instances_edit.json', cocoText([5, 6]));
    const doc = open(uri);
    await waitFor(() => __mock.state.outputChannels[0].lines.some((l) => l.includes('0 problems')), 'first check');
    doc.setText(doc.getText().replace('"area": 6', '"area": -6'));
    await waitFor(() => byCode(uri, 'coco/test-negative-area').length === 1, 're-check after edit');
    const d = byCode(uri, 'coco/test-negative-area')[0];
    assert.equal(doc.getText(d.range), '-6');
    assert.ok((await __mock.codeActions(doc, d.range)).some((a) => a.edit), 'fresh fix offered');
    doc.setText(doc.getText().replace('"area": 5', '"area": 55'));
    assert.ok(!(await __mock.codeActions(doc, d.range)).some((a) => a.edit), 'no stale edits while the re-check is pending');
  });

  it('a quick fix applied through WorkspaceEdit gives the expected text, and the re-check clears its diagnostic', async () => {
    start();
    const uri = write('instances_qf.json', cocoText([5, -7, -8], '\r\n'));
    const doc = open(uri);
    await waitFor(() => byCode(uri, 'coco/test-negative-area').length === 2, 'diagnostics');
    const d = byCode(uri, 'coco/test-negative-area')[0];
    const actions = await __mock.codeActions(doc, d.range);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, ['Make the area positive', 'Fix all coco/test-negative-area problems in this file', 'Fix all auto-fixable problems in this file', 'Fix all auto-fixable problems in this file', 'Show in Labelscope viewer']);
    const quick = actions[0];
    assert.equal(quick.kind?.value, 'quickfix');
    assert.equal(quick.isPreferred, true);
    assert.deepEqual(quick.diagnostics, [d]);
    assert.equal(actions[3].kind?.value, 'source.fixAll.labelscope');
    const before = doc.getText();
    await __mock.applyCodeAction(quick);
    assert.equal(doc.getText(), before.replace('"area": -7', '"area": 7'), 'only the value changed, CRLF kept');
    assert.equal(doc.isDirty, true);
    await waitFor(() => byCode(uri, 'coco/test-negative-area').length === 1, 're-check');
    assert.equal(doc.getText(byCode(uri, 'coco/test-negative-area')[0].range), '-8');
  });

  it('fix all of a rule (via the quick pick) and fix all converge in one undoable WorkspaceEdit', async () => {
    start();
    const uri = write('instances_all.json', cocoText([-1, 4000, -2, 8000, 5]));
    const doc = open(uri);
    __mock.setActiveEditor(doc);
    await waitFor(() => diags(uri).length === 4, 'diagnostics');
    __mock.state.quickPickResponses.push(0);
    const r1 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAllOfRule');
    assert.deepEqual((__mock.state.quickPicks[0] as { label: string }[]).map((i) => i.label).sort(), ['coco/test-huge-area', 'coco/test-negative-area']);
    assert.equal(r1.applied, 'text');
    const picked = (__mock.state.quickPicks[0] as { label: string }[])[0].label;
    const edits = __mock.state.appliedEdits;
    assert.equal(edits.length, 1);
    if (picked === 'coco/test-huge-area') {
      assert.equal(r1.outcome!.passes, 3, '8000 → 4000 → 2000 → 1000');
      assert.match(doc.getText(), /"area": 1000,[\s\S]*"area": 1000,/);
    }
    __mock.state.messageResponses.push(APPLY);
    const r2 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r2.applied, 'text');
    assert.equal(r2.outcome!.remaining, 0);
    const areas = [...doc.getText().matchAll(/"area": (-?[\d.]+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(areas, [1, 1000, 2, 1000, 5]);
    const all = __mock.state.appliedEdits;
    assert.ok(all.every((e) => e.size === 1));
    // Minimal: every text edit replaces one number.
    for (const e of all) for (const [, tes] of e.entries()) for (const te of tes) assert.match(te.newText, /^-?\d+$/);
    await waitFor(() => diags(uri).length === 0, 're-check clean');
    const r3 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r3.applied, 'none');
  });

  it('source.fixAll.labelscope is offered for codeActionsOnSave', async () => {
    start();
    const uri = write('instances_save.json', cocoText([-3]));
    const doc = open(uri);
    await waitFor(() => diags(uri).length === 1, 'diagnostics');
    const actions = await __mock.codeActions(doc, new vscode.Range(0, 0, 0, 0), FIX_ALL_KIND);
    assert.equal(actions.length, 1);
    await __mock.applyCodeAction(actions[0]);
    assert.match(doc.getText(), /"area": 3/);
    assert.equal(__mock.state.messages.filter((m) => m.level === 'info').length, 0, 'silent on save');
    assert.equal((await __mock.codeActions(doc, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.Source.append('organizeImports'))).length, 0);
  });

  it('files above the large-file threshold are patched on disk atomically after a modal confirmation', async () => {
    start({ largeFileBytes: 100 });
    const uri = write('instances_big.json', cocoText([-4, 4000]));
    const before = fs.readFileSync(uri.fsPath, 'utf8');
    __mock.state.messageResponses.push(undefined);
    const cancelled = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(cancelled.applied, 'cancelled');
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), before);
    const modal = __mock.state.messages.at(-1)!;
    assert.deepEqual((modal.options as { modal: boolean }).modal, true);
    assert.deepEqual(modal.items, [APPLY_AND_SAVE]);
    __mock.state.messageResponses.push(APPLY_AND_SAVE);
    const done = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(done.applied, 'disk');
    const after = fs.readFileSync(uri.fsPath, 'utf8');
    assert.equal(after, before.replace('"area": -4', '"area": 4').replace('"area": 4000', '"area": 1000'));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
    assert.equal(__mock.state.appliedEdits.length, 0, 'no WorkspaceEdit');
    assert.equal(vscode.workspace.textDocuments.length, 0, 'not opened as text');
    assert.equal(diags(uri).length, 0, 're-checked after the write');
  });

  it('an untrusted workspace never writes files (text edits are still fine)', async () => {
    start({ largeFileBytes: 100 });
    (vscode.workspace as { isTrusted: boolean }).isTrusted = false;
    const uri = write('instances_untrusted.json', cocoText([-4]));
    const before = fs.readFileSync(uri.fsPath, 'utf8');
    __mock.state.messageResponses.push(APPLY_AND_SAVE);
    const r = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', uri);
    assert.equal(r.applied, 'refused');
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), before);
    assert.match(__mock.state.messages.at(-1)!.message, /untrusted/);
    const small = write('instances_small.json', cocoText([-4]));
    const doc = open(small);
    __mock.state.messageResponses.push(APPLY);
    const r2 = await vscode.commands.executeCommand<FixAllResult>('labelscope.fixAll', small);
    assert.equal(r2.applied, 'text');
    assert.match(doc.getText(), /"area": 4/);
    assert.equal(fs.readFileSync(small.fsPath, 'utf8'), cocoText([-4]), 'disk untouched');
    assert.deepEqual(__mock.state.saved, []);
  });
});
