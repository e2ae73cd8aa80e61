/** The edit stack's save point and generations, in plain Node. */
import * as assert from 'node:assert/strict';
import { EditStack } from '../../../src/editor/editStack';

describe('EditStack (save point, generations)', () => {
  const edit = (label: string) => ({ label });

  it('is dirty exactly when the stack differs from the save point: undo past a save and redo back', () => {
    const s = new EditStack<{ label: string }>();
    const a = edit('a'), b = edit('b'), c = edit('c');
    assert.equal(s.isDirty, false);
    s.push(a); s.push(b);
    assert.equal(s.isDirty, true);
    s.markSaved();
    assert.equal(s.isDirty, false);
    assert.equal(s.savedCount, 2);
    s.remove(b); // undo past the save
    assert.equal(s.isDirty, true);
    s.push(b); // redo back to it
    assert.equal(s.isDirty, false);
    s.remove(b);
    s.push(c); // same length as at the save, other edit on top
    assert.equal(s.isDirty, true);
  });

  it('a restored backup marks its first n edits as saved', () => {
    const s = new EditStack<{ label: string }>();
    const a = edit('a'), b = edit('b');
    s.push(a); s.push(b);
    s.markSavedAt(1);
    assert.equal(s.isDirty, true);
    s.remove(b);
    assert.equal(s.isDirty, false);
  });

  it('a new generation empties the stack, is clean, and disowns older edits', () => {
    const s = new EditStack<{ label: string }>();
    const a = edit('a');
    s.push(a);
    assert.ok(s.owns(a));
    s.startGeneration();
    assert.equal(s.generation, 1);
    assert.deepEqual(s.edits, []);
    assert.equal(s.isDirty, false);
    assert.equal(s.owns(a), false);
  });
});
