/** src/editor/ is the editor's VS Code-free room: it runs in plain Node (these tests), never imports `vscode`. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOM = path.resolve(__dirname, '../../../src/editor');

describe('src/editor room', () => {
  it('no module imports vscode or the extension glue', () => {
    const files = fs.readdirSync(ROOM).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 4);
    for (const f of files) {
      const text = fs.readFileSync(path.join(ROOM, f), 'utf8');
      assert.doesNotMatch(text, /from ['"]vscode['"]|require\(['"]vscode['"]\)/, `${f} imports vscode`);
      assert.doesNotMatch(text, /from ['"]\.\.\/extension\//, `${f} imports the extension glue`);
    }
  });

  it('loads in plain Node without the vscode mock', () => {
    // This file runs under the unit config too; a vscode import would throw here.
    const m = require('../../../src/editor/editorModel') as typeof import('../../../src/editor/editorModel');
    const model = m.CocoEditorModel.fromBytes(new TextEncoder().encode('{"images": [], "annotations": [], "categories": []}'), 'x.json');
    assert.equal(model.isDirty, false);
  });
});
