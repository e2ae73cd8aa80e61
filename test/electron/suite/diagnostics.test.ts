/** Runs inside VS Code's extension host (see ../runTests.ts). */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const codeOf = (d: vscode.Diagnostic): string =>
  typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');

describe('Labelscope in VS Code (test-electron)', () => {
  it('reports coco/ diagnostics with source "labelscope" for the sample', async () => {
    const folder = process.env.LABELSCOPE_SAMPLE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'no sample folder open');
    const uri = vscode.Uri.file(path.join(folder, 'annotations', 'instances_sample.json'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    const deadline = Date.now() + 60_000;
    let diags: vscode.Diagnostic[] = [];
    while (Date.now() < deadline) {
      diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'labelscope');
      if (diags.some((d) => codeOf(d).startsWith('coco/'))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const codes = [...new Set(diags.map(codeOf))].sort();
    console.log(`      labelscope diagnostics: ${diags.length}; codes: ${codes.join(', ')}`);
    assert.ok(codes.some((c) => c.startsWith('coco/')), `no coco/ diagnostic codes; got ${JSON.stringify(codes)}`);

    const ext = vscode.extensions.getExtension('labelscope.labelscope');
    assert.ok(ext?.isActive, 'extension labelscope.labelscope is not active');
  });
});
