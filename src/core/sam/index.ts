/** SAM pre/post-processing: pure, so the extension, the CLI, workers and tests share it. */
export * from './transforms';
export * from './preprocess';
export * from './prompts';
export * from './postprocess';
export * from './annotation';
export * from './modelKind';
export * from './maskCleanup';
