/** Issue 8 item 8 (host side): the progress toast and the status bar say the same; a non-COCO JSON is called that. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { ALL_RULES } from '../../src/core/rules';
import { activate } from '../../src/extension/extension';
import { InProcessCheckRunner, type CheckRunner } from '../../src/extension/checkRunner';
import { cocoText, tmpDir, waitFor } from './helpers';

const { __mock } = mock;

describe('wording (issue 8 item 8, mock vscode)', () => {
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  beforeEach(() => { __mock.reset(); dir = tmpDir(); });
  afterEach(() => { for (const s of context?.subscriptions ?? []) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('a big file\'s progress toast names each phase as the status bar does ("reading", then "checking")', async () => {
    const inner = new InProcessCheckRunner(ALL_RULES);
    const seen: { phase: string; toast: string; status: string }[] = [];
    let status: { text: string } | undefined;
    const runner: CheckRunner = {
      ...inner,
      run: (req, onProgress, signal) => inner.run(req, (phase, fraction) => {
        onProgress(phase, fraction);
        const toast = __mock.state.progress.at(-1)?.reports.at(-1) as { message?: string } | undefined;
        status ??= __mock.state.statusBarItems.find((i) => (i as unknown as { id?: string }).id === 'labelscope.status') ?? __mock.state.statusBarItems[0];
        seen.push({ phase, toast: toast?.message ?? '', status: status?.text ?? '' });
      }, signal),
      fixAll: (req, onProgress, signal) => inner.fixAll(req, onProgress, signal),
    } as CheckRunner;
    context = __mock.context(dir);
    const api = activate(context as unknown as vscode.ExtensionContext, runner);
    const f = path.join(dir, 'instances_big.json');
    fs.writeFileSync(f, cocoText([5, 6]));
    // As a 30 MB file would be (the toast shows from 20 MB).
    await api.service.check(vscode.Uri.file(f), { size: 30 * 1024 * 1024 });
    assert.ok(seen.length >= 2, 'progress was reported');
    const phases = new Set(seen.map((s) => s.phase));
    assert.ok(phases.has('check'), [...phases].join());
    for (const s of seen) {
      const toastWord = /^(\w+)/.exec(s.toast)?.[1];
      const statusWord = /Labelscope: (\w+)/.exec(s.status)?.[1];
      assert.equal(toastWord, statusWord, `${s.phase}: toast "${s.toast}" vs status bar "${s.status}"`);
      assert.equal(toastWord, s.phase === 'check' ? 'checking' : 'reading');
    }
  });

  it('Check COCO File on .labelscope.json says it is not a COCO file, once, and lists no missing sections', async () => {
    context = __mock.context(dir);
    activate(context as unknown as vscode.ExtensionContext, new InProcessCheckRunner(ALL_RULES));
    const f = path.join(dir, '.labelscope.json');
    fs.writeFileSync(f, '{\n  "imageRoot": "images",\n  "rules": { "coco/area-mismatch": "off" }\n}\n');
    const uri = vscode.Uri.file(f);
    await vscode.commands.executeCommand('labelscope.checkFile', uri);
    const diags = await waitFor(() => { const d = vscode.languages.getDiagnostics(uri) as vscode.Diagnostic[]; return d.length ? d : undefined; }, 'diagnostics');
    assert.equal(diags.length, 1, diags.map((d) => `${String(d.code)}: ${d.message}`).join('\n'));
    assert.match(diags[0].message, /not a COCO file.*Labelscope config/);
    assert.ok(!diags.some((d) => /missing|images|annotations|categories/i.test(String(d.code))), 'no missing-section problems');
  });
});
