/**
 * The lint side of the rooms (eslint.config.mjs): what each room may not
 * import is an error, and so is unused code. Probes are linted as if they
 * lived in the room (type-aware rules are left to `npm run lint`).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');

async function lintProbe(path: string, source: string): Promise<{ rule: string | null; message: string }[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  });
  const [result] = await eslint.lintText(source, { filePath: join(root, path) });
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const restricted = (msgs: { rule: string | null; message: string }[]) => msgs.filter((m) => m.rule === 'no-restricted-imports').map((m) => m.message);

describe('lint: room import restrictions and unused code', function () {
  this.timeout(60000);

  it('core may not import node:*, fs, vscode, sharp, onnxruntime-node, or src/node, src/extension', async () => {
    const msgs = restricted(await lintProbe('src/core/metrics/probe.ts', [
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      "import * as vscode from 'vscode';",
      "import sharp from 'sharp';",
      "import * as ort from 'onnxruntime-node';",
      "import { loadCoco } from '../../node/loadCoco';",
      "import { activate } from '../../extension/extension';",
      "import { rleArea } from '../geometry';",
      'export const used = [readFileSync, join, vscode, sharp, ort, loadCoco, activate, rleArea];',
    ].join('\n')));
    assert.equal(msgs.length, 7, msgs.join('\n'));
    assert.ok(msgs.every((m) => m.includes('pure TypeScript')));
  });

  it('webview-ui may not import node:* or vscode, but may import src/shared and src/core', async () => {
    const msgs = restricted(await lintProbe('webview-ui/src/reports/probe/main.ts', [
      "import { readFileSync } from 'node:fs';",
      "import * as vscode from 'vscode';",
      "import { loadCoco } from '../../../../src/node/loadCoco';",
      "import { categoryColor } from '../../../../src/shared/protocol';",
      "import { rleArea } from '../../../../src/core/geometry';",
      'export const used = [readFileSync, vscode, loadCoco, categoryColor, rleArea];',
    ].join('\n')));
    assert.equal(msgs.length, 3, msgs.join('\n'));
  });

  it('node and cli may not import vscode or src/extension; they may import node: and core', async () => {
    for (const path of ['src/node/probe.ts', 'src/cli/commands/probe.ts']) {
      const msgs = restricted(await lintProbe(path, [
        "import * as vscode from 'vscode';",
        "import { readFileSync } from 'node:fs';",
        "import { activate } from '../../extension/extension';",
        "import { rleArea } from '../../core/geometry';",
        'export const used = [vscode, readFileSync, activate, rleArea];',
      ].join('\n')));
      assert.equal(msgs.length, 2, `${path}: ${msgs.join('\n')}`);
    }
  });

  it('a fixed sleep in a test is an error; a poll (a sleep in a loop) and a time limit (Promise.race) are not', async () => {
    const msgs = await lintProbe('test/unit/probeSleep.test.ts', [
      'declare const page: { waitForTimeout(ms: number): Promise<void> };',
      'declare function sleep(ms: number): Promise<void>;',
      'declare const done: () => boolean;',
      'export async function probe(): Promise<void> {',
      '  await page.waitForTimeout(50);',                               // fixed: error
      '  await new Promise((r) => setTimeout(r, 300));',                // fixed: error
      '  await sleep(1000);',                                           // fixed: error
      '  while (!done()) await new Promise((r) => setTimeout(r, 10));', // poll: fine
      '  for (;;) { if (done()) break; await sleep(10); }',             // poll: fine
      '  await Promise.race([Promise.resolve(), sleep(5000)]);',        // time limit: fine
      '}',
    ].join('\n'));
    const sleeps = msgs.filter((m) => m.rule === 'no-restricted-syntax');
    assert.equal(sleeps.length, 3, JSON.stringify(msgs));
    assert.ok(sleeps.every((m) => m.message.startsWith('No fixed sleeps in tests')));
  });

  it('an unused import or variable is an error', async () => {
    const msgs = await lintProbe('src/core/probe.ts', "import { rleArea } from './geometry';\nconst unused = 1;\nexport const x = 2;\n");
    assert.deepEqual(msgs.map((m) => m.rule), ['@typescript-eslint/no-unused-vars', '@typescript-eslint/no-unused-vars']);
  });
});
