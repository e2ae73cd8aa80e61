/**
 * Back from another tab (issue 8.6), host side, through the vscode mock: both viewer types keep
 * their webview while hidden (retainContextWhenHidden: VS Code then shows the same page again
 * instead of loading a new one that would ask for init, every problem and the image), and the
 * panel going hidden and visible again sends the webview nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { activate } from '../../../src/extension/extension';
import { InProcessCheckRunner } from '../../../src/extension/checkRunner';
import { COCO_EDITOR_ANY_JSON_VIEW_TYPE, COCO_EDITOR_VIEW_TYPE, type CocoCustomDocument, type CocoEditorProvider } from '../../../src/extension/editor/cocoEditorProvider';
import { webviewChannel, type Envelope } from '../../../src/shared/protocol';
import { cocoText, negativeArea, tmpDir, waitFor } from '../helpers';

const { __mock } = mock;

describe('back from another tab: the viewer\'s webview is kept (mock vscode)', () => {
  beforeEach(() => { __mock.reset(); });

  it('both viewer types are registered with retainContextWhenHidden', () => {
    const dir = tmpDir();
    activate(__mock.context(dir) as unknown as vscode.ExtensionContext, new InProcessCheckRunner([negativeArea]));
    for (const viewType of [COCO_EDITOR_VIEW_TYPE, COCO_EDITOR_ANY_JSON_VIEW_TYPE]) {
      const entry = __mock.state.customEditors.find((e) => e.viewType === viewType);
      assert.ok(entry, `${viewType} registered`);
      assert.equal((entry.options as { webviewOptions?: { retainContextWhenHidden?: boolean } }).webviewOptions?.retainContextWhenHidden, true, viewType);
    }
  });

  it('hidden and shown again, the panel sends its webview nothing (no init, no problems, no image)', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'instances_x.json');
    fs.writeFileSync(file, cocoText([-5, 10, -7]));
    activate(__mock.context(dir) as unknown as vscode.ExtensionContext, new InProcessCheckRunner([negativeArea]));
    const provider = __mock.state.customEditors.find((e) => e.viewType === COCO_EDITOR_VIEW_TYPE)!.provider as CocoEditorProvider;
    const doc = await provider.openCustomDocument(vscode.Uri.file(file), { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument;
    const toHost = new vscode.EventEmitter<unknown>();
    const viewState = new vscode.EventEmitter<{ webviewPanel: unknown }>();
    const notes: string[] = [];
    const web = webviewChannel((m: Envelope) => queueMicrotask(() => toHost.fire(structuredClone(m))));
    const webview = {
      options: {}, html: '', cspSource: 'https://csp.test', asWebviewUri: (u: vscode.Uri) => u,
      postMessage: async (m: unknown) => { queueMicrotask(() => { const c = structuredClone(m) as Envelope; if (c.t === 'note') notes.push(c.method); web.receive(c); }); return true; },
      onDidReceiveMessage: toHost.event,
    };
    const panel = { webview, visible: true, active: true, onDidDispose: new vscode.EventEmitter<void>().event, onDidChangeViewState: viewState.event };
    await provider.resolveCustomEditor(doc, panel as never);
    web.notify('ready', {});
    await waitFor(() => notes.includes('init') && notes.includes('problems'), 'init and the problems');
    await web.request('getImage', { index: 0 });
    const sent = notes.length;
    for (let k = 0; k < 3; k++) {
      Object.assign(panel, { visible: false, active: false });
      viewState.fire({ webviewPanel: panel });
      Object.assign(panel, { visible: true, active: true });
      viewState.fire({ webviewPanel: panel });
    }
    // A round trip through the host: anything the view state changes queued has been sent by now.
    await web.request('getImage', { index: 0 });
    assert.deepEqual(notes.slice(sent), []);
    doc.dispose();
  });
});
