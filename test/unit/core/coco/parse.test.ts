import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../src/core/coco/parse';
import { byteAt, enc, parse } from './helpers';

const PRETTY = `{
  "info": {"year": 2017, "description": "tiny"},
  "licenses": [],
  "images": [
    {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
    {"id": 2, "file_name": "b.jpg", "width": 320, "height": 240}
  ],
  "annotations": [
    {"id": 10, "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4], "segmentation": [[1, 2, 3, 4, 5, 6]]}
  ],
  "categories": [{"id": 3, "name": "cat"}],
  "type": "instances",
  "extra": [[1, 2], {"x": [3]}]
}
`;

describe('parseCoco: sections and element ranges', () => {
  it('records element byte ranges in a pretty-printed file', () => {
    const doc = parse(PRETTY);
    assert.equal(doc.rootKind, 'object');
    assert.deepEqual(doc.parseIssues, []);
    assert.equal(doc.isJson, true);
    const img0 = '{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}';
    const img1 = '{"id": 2, "file_name": "b.jpg", "width": 320, "height": 240}';
    assert.equal(doc.imageEntries.length, 2);
    assert.deepEqual(doc.imageEntries.map((e) => [e.index, e.start, e.end]), [
      [0, byteAt(PRETTY, img0), byteAt(PRETTY, img0) + img0.length],
      [1, byteAt(PRETTY, img1), byteAt(PRETTY, img1) + img1.length],
    ]);
    assert.deepEqual(doc.imageEntries[1].value, { id: 2, file_name: 'b.jpg', width: 320, height: 240 });
    assert.equal(doc.imageEntries[0].start, 87); // hand-counted: 2 + 49 + 18 + 14 + 4 spaces
    assert.equal(doc.annotationEntries.length, 1);
    assert.deepEqual((doc.annotationEntries[0].value as any).bbox, [1, 2, 3, 4]);
    assert.equal(doc.categoryEntries.length, 1);
    assert.equal(doc.licenseEntries.length, 0);
    assert.deepEqual(doc.info, { year: 2017, description: 'tiny' });
    assert.equal(doc.infoEntry!.start, byteAt(PRETTY, '{"year"'));
  });

  it('records sections with key and value ranges and kinds', () => {
    const doc = parse(PRETTY);
    assert.deepEqual([...doc.sections.keys()], ['info', 'licenses', 'images', 'annotations', 'categories', 'type', 'extra']);
    const images = doc.sections.get('images')!;
    assert.equal(images.kind, 'array');
    assert.equal(images.keyStart, byteAt(PRETTY, '"images"'));
    assert.equal(images.valueStart, byteAt(PRETTY, '[\n    {"id": 1'));
    assert.equal(images.valueEnd, byteAt(PRETTY, '],\n  "annotations"') + 1);
    const type = doc.sections.get('type')!;
    assert.equal(type.kind, 'string');
    assert.equal(type.valueEnd - type.valueStart, '"instances"'.length);
    assert.equal(doc.sections.get('info')!.kind, 'object');
    const extra = doc.sections.get('extra')!;
    assert.equal(extra.kind, 'array');
    assert.equal(PRETTY.slice(extra.valueStart, extra.valueEnd), '[[1, 2], {"x": [3]}]');
  });

  it('records the same ranges in a minified one-line file', () => {
    const text = JSON.stringify(JSON.parse(PRETTY));
    const doc = parse(text);
    assert.deepEqual(doc.parseIssues, []);
    const img1 = JSON.stringify({ id: 2, file_name: 'b.jpg', width: 320, height: 240 });
    assert.equal(doc.imageEntries[1].start, text.indexOf(img1));
    assert.equal(doc.imageEntries[1].end, text.indexOf(img1) + img1.length);
    for (const e of [...doc.imageEntries, ...doc.annotationEntries, ...doc.categoryEntries]) {
      assert.deepEqual(JSON.parse(text.slice(e.start, e.end)), e.value);
    }
    const ann = doc.sections.get('annotations')!;
    assert.equal(text.slice(ann.valueStart, ann.valueEnd), JSON.stringify(JSON.parse(PRETTY).annotations));
    assert.equal(doc.lines.positionAt(doc.imageEntries[1].start).line, 0);
    assert.equal(doc.lines.positionAt(doc.imageEntries[1].start).character, text.indexOf(img1));
  });

  it('gives the line and column of an element', () => {
    const doc = parse(PRETTY);
    assert.deepEqual(doc.lines.positionAt(doc.imageEntries[0].start), { line: 4, character: 4 });
    assert.deepEqual(doc.lines.positionAt(doc.imageEntries[1].start), { line: 5, character: 4 });
    assert.deepEqual(doc.lines.positionAt(doc.annotationEntries[0].start), { line: 8, character: 4 });
  });

  it('keeps primitive elements and empty arrays', () => {
    const doc = parse('{"images": [1, "x", null, true, [2]], "annotations": []}');
    assert.deepEqual(doc.imageEntries.map((e) => e.value), [1, 'x', null, true, [2]]);
    assert.deepEqual(doc.imageEntries.map((e) => [e.start, e.end]), [[12, 13], [15, 18], [20, 24], [26, 30], [32, 35]]);
    assert.equal(doc.annotationEntries.length, 0);
    assert.equal(doc.sections.get('annotations')!.valueEnd, 55);
  });

  it('a section that is not an array has no entries but keeps its kind', () => {
    const doc = parse('{"images": {"id": 1}, "annotations": 5}');
    assert.equal(doc.imageEntries.length, 0);
    assert.equal(doc.sections.get('images')!.kind, 'object');
    assert.equal(doc.sections.get('annotations')!.kind, 'number');
    assert.deepEqual(doc.parseIssues, []);
  });

  it('skips a UTF-8 BOM; offsets stay byte offsets in the file', () => {
    const text = '\ufeff{"images": [{"id": 1}]}';
    const doc = parse(text);
    assert.deepEqual(doc.parseIssues, []);
    assert.equal(doc.imageEntries[0].start, 15); // 3 BOM bytes + 12
    assert.deepEqual(doc.imageEntries[0].value, { id: 1 });
  });

  it('a valid non-object top level: rootKind says so, no sections, no issue', () => {
    for (const [text, kind] of [['[]', 'array'], ['[{"images": []}]', 'array'], [' "x" ', 'string'], ['3', 'number'], ['null', 'null'], ['true', 'boolean']] as const) {
      const doc = parse(text);
      assert.equal(doc.rootKind, kind, text);
      assert.equal(doc.sections.size, 0);
      assert.deepEqual(doc.parseIssues, [], text);
    }
  });

  it('decodes multi-byte UTF-8 and escapes in values and keys', () => {
    const doc = parse('{"images": [{"file_name": "café 😀.jpg", "n\\u00e9": "\\"q\\""}], "caf\\u00e9": 1}');
    assert.deepEqual(doc.imageEntries[0].value, { file_name: 'café 😀.jpg', 'né': '"q"' });
    assert.ok(doc.sections.has('café'));
  });

  it('uses TextDecoder for a plain Uint8Array and Buffer.utf8Slice for a Buffer, with equal results', () => {
    const text = '{"images": [{"file_name": "é😀"}], "annotations": [{"id": 1}]}';
    const a = parseCoco(new TextEncoder().encode(text));
    const b = parseCoco(Buffer.from(text));
    assert.deepEqual(a.imageEntries, b.imageEntries);
    assert.deepEqual(a.annotationEntries, b.annotationEntries);
  });

  it('a repeated key: the last one wins', () => {
    const doc = parse('{"images": [{"id": 1}], "images": [{"id": 2}, {"id": 3}]}');
    assert.deepEqual(doc.imageEntries.map((e) => (e.value as any).id), [2, 3]);
    assert.deepEqual(doc.imageEntries.map((e) => e.index), [0, 1]);
    assert.equal(doc.sections.get('images')!.valueStart, 34);
  });
});

