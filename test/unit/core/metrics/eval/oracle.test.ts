/**
 * The port against pycocotools itself: reference outputs computed once with the real
 * pycocotools (test/fixtures/eval-oracle/README.md) on generated pairs full of edge cases.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateCoco, precisionIndex, recallIndex, type EvalResult, type IouType } from '../../../../../src/core/metrics/eval';

const FIX = path.join(__dirname, '../../../../fixtures/eval-oracle');

interface Expected {
  run: string; gt: string; dt: string; iouType: IouType; extra: { maxDets?: number[]; kpt_oks_sigmas?: number[] };
  params: { imgIds: number[]; catIds: number[]; iouThrs: number[]; recThrs: number[]; maxDets: number[] };
  stats: number[]; summary: string;
  perCategory: { categoryId: number; ap: number; ar: number }[];
  precisionAllAreaLastMaxDet: number[][][];
  recall: number[][][][];
  evalImgsAllArea: { imageId: number; categoryId: number; dtIds: number[]; gtIds: number[]; dtMatches: number[][]; dtIgnore: number[][]; gtIgnore: number[] }[];
}

const runs = fs.readdirSync(path.join(FIX, 'expected')).filter((f) => f.endsWith('.json')).sort();
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(FIX, 'inputs', f), 'utf8'));

describe('COCOeval port against pycocotools (oracle)', () => {
  it('covers bbox, segm and keypoints runs', () => {
    const types = new Set(runs.map((f) => (JSON.parse(fs.readFileSync(path.join(FIX, 'expected', f), 'utf8')) as Expected).iouType));
    assert.deepEqual([...types].sort(), ['bbox', 'keypoints', 'segm']);
  });

  for (const file of runs) {
    describe(file.replace(/\.json$/, ''), () => {
      const exp = JSON.parse(fs.readFileSync(path.join(FIX, 'expected', file), 'utf8')) as Expected;
      let res: EvalResult;
      let gt: { images: unknown[]; categories: unknown[]; annotations: { id: number }[] };
      before(() => {
        gt = read(exp.gt);
        res = evaluateCoco(gt, read(exp.dt), { iouType: exp.iouType, maxDets: exp.extra.maxDets, kptOksSigmas: exp.extra.kpt_oks_sigmas });
      });
      // OKS goes through exp(), where numpy's and V8's may differ in the last bit on another machine
      // (here they agree bit for bit); everything else must be exact.
      const tol = exp.iouType === 'keypoints' ? 1e-12 : 0;
      const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs pycocotools ${b}`);

      it('has the same params (thresholds bit for bit)', () => {
        assert.deepEqual(res.params.iouThrs, exp.params.iouThrs);
        assert.deepEqual(res.params.recThrs, exp.params.recThrs);
        assert.deepEqual(res.params.maxDets, exp.params.maxDets);
      });
      it('gives the same stats', () => {
        assert.equal(res.stats.length, exp.stats.length);
        res.stats.forEach((s, i) => close(s, exp.stats[i], `stats[${i}]`));
      });
      it('prints summarize() character for character', () => {
        assert.equal(`${res.summaryText}\n`, exp.summary);
      });
      it('gives the same per-category AP and AR', () => {
        assert.deepEqual(res.perCategory.map((c) => c.id), exp.perCategory.map((c) => c.categoryId));
        res.perCategory.forEach((c, k) => { close(c.ap, exp.perCategory[k].ap, `AP of ${c.id}`); close(c.ar, exp.perCategory[k].ar, `AR of ${c.id}`); });
      });
      it('gives the same precision (area all, last maxDets) and recall arrays', () => {
        const acc = res.accumulated;
        const [T, R, K, A, M] = acc.counts;
        for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) for (let k = 0; k < K; k++)
          close(acc.precision[precisionIndex(acc, t, r, k, 0, M - 1)], exp.precisionAllAreaLastMaxDet[t][r][k], `precision[${t},${r},${k}]`);
        for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) for (let m = 0; m < M; m++)
          close(acc.recall[recallIndex(acc, t, k, a, m)], exp.recall[t][k][a][m], `recall[${t},${k},${a},${m}]`);
      });
      it('matches the same detections to the same ground truths (evalImgs, area all)', () => {
        const T = res.params.iouThrs.length;
        const mine = new Map(res.evals.map((e) => [`${res.counts.images ? e.imageIdx : 0}/${e.catIdx}`, e]));
        assert.equal(res.evals.length, exp.evalImgsAllArea.length);
        for (const x of exp.evalImgsAllArea) {
          const e = mine.get(`${exp.params.imgIds.indexOf(x.imageId)}/${exp.params.catIds.indexOf(x.categoryId)}`);
          assert.ok(e, `evalImg ${x.imageId}/${x.categoryId}`);
          assert.deepEqual([...e.dtIds], x.dtIds);
          assert.deepEqual([...e.gtIndex].map((i) => gt.annotations[i].id).sort((a, b) => a - b), x.gtIds.slice().sort((a, b) => a - b));
          const D = e.dtIds.length;
          for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) {
            const m: number = e.matchAll[t * D + d];
            assert.equal(m < 0 ? 0 : gt.annotations[e.gtIndex[m]].id, x.dtMatches[t][d], `dtMatches ${x.imageId}/${x.categoryId} t${t} d${d}`);
            assert.equal(e.areas[0].state[t * D + d] === 0 ? 1 : 0, x.dtIgnore[t][d], `dtIgnore ${x.imageId}/${x.categoryId} t${t} d${d}`);
          }
        }
      });
    });
  }
});
