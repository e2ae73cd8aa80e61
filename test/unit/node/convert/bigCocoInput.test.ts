/**
 * COCO inputs too big for one string (V8 caps strings at ~512 MiB) are read from their bytes with
 * the checker's scanner. A test can't write a 512 MiB file in reasonable time, so it lowers the
 * threshold: the bytes path must give exactly the dataset JSON.parse gives, and bad JSON must be
 * refused with the file and line, as the string path refuses it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants } from 'node:buffer';
import { readCoco } from '../../../../src/core/convert/coco';
import { ConvertLog } from '../../../../src/core/convert/model';
import { JSON_AS_BYTES_FROM, diskTree } from '../../../../src/node/convert/diskTree';
import { makeDataset } from '../../core/convert/data';

describe('COCO input read from bytes above the string limit', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-bigcoco-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the threshold is V8\'s longest string', () => {
    assert.equal(JSON_AS_BYTES_FROM, constants.MAX_STRING_LENGTH);
    assert.ok(JSON_AS_BYTES_FROM < 2 ** 30);
  });

  it('the bytes path reads the same dataset as JSON.parse (pretty-printed, unicode names, info, licenses, a crowd RLE)', () => {
    const ds = makeDataset();
    const root = { info: { description: 'ünïcödé ✓' }, licenses: [{ id: 1, name: 'CC' }], images: ds.images, annotations: ds.annotations, categories: [...ds.categories, { id: 9, name: 'Straße 🚲' }] };
    const file = path.join(dir, 'instances_val.json');
    fs.writeFileSync(file, JSON.stringify(root, null, 2));
    const viaString = readCoco(diskTree(file), new ConvertLog());
    const bytesTree = diskTree(file, { jsonAsBytesFrom: 0 });
    const viaBytes = readCoco(bytesTree, new ConvertLog());
    assert.deepEqual(viaBytes, viaString);
    assert.equal(viaBytes.annotations.length, 7);
    assert.equal(viaBytes.categories.at(-1)!.name, 'Straße 🚲');
    assert.deepEqual(viaBytes.info, { description: 'ünïcödé ✓' });
  });

  it('several split files on the bytes path are merged like on the string path', () => {
    const ds = makeDataset();
    fs.writeFileSync(path.join(dir, 'instances_train.json'), JSON.stringify(ds));
    fs.writeFileSync(path.join(dir, 'instances_val.json'), JSON.stringify({ ...ds, annotations: ds.annotations.slice(0, 2) }));
    const viaBytes = readCoco(diskTree(dir, { jsonAsBytesFrom: 0 }), new ConvertLog());
    const viaString = readCoco(diskTree(dir), new ConvertLog());
    assert.deepEqual(viaBytes, viaString);
    assert.equal(viaBytes.annotations.length, 9);
  });

  it('broken JSON on the bytes path is refused with the file and line', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{\n  "images": [],\n  "annotations": [\n    {"id": 1, "bbox": [1, 2,, 3]}\n  ],\n  "categories": []\n}\n');
    assert.throws(() => readCoco(diskTree(file, { jsonAsBytesFrom: 0 }), new ConvertLog()), /bad\.json:4:\d+: not valid JSON/);
    assert.throws(() => readCoco(diskTree(file), new ConvertLog()), /bad\.json: not valid JSON/);
  });
});
