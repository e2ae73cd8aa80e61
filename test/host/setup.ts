/**
 * Mocha `require` hook: `import * as vscode from 'vscode'` resolves to the mock
 * (test/host/vscodeMock.ts) when no real editor API is present.
 */
import Module = require('node:module');

const mockPath = require.resolve('./vscodeMock');
type Resolve = (request: string, ...rest: unknown[]) => string;
const M = Module as unknown as { _resolveFilename: Resolve };
const original = M._resolveFilename;
let realVscode = false;
try { original.call(Module, 'vscode', module); realVscode = true; } catch { /* not inside VS Code */ }
if (!realVscode) {
  M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === 'vscode') return mockPath;
    return original.call(this, request, ...rest);
  };
}
