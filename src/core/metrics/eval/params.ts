/** COCOeval's Params (cocoeval.py `Params`), with the exact threshold values numpy produces. */

export type IouType = 'bbox' | 'segm' | 'keypoints';

export interface EvalParams {
  iouType: IouType;
  /** `np.linspace(.5, .95, 10)`: 0.5, 0.55, …, 0.8999999999999999, 0.95. */
  iouThrs: number[];
  /** `np.linspace(0, 1, 101)`. */
  recThrs: number[];
  /** Sorted ascending, as evaluate() sorts them. */
  maxDets: number[];
  areaRng: [number, number][];
  areaRngLbl: string[];
  /** Per-keypoint OKS sigmas (keypoints only); COCO person: the 17 published values / 10. */
  kptOksSigmas: number[];
}

/** numpy.linspace(start, stop, num) with endpoint: `i * step + start`, the last value `stop`. */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

export const COCO_PERSON_SIGMAS = [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10.0);

export interface ParamOverrides {
  maxDets?: number[];
  iouThrs?: number[];
  kptOksSigmas?: number[];
}

export function defaultParams(iouType: IouType, overrides: ParamOverrides = {}): EvalParams {
  const kp = iouType === 'keypoints';
  const maxDets = (overrides.maxDets ?? (kp ? [20] : [1, 10, 100])).slice().sort((a, b) => a - b);
  return {
    iouType,
    iouThrs: overrides.iouThrs ? overrides.iouThrs.slice() : linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recThrs: linspace(0.0, 1.0, Math.round((1.0 - 0.0) / 0.01) + 1),
    maxDets,
    areaRng: kp
      ? [[0 ** 2, 1e5 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]]
      : [[0 ** 2, 1e5 ** 2], [0 ** 2, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]],
    areaRngLbl: kp ? ['all', 'medium', 'large'] : ['all', 'small', 'medium', 'large'],
    kptOksSigmas: overrides.kptOksSigmas ? overrides.kptOksSigmas.slice() : COCO_PERSON_SIGMAS,
  };
}
