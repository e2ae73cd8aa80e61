/**
 * onnxruntime-node, loaded on first use only: it is a native module of tens of MB, external to
 * every bundle, and most sessions never run a model. Tests may swap the loader.
 */
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  // A plain require keeps esbuild from inlining anything (the module is in `external`).
  loading ??= Promise.resolve().then(() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, so activation never pays for it
      return require('onnxruntime-node') as OrtModule;
    } catch (e) {
      loading = undefined; // a later install can be picked up without a restart
      throw new Error(`onnxruntime-node could not be loaded (${(e as Error).message.split('\n')[0]}); SAM models need it — the GrabCut fallback works without it`, { cause: e });
    }
  });
  return loading;
}

/** Whether onnxruntime-node has been loaded in this process (for tests and the status bar). */
export function ortLoaded(): boolean {
  return loading !== undefined;
}
