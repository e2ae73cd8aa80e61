/** `Labelscope: Evaluate Predictions…` through the vscode mock: report panel, messages, diagnostics, viewer filter. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { registerEvalCommands, evalEvents, overlayFor } from '../../../src/extension/eval/evalPanel';
import type { EvalHostMessage, EvalViewMessage, EvalViewerFilter } from '../../../src/shared/evalProtocol';

const { __mock } = mock;
const FIX = path.resolve(__dirname, '../../fixtures/eval-oracle');

/** A webview panel the test can talk to (the mock has none). */
function fakePanels() {
  const panels: { html: string; sent: EvalHostMessage[]; receive(m: EvalViewMessage): Promise<void> }[] = [];
  (vscode.window as unknown as { createWebviewPanel: unknown }).createWebviewPanel = () => {
    let handler: (m: EvalViewMessage) => unknown = () => undefined;
    const p = { html: '', sent: [] as EvalHostMessage[], receive: async (m: EvalViewMessage) => { await handler(m); } };
    panels.push(p);
    return {
      webview: {
        cspSource: 'vscode-resource:', asWebviewUri: (u: vscode.Uri) => u,
        set html(h: string) { p.html = h; }, get html() { return p.html; },
        postMessage: async (m: EvalHostMessage) => { p.sent.push(m); return true; },
        onDidReceiveMessage: (h: (m: EvalViewMessage) => unknown) => { handler = h; return { dispose() {} }; },
      },
      onDidDispose: () => ({ dispose() {} }),
      dispose() {},
    };
  };
  return panels;
}

describe('Evaluate Predictions (host, mock vscode)', () => {
  let context: ReturnType<typeof __mock.context>;
  beforeEach(() => { __mock.reset(); context = __mock.context(FIX); });
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); });

  it('runs on the given files, sends the report on ready, puts the traps in Problems and filters the viewer', async () => {
    const panels = fakePanels();
    registerEvalCommands(context as unknown as vscode.ExtensionContext);
    const gt = vscode.Uri.file(path.join(FIX, 'inputs', 'bbox.gt.json'));
    const dt = vscode.Uri.file(path.join(FIX, 'inputs', 'bbox.dt.json'));
    await vscode.commands.executeCommand('labelscope.evaluatePredictions', gt, dt, 'bbox');
    assert.equal(panels.length, 1);
    const panel = panels[0];
    assert.match(panel.html, /Content-Security-Policy/);
    assert.match(panel.html, /script-src 'nonce-[A-Za-z0-9]+'/);
    assert.match(panel.html, /evalReport\.js/);

    await panel.receive({ type: 'ready' });
    const report = panel.sent.find((m) => m.type === 'evalReport');
    assert.ok(report && report.type === 'evalReport');
    const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected', 'bbox.json'), 'utf8'));
    assert.deepEqual(report.data.summary.map((s) => s.value), expected.stats);
    assert.equal(report.data.confusion?.labels.length, 7);

    const problems = vscode.languages.getDiagnostics(gt) as vscode.Diagnostic[];
    const zero = problems.find((d) => d.code === 'eval/gt-id-zero');
    assert.ok(zero, 'the id-0 trap is a diagnostic on the ground truth');
    assert.equal(zero.source, 'labelscope-eval');

    const filters: EvalViewerFilter[] = [];
    const sub = evalEvents.filter.event((e) => filters.push(e.message));
    await panel.receive({ type: 'filter', categoryId: 3 });
    await panel.receive({ type: 'filter', cell: { labelCategoryId: 1, detectedCategoryId: 4 } });
    sub.dispose();
    assert.equal(filters.length, 2);
    assert.ok(filters[0].imageIds.length > 0 && filters[0].imageIds.every((id) => typeof id === 'number'));
    assert.deepEqual(filters[1].imageIds.length, 1); // the one cat labelled class1 found as class4
    assert.match(filters[1].label, /class1 → detected class4/);

    const overlay = overlayFor(gt, filters[1].imageIds[0]);
    assert.ok(overlay && overlay.items.some((i) => i.kind === 'fp' && i.categoryId === 4));
  });
});
