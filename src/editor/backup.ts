/**
 * Hot-exit backups hold the edit list, never the file: a few KB for any file size. On restore
 * the file is read again, the saved edits are undone (the chain) to get the bytes the edit stack
 * started from, and the edits are replayed; a file that changed since is not touched.
 */
import type { JsonObject } from '../core/coco/document';
import { parseLazy } from './lazyDocument';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import { fingerprint, fingerprintAsync, type Fingerprint } from '../core/edits/fingerprint';
import type { ByteEdit } from '../core/problems';
import type { AnnotationState } from './annotationState';
import { fingerprintOf } from './documentBytes';
import type { AnnOverride, ModelEdit } from './editTypes';

/** An edit as a backup holds it: no parsed documents, only what replays it on the same bytes. */
export type SerializedEdit =
  | { kind: 'annotation'; label: string; annotationIndex: number; before?: AnnOverride; after: AnnOverride }
  | { kind: 'create'; label: string; annotationIndex: number; value: JsonObject }
  | { kind: 'base'; label: string; edits: ByteEdit[]; from: Fingerprint };

/** A hot-exit backup (JSON): a few KB for any file size. */
export interface EditBackup {
  labelscopeBackup: 1;
  file: string;
  /** The file on disk the edits were backed up against. */
  disk: Fingerprint;
  /** The bytes at the bottom of the edit stack. */
  loaded: Fingerprint;
  /** Turn `disk` into `loaded` (each step applied in turn). */
  chain: ByteEdit[][];
  /** The first this many edits are in the file on disk. */
  savedCount: number;
  edits: SerializedEdit[];
}

export function isEditBackup(v: unknown): v is EditBackup {
  return typeof v === 'object' && v !== null && (v as EditBackup).labelscopeBackup === 1 && Array.isArray((v as EditBackup).edits);
}

/** The edit stack as a backup holds it (annotation overrides, created values, fix byte edits). */
export function serializeEdits(stack: readonly ModelEdit[]): SerializedEdit[] {
  return stack.map((e): SerializedEdit => {
    if (e.kind === 'base') return { kind: 'base', label: e.label, edits: [...e.edits], from: e.from };
    if (e.kind === 'create') return { kind: 'create', label: e.label, annotationIndex: e.annotationIndex, value: e.value };
    return { kind: 'annotation', label: e.label, annotationIndex: e.annotationIndex, ...(e.before ? { before: e.before } : {}), after: e.after };
  });
}

/**
 * The bytes the backup's edit stack started from, made from the file as it is now. A string says
 * why not: 'changed' when the file is not the one the backup was made against.
 */
export async function bytesAsLoaded(backup: EditBackup, disk: Uint8Array): Promise<Uint8Array | string> {
  const now = await fingerprintAsync(disk);
  if (now !== backup.disk) return 'changed';
  let bytes = disk;
  for (const step of backup.chain) bytes = applyByteEdits(bytes, step);
  if (fingerprint(bytes) !== backup.loaded) return 'The backup does not match the file (its saved edits could not be undone).';
  return bytes;
}

/** A backed-up edit made again on the current state; undefined when it does not fit it. */
export function replayedEdit(state: AnnotationState, fileName: string, s: SerializedEdit): ModelEdit | undefined {
  if (s.kind === 'base') {
    // A base edit replayed synchronously: only on the bytes it was made for.
    if (s.from !== fingerprintOf(state.base) || state.isDirtyVsBase) return undefined;
    const after = parseLazy(applyByteEdits(state.base.bytes, s.edits), { path: fileName });
    return { kind: 'base', label: s.label, edits: s.edits, from: s.from, before: state.base, after };
  }
  if (s.kind === 'create') {
    return s.annotationIndex === state.nextIndex ? { kind: 'create', label: s.label, annotationIndex: s.annotationIndex, value: s.value } : undefined;
  }
  return s.annotationIndex >= 0 && s.annotationIndex < state.nextIndex
    ? { kind: 'annotation', label: s.label, annotationIndex: s.annotationIndex, before: s.before, after: s.after }
    : undefined;
}
