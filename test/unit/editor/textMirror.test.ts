/** Mirroring viewer edits into the open JSON text: only the bytes each edit rewrites, in UTF-16 offsets of the text as it is. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyByteEdits } from '../../../src/core/edits/applyByteEdits';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { isAscii } from 'node:buffer';
import { diffText, mirrorChanges, textBytes, textLayout, type TextChange } from '../../../src/editor/textMirror';
import type { EditOp } from '../../../src/shared/protocol';

const SAMPLE = path.resolve(__dirname, '../../../sample/annotations/instances_sample.json');
const dec = new TextDecoder();

/** Applies changes (offsets in `text`) as VS Code applies a WorkspaceEdit's replaces, checking what each replaces. */
function applyChanges(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.start - a.start)) {
    assert.equal(text.slice(c.start, c.end), c.expect, `the change at ${c.start} replaces what it expects`);
    out = out.slice(0, c.start) + c.text + out.slice(c.end);
  }
  return out;
}

describe('text mirror (viewer edits → the open JSON text)', () => {
  it('each viewer edit, undo and redo turns the text before into the bytes after, touching only the edited numbers', () => {
    const bytes = fs.readFileSync(SAMPLE);
    assert.ok(isAscii(bytes), 'the sample is ASCII: byte offsets are UTF-16 offsets');
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    const ops: EditOp[] = [
      { op: 'setBbox', annotationIndex: 0, bbox: [31, 41, 90, 70] },
      { op: 'setCategory', annotationIndex: 1, categoryId: 2 },
      { op: 'delete', annotationIndex: 2 },
      { op: 'delete', annotationIndex: 3 },
      { op: 'create', imageIndex: 0, categoryId: 1, polygons: [[10, 10, 50, 10, 50, 40]], shape: 'polygon' },
      { op: 'setBbox', annotationIndex: 0, bbox: [32, 41, 90, 70] },
    ];
    const applied = [];
    for (const op of ops) {
      const before = model.byteEdits();
      const text = dec.decode(model.bytes());
      const edit = model.prepare(op);
      assert.ok(typeof edit !== 'string', String(edit));
      model.apply(edit);
      applied.push(edit);
      const changes = mirrorChanges(model.base.bytes, before, model.byteEdits());
      assert.equal(applyChanges(text, changes), dec.decode(model.bytes()), `after ${op.op}`);
    }
    // The last move (x 31 → 32) rewrites that one number and the polygon's x's, nothing around them.
    const lastChanges = (() => {
      const e = applied.pop()!;
      model.undo(e);
      const before = model.byteEdits();
      model.apply(e);
      return mirrorChanges(model.base.bytes, before, model.byteEdits());
    })();
    assert.ok(lastChanges.every((c) => /^[\d.]+$/.test(c.text) && /^[\d.]+$/.test(c.expect)), JSON.stringify(lastChanges));
    for (const e of applied.reverse()) {
      const before = model.byteEdits();
      const text = dec.decode(model.bytes());
      model.undo(e);
      assert.equal(applyChanges(text, mirrorChanges(model.base.bytes, before, model.byteEdits())), dec.decode(model.bytes()), `undo ${e.label}`);
    }
  });

  it('random edit lists over an ASCII text: the changes always give the new text', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 48271) % 2147483647; return seed % n; };
    const base = new TextEncoder().encode('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(3));
    const randomEdits = () => {
      const out = [];
      let at = 0;
      while (at < base.length) {
        at += rnd(12);
        if (at > base.length) break;
        const len = Math.min(rnd(4), base.length - at);
        out.push({ start: at, end: at + len, newText: ['', 'X', 'YY', 'é', 'ZZZ'][rnd(5)] });
        at += len + (len === 0 ? 1 : 0);
      }
      return out;
    };
    for (let i = 0; i < 150; i++) {
      const a = randomEdits();
      const b = rnd(3) === 0 ? a.slice(0, rnd(a.length + 1)) : randomEdits();
      const have = dec.decode(applyByteEdits(base, a));
      const want = dec.decode(applyByteEdits(base, b));
      assert.equal(applyChanges(have, mirrorChanges(base, a, b)), want, `case ${i}`);
    }
  });

  it('random edit lists over a text with a BOM and CRLF line ends: the changes, in the text VS Code holds (no BOM, inserted line breaks as CRLF), give the new text', () => {
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 48271) % 2147483647; return seed % n; };
    const body = '{\r\n  "a": [1, 2],\r\n  "b": 3\r\n}\r\n'.repeat(3);
    const base = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(body)]);
    const layout = textLayout(base);
    assert.deepEqual(layout, { bom: 3, eol: '\r\n' });
    // As VS Code holds it: no BOM, and any line break an edit inserted as CRLF.
    const asVsCode = (bytes: Uint8Array) => dec.decode(bytes).replace(/\r?\n/g, '\r\n');
    const randomEdits = () => {
      const out = [];
      let at = 3 + rnd(5);
      while (at < base.length) {
        const len = Math.min(rnd(4), base.length - at);
        // Never through a CRLF pair or the BOM (viewer edits rewrite numbers and whole elements).
        if (base[at - 1] === 0x0d || base[at + len - 1] === 0x0d) { at++; continue; }
        out.push({ start: at, end: at + len, newText: ['', '7', ',\n  "c": 1', '\n', '42'][rnd(5)] });
        at += len + 1 + rnd(10);
      }
      return out;
    };
    for (let i = 0; i < 150; i++) {
      const a = randomEdits();
      const b = rnd(3) === 0 ? a.slice(0, rnd(a.length + 1)) : randomEdits();
      const have = asVsCode(applyByteEdits(base, a));
      const want = asVsCode(applyByteEdits(base, b));
      assert.equal(applyChanges(have, mirrorChanges(base, a, b, layout)), want, `case ${i}`);
    }
    assert.deepEqual([...textBytes('{}', layout)], [0xef, 0xbb, 0xbf, 0x7b, 0x7d], 'a save writes the BOM back');
    assert.deepEqual(textLayout(new TextEncoder().encode('{"a":1}')), { bom: 0, eol: '\n' }, 'one line: VS Code\'s default line end');
  });

  it('diffText: one change between the first and last differing character, none when equal', () => {
    assert.deepEqual(diffText('abc', 'abc'), []);
    assert.deepEqual(diffText('a[1, 2]b', 'a[1, 3]b'), [{ start: 5, end: 6, text: '3', expect: '2' }]);
    const big = 'x'.repeat(10_000);
    assert.deepEqual(diffText(`${big}1${big}`, `${big}22${big}`), [{ start: 10_000, end: 10_001, text: '22', expect: '1' }]);
    assert.equal(applyChanges('ééé', diffText('ééé', 'éaé')), 'éaé');
  });
});
