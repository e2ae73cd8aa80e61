/**
 * Quick fixes in real VS Code (code-server + Chromium): a COCO file opened as TEXT shows a
 * Labelscope diagnostic in the Problems panel; clicking the row puts the cursor on it, Ctrl+.
 * offers the rule's fix, applying it and saving (Ctrl+S) removes the diagnostic, and the
 * file on disk differs from the original only in the fixed value.
 *
 *   - coco/bbox-out-of-image: the sample's annotation 13 (a 50×50 square polygon and box at
 *     (290, 200) on a 320×240 image) is clipped to the image: its polygon, bbox and area change,
 *     nothing else, and no bbox/segmentation mismatch appears in exchange.
 *   - coco/iscrowd-invalid: a copy of the sample where annotation 8 has no "iscrowd"; the fix
 *     inserts `"iscrowd": 0` into that object and nothing else.
 *
 * Screenshots: test-artifacts/e2e/quickfix-<rule>-{before,after}.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeServerSession, REPO_ROOT, packageExtension, waitFor } from './codeServer';

const SAMPLE = path.join(REPO_ROOT, 'sample');
const COCO_FILE = 'annotations/instances_sample.json';
const SETTINGS = {
  // instances_*.json opens in Labelscope's viewer by default; these tests are about the text editor.
  'workbench.editorAssociations': { '*.json': 'default' },
};

/** The changed region between two texts: common prefix/suffix removed. */
function textDiff(before: string, after: string): { start: number; removed: string; inserted: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, removed: before.slice(start, before.length - tail), inserted: after.slice(start, after.length - tail) };
}

/** 1-based line of an offset. */
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

interface Scenario {
  rule: string;
  /** Folder to open (a copy is opened). */
  folder: () => string;
  /** Title (or a unique part of it) of the quick fix to apply. */
  fixTitle: string;
  /** Line the diagnostic starts on, 1-based. */
  line: number;
  /** Line the cursor is on after the Problems row revealed the diagnostic (its range's end). */
  cursorLine: number;
  /** Rule ids that must have no Problems row once the fix is saved. */
  goneRules?: string[];
  /** Checks on the exact change; `before`/`after` are the whole file texts. */
  checkDiff(d: ReturnType<typeof textDiff>, before: string, after: string): void;
}

