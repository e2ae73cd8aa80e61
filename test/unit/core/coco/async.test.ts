import * as assert from 'node:assert/strict';
import { parseCoco, parseCocoAsync } from '../../../../src/core/coco/parse';
import { enc } from './helpers';

function sample(n: number): string {
  const anns = [];
  for (let k = 0; k < n; k++) anns.push({ id: k, image_id: k % 7, category_id: 1 + (k % 3), bbox: [k, k + 1, 5, 6], segmentation: [[1, 2, 3, 4, 5, k]] });
  let text = JSON.stringify({ info: { year: 2020 }, images: [{ id: 1, file_name: 'é😀.jpg' }], annotations: anns, categories: [{ id: 1, name: 'a' }] }, null, 1);
  text = text.replace(/("bbox": \[\s*)5,/, '$1NaN,'); // one NaN, in annotation 5
  if (!text.includes('NaN')) throw new Error('sample: no NaN');
  return text;
}

describe('parseCocoAsync', () => {
  it('gives the same result as parseCoco, in slices, with progress ending at 1', async () => {
    const bytes = enc(sample(3000));
    const sync = parseCoco(bytes);
    const progress: number[] = [];
    let yields = 0;
    const doc = await parseCocoAsync(bytes, { sliceBytes: 4096, onProgress: (f) => progress.push(f), yieldNow: async () => { yields++; } });
    assert.deepEqual(doc.annotationEntries, sync.annotationEntries);
    assert.deepEqual(doc.imageEntries, sync.imageEntries);
    assert.deepEqual(doc.categoryEntries, sync.categoryEntries);
    assert.deepEqual(doc.infoEntry, sync.infoEntry);
    assert.deepEqual([...doc.sections], [...sync.sections]);
    assert.deepEqual(doc.parseIssues, sync.parseIssues);
    assert.equal(sync.parseIssues.length, 1);
    assert.equal(sync.parseIssues[0].jsonPath, '$.annotations[5].bbox[0]');
    assert.ok(Number.isNaN((doc.annotationEntries[5].value as any).bbox[0]));
    assert.equal(doc.annotationEntries.length, 3000);
    assert.ok(yields > 50, `yields ${yields}`);
    assert.ok(progress.length > 50);
    assert.equal(progress[progress.length - 1], 1);
    for (let k = 1; k < progress.length; k++) assert.ok(progress[k] >= progress[k - 1]);
    assert.ok(progress.slice(0, -1).every((f) => f < 1));
  });

  it('same result on broken input (truncated at every 97th byte)', async () => {
    const text = sample(40);
    for (let cut = 0; cut < text.length; cut += 97) {
      const bytes = enc(text.slice(0, cut));
      const a = parseCoco(bytes);
      const b = await parseCocoAsync(bytes, { sliceBytes: 1024, yieldNow: async () => {} });
      assert.deepEqual(b.parseIssues, a.parseIssues, `cut ${cut}`);
      assert.equal(b.annotationEntries.length, a.annotationEntries.length);
      assert.equal(a.parseIssues.filter((p) => p.rule === 'coco/invalid-json').length, cut === text.length ? 0 : 1);
    }
  });

  it('really yields to the event loop with the default yieldNow', async () => {
    const bytes = enc(sample(2000));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await parseCocoAsync(bytes, { sliceBytes: 2048 });
    } finally { clearInterval(timer); }
    assert.ok(ticks > 0);
  });

  it('rejects with an AbortError when aborted, before or during', async () => {
    const bytes = enc(sample(3000));
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(parseCocoAsync(bytes, { signal: pre.signal }), (e: Error) => e.name === 'AbortError');
    const ac = new AbortController();
    let calls = 0;
    await assert.rejects(
      parseCocoAsync(bytes, { signal: ac.signal, sliceBytes: 2048, onProgress: () => { if (++calls === 3) ac.abort(); } }),
      (e: Error) => e.name === 'AbortError',
    );
    assert.equal(calls, 3);
  });
});