describe('parseCoco: bare NaN / Infinity', () => {
  const text = '{"annotations": [{"id": 1, "bbox": [1, 2, 3, 4]}, {"id": 2, "bbox": [1, NaN, Infinity, -Infinity], "area": NaN, "name": "NaN Infinity"}],\n "info": {"v": [Infinity]}, "other": [NaN]}';
  it('turns the tokens into numbers in the value', () => {
    const doc = parse(text);
    const ann = doc.annotationEntries[1].value as any;
    assert.equal(ann.bbox[0], 1);
    assert.ok(Number.isNaN(ann.bbox[1]));
    assert.equal(ann.bbox[2], Infinity);
    assert.equal(ann.bbox[3], -Infinity);
    assert.ok(Number.isNaN(ann.area));
    assert.equal(ann.name, 'NaN Infinity');
    assert.deepEqual((doc.info as any).v, [Infinity]);
    assert.equal(doc.isJson, true);
  });

  it('reports one issue per token with byte range, line/column and JSON path', () => {
    const doc = parse(text);
    const issues = doc.parseIssues.map((p) => ({ rule: p.rule, path: p.jsonPath, text: text.slice(p.start, p.end), pos: doc.lines.positionAt(p.start) }));
    assert.deepEqual(issues, [
      { rule: 'coco/non-finite-number', path: '$.annotations[1].bbox[1]', text: 'NaN', pos: { line: 0, character: text.indexOf('NaN') } },
      { rule: 'coco/non-finite-number', path: '$.annotations[1].bbox[2]', text: 'Infinity', pos: { line: 0, character: text.indexOf(' Infinity') + 1 } },
      { rule: 'coco/non-finite-number', path: '$.annotations[1].bbox[3]', text: '-Infinity', pos: { line: 0, character: text.indexOf('-Infinity') } },
      { rule: 'coco/non-finite-number', path: '$.annotations[1].area', text: 'NaN', pos: { line: 0, character: text.indexOf('"area": NaN') + 8 } },
      { rule: 'coco/non-finite-number', path: '$.info.v[0]', text: 'Infinity', pos: { line: 1, character: text.split('\n')[1].indexOf('Infinity') } },
      { rule: 'coco/non-finite-number', path: '$.other[0]', text: 'NaN', pos: { line: 1, character: text.split('\n')[1].indexOf('NaN') } },
    ]);
  });

  it('a sentinel-like string in the data is left alone', () => {
    const doc = parse('{"images": [{"a": "\\u0000labelscope-non-finite-0", "b": NaN}]}');
    const v = doc.imageEntries[0].value as any;
    assert.equal(v.a, '\u0000labelscope-non-finite-0');
    assert.ok(Number.isNaN(v.b));
  });

  it('a NaN element and a NaN top-level member', () => {
    const doc = parse('{"images": [NaN, -Infinity], "x": NaN}');
    assert.ok(Number.isNaN(doc.imageEntries[0].value as number));
    assert.equal(doc.imageEntries[1].value, -Infinity);
    assert.deepEqual(doc.parseIssues.map((p) => p.jsonPath), ['$.images[0]', '$.images[1]', '$.x']);
  });
});

