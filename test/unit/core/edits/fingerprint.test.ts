import * as assert from 'node:assert/strict';
import { Fingerprinter, fingerprint, fingerprintAsync, fingerprintLength } from '../../../../src/core/edits/fingerprint';

describe('core/edits/fingerprint', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('is the length and a hash: same-length bytes that differ get another fingerprint', () => {
    const a = fingerprint(enc('{"area": -5}'));
    const b = fingerprint(enc('{"area": -6}'));
    assert.notEqual(a, b);
    assert.equal(fingerprintLength(a), 12);
    assert.equal(fingerprint(enc('{"area": -5}')), a);
    // FNV-1a 32 of the empty input is its offset basis.
    assert.equal(fingerprint(new Uint8Array(0)), '0:811c9dc5');
  });

  it('in pieces (sync and async, sliced) gives the same fingerprint as at once', async () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 31) & 255);
    const whole = fingerprint(bytes);
    assert.equal(new Fingerprinter().update(bytes.subarray(0, 7)).update(bytes.subarray(7)).digest(), whole);
    let yields = 0;
    assert.equal(await fingerprintAsync(bytes, 1000, async () => { yields++; }), whole);
    assert.equal(yields, 100, 'yields between slices');
  });
});
