import * as assert from 'node:assert/strict';
import { npSum, pyFixed } from '../../../../../src/core/metrics/eval';

describe('numpy / Python behaviours the summary depends on', () => {
  it("np.sum is pairwise: 0.1 added 10 times differs from a left-to-right loop", () => {
    const a = new Array(10).fill(0.1);
    let naive = 0;
    for (const v of a) naive += v;
    // numpy: eight interleaved accumulators, then the two left over.
    assert.equal(npSum(a), ((0.1 + 0.1) + (0.1 + 0.1)) + ((0.1 + 0.1) + (0.1 + 0.1)) + 0.1 + 0.1);
    assert.notEqual(npSum(a), naive);
  });
  it("'{:0.3f}' rounds exact ties to even where toFixed rounds up", () => {
    assert.equal(pyFixed(0.0625, 3), '0.062');
    assert.equal(pyFixed(0.1875, 3), '0.188');
    assert.equal(pyFixed(0.3125, 3), '0.312');
    assert.equal(pyFixed(0.1235, 3), (0.1235).toFixed(3)); // not an exact tie in binary
    assert.equal(pyFixed(-1, 3), '-1.000');
  });
});
