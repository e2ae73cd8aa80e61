/**
 * The host's long walks in slices (issue 7): the sort in chunks + merges, the lookups and the
 * problem placement built in slices must give exactly what the one-go versions give.
 */
import * as assert from 'node:assert/strict';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { byPlace, sortProblemsInSlices } from '../../../src/editor/problemIndex';
import { sliceClock, sortInSlices } from '../../../src/editor/slices';
import type { OutcomeProblem } from '../../../src/node/checkWorkerProtocol';
import { EditorSession } from '../../../src/editor/session';
import { webviewChannel, type Envelope, type ProblemsPayload } from '../../../src/shared/protocol';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A yield that counts, and a clock that yields at every call (every slice boundary is crossed). */
function countingClock() {
  let yields = 0;
  const yieldNow = () => { yields++; return Promise.resolve(); };
  return { yieldNow, tick: sliceClock(yieldNow, 0), yields: () => yields };
}

describe('editor: walks in slices', () => {
  it('sortInSlices sorts like Array.prototype.sort over several chunks, with duplicates and negatives, yielding between slices', async () => {
    const r = rng(7);
    for (const n of [0, 1, 65_536, 65_537, 300_001]) {
      const a = Float64Array.from({ length: n }, () => Math.floor((r() - 0.5) * 1000) * 2 ** 22 + Math.floor(r() * 1000));
      const want = [...a].sort((x, y) => x - y);
      const c = countingClock();
      const got = await sortInSlices(a, c.tick);
      assert.deepEqual([...got], want);
      if (n > 65_536) assert.ok(c.yields() > 10, `yielded ${c.yields()} times`);
    }
  });

  it('sortProblemsInSlices: the viewer order (image, line, key) with one packed key, with two passes (lines too long to pack with the image), and by comparator', async () => {
    const r = rng(11);
    for (const maxLine of [50, 2 ** 30, 2 ** 45]) {
      const list = Array.from({ length: 70_000 }, (_, k) => ({ key: k * 2 + 1, rule: 'coco/x', severity: 'error' as const, message: '', imageIndex: Math.floor(r() * 300) - 1, line: Math.floor(r() * maxLine) }));
      const want = [...list].sort(byPlace);
      const got = await sortProblemsInSlices([...list], countingClock().tick);
      assert.deepEqual(got.map((p) => p.key), want.map((p) => p.key), `lines up to ${maxLine}`);
    }
  });

  it('problems placed in slices: the same list, order and file-level count as placed in one go; lookups as before', async () => {
    const r = rng(3);
    const images = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 10, height: 10 }));
    const annotations = Array.from({ length: 9000 }, (_, k) => ({ id: r() < 0.01 ? `s${k}` : 5 + k * 3, image_id: r() < 0.02 ? 999 : 1 + Math.floor(r() * 40), category_id: 1, bbox: [0, 0, 1, 1], area: 1 }));
    const text = JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }] });
    const problems: OutcomeProblem[] = [];
    for (let k = 0; k < 12_000; k++) {
      const a = annotations[Math.floor(r() * annotations.length)];
      const which = r();
      const line = 1 + Math.floor(r() * 50);
      problems.push({
        rule: `coco/r${k % 5}`, severity: 'warning', message: `m${k}`, line, column: 1, endLine: line, endColumn: 2,
        jsonPath: which < 0.8 ? '$' : `$.annotations[${Math.floor(r() * 9100)}]`,
        ...(which < 0.6 ? { annotationId: a.id } : which < 0.8 ? { imageId: 1 + Math.floor(r() * 45) } : {}),
      });
    }
    const hide = (k: number) => problems[k].message.endsWith('7');
    const once = CocoEditorModel.fromBytes(new TextEncoder().encode(text), 'a.json');
    const want = once.problemsPayload(problems, hide);
    const sliced = CocoEditorModel.fromBytes(new TextEncoder().encode(text), 'a.json');
    const c = countingClock();
    // A slice budget of 0 ms: a yield after every step, whatever the machine's speed (8 ms in the product).
    const got = await sliced.problemsPayloadInSlices(problems, hide, c.yieldNow, 0);
    assert.deepEqual(got, want);
    assert.ok(want.fileLevel > 0 && want.problems.some((p) => p.imageIndex >= 0));
    assert.ok(c.yields() > 0);
    for (const a of annotations.slice(0, 200)) assert.equal(sliced.imageIndexOfAnnotation(a.id), once.imageIndexOfAnnotation(a.id));
    assert.deepEqual(sliced.categories(), once.categories());
  });

  it('a big file\'s problem list goes to the webview in pages, one per event-loop turn; a newer list stops the pages of an older one', async () => {
    const images = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 10, height: 10 }));
    // Past PLACE_AT_ONCE annotations: placed in slices, as a big file is.
    const annotations = Array.from({ length: EditorSession.PLACE_AT_ONCE + 10 }, (_, k) => ({ id: k + 1, image_id: 1 + (k % 10), category_id: 1, bbox: [0, 0, 1, 1], area: 1 }));
    const model = CocoEditorModel.fromBytes(new TextEncoder().encode(JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }] })), 'a.json');
    let problems: OutcomeProblem[] = Array.from({ length: 12 }, (_, k) => ({ rule: 'coco/x', severity: 'warning', message: `first ${k}`, jsonPath: '$', line: 1, column: 1, endLine: 1, endColumn: 2, annotationId: 1 + k * 997 }));
    const pages: ProblemsPayload[] = [];
    const shown: ProblemsPayload[] = [];
    let collecting: ProblemsPayload['problems'] | undefined;
    const web = webviewChannel(() => undefined);
    web.on('problems', (p) => {
      pages.push(p);
      // As the webview's main.ts puts pages together.
      const list = p.append && collecting ? collecting : [];
      list.push(...p.problems);
      collecting = p.more ? list : undefined;
      if (!p.more) shown.push({ ...p, problems: list });
    });
    const session = new EditorSession({ post: (m: Envelope) => web.receive(structuredClone(m)), source: { find: () => ({ tried: [] }), toSrc: (x) => x }, model: Promise.resolve(model), onEdit: () => undefined, problems: () => problems, problemsPageSize: 5 });
    session.receive({ t: 'note', method: 'ready', params: {} });
    await until(() => shown.length === 1);
    await session.problemsSent;
    assert.deepEqual(pages.map((p) => [p.problems.length, !!p.append, !!p.more]), [[5, false, true], [5, true, true], [2, true, false]]);
    assert.deepEqual(shown[0].problems, [...session.problems]);
    assert.equal(shown[0].problems.length, 12);

    // Two lists in a row: only the newer one is shown whole, nothing of the first after it.
    pages.length = 0;
    shown.length = 0;
    session.problemsChanged();
    problems = problems.slice(0, 7).map((p) => ({ ...p, message: p.message.replace('first', 'second') }));
    session.problemsChanged();
    await session.problemsSent;
    await new Promise((r) => setImmediate(r));
    assert.equal(shown.length, 1);
    assert.deepEqual(shown[0].problems.map((p) => p.message).sort(), problems.map((p) => p.message).sort());
    assert.deepEqual(shown[0].problems, [...session.problems]);
    session.dispose();
  });
});

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), 'in time');
}