describe('parseCoco: invalid JSON', () => {
  function one(text: string | Uint8Array) {
    const bytes = typeof text === 'string' ? enc(text) : text;
    const doc = parseCoco(bytes);
    const invalid = doc.parseIssues.filter((p) => p.rule === 'coco/invalid-json');
    assert.equal(invalid.length, 1, `one invalid-json issue for ${JSON.stringify(text).slice(0, 80)}: ${JSON.stringify(doc.parseIssues)}`);
    assert.equal(doc.isJson, false);
    return { doc, issue: invalid[0], pos: doc.lines.positionAt(invalid[0].start) };
  }

  it('truncated file: end of file inside the annotations array; earlier elements kept', () => {
    const text = '{"images": [{"id": 1}],\n "annotations": [{"id": 1, "bbox": [1, 2, 3, 4]}, {"id": 2, "bbox": [1, 2';
    const { doc, issue, pos } = one(text);
    assert.equal(issue.message, 'Unexpected end of file inside the "annotations" array');
    assert.equal(issue.start, enc(text).length);
    assert.deepEqual(pos, { line: 1, character: text.length - text.indexOf('\n') - 1 });
    assert.equal(doc.imageEntries.length, 1);
    assert.equal(doc.annotationEntries.length, 1);
    assert.equal(doc.rootKind, 'object');
  });

  it('truncated between elements and inside the top-level object', () => {
    assert.match(one('{"images": [{"id": 1},').issue.message, /end of file inside the "images" array/);
    const t = one('{"images": [{"id": 1}]');
    assert.match(t.issue.message, /end of file inside the top-level object/);
    assert.equal(t.issue.start, 22);
  });

  it('missing comma between elements of a section', () => {
    const text = '{"images": [{"id": 1}\n  {"id": 2}]}';
    const { issue, pos, doc } = one(text);
    assert.match(issue.message, /^Expected ',' or '\]' after an element of the "images" array, found '\{'/);
    assert.deepEqual(pos, { line: 1, character: 2 });
    assert.equal(doc.imageEntries.length, 1);
  });

  it('missing comma inside one element: that element is broken, the others load', () => {
    const text = '{"images": [{"id": 1}, {"id": 2 "w": 3}, {"id": 3}], "annotations": [{"id": 9}]}';
    const { issue, doc } = one(text);
    assert.match(issue.message, /^Expected ',' or '\}' after property value/);
    assert.equal(issue.start, text.indexOf('"w"'));
    assert.equal(issue.jsonPath, '$.images[1]');
    assert.equal(doc.imageEntries.length, 3);
    assert.equal(doc.imageEntries[1].value, undefined);
    assert.deepEqual(doc.imageEntries[2].value, { id: 3 });
    assert.deepEqual(doc.annotationEntries.map((e) => e.value), [{ id: 9 }]);
  });

  it('only the first of several broken elements gets the issue', () => {
    const text = '{"images": [{"id": 01}, {"id": tru}]}';
    const { issue, doc } = one(text);
    assert.equal(issue.start, text.indexOf('01') + 1);
    assert.equal(doc.imageEntries.length, 2);
  });

  it('unterminated string', () => {
    const text = '{"images": [{"file_name": "a.jpg}]}\n';
    const { issue, pos } = one(text);
    assert.match(issue.message, /Unterminated string/);
    assert.deepEqual(pos, { line: 0, character: text.indexOf('\n') });
  });

  it('unterminated string at the end of the file', () => {
    const { issue } = one('{"images": [{"file_name": "a.jpg');
    assert.match(issue.message, /end of file inside|Unterminated string/);
  });

  it('trailing garbage after the top-level object', () => {
    const text = '{"images": []}\n\n  garbage';
    const { issue, pos } = one(text);
    assert.match(issue.message, /after the end of the top-level object/);
    assert.deepEqual(pos, { line: 2, character: 2 });
  });

  it('binary garbage', () => {
    const bytes = new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x7b, 0x22]);
    const { issue, doc } = one(bytes);
    assert.equal(issue.start, 0);
    assert.match(issue.message, /byte 0x00/);
    assert.equal(doc.rootKind, undefined);
    const { issue: i2 } = one(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x5b, 0x01, 0x02, 0x5d, 0x7d]));
    assert.equal(i2.start, 6);
  });

  it('empty file and whitespace-only file', () => {
    const e = one('');
    assert.equal(e.issue.message, 'The file is empty');
    assert.equal(e.issue.start, 0);
    assert.equal(e.doc.rootKind, undefined);
    assert.match(one(' \n ').issue.message, /only whitespace/);
    assert.equal(one('\ufeff').issue.message, 'The file is empty');
  });

  it('trailing commas', () => {
    const t1 = '{"images": [{"id": 1},]}';
    assert.equal(one(t1).issue.start, t1.indexOf(']'));
    const t2 = '{"images": [{"id": 1,}]}';
    assert.equal(one(t2).issue.start, t2.indexOf('}'));
    const t3 = '{"images": [],}';
    assert.equal(one(t3).issue.start, t3.length - 1);
  });

  it('bad tokens at the top level', () => {
    const t = '{"images" []}';
    assert.equal(one(t).issue.start, 10);
    assert.match(one(t).issue.message, /Expected ':'/);
    assert.match(one('{images: []}').issue.message, /property name in double quotes/);
    assert.match(one('[1, 2').issue.message, /end of file/);
    assert.equal(one('[1, 2').doc.rootKind, 'array');
    assert.match(one('{"a": 1 "b": 2}').issue.message, /Expected ',' or '\}'/);
  });

  it('mismatched brackets inside an element', () => {
    const text = '{"images": [{"a": [1, 2}, {"id": 2}]}';
    const { issue } = one(text);
    assert.equal(issue.start, text.indexOf('}'));
    assert.match(issue.message, /Expected ',' or '\]' after array element/);
  });

  // A hang would hit mocha's timeout; speed itself is measured in benchmarks, not here.
  it('deep nesting returns with an issue, no stack overflow', () => {
    const a = one('['.repeat(100000));
    assert.equal(a.issue.start, 512);
    assert.match(a.issue.message, /Nesting deeper than 512 levels/);
    const b = one('{"annotations": [' + '['.repeat(100000) + ']'.repeat(100000) + ']}');
    assert.match(b.issue.message, /Nesting deeper than 512 levels/);
    assert.equal(b.issue.start, 17 + 510);
    const c = one('{"info": ' + '{"a":'.repeat(100000));
    assert.match(c.issue.message, /Nesting deeper/);
  });

  it('maxDepth is configurable and nesting up to it is fine', () => {
    const ok = parse('{"images": [[[1]]]}', { maxDepth: 4 });
    assert.deepEqual(ok.parseIssues, []);
    assert.deepEqual(ok.imageEntries[0].value, [[1]]);
    const bad = parse('{"images": [[[[1]]]]}', { maxDepth: 4 });
    assert.equal(bad.parseIssues.length, 1);
    assert.equal(bad.parseIssues[0].start, 14);
  });
});
