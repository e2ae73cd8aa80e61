/**
 * The editor's byte source over a file (issue 8.6): ranges read while the file is the one loaded
 * (size and mtime), the whole file only when it has the loaded bytes' fingerprint; every
 * mismatch throws OutsideChangeError and tells the owner once.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fingerprint } from '../../../src/core/edits/fingerprint';
import { OutsideChangeError } from '../../../src/editor/byteSource';
import { FileByteSource } from '../../../src/node/fileByteSource';
import { isShared } from '../../../src/node/sharedBytes';

describe('FileByteSource', () => {
  let dir: string;
  let file: string;
  const text = '{"annotations":[{"id":1},{"id":2}]}';
  const stampOf = (f: string) => { const s = fs.statSync(f); return { size: s.size, mtimeMs: s.mtimeMs }; };
  const changes: number[] = [];
  const source = () => new FileByteSource(file, stampOf(file), fingerprint(Buffer.from(text)), () => changes.push(1));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-bytesource-'));
    file = path.join(dir, 'a.json');
    fs.writeFileSync(file, text);
    changes.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads ranges and the whole file (into shared memory) while the file is the one loaded', async () => {
    const s = source();
    assert.equal(Buffer.from(s.range(16, 24)).toString(), '{"id":1}');
    const all = await s.readAll();
    assert.equal(Buffer.from(all).toString(), text);
    assert.ok(isShared(all), 'shared: the check worker takes them without a copy');
    assert.equal(Buffer.from(s.readAllSync()).toString(), text);
    s.close();
    assert.deepEqual(changes, []);
  });

  it('a range read after the file changed (another mtime) throws and tells the owner once', () => {
    const s = source();
    s.close();
    fs.writeFileSync(file, text.replace('"id":1', '"id":7'));
    const t = new Date(Date.now() + 2000);
    fs.utimesSync(file, t, t);
    assert.throws(() => s.range(16, 24), OutsideChangeError);
    assert.throws(() => s.range(16, 24), /a\.json changed on disk/);
    assert.deepEqual(changes, [1], 'told once');
  });

  it('same size and stat but other bytes: ranges cannot see it, the whole-file read (what an edit needs) refuses them', async () => {
    const s = source();
    fs.writeFileSync(file, text.replace('"id":1', '"id":7'));
    // The stat as it is now, with the fingerprint of the bytes as loaded: only the fingerprint tells.
    const same = new FileByteSource(file, stampOf(file), s.fingerprint, () => changes.push(1));
    assert.equal(Buffer.from(same.range(16, 24)).toString(), '{"id":7}', 'a range read trusts the stat (the watcher reloads the view)');
    await assert.rejects(same.readAll(), OutsideChangeError);
    assert.throws(() => same.readAllSync(), OutsideChangeError);
    same.close();
    assert.deepEqual(changes, [1]);
  });

  it('a file replaced by a rename while its handle is open still reads as the bytes loaded (what the offsets describe)', () => {
    const s = source();
    assert.equal(Buffer.from(s.range(16, 24)).toString(), '{"id":1}');
    const tmp = path.join(dir, 'a.json.tmp');
    fs.writeFileSync(tmp, text.replace('"id":1', '"id":7'));
    fs.renameSync(tmp, file);
    assert.equal(Buffer.from(s.range(16, 24)).toString(), '{"id":1}');
    s.close();
    // Reopened: the new file, another mtime (or inode's stat): refused.
    const t = new Date(Date.now() + 2000);
    fs.utimesSync(file, t, t);
    assert.throws(() => s.range(16, 24), OutsideChangeError);
  });
});
