/**
 * The check's problems as columns (core/report/problemTable, issue 8.6): every problem comes back
 * exactly as the check made it (ids of both kinds, non-ASCII text, fixes, related places, fields
 * the columns do not know, values they cannot hold), through a transfer between threads too, in
 * far fewer bytes than the objects' JSON.
 */
import * as assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { ProblemArray, ProblemTable, problemStore, type ProblemTableData } from '../../../src/core/report/problemTable';
import type { OutcomeProblem } from '../../../src/node/checkWorkerProtocol';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A varied problem set, as positionProblems and the fix attachment make them. */
function varied(n: number): OutcomeProblem[] {
  const r = rng(5);
  const out: OutcomeProblem[] = [];
  for (let k = 0; k < n; k++) {
    const line = 1 + Math.floor(r() * 5000);
    const p: OutcomeProblem = {
      rule: `coco/rule-${k % 7}`, severity: (['error', 'warning', 'info'] as const)[k % 3],
      message: k % 11 === 0 ? 'the same message' : k % 13 === 0 ? `Bildname «${k}» — 画像 ${k} 🐱 not found` : `Image file "${String(k).padStart(12, '0')}.jpg" not found; tried a/${k}.jpg`,
      jsonPath: k % 17 === 0 ? '$' : `$.annotations[${k}].bbox`,
      line, column: 1 + Math.floor(r() * 4_000_000_000), endLine: line + (k % 2), endColumn: 3,
    };
    if (k % 2 === 0) p.annotationId = k % 10 === 0 ? `ann-${k}` : k * 3 + 0.5 * (k % 4 === 0 ? 1 : 0);
    if (k % 3 === 0) p.imageId = k % 9 === 0 ? `img ${k}` : -k;
    if (k % 5 === 0) p.categoryId = k % 25 === 0 ? 'cat' : 90;
    if (k % 19 === 0) p.related = [{ message: 'the twin', jsonPath: '$.annotations[1].id', line: 2, column: 5 }];
    if (k % 23 === 0) {
      p.fix = { title: `Fix ${k}`, edits: [{ start: k, end: k + 2, line, column: 1, endLine: line, endColumn: 3, newText: '0' }] };
      p.moreFixes = [{ title: 'Add category 7', id: 'coco/x#add', edits: [] }, { title: 'Change category_id to…', edits: [], choose: 'category' }];
    }
    out.push(p);
  }
  // Values the columns cannot hold exactly: kept whole.
  out.push({ rule: 'coco/odd', severity: 'warning', message: 'fractional line', jsonPath: '$', line: 1.5, column: 1, endLine: 2, endColumn: 1 });
  out.push({ rule: 'coco/odd', severity: 'warning', message: 'huge column', jsonPath: '$', line: 1, column: 2 ** 33, endLine: 1, endColumn: 1, imageId: 7 });
  out.push({ rule: 'coco/odd', severity: 'warning', message: '', jsonPath: '', line: 0, column: 0, endLine: 0, endColumn: 0, annotationId: '' });
  out.push({ ...out[1], extraField: { nested: [1, 2] } } as OutcomeProblem);
  return out;
}

function sameAsObjects(table: ProblemTable<OutcomeProblem>, list: readonly OutcomeProblem[]): void {
  assert.equal(table.length, list.length);
  list.forEach((p, i) => {
    assert.deepStrictEqual(table.get(i), p, `problem ${i}`);
    assert.equal(table.rule(i), p.rule);
    assert.equal(table.severity(i), p.severity);
    assert.equal(table.message(i), p.message);
    assert.equal(table.jsonPath(i), p.jsonPath);
    assert.equal(table.line(i), p.line);
    assert.equal(table.column(i), p.column);
    assert.equal(table.annotationId(i), p.annotationId);
    assert.equal(table.imageId(i), p.imageId);
    assert.deepStrictEqual(table.extra(i, 'fix'), p.fix);
    assert.deepStrictEqual(table.extra(i, 'moreFixes'), p.moreFixes);
    assert.deepStrictEqual(table.extra(i, 'related'), p.related);
  });
  assert.deepStrictEqual([...table], list);
  assert.equal(table.get(list.length), undefined);
  assert.equal(table.get(-1), undefined);
}

describe('core: problems as columns (ProblemTable)', () => {
  it('gives back every problem exactly as made: ids of both kinds, non-ASCII text, fixes, related, unknown fields, values kept whole', () => {
    const list = varied(3000);
    sameAsObjects(ProblemTable.build(list), list);
    sameAsObjects(ProblemTable.build([]), []);
  });

  it('the same after its buffers are transferred to another thread (no copy: the sender\'s buffers are detached)', async () => {
    const list = varied(2000);
    const table = ProblemTable.build(list);
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<ProblemTableData>((resolve) => port2.once('message', resolve));
    port1.postMessage(table.data(), table.buffers());
    const data = await got;
    port1.close();
    assert.equal(table.data().tokens.byteLength, 0, 'transferred, not cloned');
    sameAsObjects(ProblemTable.fromData<OutcomeProblem>(data), list);
  });

  it('~125k image-file problems: columns in a fraction of the objects\' JSON; repeated strings stored once', () => {
    const list: OutcomeProblem[] = [];
    for (let k = 0; k < 125_000; k++) {
      const name = `${String(k * 7).padStart(12, '0')}.jpg`;
      list.push({ rule: 'coco/image-file-missing', severity: 'warning', message: `Image file "${name}" not found; tried train2017/${name}, images/${name}.`, jsonPath: `$.images[${k}].file_name`, line: 1, column: 100 + k * 300, endLine: 1, endColumn: 120 + k * 300, imageId: k * 7 });
    }
    const table = ProblemTable.build(list);
    const json = Buffer.byteLength(JSON.stringify(list));
    assert.ok(table.byteLength < json * 0.35, `${table.byteLength} bytes of columns, ${json} of JSON`);
    assert.deepStrictEqual(table.get(124_999), list[124_999]);
    const same = ProblemTable.build(Array.from({ length: 1000 }, () => list[0]));
    assert.ok(same.data().tokens.byteLength + same.data().pieces.byteLength < 200, 'one message and one path, stored once');
  });

  it('strings with long digit runs, leading zeros, digits only, and digits beside non-ASCII text come back exactly', () => {
    const messages = ['0', '007', '12345678901234567890123', 'x99999999999999999', '٣ and 3', '1.5e+21', 'a0b00c000', '', ' 42 ', '9007199254740993'];
    const list = messages.map((message, k): OutcomeProblem => ({ rule: 'coco/x', severity: 'info', message, jsonPath: `$.images[${k}]`, line: k, column: 1, endLine: k, endColumn: 1, annotationId: message }));
    sameAsObjects(ProblemTable.build(list), list);
  });

  it('problemStore: a list of objects behind the same interface, the same objects back (identity kept)', () => {
    const list = varied(50);
    const store = problemStore(list);
    assert.ok(store instanceof ProblemArray);
    assert.equal(store.get(3), list[3]);
    assert.equal(store.message(13), list[13].message);
    assert.equal(store.extra(23, 'fix'), list[23].fix);
    const table = ProblemTable.build(list);
    assert.equal(problemStore(table), table);
  });
});