describe('e2e: quick fix from the Problems panel (text editor)', function () {
  this.timeout(180_000);
  let session: CodeServerSession | undefined;
  const tmpDirs: string[] = [];

  before(function () {
    packageExtension();
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    await session?.close(failed, this.currentTest?.title);
    session = undefined;
  });

  after(function () {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function run(s: Scenario): Promise<void> {
    const tag = s.rule.replace(/^coco\//, '');
    session = await CodeServerSession.launch({ folder: s.folder(), name: `quickfix-${tag}`, settings: SETTINGS });
    const file = path.join(session.workspace, COCO_FILE);
    const before = fs.readFileSync(file, 'utf8');
    await session.openFile(COCO_FILE);

    const isRow = (r: string) => r.includes(`labelscope(${s.rule})`) || r.includes(`labelscope ${s.rule}`);
    const row = await session.problemRow(isRow, `rule ${s.rule}`, 90_000);
    const rowText = (await row.innerText()).replace(/\s+/g, ' ').trim();
    console.log(`    [e2e] Problems row: ${rowText}`);
    assert.match(rowText, new RegExp(`\\[Ln ${s.line}, Col \\d+\\]`), 'diagnostic on the expected line');
    await session.screenshot(`quickfix-${tag}-before`);

    // Click the row: the text editor reveals the diagnostic with the cursor on it. Enter on the
    // selected row opens it with focus in the editor (a plain click keeps focus in the panel).
    await row.click();
    await row.press('Enter');
    const editor = session.page.locator('.part.editor .monaco-editor.focused');
    await editor.waitFor({ state: 'visible', timeout: 15_000 });
    const cursor = await session.waitForStatusBarItem(
      (i) => i.id === 'status.editor.selection' && i.text.startsWith(`Ln ${s.cursorLine},`),
      `showing the cursor on line ${s.cursorLine}`,
      15_000,
    );
    console.log(`    [e2e] cursor: ${cursor.text}`);

    const titles = await session.applyCodeAction(s.fixTitle);
    console.log(`    [e2e] code actions offered: ${JSON.stringify(titles)}`);
    await waitFor('the editor to become dirty after the fix', () => session!.activeTabDirty(), (d) => d, 15_000, 200);
    await session.saveActive();

    // The diagnostic goes away (re-check after save); other diagnostics stay.
    await waitFor(
      `the ${s.rule} row to leave the Problems panel`,
      () => session!.problemRows(),
      (rows) => !rows.some(isRow) && rows.some((r) => r.includes('coco/')),
      60_000,
    );
    await session.screenshot(`quickfix-${tag}-after`);
    if (s.goneRules) {
      const rows = await session.problemRows();
      for (const rule of s.goneRules) assert.ok(!rows.some((r) => r.includes(rule)), `no ${rule} row after the fix; rows: ${JSON.stringify(rows)}`);
    }

    const after = await waitFor('the fixed file on disk', async () => fs.readFileSync(file, 'utf8'), (t) => t !== before, 15_000, 200);
    const d = textDiff(before, after);
    console.log(`    [e2e] disk diff at line ${lineOf(before, d.start)}: ${JSON.stringify(d.removed)} -> ${JSON.stringify(d.inserted)}`);
    s.checkDiff(d, before, after);
  }

  it('coco/bbox-out-of-image: clips annotation 13 to the image; only its polygon, box and area change on disk', async function () {
    await run({
      rule: 'coco/bbox-out-of-image',
      folder: () => SAMPLE,
      fixTitle: 'Clip the polygons to the image',
      // The same fix settles the polygon's own warning and must not create a mismatch.
      goneRules: ['coco/polygon-outside-image', 'coco/bbox-segmentation-mismatch', 'coco/area-mismatch'],
      line: 149,
      cursorLine: 149,
      checkDiff(d, before, after) {
        const replacements: [string, string][] = [
          ['[[290, 200, 340, 200, 340, 250, 290, 250]]', '[[290, 200, 320, 200, 320, 240, 290, 240]]'],
          ['"area": 2500', '"area": 1200'],
          ['"bbox": [290, 200, 50, 50]', '"bbox": [290, 200, 30, 40]'],
        ];
        let expected = before;
        for (const [from, to] of replacements) {
          assert.equal(before.split(from).length, 2, `the sample has ${from} once`);
          expected = expected.replace(from, to);
        }
        // Everything else byte-identical.
        assert.equal(after, expected);
        assert.equal(lineOf(before, d.start), 147);
        const ann13 = (JSON.parse(after).annotations as { id: number; bbox: number[]; area: number }[]).filter((a) => a.id === 13);
        assert.deepEqual(ann13.map((a) => [a.bbox, a.area]), [[[290, 200, 30, 40], 1200]]);
      },
    });
  });

  it('coco/iscrowd-invalid: inserts "iscrowd": 0 into annotation 8 and changes nothing else', async function () {
    await run({
      rule: 'coco/iscrowd-invalid',
      folder: () => {
        // A copy of the sample whose annotation 8 lacks "iscrowd".
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-quickfix-src-'));
        tmpDirs.push(dir);
        const copy = path.join(dir, 'sample');
        fs.cpSync(SAMPLE, copy, { recursive: true });
        const f = path.join(copy, COCO_FILE);
        const text = fs.readFileSync(f, 'utf8');
        const start = text.indexOf('"id": 8,');
        const at = text.indexOf(',\n      "iscrowd": 0', start);
        assert.ok(start > 0 && at > start && at < text.indexOf('"id": 9,'), 'annotation 8 ends with "iscrowd": 0');
        fs.writeFileSync(f, text.slice(0, at) + text.slice(at + ',\n      "iscrowd": 0'.length));
        return copy;
      },
      fixTitle: 'Add "iscrowd": 0',
      line: 89, // the diagnostic covers annotation 8's object, lines 89-96
      cursorLine: 96,
      checkDiff(d, before, after) {
        assert.equal(d.removed, '', 'the fix only inserts');
        assert.match(d.inserted, /^\s*,?\s*"iscrowd": 0\s*,?\s*$/, 'the inserted text is the property alone');
        // Inserted inside annotation 8's object.
        const obj8 = before.lastIndexOf('{', before.indexOf('"id": 8,'));
        const end8 = before.indexOf('}', before.indexOf('"bbox"', obj8));
        assert.ok(d.start > obj8 && d.start <= end8, `inserted at ${d.start}, outside annotation 8 (${obj8}..${end8})`);
        const parsedBefore = JSON.parse(before);
        const parsedAfter = JSON.parse(after);
        const a8 = parsedAfter.annotations.find((a: { id: number }) => a.id === 8);
        assert.equal(a8.iscrowd, 0);
        delete a8.iscrowd;
        assert.deepEqual(parsedAfter, parsedBefore, 'apart from the new property, the parsed file is unchanged');
        // The property was cut from the sample's own text, so the fix must restore that text exactly.
        assert.equal(after, fs.readFileSync(path.join(SAMPLE, COCO_FILE), 'utf8'), 'the fixed file equals the original sample byte for byte');
      },
    });
  });
});
