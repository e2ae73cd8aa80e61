/** Where an edited shape goes while the host has not answered yet: the same moves the host makes. */
// One rounding for every coordinate the viewer sends (the host's, pycocotools files' 2 decimals).
import { round2 } from '../../../src/core/edits/jsonEdits';

export type Box = [number, number, number, number];

/** Polygons moved and scaled from one box into another (as the host does). */
export function fitRings(rings: number[][], from: Box, to: Box): number[][] {
  const sx = from[2] > 0 ? to[2] / from[2] : 1;
  const sy = from[3] > 0 ? to[3] / from[3] : 1;
  return rings.map((p) => p.map((v, i) => (i % 2 === 0 ? to[0] + (v - from[0]) * sx : to[1] + (v - from[1]) * sy)));
}

/** Labeled keypoints (v > 0) moved and scaled from one box into another (as the host does). */
export function fitKeypoints(kp: number[], from: Box, to: Box): number[] {
  const sx = from[2] > 0 ? to[2] / from[2] : 1;
  const sy = from[3] > 0 ? to[3] / from[3] : 1;
  const r = round2;
  return kp.map((v, i) => {
    const t = i - (i % 3);
    if (i % 3 === 2 || t + 2 >= kp.length || !(kp[t + 2] > 0)) return v;
    return i % 3 === 0 ? r(to[0] + (v - from[0]) * sx) : r(to[1] + (v - from[1]) * sy);
  });
}
