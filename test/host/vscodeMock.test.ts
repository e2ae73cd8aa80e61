/** The mock's Uri and TextDocument are Microsoft's (vscode-uri, vscode-languageserver-textdocument): VS Code's semantics. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as mock from './vscodeMock';

describe('vscode mock: Uri and TextDocument as VS Code has them', () => {
  it('Uri: a path with # and spaces stays a path; toString percent-encodes as VS Code does; joinPath; instanceof', () => {
    const u = vscode.Uri.file('/data/c#/my set/instances.json');
    assert.equal(u.fsPath, '/data/c#/my set/instances.json');
    assert.equal(u.toString(), 'file:///data/c%23/my%20set/instances.json');
    assert.equal(vscode.Uri.parse(u.toString()).fsPath, u.fsPath);
    const j = vscode.Uri.joinPath(u, '..', 'images', 'a.png');
    assert.ok(j instanceof vscode.Uri);
    assert.equal(j.fsPath, '/data/c#/my set/images/a.png');
    assert.ok(u.with({ scheme: 'untitled' }) instanceof vscode.Uri);
  });

  it('TextDocument: UTF-16 offsets, \\r\\n kept whole, versions bumped per change, changes listed last first', () => {
    const doc = new mock.MockTextDocument(mock.Uri.file('/x.json'), '{\r\n  "a": "é😀"\r\n}');
    assert.equal(doc.lineCount, 3);
    assert.deepEqual(doc.positionAt(2), new mock.Position(0, 1), 'never between \\r and \\n');
    assert.equal(doc.offsetAt(new mock.Position(1, 99)), 15, 'past the line end: clamped before its break');
    assert.equal(doc.getText(new mock.Range(1, 8, 1, 11)), 'é😀', 'a surrogate pair is two UTF-16 units');
    assert.equal(doc.version, 1);
    const changes = doc.applyEdits([new mock.TextEdit(new mock.Range(0, 0, 0, 1), '['), new mock.TextEdit(new mock.Range(2, 0, 2, 1), ']')]);
    assert.equal(doc.version, 2, 'one change, one version');
    assert.deepEqual(changes.map((c) => c.text), [']', '['], 'last first, as VS Code lists them');
    assert.equal(doc.getText(), '[\r\n  "a": "é😀"\r\n]');
    assert.equal(doc.lineAt(1).text, '  "a": "é😀"');
    assert.throws(() => doc.applyEdits([new mock.TextEdit(new mock.Range(1, 0, 1, 4), 'x'), new mock.TextEdit(new mock.Range(1, 2, 1, 6), 'y')]), /Overlapping/);
  });
});
