/**
 * onnxruntime-node, loaded on first use only: it is a native module of tens of MB, external to
 * every bundle, and most sessions never run a model. Tests may swap the loader.
 */
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  // A plain require keeps esbuild from inlining anything (the module is in `external`).
  loading ??= Promise.resolve().then(() => require('onnxruntime-node') as OrtModule);
  return loading;
}

/** Whether onnxruntime-node has been loaded in this process (for tests and the status bar). */
export function ortLoaded(): boolean {
  return loading !== undefined;
}
