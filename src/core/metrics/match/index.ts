export * from './types';
export { matchDocuments, sameBytes } from './matchDocuments';
export { pairCategories, pairImages, type ImagePair } from './pairing';
export { assignOptimal, type Assigned } from './assign';
export { similarity, oks, COCO_PERSON_SIGMAS } from './similarity';
export { makeMatchObject, objectMask, type MatchObject } from './objects';
