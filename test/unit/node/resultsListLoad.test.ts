/** A results list (top-level array) loads the same on two threads as on one: each detection with its byte range. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCoco } from '../../../src/core/coco/parse';
import { loadCocoParallel } from '../../../src/node/parallelLoad';

describe('results list on the parallel loader', () => {
  it('same detections, ranges, issues and root kind as parseCoco, in tiny batches and reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelscope-results-'));
    try {
      const dets = Array.from({ length: 3000 }, (_, i) => `{"image_id": ${i % 50}, "category_id": 1, "bbox": [${i}, 2, 3, 4], "score": ${i === 1234 ? 'NaN' : 0.5}}`);
      const file = join(dir, 'dets.json');
      writeFileSync(file, `[\n${dets.join(',\n')}\n]\n`);
      const expected = parseCoco(readFileSync(file), { path: file });
      for (const opts of [{ scanSliceBytes: 1024 }, { scanSliceBytes: 1024, readChunkBytes: 64, frontierMargin: 16, waitForWorker: true }]) {
        let threads = 0;
        const doc = await loadCocoParallel(file, { ...opts, onThreads: (t) => { threads = t.threads; } });
        assert.equal(threads, 2);
        assert.equal(doc.rootKind, 'array');
        assert.equal(doc.annotationEntries.length, 3000);
        assert.deepEqual(doc.annotationEntries.map((e) => [e.start, e.end]), expected.annotationEntries.map((e) => [e.start, e.end]));
        assert.deepEqual(doc.annotationEntries[7].value, expected.annotationEntries[7].value);
        assert.deepEqual(doc.parseIssues, expected.parseIssues);
        assert.deepEqual(doc.parseIssues.map((p) => p.jsonPath), ['$[1234].score']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
