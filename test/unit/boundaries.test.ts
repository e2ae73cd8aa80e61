/**
 * The rooms' boundaries are compile errors: a file that imports what its room
 * may not import fails its room's tsconfig. Each probe is compiled with the
 * room's real compiler options (TypeScript API, one small program per probe).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

function roomOptions(config: string): ts.CompilerOptions {
  const file = join(root, config);
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, root, undefined, file);
  return parsed.options;
}

/** Diagnostics of one probe source placed at `path` (relative to the repo) in the room of `config`. */
function compileProbe(config: string, path: string, source: string): string[] {
  const options = roomOptions(config);
  const probe = join(root, path);
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === probe ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === probe || exists(f);
  const extra = config === 'tsconfig.core.json' ? [join(root, 'types', 'core-globals.d.ts')] : [];
  const program = ts.createProgram([probe, ...extra], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('room boundaries (tsconfig per room)', function () {
  this.timeout(60000);

  it('core: no vscode, sharp, node: modules, Node or DOM globals', () => {
    const errors = compileProbe('tsconfig.core.json', 'src/core/__probe__.ts', [
      "import * as vscode from 'vscode';",
      "import sharp from 'sharp';",
      "import { readFileSync } from 'node:fs';",
      'export const used = [vscode, sharp, readFileSync, process.env, Buffer.alloc(1), document.title];',
    ].join('\n'));
    assert.ok(errors.some((e) => /types\/forbidden\/vscode\.d\.ts' is not a module/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /forbidden\/sharp\.d\.ts' is not a module/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /Cannot find module 'node:fs'/.test(e)), errors.join('\n'));
    for (const name of ['process', 'Buffer', 'document']) assert.ok(errors.some((e) => e.includes(`Cannot find name '${name}'`)), name);
  });

  it('core: the web-standard globals every runtime has still compile', () => {
    const errors = compileProbe('tsconfig.core.json', 'src/core/__probe__.ts',
      "export const t = [new TextDecoder().decode(new TextEncoder().encode('x')), performance.now()];");
    assert.deepEqual(errors, []);
  });

  it('webview-ui: DOM yes; vscode and node: no', () => {
    const errors = compileProbe('tsconfig.webview.json', 'webview-ui/src/__probe__.ts', [
      "import * as vscode from 'vscode';",
      "import { readFileSync } from 'node:fs';",
      'export const used = [vscode, readFileSync, document.title];',
    ].join('\n'));
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.ok(errors.some((e) => /forbidden\/vscode\.d\.ts' is not a module/.test(e)));
    assert.ok(errors.some((e) => /Cannot find module 'node:fs'/.test(e)));
  });

  it('node and cli: Node yes; vscode and DOM no', () => {
    for (const path of ['src/node/__probe__.ts', 'src/cli/commands/__probe__.ts']) {
      const errors = compileProbe('tsconfig.node.json', path, [
        "import * as vscode from 'vscode';",
        "import { readFileSync } from 'node:fs';",
        'export const used = [vscode, readFileSync, process.env, document.title];',
      ].join('\n'));
      assert.equal(errors.length, 2, errors.join('\n'));
      assert.ok(errors.some((e) => /forbidden\/vscode\.d\.ts' is not a module/.test(e)));
      assert.ok(errors.some((e) => e.includes("Cannot find name 'document'")));
    }
  });

  it('editor: Node yes; vscode and DOM no', () => {
    const errors = compileProbe('tsconfig.editor.json', 'src/editor/__probe__.ts', [
      "import * as vscode from 'vscode';",
      "import { readFileSync } from 'node:fs';",
      'export const used = [vscode, readFileSync, process.env, document.title];',
    ].join('\n'));
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.ok(errors.some((e) => /forbidden\/vscode\.d\.ts' is not a module/.test(e)));
    assert.ok(errors.some((e) => e.includes("Cannot find name 'document'")));
  });

  it('extension: vscode and Node yes', () => {
    const errors = compileProbe('tsconfig.extension.json', 'src/extension/__probe__.ts', [
      "import * as vscode from 'vscode';",
      "import { readFileSync } from 'node:fs';",
      'export const used = [vscode.window, readFileSync];',
    ].join('\n'));
    assert.deepEqual(errors, []);
  });

  it('every room config includes its folders by glob, so new files join their room', () => {
    const names = (config: string) => {
      const file = join(root, config);
      return ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, root, undefined, file).fileNames
        .map((f) => f.slice(root.length + 1));
    };
    const core = names('tsconfig.core.json');
    assert.ok(core.includes('src/core/geometry/rle.ts') && core.includes('src/shared/protocol.ts'));
    assert.ok(!core.some((f) => f.startsWith('src/node/') || f.startsWith('src/extension/')));
    assert.ok(names('tsconfig.node.json').includes('src/cli/commands/check.ts'));
    assert.ok(names('tsconfig.webview.json').every((f) => f.startsWith('webview-ui/src/')));
    const editor = names('tsconfig.editor.json');
    assert.ok(editor.includes('src/editor/editorModel.ts') && !editor.some((f) => f.startsWith('src/extension/')));
  });
});
