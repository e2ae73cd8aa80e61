import * as assert from 'node:assert/strict';
import { applyByteEdits } from '../../../../src/core/edits/applyByteEdits';
import { keepUntouched, numberArrayEdits } from '../../../../src/core/edits/numberEdits';

describe('core/edits/numberEdits: minimal diffs down to the number', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);

  it('moving one vertex of a polygon changes that vertex\'s two numbers only; other numbers keep every digit', () => {
    const text = '{"segmentation": [[10.123456, 20.5,  30, 40.000001,\n 50, 60], [1e2, 2]], "x": 1}';
    const start = text.indexOf('[[');
    const end = text.indexOf(']]') + 2;
    const edits = numberArrayEdits(enc(text), { start, end }, [[10.123456, 20.5, 31.25, 41, 50, 60], [100, 2]]);
    assert.equal(edits?.length, 2);
    assert.equal(dec(applyByteEdits(enc(text), edits!)), '{"segmentation": [[10.123456, 20.5,  31.25, 41,\n 50, 60], [1e2, 2]], "x": 1}');
  });

  it('a different shape (a vertex added, a ring removed) is not diffed number by number', () => {
    const text = '[[1, 2, 3, 4, 5, 6]]';
    assert.equal(numberArrayEdits(enc(text), { start: 0, end: text.length }, [[1, 2, 3, 4, 5, 6, 7, 8]]), undefined);
    assert.equal(numberArrayEdits(enc(text), { start: 0, end: text.length }, []), undefined);
    assert.equal(numberArrayEdits(enc('[1, "a"]'), { start: 0, end: 8 }, [[1, 2]]), undefined);
  });

  it('a flat array (bbox, keypoints) too', () => {
    const text = '[0.333333, 5, 7, 9]';
    const e = numberArrayEdits(enc(text), { start: 0, end: text.length }, [[0.333333, 6, 7, 9]]);
    assert.equal(dec(applyByteEdits(enc(text), e!)), '[0.333333, 6, 7, 9]');
  });

  it('keepUntouched: values the webview sent back rounded (float32, 2 decimals) are the old exact values', () => {
    const old = [[10.123456, 20.987654, 30, 40]];
    const sent = [[Math.fround(10.123456), Math.fround(20.987654), 33, 40]].map((r) => r.map((v) => Math.round(v * 100) / 100));
    assert.deepEqual(keepUntouched(old, sent), [[10.123456, 20.987654, 33, 40]]);
    assert.deepEqual(keepUntouched(undefined, sent), sent);
  });
});
