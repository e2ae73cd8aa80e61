/**
 * The file on disk as the editor knows it: its fingerprint as last read or written, the bytes
 * as loaded (the bottom of the edit stack) and the byte edits that turn the saved file back into
 * them (what a backup replays on), and, once saved from here, where each annotation is in the
 * saved bytes (for "Show in JSON").
 */
import type { CocoDocument } from '../core/coco/document';
import { parseLazy } from './lazyDocument';
import type { Fingerprint } from '../core/edits/fingerprint';
import type { ByteEdit } from '../core/problems';
import type { AnnotationState } from './annotationState';

/** "Show in JSON" on an annotation drawn in the viewer and not saved yet. */
export const NOT_ON_DISK = 'Save the file first: this annotation is not in the file on disk yet';

export interface JsonRange { start: { line: number; character: number }; end: { line: number; character: number } }

export class SavedFile {
  /** The bytes as loaded (or reloaded): the bottom of the edit stack. */
  loadedFingerprint?: Fingerprint;
  /** The file as this model last read or wrote it (or the JSON text it reloaded from). */
  diskFingerprint?: Fingerprint;
  /** Byte edits (applied in turn) that turn the file on disk back into the bytes as loaded ([]: never saved from here). */
  chain: ByteEdit[][] = [];
  /**
   * The file as last saved from here (the base stays the bytes as read, for undo): which annotation
   * index is which element of its annotations array, and its bytes (parsed on demand).
   * Undefined: what is on disk is the base.
   */
  private saved?: { index: Map<number, number>; bytes?: Uint8Array; doc?: CocoDocument };

  constructor(fingerprint: Fingerprint | undefined) {
    this.loadedFingerprint = this.diskFingerprint = fingerprint;
  }

  /** The base was replaced: what is on disk is the base again (as far as "Show in JSON" goes). */
  forgetSavedIndex(): void { this.saved = undefined; }

  /** Which annotation is which element of the saved annotations array (and the saved bytes, when kept). */
  indexSaved(state: AnnotationState, bytes?: Uint8Array): void {
    const index = new Map<number, number>();
    let j = 0;
    for (let i = 0, end = state.nextIndex; i < end; i++) if (!state.overrides.get(i)?.deleted) index.set(i, j++);
    this.saved = { index, bytes };
  }

  /**
   * Where an annotation's text is in the file on disk (for "Show in JSON"): lines and characters of
   * its start and end, in the base or, once saved from here, in the saved bytes. A string says why
   * not (created in the viewer and not saved yet; unknown index; saved bytes not kept).
   */
  jsonRange(state: AnnotationState, annotationIndex: number, fileName: string): JsonRange | string {
    const nBase = state.baseCount;
    const exists = annotationIndex >= 0 && annotationIndex < state.nextIndex;
    let doc = state.base;
    let at = annotationIndex;
    if (this.saved) {
      const j = this.saved.index.get(annotationIndex);
      if (j === undefined) return exists ? NOT_ON_DISK : `No annotation at index ${annotationIndex}`;
      if (!this.saved.bytes) return 'The saved file is too big to show as text.';
      doc = this.saved.doc ??= parseLazy(this.saved.bytes, { path: fileName });
      at = j;
    } else if (annotationIndex >= nBase) {
      return exists ? NOT_ON_DISK : `No annotation at index ${annotationIndex}`;
    }
    const e = doc.annotationEntries[at];
    if (!e) return `No annotation at index ${annotationIndex}`;
    return { start: doc.lines.positionAt(e.start), end: doc.lines.positionAt(e.end) };
  }

  /** False for an annotation created in the viewer and not in the file on disk yet (not saved since). */
  isOnDisk(state: AnnotationState, annotationIndex: number): boolean {
    const nBase = state.baseCount;
    if (annotationIndex < 0 || annotationIndex >= state.nextIndex) return true; // unknown: not this case
    return this.saved ? this.saved.index.has(annotationIndex) : annotationIndex < nBase;
  }
}
