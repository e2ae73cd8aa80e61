import * as assert from 'node:assert/strict';
import { detectKind, kindFromFileName } from '../../../../src/core/coco/kind';
import { parseCoco } from '../../../../src/core/coco/parse';
import { checkDocument } from '../../../../src/core/check';
import { globToRegExp, kindForFile, parseConfig } from '../../../../src/core/config';
import { ALL_RULES } from '../../../../src/core/rules';
import type { Rule } from '../../../../src/core/ruleKit/types';

const parse = (text: string, path?: string) => parseCoco(new TextEncoder().encode(text), { path });

describe('kind of a COCO file (core/coco/kind)', () => {
  it('content first: each kind from what its annotations and categories hold', () => {
    const cases: [string, string][] = [
      ['{"images": [], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}], "categories": [{"id": 1, "name": "a"}]}', 'instances'],
      ['{"images": [], "annotations": [], "categories": [{"id": 1, "name": "person", "keypoints": ["nose"]}]}', 'keypoints'],
      ['{"images": [], "annotations": [{"id": 1, "image_id": 1, "caption": "x"}]}', 'captions'],
      ['{"images": [], "annotations": [{"image_id": 1, "file_name": "1.png", "segments_info": []}], "categories": []}', 'panoptic'],
      ['{"images": [], "categories": [{"id": 1, "name": "a"}]}', 'image-info'],
      ['{"images": [], "annotations": [], "categories": [{"id": 92, "name": "banner"}, {"id": 183, "name": "other"}]}', 'stuff'],
      ['[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]', 'results'],
      ['[]', 'results'],
      ['{"images": [], "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}], "categories": []}', 'results-wrapped'],
      ['{"shapes": [], "imagePath": "a.jpg"}', 'not-coco'],
      ['"just a string"', 'not-coco'],
    ];
    for (const [text, kind] of cases) assert.equal(detectKind(parse(text)).kind, kind, text);
  });

  it('the file name only breaks ties: an instances file that lost "annotations" is not image-info', () => {
    const text = '{"images": [], "categories": []}';
    assert.equal(detectKind(parse(text, '/d/instances_val2017.json')).kind, 'instances');
    assert.equal(detectKind(parse(text, '/d/instances_val2017.json')).source, 'file-name');
    assert.equal(detectKind(parse(text, '/d/image_info_test-dev2017.json')).kind, 'image-info');
    // Content wins over the name: a captions file named instances_* is captions.
    assert.equal(detectKind(parse('{"images": [], "annotations": [{"id": 1, "image_id": 1, "caption": "x"}]}', 'instances_x.json')).kind, 'captions');
    assert.equal(kindFromFileName('person_keypoints_val2017.json'), 'keypoints');
    assert.equal(kindFromFileName('coco_instances_results.json'), 'results');
    assert.equal(kindFromFileName('data.json'), undefined);
  });

  it('a results list keeps each detection\'s byte range and root-based paths; a broken one is found where it breaks', () => {
    const text = '[\n{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5},\n{"image_id": 2, "score": NaN}\n]';
    const doc = parse(text);
    assert.equal(doc.rootKind, 'array');
    assert.equal(doc.annotationEntries.length, 2);
    assert.equal(text.slice(doc.annotationEntries[1].start, doc.annotationEntries[1].end), '{"image_id": 2, "score": NaN}');
    assert.deepEqual(doc.parseIssues.map((p) => [p.rule, p.jsonPath]), [['coco/non-finite-number', '$[1].score']]);
    assert.equal(doc.sections.size, 0);
    const broken = parse('[{"image_id": 1},\n{"image_id": 2,}]');
    assert.deepEqual(broken.parseIssues.map((p) => p.rule), ['coco/invalid-json']);
    assert.match(parse('[{"image_id": 1}] x').parseIssues[0].message, /after the end of the top-level array/);
    assert.match(parse('[{"image_id": 1},]').parseIssues[0].message, /top-level array \(trailing comma\)/);
  });

  it('.labelscope.json "kinds" forces a kind by file pattern; the summary says so', () => {
    const { config, errors } = parseConfig(JSON.stringify({ kinds: { 'preds/*.json': 'results', 'captions_*.json': 'captions', 'x.json': 'bogus' } }));
    assert.deepEqual(errors, ['.labelscope.json: kinds["x.json"] must be one of instances, keypoints, stuff, captions, panoptic, image-info, results, results-wrapped, not-coco']);
    assert.equal(kindForFile(config, 'preds/a.json'), 'results');
    assert.equal(kindForFile(config, 'preds/deeper/a.json'), undefined);
    assert.equal(kindForFile(config, 'deep/dir/captions_val.json'), 'captions');
    assert.equal(kindForFile(config, 'instances.json'), undefined);
    assert.ok(globToRegExp('**/a?.json').test('x/y/ab.json'));
    assert.ok(globToRegExp('**/a?.json').test('ab.json'));
    assert.ok(!globToRegExp('*.json').test('a/b.json'));
    const doc = parse('{"images": [], "annotations": [], "categories": []}');
    const { summary } = checkDocument(doc, { kind: 'captions' });
    assert.deepEqual([summary.kind, summary.kindSource], ['captions', 'config']);
  });

  it('every rule declares its kinds; a rule that does not apply does not run', () => {
    assert.deepEqual(ALL_RULES.filter((r) => !r.kinds || r.kinds.length === 0).map((r) => r.id), []);
    const ran: string[] = [];
    const probe = (id: string, kinds: Rule['kinds']): Rule => ({ id, kinds, defaultSeverity: 'info', description: '', why: '', check: () => { ran.push(id); } });
    const doc = parse('{"images": [], "annotations": [{"id": 1, "image_id": 1, "caption": "x"}]}');
    checkDocument(doc, { rules: [probe('t/captions', ['captions']), probe('t/instances', ['instances']), probe('t/default', undefined)] });
    assert.deepEqual(ran, ['t/captions']);
  });
});
