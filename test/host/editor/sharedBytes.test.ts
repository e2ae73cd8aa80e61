/**
 * The viewer reads its file once, into shared memory, and a check of that file (on open, the
 * Check commands) hands those bytes to the worker instead of reading the file again; once the
 * file changes on disk, the check reads the file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as mock from '../vscodeMock';
import { activate } from '../../../src/extension/extension';
import { InProcessCheckRunner, type CheckRunner } from '../../../src/extension/checkRunner';
import { COCO_EDITOR_VIEW_TYPE, type CocoCustomDocument, type CocoEditorProvider } from '../../../src/extension/editor/cocoEditorProvider';
import type { CheckRequest } from '../../../src/node/checkWorkerProtocol';
import { isShared } from '../../../src/node/sharedBytes';
import { cocoText, negativeArea, tmpDir } from '../helpers';

const { __mock } = mock;

describe('the viewer shares the bytes it read with the check', () => {
  let dir: string;
  let context: ReturnType<typeof __mock.context>;
  afterEach(() => { for (const s of context.subscriptions) s.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('a check of the open file gets the viewer\'s shared bytes, and reads the file once it changed', async () => {
    __mock.reset();
    dir = tmpDir();
    const file = path.join(dir, 'instances_x.json');
    fs.writeFileSync(file, cocoText([-5, 10, -7]));
    const uri = vscode.Uri.file(file);
    context = __mock.context(dir);
    const requests: CheckRequest[] = [];
    const inner = new InProcessCheckRunner([negativeArea]);
    const runner: CheckRunner = { run: (r, p, s) => { requests.push(r); return inner.run(r, p, s); }, fixAll: (r, p, s) => inner.fixAll(r, p, s) };
    const api = activate(context as unknown as vscode.ExtensionContext, runner);
    await api.startupScan;
    const provider = __mock.state.customEditors.find((e) => e.viewType === COCO_EDITOR_VIEW_TYPE)!.provider as CocoEditorProvider;
    const doc = provider.openCustomDocument(uri, { backupId: undefined, untitledDocumentData: undefined }) as CocoCustomDocument;
    try {
      const model = await doc.model;
      assert.ok(isShared(model.base.bytes), 'the viewer read the file into shared memory');
      const n = requests.length;
      const viaViewer = await api.service.check(uri, {});
      assert.equal(requests[n].bytes, model.base.bytes, 'the check got the viewer\'s bytes object, not a copy');
      assert.deepEqual([...viaViewer!.problems].map((p) => p.rule), ['coco/test-negative-area', 'coco/test-negative-area'], 'annotations 0 and 2 have a negative area');
      assert.equal(viaViewer!.bytesFrom, 'shared');

      // The file changes on disk: those bytes are not the file any more.
      fs.writeFileSync(file, cocoText([-5, 10, 7]));
      const t = new Date(Date.now() + 2000);
      fs.utimesSync(file, t, t);
      const fromDisk = await api.service.check(uri, {});
      assert.equal(requests[n + 1].bytes, undefined, 'the file changed: the check reads it');
      assert.equal(fromDisk!.problems.length, 1);
    } finally {
      doc.dispose();
    }
  });
});
