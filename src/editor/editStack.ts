/**
 * The edits applied since the base was loaded, in order (VS Code undoes and redoes strictly in
 * stack order), with a save point: the stack as it was at the last save (or load). The document
 * is dirty when the stack differs from it, so undo past a save and redo back to it give the right
 * dirty state (hexeditor's HexDocumentModel keeps `unsavedEditIndex` for the same reason).
 * A generation number voids the edits of an older base (a reload from outside).
 */
export class EditStack<E extends object> {
  private stack: E[] = [];
  private savedMark: { length: number; top: E | undefined } = { length: 0, top: undefined };
  private _generation = 0;
  private readonly editGeneration = new WeakMap<E, number>();

  get generation(): number { return this._generation; }

  /** The applied edits, oldest first. */
  get edits(): readonly E[] { return this.stack; }

  /** Unsaved edits: the stack is not where it was at the last save (or load). */
  get isDirty(): boolean {
    return this.stack.length !== this.savedMark.length || this.stack[this.stack.length - 1] !== this.savedMark.top;
  }

  /** How many edits of the stack were saved (the save point). */
  get savedCount(): number { return this.savedMark.length; }

  /** Whether `edit` belongs to the current generation's stack (undo/redo of older ones do nothing). */
  owns(edit: E): boolean { return this.editGeneration.get(edit) === this._generation; }

  push(edit: E): void {
    this.editGeneration.set(edit, this._generation);
    this.stack.push(edit);
  }

  /** Takes `edit` off the stack (undo). */
  remove(edit: E): void {
    const at = this.stack.lastIndexOf(edit);
    if (at >= 0) this.stack.splice(at, 1);
  }

  /** The stack as it is now is what the file holds. */
  markSaved(): void {
    this.savedMark = { length: this.stack.length, top: this.stack[this.stack.length - 1] };
  }

  /** The first `n` edits are what the file holds (a restored backup). */
  markSavedAt(n: number): void {
    this.savedMark = { length: n, top: this.stack[n - 1] };
  }

  /** A new base from outside: empty, clean, and a new generation (older edits are void). */
  startGeneration(): void {
    this.stack = [];
    this.savedMark = { length: 0, top: undefined };
    this._generation++;
  }
}
