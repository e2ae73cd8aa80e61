/**
 * The editor's lazy document lets its bytes go (a big file only viewed, issue 8.6): values are
 * then read from a ByteSource one element at a time, exactly as parsed from the bytes; nothing
 * keeps the bytes alive, whichever way the load parsed them (the columns worker, the scan worker
 * with the lazy sink, slices on this thread); `ensureBytes` reads them back before an edit.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { ParseAsyncOptions } from '../../../src/core/coco/parse';
import { fingerprint } from '../../../src/core/edits/fingerprint';
import { OutsideChangeError, type ByteSource } from '../../../src/editor/byteSource';
import { CocoEditorModel, type LoadOptions } from '../../../src/editor/editorModel';
import { LazyCocoDocument, parseLazy, parseLazyAsync } from '../../../src/editor/lazyDocument';
import { parseColumnsOffThread } from '../../../src/node/columnsLoad';
import { FileByteSource } from '../../../src/node/fileByteSource';
import { parseSharedParallel } from '../../../src/node/parallelLoad';
import { allocShared } from '../../../src/node/sharedBytes';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** A small COCO file with a bare NaN (parsed with placeholders) and a multi-byte name. */
function cocoBytes(): Buffer {
  const anns = Array.from({ length: 40 }, (_, i) => `{"id": ${i + 1}, "image_id": ${1 + (i % 4)}, "category_id": 1, "bbox": [${i}, 2, 10, 10], "area": ${i === 7 ? 'NaN' : 100}, "iscrowd": 0}`);
  const imgs = Array.from({ length: 4 }, (_, i) => `{"id": ${i + 1}, "file_name": "bild_${i}_ä.jpg", "width": 640, "height": 480}`);
  return Buffer.from(`{"images": [\n${imgs.join(',\n')}\n],\n"annotations": [\n${anns.join(',\n')}\n],\n"categories": [{"id": 1, "name": "Katze"}]}\n`);
}

type Parse = NonNullable<LoadOptions['parse']>;
const parsers: [string, Parse][] = [
  ['the columns worker', (b, o) => parseColumnsOffThread(b, o)],
  ['the scan worker with the lazy sink', (b, o) => parseSharedParallel(b, o)],
  ['slices on this thread', (b, o) => parseLazyAsync(b, o as ParseAsyncOptions)],
];

describe('the editor\'s document without its bytes (read from disk on demand)', () => {
  let dir: string;
  let file: string;
  const text = cocoBytes();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-release-'));
    file = path.join(dir, 'instances.json');
    fs.writeFileSync(file, text);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [how, parse] of parsers) {
    it(`loaded by ${how}: reads as before, and the bytes are garbage once let go`, async () => {
      const load = async () => {
        const bytes = allocShared(text.length);
        bytes.set(text);
        const model = await CocoEditorModel.load(bytes, file, { parse });
        const s = fs.statSync(file);
        const released = model.releaseBytes(new FileByteSource(file, { size: s.size, mtimeMs: s.mtimeMs }, fingerprint(text)));
        return { model, released, ref: new WeakRef(bytes) };
      };
      const { model, released, ref } = await load();
      assert.ok(released);
      assert.equal(model.holdsBytes, false);
      assert.equal(model.size, text.length);
      const host = parseLazy(text, { path: file });
      const base = model.base as LazyCocoDocument;
      assert.deepEqual(base.annotationEntries.map((e) => e.value), host.annotationEntries.map((e) => e.value), 'every annotation, NaN included');
      assert.deepEqual(model.imagePayload(2), CocoEditorModel.fromBytes(text, file).imagePayload(2), 'an image as the viewer gets it');
      assert.equal(base.wholeReadsSync, 0);
      for (let i = 0; i < 5 && ref.deref(); i++) { await new Promise((r) => setTimeout(r, 20)); gc(); }
      assert.equal(ref.deref(), undefined, 'no reference to the bytes is left');
      // An edit needs them whole: read back, checked, the same bytes.
      assert.equal(await model.ensureBytes(), undefined);
      assert.equal(model.holdsBytes, true);
      assert.equal(Buffer.compare(Buffer.from(model.bytes()), text), 0);
      assert.deepEqual(model.base.lines.positionAt(text.indexOf('"id": 8,')), host.lines.positionAt(text.indexOf('"id": 8,')));
    });
  }

  it('each value is one range read of exactly its bytes; a source that finds the file changed makes ensureBytes say so', async () => {
    const model = await CocoEditorModel.load(Buffer.from(text), file);
    const reads: [number, number][] = [];
    let stale = false;
    const source: ByteSource = {
      length: text.length,
      fingerprint: fingerprint(text),
      range: (s, e) => { reads.push([s, e]); return text.subarray(s, e); },
      readAll: async () => { if (stale) throw new OutsideChangeError('instances.json', 'other bytes'); return text; },
      readAllSync: () => text,
    };
    assert.ok(model.releaseBytes(source));
    const e = model.base.annotationEntries[5];
    assert.deepEqual(e.value, JSON.parse(Buffer.from(text.subarray(e.start, e.end)).toString()));
    assert.deepEqual(reads, [[e.start, e.end]]);
    stale = true;
    assert.match((await model.ensureBytes())!, /instances\.json changed on disk/);
    assert.equal(model.holdsBytes, false, 'nothing kept from a changed file');
  });

  it('only a base as loaded lets its bytes go, and only to a source of the same bytes', async () => {
    const model = await CocoEditorModel.load(Buffer.from(text), file);
    const source = (fp: string): ByteSource => ({ length: text.length, fingerprint: fp, range: () => text, readAll: async () => text, readAllSync: () => text });
    assert.equal(model.releaseBytes(source('0:00000000')), false, 'another fingerprint');
    const edit = model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [1, 2, 10, 10] });
    assert.ok(typeof edit !== 'string');
    model.apply(edit);
    assert.equal(model.releaseBytes(source(fingerprint(text))), false, 'edited');
    assert.equal(model.holdsBytes, true);
  });
});
