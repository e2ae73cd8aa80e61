// Resolved for 'onnxruntime-node' in rooms that must not import it (see tsconfig.*.json "paths"):
// this file is not a module, so `import ... from 'onnxruntime-node'` is a compile error (TS2306).
// 'onnxruntime-node' belongs to: src/node (and src/extension, src/cli through it) only.
