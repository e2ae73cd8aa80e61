import * as assert from 'node:assert/strict';
import { Scanner, type ScanSink } from '../../../../src/core/coco/parse';
import { mulberry32 } from '../../../../src/core/seededRandom';

/** Elements whose bytes put every kind of byte the scanner's skip looks at after runs of plain bytes, at every alignment. */
function elements(): string[] {
  const rand = mulberry32(41);
  const out: string[] = [];
  const plain = () => {
    let s = '';
    const n = Math.floor(rand() * 11);
    for (let k = 0; k < n; k++) s += '0123456789., -+/'[Math.floor(rand() * 16)];
    return s;
  };
  const specials = ['"12, ]"', '"1 [{ "', '" 9999 }"', '"a\\"b]"', '"}{"', '[1, 2]', '{"x": [3, {"y": "]"}]}', 'NaN', '-Infinity', 'Infinity', '"caf\u00e9 \u2603 \ud83d\ude00"', '"N I"', 'null', 'true', '"\\\\"'];
  for (let k = 0; k < 400; k++) {
    const parts: string[] = [];
    const n = 1 + Math.floor(rand() * 5);
    for (let j = 0; j < n; j++) parts.push(`"k${j}": [${plain().replace(/[^0-9]/g, '') || '0'}, ${specials[Math.floor(rand() * specials.length)]}${' '.repeat(Math.floor(rand() * 4))}]`);
    // Numbers of every length before the next special byte, so the special byte falls at every offset of a four-byte word.
    out.push(`{"n": [${Array.from({ length: 1 + (k % 7) }, () => (rand() * 10 ** (k % 9)).toFixed(k % 4)).join(', ')}], ${parts.join(', ')}}`);
  }
  return out;
}

type Call = [string, ...unknown[]];

function scan(bytes: Uint8Array, step: number): Call[] {
  const calls: Call[] = [];
  const sink: ScanSink = {
    member: (key) => calls.push(['member', key]),
    element: (start, end, nf) => calls.push(['element', start, end, nf]),
    value: (start, end, nf) => calls.push(['value', start, end, nf]),
    issue: (issue) => calls.push(['issue', issue.rule, issue.message]),
    invalid: (offset, message) => calls.push(['invalid', offset, message]),
  };
  const scanner = new Scanner(bytes, {}, sink);
  for (let limit = step; !scanner.done; limit += step) scanner.run(limit);
  return calls;
}

describe('Scanner: element ranges with the four-byte skip', () => {
  it('finds every element exactly, with its non-finite flag, in one run and in slices of every small size', () => {
    const els = elements();
    const prefix = '{"images": [], "annotations": [';
    const text = `${prefix}${els.join(', ')}]}`;
    const bytes = Buffer.from(text);
    const want: Call[] = [];
    let at = Buffer.byteLength(prefix);
    for (const e of els) {
      const len = Buffer.byteLength(e);
      want.push(['element', at, at + len, /NaN|Infinity/.test(e.replace(/"(?:[^"\\]|\\.)*"/g, '""'))]);
      at += len + 2;
    }
    const whole = scan(bytes, bytes.length + 1);
    assert.deepEqual(whole.filter((c) => c[0] === 'element'), want);
    for (const step of [1, 2, 3, 4, 5, 7, 13, 64]) assert.deepEqual(scan(bytes, step), whole, `slices of ${step} bytes`);
  });

  it('stops at an unterminated string or bracket after a run of plain bytes, as before', () => {
    for (const tail of ['[1, 2, 3, 4, 5, 6, 7, "abc', '[1, 2, 3, 4, 5, 6, 7, 8', '[1, 2, 3, 4, 5, 6, 7]]']) {
      const bytes = Buffer.from(`{"annotations": [${tail}`);
      const calls = scan(bytes, bytes.length + 1);
      const invalid = calls.find((c) => c[0] === 'invalid');
      assert.ok(invalid, `${tail}: an invalid call`);
      for (const step of [1, 3, 4, 5]) assert.deepEqual(scan(bytes, step), calls, `${tail}: slices of ${step}`);
    }
  });
});
