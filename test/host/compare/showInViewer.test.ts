/** The diff report's "Show in viewer" through the vscode mock: it opens NEW's viewer in diff mode with that image's changes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { registerCompareCommands } from '../../../src/extension/compare/commands';
import type { CompareFromWebview, CompareToWebview } from '../../../src/shared/compareProtocol';
import type { DiffChange } from '../../../src/shared/protocol';
import { box, CATS, image, poly, type Coco } from '../../unit/core/metrics/match/helpers';

const { __mock } = mock;

/** A webview panel the test can talk to (the mock has none). */
function fakePanels() {
  const panels: { sent: CompareToWebview[]; receive(m: CompareFromWebview): Promise<void> }[] = [];
  (vscode.window as unknown as { createWebviewPanel: unknown }).createWebviewPanel = () => {
    let handler: (m: CompareFromWebview) => unknown = () => undefined;
    const p = { html: '', sent: [] as CompareToWebview[], receive: async (m: CompareFromWebview) => { await handler(m); } };
    panels.push(p);
    return {
      webview: {
        cspSource: 'vscode-resource:', asWebviewUri: (u: vscode.Uri) => u,
        set html(h: string) { p.html = h; }, get html() { return p.html; },
        postMessage: async (m: CompareToWebview) => { p.sent.push(m); return true; },
        onDidReceiveMessage: (h: (m: CompareFromWebview) => unknown) => { handler = h; return { dispose() {} }; },
      },
      onDidDispose: () => ({ dispose() {} }),
      dispose() {},
    };
  };
  return panels;
}

