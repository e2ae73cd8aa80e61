// Resolved for 'sharp' in rooms that must not import it (see tsconfig.*.json "paths"):
// this file is not a module, so `import ... from 'sharp'` is a compile error (TS2306).
// 'sharp' belongs to: src/node (and src/extension, src/cli through it) only.
