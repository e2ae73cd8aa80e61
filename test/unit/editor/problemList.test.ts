/**
 * The viewer's problem list kept compact (editor/problemIndex ProblemList, issue 8.6): over the
 * check's ProblemTable it lists, pages and finds exactly what the list of objects did (each
 * problem placed on its image, sorted by image, line, key; fix titles and other fixes), and the
 * re-check's problems merge in as a sort of both would place them.
 */
import * as assert from 'node:assert/strict';
import { ProblemTable } from '../../../src/core/report/problemTable';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { byPlace, LOCAL_KEY } from '../../../src/editor/problemIndex';
import type { OutcomeProblem } from '../../../src/node/checkWorkerProtocol';
import type { ProblemInfo } from '../../../src/shared/protocol';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function fixture() {
  const r = rng(9);
  const images = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, file_name: `${i}.jpg`, width: 10, height: 10 }));
  const annotations = Array.from({ length: 400 }, (_, k) => ({ id: k % 50 === 0 ? `s${k}` : 10 + k, image_id: 1 + Math.floor(r() * 30), category_id: 1, bbox: [0, 0, 1, 1], area: 1 }));
  const model = CocoEditorModel.fromBytes(new TextEncoder().encode(JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }] })), 'a.json');
  const problems: OutcomeProblem[] = [];
  for (let k = 0; k < 3000; k++) {
    const a = annotations[Math.floor(r() * annotations.length)];
    const line = 1 + Math.floor(r() * 40);
    const which = r();
    const p: OutcomeProblem = {
      rule: `coco/r${k % 4}`, severity: (['error', 'warning', 'info'] as const)[k % 3], message: `problem ${k} «ü»`, line, column: 1 + k, endLine: line, endColumn: 2 + k,
      jsonPath: which < 0.85 ? '$' : `$.images[${Math.floor(r() * 35)}].file_name`,
      ...(which < 0.6 ? { annotationId: a.id } : which < 0.75 ? { imageId: 1 + Math.floor(r() * 35) } : {}),
    };
    if (k % 7 === 0) p.fix = { title: `Fix ${k}`, edits: [] };
    if (k % 21 === 0) p.moreFixes = [{ title: 'Add category 7', id: 'coco/r0#add', edits: [] }, { title: 'Change category_id to…', edits: [], choose: 'category' }];
    problems.push(p);
  }
  return { model, problems, annotations };
}

/** The list as the objects gave it before (session + problemIndex of the last session). */
function reference(model: CocoEditorModel, problems: readonly OutcomeProblem[], hide: (k: number) => boolean): ProblemInfo[] {
  const out: ProblemInfo[] = [];
  problems.forEach((p, key) => {
    if (hide(key)) return;
    out.push({
      key, rule: p.rule, severity: p.severity, message: p.message, imageIndex: model.imageIndexOfProblem(p), line: p.line,
      ...(p.annotationId !== undefined ? { annotationId: p.annotationId } : {}),
      ...(p.fix ? { fix: p.fix.title } : {}),
      ...(p.moreFixes?.length ? { moreFixes: p.moreFixes.map((f) => ({ id: f.id ?? f.title, title: f.title })) } : {}),
    });
  });
  return out.sort(byPlace);
}

describe('editor: the viewer\'s problem list over the check\'s columns', () => {
  const hide = (k: number) => k % 10 === 3;

  it('lists, in one go and in slices, what the objects gave: places, order, fixes; pages put together are the list', async () => {
    const { model, problems } = fixture();
    const want = reference(model, problems, hide);
    const table = ProblemTable.build(problems);
    const once = model.problemList(table, hide);
    const sliced = await model.problemListInSlices(table, hide, () => Promise.resolve());
    for (const list of [once, sliced]) {
      assert.equal(list.length, want.length);
      assert.deepStrictEqual(list.page(0, list.length), want);
      const pages: ProblemInfo[] = [];
      for (let from = 0; from < list.length; from += 333) pages.push(...list.page(from, from + 333));
      assert.deepStrictEqual(pages, want);
      assert.equal(list.fileLevel, want.filter((p) => p.imageIndex < 0).length);
      for (const r of [0, 17, list.length - 1]) {
        assert.equal(list.imageIndex(r), want[r].imageIndex);
        assert.equal(list.rule(r), want[r].rule);
        assert.equal(list.severity(r), want[r].severity);
        assert.equal(list.line(r), want[r].line);
      }
    }
    // The payload of the list of objects (tests, small files) is the same.
    assert.deepStrictEqual(model.problemsPayload(problems, hide).problems, want);
    assert.deepStrictEqual(once.page(-5, 2), want.slice(0, 2), 'a page past the ends is cut to the list');
    assert.deepStrictEqual(once.page(want.length - 1, want.length + 10), want.slice(-1));
  });

  it('finds a problem by rule and line; the grid counts problems per image from the rows', () => {
    const { model, problems } = fixture();
    const list = model.problemList(ProblemTable.build(problems), hide);
    const want = reference(model, problems, hide);
    const target = want[want.length - 5];
    const row = list.find(target.rule, target.line);
    assert.equal(list.key(row), want.find((p) => p.rule === target.rule && p.line === target.line)!.key);
    assert.equal(list.find('coco/none', 1), -1);
    const perImage = new Map<number, number>();
    for (const p of want) if (p.imageIndex >= 0) perImage.set(p.imageIndex, (perImage.get(p.imageIndex) ?? 0) + 1);
    const cells = model.gridCells([0, 1, 2, 29], list);
    for (const c of cells) assert.equal(c.problems, perImage.get(c.index) ?? 0, `image ${c.index}`);
  });

  it('the re-check\'s problems merge in where a sort of both puts them (ties: the check\'s first)', () => {
    const { model, problems } = fixture();
    const list = model.problemList(ProblemTable.build(problems), hide);
    const local: ProblemInfo[] = [
      { key: LOCAL_KEY + 2, rule: 'coco/local', severity: 'error', message: 'edited', imageIndex: 4, line: 3 },
      { key: LOCAL_KEY, rule: 'coco/local', severity: 'warning', message: 'edited first', imageIndex: -1, line: 1 },
      { key: LOCAL_KEY + 1, rule: 'coco/local', severity: 'info', message: 'edited last', imageIndex: 29, line: 1_000 },
    ];
    const merged = list.withLocal(local);
    const want = [...reference(model, problems, hide), ...local].sort(byPlace);
    assert.deepStrictEqual(merged.page(0, merged.length), want);
    assert.equal(merged.source, 'check');
    assert.equal(merged.rule(merged.find('coco/local', 1_000)), 'coco/local');
    assert.equal(list.withLocal([]), list);
  });
});
