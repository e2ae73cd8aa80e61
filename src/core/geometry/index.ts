export * from './rle';
export * from './rleString';
export * from './bbox';
export * from './polygon';
export * from './segmentation';
export * from './contours';
export * from './keypoints';
