/**
 * `dist/core.js`: Labelscope's core for users' own Node scripts (CommonJS, no
 * `vscode`). Geometry functions follow pycocotools' meanings: an RLE is
 * `{ size: [h, w], counts }`, counts column-major, a number array or a string.
 */
export { loadCoco, loadCocoSync } from './node/loadCoco';
export { parseCoco, parseCocoAsync } from './core/coco/parse';
export { CocoDocument } from './core/coco/document';
export type { Located, Section, JsonObject } from './core/coco/document';
export * from './core/geometry';
export { checkDocument } from './core/check';
export type { CheckResult, CheckSummary } from './core/check';
export { ALL_RULES, ruleById } from './core/rules';
export type { Problem, Severity } from './core/problems';
export { positionProblems } from './core/report/located';
export { checkFile } from './node/checkFile';
