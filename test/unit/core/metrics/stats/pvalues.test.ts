/**
 * The p-value functions against textbook values: the chi-square 5 % critical values
 * (3.841 for 1 df, 5.991 for 2 df), closed forms for even degrees of freedom
 * (df 2: e^{-x/2}; df 4: e^{-x/2}(1 + x/2)), and the Kolmogorov distribution's
 * tabulated points (K(0.5) = 0.036055, Q(1.358) = 0.05, Q(1.628) = 0.01).
 */
import * as assert from 'node:assert/strict';
import { chiSquareHomogeneity, chiSquareSurvival, kolmogorovQ, ksTwoSample, lnGamma } from '../../../../../src/core/metrics/stats';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

describe('stats p-values', () => {
  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    close(lnGamma(5), Math.log(24), 1e-12, 'ln 4!');
    close(lnGamma(11), Math.log(3628800), 1e-11, 'ln 10!');
    close(lnGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12, 'ln Γ(1/2)');
  });

  it('chi-square survival: critical values and closed forms', () => {
    close(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-9, 'df 1 at 3.841');
    close(chiSquareSurvival(5.991464547107979, 2), 0.05, 1e-9, 'df 2 at 5.991');
    close(chiSquareSurvival(6.634896601021214, 1), 0.01, 1e-9, 'df 1 at 6.635');
    close(chiSquareSurvival(2, 2), Math.exp(-1), 1e-12, 'df 2 at 2');
    close(chiSquareSurvival(10, 4), Math.exp(-5) * 6, 1e-12, 'df 4 at 10');
    close(chiSquareSurvival(0.5, 4), Math.exp(-0.25) * 1.25, 1e-12, 'df 4 at 0.5 (series branch)');
    close(chiSquareSurvival(400, 2), Math.exp(-200), 1e-95, 'far tail');
    assert.equal(chiSquareSurvival(0, 3), 1);
  });

  it('Kolmogorov tail: tabulated points on both branches', () => {
    close(1 - kolmogorovQ(0.5), 0.036054755, 1e-8, 'K(0.5)');
    close(kolmogorovQ(1.3580986393225505), 0.05, 1e-6, 'Q(1.358)');
    close(kolmogorovQ(1.6276236115189), 0.01, 1e-6, 'Q(1.628)');
    // The two series agree where they meet.
    close(kolmogorovQ(1.1799999), kolmogorovQ(1.18), 1e-6, 'branch seam');
    assert.equal(kolmogorovQ(0), 1);
  });

  it('two-sample KS: D by hand, ties stepped over together', () => {
    const r = ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6]);
    assert.equal(r.statistic, 0.5);
    // nₑ = 2, λ = (√2 + 0.12 + 0.11/√2) · 0.5
    close(r.pValue, kolmogorovQ((Math.SQRT2 + 0.12 + 0.11 / Math.SQRT2) * 0.5), 1e-15, 'p');
    assert.equal(ksTwoSample([1, 1, 2], [1, 1, 2]).statistic, 0);
    assert.equal(ksTwoSample([1, 2], [3, 4]).statistic, 1);
  });

  it('chi-square homogeneity of a 2 × 2 table by hand', () => {
    // rows 30 / 70, columns 40 / 60, total 100: expected 12, 18, 28, 42
    const r = chiSquareHomogeneity([[10, 20], [30, 40]]);
    close(r.statistic, 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42, 1e-12, 'statistic');
    assert.equal(r.df, 1);
    assert.equal(r.minExpected, 12);
    close(r.pValue, chiSquareSurvival(r.statistic, 1), 1e-15, 'p');
    // An all-zero row is dropped: still 1 df.
    assert.equal(chiSquareHomogeneity([[10, 20], [0, 0], [30, 40]]).df, 1);
  });
});
