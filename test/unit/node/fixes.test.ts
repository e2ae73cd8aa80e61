import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyByteEdits } from '../../../src/core/edits/applyByteEdits';
import type { ByteEdit } from '../../../src/core/problems';
import { composeEdits, fixAllBytes, pickNonOverlapping, applyEditsToFile, StaleEditsError } from '../../../src/node/fixes';
import { fingerprint } from '../../../src/core/edits/fingerprint';
import { runCheck } from '../../../src/node/runCheck';
import { cocoText, hugeArea, negativeArea } from '../../host/helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('fixes (worker side)', () => {
  it('composeEdits: two rounds of edits become one list against the original', () => {
    const orig = enc('aaaa bbbb cccc dddd');
    const a: ByteEdit[] = [{ start: 0, end: 4, newText: 'A' }, { start: 10, end: 14, newText: 'CCCCCC' }, { start: 15, end: 15, newText: '+' }];
    const mid = applyByteEdits(orig, a);
    assert.equal(dec(mid), 'A bbbb CCCCCC +dddd');
    const b: ByteEdit[] = [{ start: 0, end: 1, newText: 'xy' }, { start: 2, end: 6, newText: 'B' }, { start: 9, end: 11, newText: '' }, { start: 18, end: 19, newText: 'D!' }];
    const out = applyByteEdits(mid, b);
    const c = composeEdits(a, b, out);
    assert.equal(dec(applyByteEdits(orig, c)), dec(out));
    assert.deepEqual(c.map((e) => [e.start, e.end]), [[0, 4], [5, 9], [10, 14], [15, 15], [18, 19]]);
  });

  it('composeEdits: random rounds always reproduce the final bytes', () => {
    let s = 7;
    const r = (n: number) => { s = (s * 1103515245 + 12345) % 2 ** 31; return s % n; };
    for (let t = 0; t < 200; t++) {
      const orig = enc('x'.repeat(5 + r(30)).replace(/x/g, () => 'abcdef'[r(6)]));
      const round = (bytes: Uint8Array): ByteEdit[] => {
        const edits: ByteEdit[] = [];
        let pos = 0;
        while (pos < bytes.length && edits.length < 4) {
          const start = pos + r(4); if (start > bytes.length) break;
          const end = Math.min(bytes.length, start + r(3));
          edits.push({ start, end, newText: 'XYZ'.slice(0, r(4)) });
          pos = end + 1;
        }
        return edits;
      };
      let cur: Uint8Array = orig; let composed: ByteEdit[] = [];
      for (let k = 0; k < 3; k++) {
        const e = round(cur); const next = applyByteEdits(cur, e);
        composed = k === 0 ? e : composeEdits(composed, e, next);
        cur = next;
      }
      assert.equal(dec(applyByteEdits(orig, composed)), dec(cur), `case ${t}`);
    }
  });

  it('pickNonOverlapping keeps whole fixes and counts the skipped ones', () => {
    const r = pickNonOverlapping([
      { title: 'a', edits: [{ start: 0, end: 2, newText: '' }, { start: 10, end: 12, newText: '' }] },
      { title: 'b', edits: [{ start: 11, end: 13, newText: '' }] },
      { title: 'c', edits: [{ start: 20, end: 22, newText: '' }] },
    ]);
    assert.deepEqual(r.edits.map((e) => e.start), [0, 10, 20]);
    assert.equal(r.applied, 2);
    assert.equal(r.skipped, 1);
  });

  it('fixAllBytes converges over passes and stops at maxPasses', async () => {
    const text = cocoText([-1, 16000, 5]);
    const run = await fixAllBytes('x.json', enc(text), { rules: [negativeArea, hugeArea], checkImageFiles: false });
    assert.equal(run.passes, 4);
    assert.equal(run.remaining, 0);
    assert.equal(dec(applyByteEdits(enc(text), run.edits)), dec(run.bytes));
    assert.deepEqual([...dec(run.bytes).matchAll(/"area": (-?\d+)/g)].map((m) => Number(m[1])), [1, 1000, 5]);
    const capped = await fixAllBytes('x.json', enc(text), { rules: [negativeArea, hugeArea], checkImageFiles: false, maxPasses: 2 });
    assert.equal(capped.passes, 2);
    assert.equal(capped.remaining, 1);
    const one = await fixAllBytes('x.json', enc(text), { rules: [negativeArea, hugeArea], checkImageFiles: false, ruleId: 'coco/test-negative-area' });
    assert.deepEqual([...dec(one.bytes).matchAll(/"area": (-?\d+)/g)].map((m) => Number(m[1])), [1, 16000, 5]);
  });

  it('runCheck attaches fixes only to the problems shown (per-rule cap) and lists fixable rules', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-fix-'));
    try {
      const file = path.join(dir, 'instances_x.json');
      fs.writeFileSync(file, cocoText([-1, -2, -3, -4]));
      fs.writeFileSync(path.join(dir, '.labelscope.json'), JSON.stringify({ maxProblemsPerRule: 2 }));
      const out = await runCheck({ file, checkImageFiles: false }, undefined, undefined, [negativeArea]);
      assert.equal(out.maxProblemsPerRule, 2);
      assert.deepEqual(out.fixableRules, ['coco/test-negative-area']);
      assert.deepEqual(out.problems.map((p) => !!p.fix), [true, true, false, false]);
      const e = out.problems[0].fix!.edits[0];
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      assert.equal(lines[e.line - 1].slice(e.column - 1, e.endColumn - 1), '-1');
      assert.equal(e.newText, '1');
      // Disk path: atomic write of byte edits, refused when the size changed.
      await applyEditsToFile(file, [{ start: e.start, end: e.end, newText: '1' }], fs.statSync(file).size);
      assert.match(fs.readFileSync(file, 'utf8'), /"area": 1,/);
      await assert.rejects(applyEditsToFile(file, [], 1), /changed on disk/);
      // Fingerprint: same size, other bytes (a save in between) is refused too; the file stays as it is.
      const now = fs.readFileSync(file, 'utf8');
      assert.equal(out.fingerprint, fingerprint(new TextEncoder().encode(cocoText([-1, -2, -3, -4]))), 'the outcome carries the fingerprint of the bytes checked');
      const sameLength = now.replace('"area": -2', '"area": -9');
      fs.writeFileSync(file, sameLength);
      const stale = fingerprint(new TextEncoder().encode(now));
      await assert.rejects(applyEditsToFile(file, [{ start: e.start, end: e.end, newText: '7' }], stale), StaleEditsError);
      assert.equal(fs.readFileSync(file, 'utf8'), sameLength, 'nothing written');
      await applyEditsToFile(file, [], fingerprint(new TextEncoder().encode(sameLength)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
