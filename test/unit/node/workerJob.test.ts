/**
 * A big worker result crosses to the extension host in parts (issue 7: no host stall from a
 * check's outcome): the parts decode to the same items, and the host's event loop gets a turn
 * between parts, so a timer is never held behind the whole result.
 */
import * as assert from 'node:assert/strict';
import { decodeParts, encodeParts } from '../../../src/node/workerJob';

describe('worker results in parts', () => {
  const items = Array.from({ length: 2345 }, (_, i) => ({ rule: `coco/r${i % 7}`, message: `problem ${i} é ✓`, line: i + 1, related: i % 3 ? undefined : [{ line: i }] }));

  it('parts of at most N items, each in an ArrayBuffer of its own, decode to the same items', async () => {
    const parts = encodeParts(items, 500);
    assert.equal(parts.length, 5);
    for (const p of parts) assert.equal(p.byteLength, p.buffer.byteLength, 'transferable without taking other bytes along');
    assert.deepEqual(await decodeParts(parts), items);
    assert.deepEqual(await decodeParts(encodeParts([], 500)), []);
  });

  it('the event loop runs between parts (one part per turn)', async () => {
    const parts = encodeParts(items, 100);
    let turns = 0;
    let counting = true;
    const tick = () => { if (counting) { turns++; setImmediate(tick); } };
    setImmediate(tick);
    await decodeParts(parts);
    counting = false;
    assert.ok(turns >= parts.length - 1, `${turns} turns of the event loop during ${parts.length} parts`);
  });

  it('stops between parts when aborted', async () => {
    const ac = new AbortController();
    const parts = encodeParts(items, 100);
    setImmediate(() => ac.abort(new Error('cancelled')));
    await assert.rejects(decodeParts(parts, ac.signal), /cancelled/);
  });
});
