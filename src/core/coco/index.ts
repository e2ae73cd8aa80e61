export * from './document';
export { LineIndex, type Position } from './lineIndex';
export { parseCoco, parseCocoAsync, abortError, type ParseOptions, type ParseAsyncOptions } from './parse';
export { locate, locateIn, locateKey, type ByteRange, type KeyRange } from './locate';
export { jsonPath, formatJsonPath } from './jsonPath';
export { walkJson, type PathSegment, type WalkOptions, type WalkResult } from './scanner';
export * from './kind';
