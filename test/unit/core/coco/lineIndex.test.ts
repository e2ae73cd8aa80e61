import * as assert from 'node:assert/strict';
import { LineIndex, lineCheckpoints } from '../../../../src/core/coco/lineIndex';
import { enc } from './helpers';

/** Reference: VS Code's view of a text (lines split at \n, columns in UTF-16 units). */
function reference(text: string) {
  const out: { offset: number; line: number; character: number }[] = [];
  let offset = 0, line = 0, character = 0;
  for (const ch of text) {
    out.push({ offset, line, character });
    offset += enc(ch).length;
    if (ch === '\n') { line++; character = 0; } else character += ch.length;
  }
  out.push({ offset, line, character });
  return out;
}

describe('LineIndex', () => {
  it('multi-byte UTF-8: é is 1 unit, an emoji 2, CJK 1', () => {
    const text = 'aé😀漢b\n😀x';
    const li = new LineIndex(enc(text));
    assert.deepEqual(li.positionAt(1), { line: 0, character: 1 }); // é
    assert.deepEqual(li.positionAt(3), { line: 0, character: 2 }); // 😀
    assert.deepEqual(li.positionAt(7), { line: 0, character: 4 }); // 漢
    assert.deepEqual(li.positionAt(10), { line: 0, character: 5 }); // b
    assert.deepEqual(li.positionAt(12), { line: 1, character: 0 });
    assert.deepEqual(li.positionAt(16), { line: 1, character: 2 }); // x
    assert.equal(li.offsetAt(0, 2), 3);
    assert.equal(li.offsetAt(0, 4), 7);
    assert.equal(li.offsetAt(1, 2), 16);
    assert.equal(li.offsetAt(0, 3), 3, 'inside a surrogate pair: start of the character');
  });

  it('\\r\\n: the \\r belongs to the line before', () => {
    const text = 'ab\r\ncd\r\n\r\ne';
    const li = new LineIndex(enc(text));
    assert.deepEqual(li.positionAt(2), { line: 0, character: 2 });
    assert.deepEqual(li.positionAt(3), { line: 0, character: 3 });
    assert.deepEqual(li.positionAt(4), { line: 1, character: 0 });
    assert.deepEqual(li.positionAt(10), { line: 3, character: 0 });
    assert.equal(li.offsetAt(1, 1), 5);
    assert.equal(li.offsetAt(1, 99), 7, 'past the end of the line: its \\n');
    assert.equal(li.offsetAt(3, 0), 10);
    assert.equal(li.offsetAt(9, 0), text.length, 'past the last line: the end');
    assert.equal(li.lineCount, 4);
  });

  it('matches the reference at every offset of a mixed text, both ways', () => {
    const text = 'x\n  {"a": "é😀"},\r\n\t"漢字" 😀😀\n\nend';
    const li = new LineIndex(enc(text));
    for (const r of reference(text)) {
      assert.deepEqual(li.positionAt(r.offset), { line: r.line, character: r.character }, `offset ${r.offset}`);
      assert.equal(li.offsetAt(r.line, r.character), r.offset, `(${r.line}, ${r.character})`);
    }
  });

  it('lookups in any order give the same answers (the forward cursor never leaks between lookups)', () => {
    const text = ('ab😀é漢\r\n'.repeat(3000) + 'z'.repeat(70000) + '😀').repeat(2);
    const bytes = enc(text);
    const fresh = (o: number) => new LineIndex(bytes).positionAt(o);
    const li = new LineIndex(bytes);
    let seed = 7;
    const offsets: number[] = [];
    for (let k = 0; k < 300; k++) { seed = (seed * 1103515245 + 12345) % 2147483648; offsets.push(seed % (bytes.length + 10)); }
    const sorted = [...offsets].sort((a, b) => a - b);
    for (const o of [...sorted, ...offsets, ...sorted.map((x) => Math.max(0, x - 3))]) assert.deepEqual(li.positionAt(o), fresh(o), `offset ${o}`);
  });

  it('large files across many 64 KiB checkpoints (one long line and many lines)', () => {
    // A checkpoint boundary falls inside multi-byte characters here.
    const unit = 'ab😀é漢\r\n';
    const text = unit.repeat(40000) + 'z'.repeat(70000) + '😀' + 'q'.repeat(70000);
    const bytes = enc(text);
    const li = new LineIndex(bytes);
    const ref = reference(text);
    for (let k = 0; k < ref.length; k += 997) {
      const r = ref[k];
      assert.deepEqual(li.positionAt(r.offset), { line: r.line, character: r.character }, `offset ${r.offset}`);
      assert.equal(li.offsetAt(r.line, r.character), r.offset);
    }
    const last = ref[ref.length - 1];
    assert.deepEqual(li.positionAt(bytes.length), { line: last.line, character: last.character });
    const oneLine = enc('é'.repeat(300000));
    const li2 = new LineIndex(oneLine);
    assert.deepEqual(li2.positionAt(600000), { line: 0, character: 300000 });
    assert.deepEqual(li2.positionAt(131073), { line: 0, character: 65537 }, 'inside a character counts it');
    assert.equal(li2.offsetAt(0, 123457), 246914);
  });

  it('clamps offsets and handles an empty file', () => {
    const li = new LineIndex(new Uint8Array(0));
    assert.deepEqual(li.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(li.positionAt(10), { line: 0, character: 0 });
    assert.equal(li.offsetAt(0, 5), 0);
    const li2 = new LineIndex(enc('ab'));
    assert.deepEqual(li2.positionAt(99), { line: 0, character: 2 });
    assert.deepEqual(li2.positionAt(-1), { line: 0, character: 0 });
  });

  it('lineCheckpoints with a plain-block test gives the same checkpoints (ASCII blocks skipped, the rest walked)', () => {
    // ~40 KiB: long ASCII runs (whole 4 KiB blocks), newlines, 2-, 3- and 4-byte characters across block edges.
    let text = '';
    for (let k = 0; k < 900; k++) text += k % 97 === 0 ? `é€😀\n${'x'.repeat(k % 13)}` : k % 211 === 0 ? '\n' : 'abcdefghijklmnopqrstuvwxyz0123456789 "x": [1.5, 2],';
    const bytes = enc(text);
    let plainBlocks = 0;
    const plain = (from: number, to: number) => {
      for (let i = from; i < to; i++) if (bytes[i] >= 0x80 || bytes[i] === 10) return false;
      plainBlocks++;
      return true;
    };
    assert.deepEqual(lineCheckpoints(bytes, plain), lineCheckpoints(bytes));
    assert.ok(plainBlocks > 0, 'some blocks were skipped');
    const index = new LineIndex(bytes);
    index.adopt(lineCheckpoints(bytes, plain));
    const fresh = new LineIndex(bytes);
    for (let offset = 0; offset <= bytes.length; offset += 37) assert.deepEqual(index.positionAt(offset), fresh.positionAt(offset));
  });
});
