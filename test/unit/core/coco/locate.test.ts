import * as assert from 'node:assert/strict';
import { jsonPath, formatJsonPath } from '../../../../src/core/coco/jsonPath';
import { locate, locateKey } from '../../../../src/core/coco/locate';
import { parse } from './helpers';

const text = '{"annotations": [{"id": 1}, {"id": 2, "bbox": [10, 20.5, 3e2, 40], "segmentation": [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]], "attr": {"my key": "é😀", "n": null}}]}';

describe('locate / locateKey / jsonPath', () => {
  const doc = parse(text);
  const ann = doc.annotationEntries[1];
  const bytes = Buffer.from(text);
  const at = (path: (string | number)[]) => { const r = locate(doc, ann, path); return r && bytes.subarray(r.start, r.end).toString(); };

  it('finds nested values by path', () => {
    assert.equal(at(['bbox', 2]), '3e2');
    assert.equal(at(['bbox']), '[10, 20.5, 3e2, 40]');
    assert.equal(at(['segmentation', 1]), '[7, 8, 9, 10, 11, 12]');
    assert.equal(at(['segmentation', 0, 5]), '6');
    assert.equal(at(['attr', 'n']), 'null');
    assert.equal(at(['id']), '2');
    assert.deepEqual(locate(doc, ann, []), { start: ann.start, end: ann.end });
  });

  it('byte offsets with multi-byte text before the value', () => {
    const r = locate(doc, ann, ['attr', 'my key'])!;
    assert.equal(r.end - r.start, 2 + 2 + 4); // quotes + é (2 bytes) + 😀 (4 bytes)
    assert.deepEqual(doc.lines.positionAt(r.start), { line: 0, character: text.indexOf('"é😀"') });
  });

  it('undefined for what is absent', () => {
    assert.equal(locate(doc, ann, ['bbox', 4]), undefined);
    assert.equal(locate(doc, ann, ['nope']), undefined);
    assert.equal(locate(doc, ann, ['bbox', 'x']), undefined);
    assert.equal(locate(doc, ann, [0]), undefined);
  });

  it('locateKey: the key with its quotes, or the object\'s { when missing', () => {
    const k = locateKey(doc, ann, ['bbox'])!;
    assert.equal(bytes.subarray(k.start, k.end).toString(), '"bbox"');
    assert.equal(k.missing, undefined);
    const m = locateKey(doc, ann, ['area'])!;
    assert.deepEqual(m, { start: ann.start, end: ann.start + 1, missing: true });
    const nested = locateKey(doc, ann, ['attr', 'zzz'])!;
    assert.equal(bytes[nested.start], 0x7b);
    assert.equal(nested.start, bytes.indexOf('{"my key"'));
    assert.equal(locateKey(doc, ann, ['bbox', 'zzz']), undefined);
  });

  it('jsonPath formats paths', () => {
    assert.equal(jsonPath('annotations', 12, ['bbox', 2]), '$.annotations[12].bbox[2]');
    assert.equal(jsonPath('annotations', 3, []), '$.annotations[3]');
    assert.equal(jsonPath('images', undefined, []), '$.images');
    assert.equal(jsonPath('info', undefined, ['year']), '$.info.year');
    assert.equal(formatJsonPath(['my key', 0, 'a-b', '$ok', '_1', '1x']), '$["my key"][0]["a-b"].$ok._1["1x"]');
    assert.equal(formatJsonPath(['say "hi"']), '$["say \\"hi\\""]');
  });
});
