/**
 * VS Code's real limits, as the mock models them: 1,000 diagnostics per file (errors first,
 * the rest dropped behind one line), onDidChangeDiagnostics debounced by 50 ms, Cancel on
 * progress. Our diagnostics fit the budget: errors first, rules round-robin, every summary kept.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';
import { MAX_DIAGNOSTICS_PER_FILE, REVEAL_PROBLEM_COMMAND, TRUNCATED_CODE, budgetProblems, diagnosticCode, revealLink, roundRobin, toDiagnostics } from '../../src/extension/diagnostics';
import type { PositionedProblem } from '../../src/core/report/located';
import { ProblemTable } from '../../src/core/report/problemTable';

const { __mock } = mock;

function problems(rule: string, severity: PositionedProblem['severity'], n: number): PositionedProblem[] {
  return Array.from({ length: n }, (_, i) => ({ rule, severity, message: `${rule} #${i}`, jsonPath: `$.annotations[${i}]`, start: i, end: i + 1, line: i + 1, column: 1, endLine: i + 1, endColumn: 2 }));
}

describe('diagnostics within VS Code\'s limits', () => {
  beforeEach(() => __mock.reset());

  it('roundRobin shares a budget so no group is starved', () => {
    assert.deepEqual(roundRobin([1000, 5, 300], 100), [48, 5, 47]);
    assert.deepEqual(roundRobin([3, 4], 100), [3, 4]);
    assert.deepEqual(roundRobin([10, 10, 10], 0), [0, 0, 0]);
    assert.equal(roundRobin([7, 9, 1000, 2], 999).reduce((a, b) => a + b), 999);
  });

  it('a rule id\'s code link is the command link VS Code parses (built from its parts, not parsed)', () => {
    const uri = vscode.Uri.file('/w/a b/instances_%x.json');
    const p = { ...problems('coco/a-error', 'error', 1)[0], annotationId: 'ann "7"', imageId: 3 };
    const link = revealLink(uri, p);
    const parsed = vscode.Uri.parse(`command:${REVEAL_PROBLEM_COMMAND}?${encodeURIComponent(JSON.stringify([uri.toString(), { jsonPath: p.jsonPath, rule: p.rule, line: p.line, annotationId: p.annotationId, imageId: p.imageId }]))}`);
    assert.equal(link.toString(), parsed.toString());
    assert.deepEqual(JSON.parse(link.query), [uri.toString(), { jsonPath: p.jsonPath, rule: p.rule, line: p.line, annotationId: 'ann "7"', imageId: 3 }]);
    assert.deepEqual(JSON.parse(vscode.Uri.parse(link.toString()).query), JSON.parse(link.query), 'the link survives its string form');
  });

  it('3,000 problems: at most 1,000 per file with the summaries, errors first, every rule\'s summary in the Problems panel', () => {
    const uri = vscode.Uri.file('/w/instances_x.json');
    const all = [
      ...problems('coco/a-error', 'error', 1200), ...problems('coco/d-error', 'error', 10),
      ...problems('coco/b-warning', 'warning', 1000), ...problems('coco/c-info', 'info', 790),
    ];
    assert.equal(all.length, 3000);
    const ds = toDiagnostics(uri, all, 500);
    assert.ok(ds.length <= MAX_DIAGNOSTICS_PER_FILE, `${ds.length} diagnostics`);
    const coll = vscode.languages.createDiagnosticCollection('labelscope');
    coll.set(uri, ds);
    const panel = __mock.problemsPanel(uri as unknown as mock.Uri);
    assert.ok(!panel.some((m) => /^Not showing/.test(m.message)), 'VS Code drops nothing');
    const count = (rule: string) => panel.filter((m) => diagnosticCode(m) === rule).length;
    assert.equal(count('coco/a-error'), 500, 'errors first, up to the per-rule cap');
    assert.equal(count('coco/d-error'), 10);
    const summaries = panel.filter((m) => diagnosticCode(m) === TRUNCATED_CODE).map((m) => m.message);
    for (const rule of ['coco/a-error', 'coco/b-warning', 'coco/c-info']) assert.ok(summaries.some((m) => m.includes(` ${rule} `)), `summary of ${rule}: ${JSON.stringify(summaries)}`);
    assert.ok(count('coco/b-warning') > 0, 'warnings get what is left');
    assert.equal(panel.length, 500 + 10 + count('coco/b-warning') + count('coco/c-info') + summaries.length);
    assert.equal(panel.length, MAX_DIAGNOSTICS_PER_FILE, 'the budget is used to the last row');
    // The summaries add up to everything that is not shown.
    const hidden = summaries.reduce((n, m) => n + Number(/^(\d+) more/.exec(m)![1]), 0);
    assert.equal(hidden + panel.length - summaries.length, 3000);
  });

  it('the old per-rule cap alone would lose the info rule\'s summary in the Problems panel (what the budget prevents)', () => {
    const uri = vscode.Uri.file('/w/instances_y.json');
    const all = [...problems('coco/a-error', 'error', 1200), ...problems('coco/b-warning', 'warning', 1000), ...problems('coco/c-info', 'info', 800)];
    // Per-rule cap of 500, no file budget: 1,500 + 3 summaries reach VS Code.
    const unbudgeted = toDiagnostics(uri, all, 500, Number.MAX_SAFE_INTEGER);
    vscode.languages.createDiagnosticCollection('x').set(uri, unbudgeted);
    const panel = __mock.problemsPanel(uri as unknown as mock.Uri);
    assert.match(panel[panel.length - 1].message, /^Not showing 503 further errors and warnings\.$/);
    assert.ok(!panel.some((m) => diagnosticCode(m) === TRUNCATED_CODE && m.message.includes('coco/c-info')), 'VS Code dropped it');
  });

  it('from the check\'s columns (a ProblemTable, as the extension host keeps an outcome): the same diagnostics as from the objects', () => {
    const uri = vscode.Uri.file('/w/instances_t.json');
    const all = [
      ...problems('coco/a-error', 'error', 1200), ...problems('coco/b-warning', 'warning', 1000), ...problems('coco/c-info', 'info', 790), ...problems('coco/one', 'info', 1),
    ].map((p, i) => (i % 97 === 0 ? { ...p, annotationId: i, related: [{ message: 'twin', jsonPath: '$.annotations[0]', line: 1, column: 1 }] } : p));
    const fromObjects = toDiagnostics(uri, all, 500);
    const fromTable = toDiagnostics(uri, ProblemTable.build(all), 500);
    assert.deepStrictEqual(fromTable, fromObjects);
    assert.ok(fromTable.some((d) => d.relatedInformation?.length), 'related places kept');
    const a = budgetProblems(all, 300, 700), b = budgetProblems(ProblemTable.build(all), 300, 700);
    assert.deepStrictEqual(b.shown, a.shown);
    assert.deepStrictEqual([...b.hidden], [...a.hidden]);
  });

  it('a rule that would lose one problem shows it instead of a summary of one', () => {
    const all = [...problems('coco/big', 'error', 20), ...problems('coco/one', 'info', 1)];
    const { shown, hidden } = budgetProblems(all, 500, 10);
    assert.ok(shown.some((p) => p.rule === 'coco/one'));
    assert.deepEqual([...hidden.keys()], ['coco/big']);
    assert.equal(shown.length + hidden.size, 10);
  });

  it('budgetProblems keeps the order of the problems it shows', () => {
    const all = [...problems('coco/x', 'warning', 3), ...problems('coco/y', 'error', 3)];
    const { shown } = budgetProblems(all, 2, 10);
    assert.deepEqual(shown.map((p) => p.message), ['coco/x #0', 'coco/x #1', 'coco/y #0', 'coco/y #1']);
  });

  it('onDidChangeDiagnostics fires once per burst, 50 ms after the last change, with every URI', async () => {
    const seen: string[][] = [];
    vscode.languages.onDidChangeDiagnostics((e) => { seen.push(e.uris.map(String)); });
    const coll = vscode.languages.createDiagnosticCollection('c');
    const a = vscode.Uri.file('/w/a.json');
    const b = vscode.Uri.file('/w/b.json');
    coll.set(a, []);
    coll.set(b, []);
    coll.set(a, []);
    assert.equal(seen.length, 0, 'not synchronously');
    const t0 = Date.now();
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.ok(Date.now() - t0 >= mock.DIAGNOSTICS_DEBOUNCE_MS - 5);
    assert.deepEqual(seen, [[String(a), String(b)]]);
  });

  it('Cancel on a cancellable progress notification cancels its token; a non-cancellable one cannot be', async () => {
    let cancelled = false;
    const run = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 't', cancellable: true }, (_p, token) =>
      new Promise<void>((resolve) => token.onCancellationRequested(() => { cancelled = true; resolve(); })));
    assert.equal(__mock.cancelProgress(), 1);
    await run;
    assert.ok(cancelled);
    let fired = false;
    let finish!: () => void;
    const run2 = vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 't' }, (_p, token) =>
      new Promise<void>((resolve) => { token.onCancellationRequested(() => { fired = true; }); finish = resolve; }));
    __mock.cancelProgress();
    finish();
    await run2;
    assert.equal(fired, false);
  });
});