describe('Compare with Another File: Show in viewer (host, mock vscode)', () => {
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  beforeEach(() => {
    __mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-diffhost-'));
    context = __mock.context(dir); // no dist/compareWorker.js there: the comparison runs in process
  });
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('executes labelscope.viewer.showDiff for NEW with the chosen image and its old / new geometry', async () => {
    const old: Coco = {
      images: [image(1), image(2), image(3)],
      categories: CATS,
      annotations: [box(1, 1, 1, [0, 0, 10, 10]), poly(2, 2, 1, [10, 10, 20, 20]), box(3, 2, 1, [50, 50, 10, 10]), box(4, 3, 2, [5, 5, 5, 5])],
    };
    const next: Coco = structuredClone(old);
    next.annotations = [box(1, 1, 1, [0, 0, 10, 10]), poly(2, 2, 1, [14, 12, 20, 20]), box(3, 2, 2, [50, 50, 10, 10]), box(4, 3, 2, [5, 5, 5, 5]), box(5, 3, 3, [60, 60, 8, 8])];
    const oldFile = path.join(dir, 'old.json'), newFile = path.join(dir, 'new.json');
    fs.writeFileSync(oldFile, JSON.stringify(old));
    fs.writeFileSync(newFile, JSON.stringify(next));
    mock.__mock.state.openDialogResponses.push([vscode.Uri.file(oldFile)]); // the mock's dialog queue (a replaced function would outlive this test)
    const panels = fakePanels();
    for (const d of registerCompareCommands(context as unknown as vscode.ExtensionContext)) context.subscriptions.push(d);
    // Stands in for the viewer's command (src/extension/editor/cocoEditorProvider.ts): records its arguments.
    const shown: unknown[][] = [];
    context.subscriptions.push(vscode.commands.registerCommand('labelscope.viewer.showDiff', (...args: unknown[]) => { shown.push(args); }));

    await vscode.commands.executeCommand('labelscope.compareWithFile', vscode.Uri.file(newFile));
    assert.equal(panels.length, 1);
    await panels[0].receive({ type: 'ready' });
    const report = panels[0].sent.find((m) => m.type === 'diff');
    assert.ok(report && report.type === 'diff');
    const index = report.diff.perImage.findIndex((i) => i.imageId === 2);
    assert.ok(index >= 0, 'image 2 is listed as changed');

    await panels[0].receive({ type: 'showInViewer', image: index });
    assert.equal(shown.length, 1);
    const [uri, target, changes] = shown[0] as [vscode.Uri, { imageId: number }, DiffChange[]];
    assert.equal(uri.fsPath, newFile);
    assert.deepEqual(target, { imageId: 2 });
    const moved = changes.find((c) => c.label?.startsWith('2:'));
    assert.deepEqual(moved?.old, { bbox: [10, 10, 20, 20], segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]] });
    assert.deepEqual(moved?.new, { bbox: [14, 12, 20, 20], segmentation: [[14, 12, 34, 12, 34, 32, 14, 32]] });
    const relabel = changes.find((c) => c.label === 'car → truck');
    assert.deepEqual(relabel && { kind: relabel.kind, old: relabel.old, new: relabel.new }, { kind: 'changed', old: { bbox: [50, 50, 10, 10] }, new: { bbox: [50, 50, 10, 10] } });
    assert.equal(changes.length, 2);

    const other = report.diff.perImage.findIndex((i) => i.imageId === 3);
    await panels[0].receive({ type: 'showInViewer', image: other });
    assert.deepEqual(shown[1].slice(1), [{ imageId: 3 }, [{ kind: 'added', new: { bbox: [60, 60, 8, 8] }, label: 'person' }]]);
  });

  it('agreement: Show in viewer executes labelscope.viewer.showAgreement for B with A\'s objects and the image\'s conflicts', async () => {
    const a: Coco = { images: [image(1), image(2)], categories: CATS, annotations: [box(1, 1, 1, [0, 0, 10, 10]), poly(2, 2, 1, [10, 10, 20, 20]), box(3, 2, 1, [60, 60, 10, 10])] };
    // B: image 1 agrees; on image 2 the polygon is a truck and the box at (60, 60) is missing.
    const b: Coco = { images: [image(1), image(2)], categories: CATS, annotations: [box(11, 1, 1, [0, 0, 10, 10]), poly(12, 2, 2, [10, 10, 20, 20])] };
    const aFile = path.join(dir, 'a.json'), bFile = path.join(dir, 'b.json');
    fs.writeFileSync(aFile, JSON.stringify(a));
    fs.writeFileSync(bFile, JSON.stringify(b));
    mock.__mock.state.openDialogResponses.push([vscode.Uri.file(aFile)]); // the mock's dialog queue (a replaced function would outlive this test)
    const panels = fakePanels();
    for (const d of registerCompareCommands(context as unknown as vscode.ExtensionContext)) context.subscriptions.push(d);
    const shown: unknown[][] = [];
    context.subscriptions.push(vscode.commands.registerCommand('labelscope.viewer.showAgreement', (...args: unknown[]) => { shown.push(args); }));

    await vscode.commands.executeCommand('labelscope.compareAnnotations', vscode.Uri.file(bFile));
    await panels[0].receive({ type: 'ready' });
    const report = panels[0].sent.find((m) => m.type === 'agree');
    assert.ok(report && report.type === 'agree');
    // Only image 2 disagrees: it is the one listed.
    assert.deepEqual(report.report.perImage.map((i) => i.imageId), [2]);
    await panels[0].receive({ type: 'showInViewer', image: 0 });
    assert.equal(shown.length, 1);
    const [uri, target, layer] = shown[0] as [vscode.Uri, { imageId: number }, import('../../../src/shared/evalLayerProtocol').AgreementLayer];
    assert.equal(uri.fsPath, bFile);
    assert.deepEqual(target, { imageId: 2 });
    assert.equal(layer.fileA, 'a.json');
    assert.deepEqual(layer.objectsA.map((o) => [o.id, o.categoryId, o.bbox]), [[2, 1, [10, 10, 20, 20]], [3, 1, [60, 60, 10, 10]]]);
    assert.deepEqual(layer.objectsA[0].rings, [[10, 10, 30, 10, 30, 30, 10, 30]]);
    assert.deepEqual(layer.conflicts.map((c) => [c.type, c.a?.bbox ?? null, c.b?.bbox ?? null]).sort(), [
      ['mismatching_label', [10, 10, 20, 20], [10, 10, 20, 20]],
      ['missing_annotation', [60, 60, 10, 10], null],
    ]);
  });
});
