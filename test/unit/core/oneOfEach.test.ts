import * as assert from 'node:assert/strict';
import { formatNumber, round2 } from '../../../src/core/numbers';
import { idKeyText } from '../../../src/core/ids';
import { indentAt, round2 as round2FromEdits } from '../../../src/core/edits/jsonEdits';
import { VSCODE_TEXT_DOCUMENT_MAX_BYTES } from '../../../src/core/limits';
import { DEFAULT_LARGE_FILE_BYTES } from '../../../src/extension/fixCommands';

describe('one of each: numbers, id keys, indents, the 50 MB limit', () => {
  it('round2 / formatNumber print as COCO files do, and the edits use the same function', () => {
    assert.deepEqual([1.005, -0.001, 2.499, 10].map(round2), [1, 0, 2.5, 10]);
    assert.ok(!Object.is(round2(-0.001), -0));
    assert.equal(formatNumber(7.256), '7.26');
    assert.equal(round2FromEdits, round2);
  });

  it('idKeyText keeps 1 and "1" apart', () => {
    assert.equal(idKeyText(1), 'number:1');
    assert.equal(idKeyText('1'), 'string:1');
    assert.notEqual(idKeyText(1), idKeyText('1'));
  });

  it('indentAt returns the leading whitespace of the line an offset is on', () => {
    const bytes = new TextEncoder().encode('{\n  "a": [\n\t  1\n  ]\n}');
    assert.equal(indentAt(bytes, 4), '  ');
    assert.equal(indentAt(bytes, bytes.indexOf(0x31)), '\t  ');
    assert.equal(indentAt(bytes, 0), '');
  });

  it('the large-file limit is VS Code\'s 50 MB, defined once', () => {
    assert.equal(VSCODE_TEXT_DOCUMENT_MAX_BYTES, 50 * 1024 * 1024);
    assert.equal(DEFAULT_LARGE_FILE_BYTES, VSCODE_TEXT_DOCUMENT_MAX_BYTES);
  });
});
