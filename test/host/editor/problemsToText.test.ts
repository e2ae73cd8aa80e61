/** Which text tabs get a "Problems → text" editor association (issue 8.3): only files the viewer would open by default. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { associationPattern, viewerIsDefault } from '../../../src/extension/editor/problemsToText';

const VIEWER_DEFAULTS = ['instances_*.json', '*_coco.json', '*.coco.json'];
const VIEW_TYPES = new Set(['labelscope.cocoEditor', 'labelscope.cocoEditor.json']);
const file = (p: string) => vscode.Uri.file(p);
const isDefault = (p: string, associations: Record<string, string> = {}, own: string[] = []) =>
  viewerIsDefault(file(p), VIEWER_DEFAULTS, VIEW_TYPES, associations, new Set(own));

describe('Problems → text: which files the viewer opens by default', () => {
  it('the contributed default patterns, by file name, case-insensitively', () => {
    assert.equal(isDefault('/w/annotations/instances_val.json'), true);
    assert.equal(isDefault('/w/a/Train.COCO.json'), true);
    assert.equal(isDefault('/w/a/labels.json'), false);
  });

  it('a user association decides, the most specific (longest) first', () => {
    assert.equal(isDefault('/w/annotations/instances_val.json', { '*.json': 'default' }), false);
    assert.equal(isDefault('/w/data/my-export.json', { 'my-export.json': 'labelscope.cocoEditor.json' }), true);
    assert.equal(isDefault('/w/data/my-export.json', { '*.json': 'default', 'my-export.json': 'labelscope.cocoEditor.json' }), true);
    assert.equal(isDefault('/w/data/instances_a.json', { 'instances_*.json': 'labelscope.cocoEditor', '**/data/instances_a.json': 'default' }), false);
  });

  it('Labelscope\'s own entries are left out (the file stays viewer-default while its text is open)', () => {
    const uri = file('/w/annotations/instances_val.json');
    const own = associationPattern(uri);
    assert.equal(isDefault(uri.path, { [own]: 'default' }, [own]), true);
    assert.equal(isDefault(uri.path, { [own]: 'default' }, []), false);
  });

  it('the entry is the file\'s path below any folder, glob characters neutralised', () => {
    assert.equal(associationPattern(file('/w/annotations/instances_val.json')), '**/w/annotations/instances_val.json');
    assert.equal(associationPattern(file('/w/[x]/a{1}.json')), '**/w/?x?/a?1?.json');
  });
});
