// Resolved for 'vscode' in rooms that must not import it (see tsconfig.*.json "paths"):
// this file is not a module, so `import ... from 'vscode'` is a compile error (TS2306).
// 'vscode' belongs to: src/extension only.
