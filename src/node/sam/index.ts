/** SAM on onnxruntime-node: models, image input, the embedding cache, the segmenter. */
export * from './ort';
export * from './samModel';
export * from './imageInput';
export * from './embeddingCache';
export * from './segmenter';
export * from './grabcut';
export * from './segmentBoxes';
export * from './modelStore';
export * from './download';
