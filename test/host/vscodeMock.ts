/**
 * A faithful-enough `vscode` module for host tests under mocha: Microsoft's own
 * `vscode-uri` (Uri) and `vscode-languageserver-textdocument` (a TextDocument's
 * offsets, positions and versions), real value semantics for
 * Position/Range/CodeActionKind/WorkspaceEdit, VS Code's limits (1,000 diagnostics
 * per file, the 50 ms diagnostics debounce, Cancel on progress), Map-backed
 * diagnostic collections, TextDocuments that applyEdit mutates, events that
 * tests fire. `__mock` holds the state tests read and drive.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument as LspTextDocument } from 'vscode-languageserver-textdocument';
import { URI, Utils } from 'vscode-uri';

// ---------------------------------------------------------------- basics

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => { for (const i of items) i.dispose(); });
  }
  private disposed = false;
  constructor(private readonly fn: () => unknown) {}
  dispose(): void { if (!this.disposed) { this.disposed = true; this.fn(); } }
}

export type Event<T> = (listener: (e: T) => unknown, thisArg?: unknown, disposables?: Disposable[]) => Disposable;

export class EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  readonly event: Event<T> = (listener, thisArg, disposables) => {
    const fn = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(fn);
    const d = new Disposable(() => { this.listeners = this.listeners.filter((l) => l !== fn); });
    disposables?.push(d);
    return d;
  };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  get listenerCount(): number { return this.listeners.length; }
  dispose(): void { this.listeners = []; }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void { this.emitter.dispose(); }
}

export class CancellationError extends Error {
  constructor() { super('Canceled'); this.name = 'Canceled'; }
}

export enum ViewColumn { Active = -1, Beside = -2, One = 1, Two = 2, Three = 3 }

export class ThemeColor { constructor(readonly id: string) {} }
export class ThemeIcon { constructor(readonly id: string, readonly color?: ThemeColor) {} }

export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum EndOfLine { LF = 1, CRLF = 2 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum CodeActionTriggerKind { Invoke = 1, Automatic = 2 }

// ---------------------------------------------------------------- Uri

/**
 * VS Code's own URI implementation (`vscode-uri`, what `vscode.Uri` is built on): parsing,
 * percent-encoding, `fsPath` and `joinPath` as VS Code does them. Subclassed so that the
 * statics return this class (`instanceof Uri` holds as it does for vscode.Uri).
 */
export class Uri extends URI {
  private static wrap(u: URI): Uri { return new Uri(u.scheme, u.authority, u.path, u.query, u.fragment); }
  static override file(p: string): Uri { return Uri.wrap(URI.file(p)); }
  static override parse(value: string, strict = false): Uri { return Uri.wrap(URI.parse(value, strict)); }
  static override from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri { return Uri.wrap(URI.from(c)); }
  static joinPath(base: Uri, ...segments: string[]): Uri { return Uri.wrap(Utils.joinPath(base, ...segments)); }
  override with(change: { scheme?: string; authority?: string | null; path?: string | null; query?: string | null; fragment?: string | null }): Uri {
    return Uri.wrap(super.with(change));
  }
}

// ---------------------------------------------------------------- Position / Range / Selection

function illegal(what: string): Error { return new Error(`Illegal argument: ${what}`); }

/** A glob relative to a folder (createFileSystemWatcher). */
export class RelativePattern {
  readonly baseUri: Uri;
  constructor(base: Uri | string | { uri: Uri }, readonly pattern: string) {
    this.baseUri = typeof base === 'string' ? Uri.file(base) : base instanceof Uri ? base : base.uri;
  }
}

export class Position {
  readonly line: number;
  readonly character: number;
  constructor(line: number, character: number) {
    if (line < 0) throw illegal('line must be non-negative');
    if (character < 0) throw illegal('character must be non-negative');
    this.line = line;
    this.character = character;
  }
  isBefore(o: Position): boolean { return this.line < o.line || (this.line === o.line && this.character < o.character); }
  isBeforeOrEqual(o: Position): boolean { return this.isBefore(o) || this.isEqual(o); }
  isAfter(o: Position): boolean { return !this.isBeforeOrEqual(o); }
  isAfterOrEqual(o: Position): boolean { return !this.isBefore(o); }
  isEqual(o: Position): boolean { return this.line === o.line && this.character === o.character; }
  compareTo(o: Position): number { return this.isBefore(o) ? -1 : this.isEqual(o) ? 0 : 1; }
  translate(a?: number | { lineDelta?: number; characterDelta?: number }, b = 0): Position {
    const lineDelta = typeof a === 'object' ? a.lineDelta ?? 0 : a ?? 0;
    const charDelta = typeof a === 'object' ? a.characterDelta ?? 0 : b;
    if (lineDelta === 0 && charDelta === 0) return this;
    return new Position(this.line + lineDelta, this.character + charDelta);
  }
  with(a?: number | { line?: number; character?: number }, b?: number): Position {
    const line = typeof a === 'object' ? a.line ?? this.line : a ?? this.line;
    const character = typeof a === 'object' ? a.character ?? this.character : b ?? this.character;
    if (line === this.line && character === this.character) return this;
    return new Position(line, character);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position, end: Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    let s: Position, e: Position;
    if (typeof a === 'number' && typeof b === 'number' && typeof c === 'number' && typeof d === 'number') { s = new Position(a, b); e = new Position(c, d); }
    else if (a instanceof Position && b instanceof Position) { s = a; e = b; }
    else throw illegal('Range arguments');
    if (e.isBefore(s)) { this.start = e; this.end = s; } else { this.start = s; this.end = e; }
  }
  get isEmpty(): boolean { return this.start.isEqual(this.end); }
  get isSingleLine(): boolean { return this.start.line === this.end.line; }
  contains(x: Position | Range): boolean {
    if (x instanceof Range) return this.contains(x.start) && this.contains(x.end);
    return !x.isBefore(this.start) && !this.end.isBefore(x);
  }
  isEqual(o: Range): boolean { return this.start.isEqual(o.start) && this.end.isEqual(o.end); }
  intersection(o: Range): Range | undefined {
    const start = this.start.isAfter(o.start) ? this.start : o.start;
    const end = this.end.isBefore(o.end) ? this.end : o.end;
    return start.isAfter(end) ? undefined : new Range(start, end);
  }
  union(o: Range): Range {
    return new Range(this.start.isBefore(o.start) ? this.start : o.start, this.end.isAfter(o.end) ? this.end : o.end);
  }
  with(a?: Position | { start?: Position; end?: Position }, b?: Position): Range {
    const start = a instanceof Position ? a : a?.start ?? this.start;
    const end = a instanceof Position ? b ?? this.end : a?.end ?? b ?? this.end;
    if (start.isEqual(this.start) && end.isEqual(this.end)) return this;
    return new Range(start, end);
  }
}

export class Selection extends Range {
  readonly anchor: Position;
  readonly active: Position;
  constructor(anchor: Position, active: Position);
  constructor(anchorLine: number, anchorCharacter: number, activeLine: number, activeCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    const anchor = a instanceof Position ? a : new Position(a, b as number);
    const active = a instanceof Position ? (b as Position) : new Position(c as number, d as number);
    super(anchor, active);
    this.anchor = anchor;
    this.active = active;
  }
  get isReversed(): boolean { return this.anchor.isAfter(this.active); }
}

export class Location {
  readonly range: Range;
  constructor(readonly uri: Uri, rangeOrPosition: Range | Position) {
    this.range = rangeOrPosition instanceof Position ? new Range(rangeOrPosition, rangeOrPosition) : rangeOrPosition;
  }
}

// ---------------------------------------------------------------- diagnostics

export class DiagnosticRelatedInformation {
  constructor(readonly location: Location, readonly message: string) {}
}

export class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: Uri };
  relatedInformation?: DiagnosticRelatedInformation[];
  tags?: number[];
  constructor(public range: Range, public message: string, public severity: DiagnosticSeverity = DiagnosticSeverity.Error) {}
}

/**
 * languages.onDidChangeDiagnostics, as VS Code fires it: debounced by 50 ms, the changed URIs of
 * the burst merged (extHostDiagnostics: Event.debounce(…, 50)).
 */
const diagnosticsChanged = new EventEmitter<{ uris: readonly Uri[] }>();
export const DIAGNOSTICS_DEBOUNCE_MS = 50;
const pendingDiagnostics = new Map<string, Uri>();
let diagnosticsTimer: ReturnType<typeof setTimeout> | undefined;
function diagnosticsChangedSoon(uris: readonly Uri[]): void {
  for (const u of uris) pendingDiagnostics.set(u.toString(), u);
  if (diagnosticsTimer) clearTimeout(diagnosticsTimer);
  diagnosticsTimer = setTimeout(() => {
    diagnosticsTimer = undefined;
    const all = [...pendingDiagnostics.values()];
    pendingDiagnostics.clear();
    diagnosticsChanged.fire({ uris: all });
  }, DIAGNOSTICS_DEBOUNCE_MS);
}

/** VS Code shows at most this many diagnostics per file (extHostDiagnostics: _maxDiagnosticsPerFile). */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

/**
 * What the Problems panel shows for a list of diagnostics: all of them up to 1,000; above,
 * errors first, then warnings, infos, hints (each in order) up to 1,000, and one info line
 * "Not showing N further errors and warnings." (VS Code's own rule, extHostDiagnostics.ts).
 */
export function problemsPanelOf(diagnostics: readonly Diagnostic[]): { severity: DiagnosticSeverity; message: string; code?: Diagnostic['code']; range: Range }[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_PER_FILE) return diagnostics.map((d) => ({ severity: d.severity, message: d.message, code: d.code, range: d.range }));
  const out: { severity: DiagnosticSeverity; message: string; code?: Diagnostic['code']; range: Range }[] = [];
  order: for (const sev of [DiagnosticSeverity.Error, DiagnosticSeverity.Warning, DiagnosticSeverity.Information, DiagnosticSeverity.Hint]) {
    for (const d of diagnostics) {
      if (d.severity !== sev) continue;
      if (out.push({ severity: d.severity, message: d.message, code: d.code, range: d.range }) === MAX_DIAGNOSTICS_PER_FILE) break order;
    }
  }
  out.push({ severity: DiagnosticSeverity.Information, message: `Not showing ${diagnostics.length - MAX_DIAGNOSTICS_PER_FILE} further errors and warnings.`, range: out[out.length - 1].range });
  return out;
}

export class CodeLens {
  constructor(public range: Range, public command?: { title: string; command: string; arguments?: unknown[] }) {}
  get isResolved(): boolean { return !!this.command; }
}

export class MockDiagnosticCollection {
  private readonly map = new Map<string, { uri: Uri; diagnostics: readonly Diagnostic[] }>();
  private disposed = false;
  constructor(readonly name: string) { state.diagnosticCollections.push(this); }
  set(uri: Uri | [Uri, readonly Diagnostic[] | undefined][], diagnostics?: readonly Diagnostic[] | undefined): void {
    if (this.disposed) throw new Error('DiagnosticCollection is disposed');
    if (Array.isArray(uri)) {
      for (const [u, d] of uri) { if (!d) this.map.delete(u.toString()); else this.set(u, [...(this.get(u) ?? []), ...d]); }
      return;
    }
    if (!diagnostics) { this.map.delete(uri.toString()); diagnosticsChangedSoon([uri]); return; }
    this.map.set(uri.toString(), { uri, diagnostics: Object.freeze([...diagnostics]) });
    diagnosticsChangedSoon([uri]);
  }
  get(uri: Uri): readonly Diagnostic[] | undefined { return this.map.get(uri.toString())?.diagnostics; }
  has(uri: Uri): boolean { return this.map.has(uri.toString()); }
  delete(uri: Uri): void { this.map.delete(uri.toString()); diagnosticsChangedSoon([uri]); }
  clear(): void { const uris = [...this.map.values()].map((v) => v.uri); this.map.clear(); diagnosticsChangedSoon(uris); }
  forEach(cb: (uri: Uri, diagnostics: readonly Diagnostic[], collection: MockDiagnosticCollection) => unknown): void {
    for (const { uri, diagnostics } of this.map.values()) cb(uri, diagnostics, this);
  }
  [Symbol.iterator](): IterableIterator<[Uri, readonly Diagnostic[]]> {
    return [...this.map.values()].map((v) => [v.uri, v.diagnostics] as [Uri, readonly Diagnostic[]])[Symbol.iterator]();
  }
  dispose(): void { this.disposed = true; this.map.clear(); }
}

// ---------------------------------------------------------------- code actions and edits

export class CodeActionKind {
  private static readonly sep = '.';
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  static readonly Notebook = new CodeActionKind('notebook');
  private constructor(readonly value: string) {}
  append(parts: string): CodeActionKind { return new CodeActionKind(this.value ? this.value + CodeActionKind.sep + parts : parts); }
  intersects(other: CodeActionKind): boolean { return this.contains(other) || other.contains(this); }
  contains(other: CodeActionKind): boolean { return this.value === other.value || this.value === '' || other.value.startsWith(this.value + CodeActionKind.sep); }
}

export class CodeAction {
  edit?: WorkspaceEdit;
  diagnostics?: Diagnostic[];
  command?: { command: string; title: string; arguments?: unknown[] };
  isPreferred?: boolean;
  disabled?: { reason: string };
  constructor(public title: string, public kind?: CodeActionKind) {}
}

export class TextEdit {
  static replace(range: Range, newText: string): TextEdit { return new TextEdit(range, newText); }
  static insert(position: Position, newText: string): TextEdit { return new TextEdit(new Range(position, position), newText); }
  static delete(range: Range): TextEdit { return new TextEdit(range, ''); }
  constructor(public range: Range, public newText: string) {}
}

/** WorkspaceEditEntryMetadata: `needsConfirmation` sends the edit through the refactor preview. */
export interface WorkspaceEditEntryMetadata { needsConfirmation: boolean; label: string; description?: string }

export class WorkspaceEdit {
  private readonly edits = new Map<string, { uri: Uri; edits: TextEdit[] }>();
  /** The metadata of each edit (in the order they were added), for the refactor preview. */
  readonly metadata: (WorkspaceEditEntryMetadata | undefined)[] = [];
  private entry(uri: Uri) {
    let e = this.edits.get(uri.toString());
    if (!e) { e = { uri, edits: [] }; this.edits.set(uri.toString(), e); }
    return e;
  }
  replace(uri: Uri, range: Range, newText: string, metadata?: WorkspaceEditEntryMetadata): void { this.entry(uri).edits.push(new TextEdit(range, newText)); this.metadata.push(metadata); }
  /** Whether VS Code would show the refactor preview before applying it. */
  get needsConfirmation(): boolean { return this.metadata.some((m) => m?.needsConfirmation); }
  insert(uri: Uri, position: Position, newText: string): void { this.entry(uri).edits.push(TextEdit.insert(position, newText)); }
  delete(uri: Uri, range: Range): void { this.entry(uri).edits.push(TextEdit.delete(range)); }
  set(uri: Uri, edits: readonly TextEdit[] | undefined): void {
    if (!edits) this.edits.delete(uri.toString());
    else this.edits.set(uri.toString(), { uri, edits: [...edits] });
  }
  has(uri: Uri): boolean { return this.edits.has(uri.toString()); }
  get(uri: Uri): TextEdit[] { return [...(this.edits.get(uri.toString())?.edits ?? [])]; }
  get size(): number { return this.edits.size; }
  entries(): [Uri, TextEdit[]][] { return [...this.edits.values()].map((e) => [e.uri, [...e.edits]]); }
}

// ---------------------------------------------------------------- text documents

export interface TextLine {
  readonly lineNumber: number;
  readonly text: string;
  readonly range: Range;
  readonly rangeIncludingLineBreak: Range;
  readonly firstNonWhitespaceCharacterIndex: number;
  readonly isEmptyOrWhitespace: boolean;
}

/**
 * A text document over Microsoft's `vscode-languageserver-textdocument` (the LSP's TextDocument):
 * its UTF-16 offsets, \n / \r\n / \r line breaks, positions clamped as VS Code clamps them
 * (never inside a \r\n), and its versions, incremented by each change.
 */
export class MockTextDocument {
  isDirty = false;
  isClosed = false;
  readonly isUntitled = false;
  private doc: LspTextDocument;
  /**
   * The file began with a UTF-8 byte order mark: as in VS Code, it is not part of the text
   * (encoding "UTF-8 with BOM") and a save writes it back.
   */
  readonly hasBom: boolean;
  constructor(readonly uri: Uri, text: string, readonly languageId = 'json') {
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    this.doc = LspTextDocument.create(uri.toString(), languageId, 1, this.hasBom ? text.slice(1) : text);
  }
  get version(): number { return this.doc.version; }
  get fileName(): string { return this.uri.fsPath; }
  get eol(): EndOfLine { return this.doc.getText().includes('\r\n') ? EndOfLine.CRLF : EndOfLine.LF; }
  get lineCount(): number { return this.doc.lineCount; }
  /** Offset of a line's start, and of its end without the line break. */
  private lineBounds(line: number): { start: number; end: number } {
    const text = this.doc.getText();
    const start = this.doc.offsetAt({ line, character: 0 });
    let end = line + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: line + 1, character: 0 }) : text.length;
    if (end > start && text.charCodeAt(end - 1) === 10) end--;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    return { start, end };
  }
  validatePosition(p: Position): Position {
    const v = this.positionAt(this.offsetAt(p));
    return v.isEqual(p) ? p : v;
  }
  validateRange(r: Range): Range {
    const s = this.validatePosition(r.start), e = this.validatePosition(r.end);
    return s === r.start && e === r.end ? r : new Range(s, e);
  }
  offsetAt(p: Position): number { return this.doc.offsetAt(p); }
  positionAt(offset: number): Position {
    const p = this.doc.positionAt(Math.floor(offset));
    return new Position(p.line, p.character);
  }
  getText(range?: Range): string {
    return range ? this.doc.getText(this.validateRange(range)) : this.doc.getText();
  }
  lineAt(lineOrPos: number | Position): TextLine {
    const line = typeof lineOrPos === 'number' ? lineOrPos : lineOrPos.line;
    if (line < 0 || line >= this.lineCount) throw illegal('Illegal value for `line`');
    const { start, end } = this.lineBounds(line);
    const len = end - start;
    const text = this.doc.getText().slice(start, end);
    const ws = /^\s*/.exec(text)![0].length;
    const nextStart = line + 1 < this.lineCount ? new Position(line + 1, 0) : new Position(line, len);
    return {
      lineNumber: line, text,
      range: new Range(line, 0, line, len),
      rangeIncludingLineBreak: new Range(new Position(line, 0), nextStart),
      firstNonWhitespaceCharacterIndex: ws,
      isEmptyOrWhitespace: ws === text.length,
    };
  }
  getWordRangeAtPosition(): Range | undefined { return undefined; }
  /**
   * Writes the text (with its BOM) and clears the dirty mark. As in VS Code, the dirty mark
   * clears only on save (or revert, or an undo back to the saved version, which the mock has no
   * undo stack for): an edit that makes the text equal to the file again leaves it dirty.
   */
  async save(): Promise<boolean> {
    // One save participant, as VS Code runs it: files.insertFinalNewline edits the text before it is written.
    const finalNewline = state.settings.get('files.insertFinalNewline') === true;
    if (finalNewline && this.doc.getText().length > 0 && !/\n$/.test(this.doc.getText())) {
      const end = this.positionAt(this.doc.getText().length);
      this.applyEdits([TextEdit.insert(end, '\n')]);
    }
    fs.writeFileSync(this.uri.fsPath, (this.hasBom ? '\uFEFF' : '') + this.doc.getText());
    this.isDirty = false;
    state.saved.push(this.uri.fsPath);
    workspaceEvents.save.fire(this as unknown as MockTextDocument);
    return true;
  }
  /**
   * Applies edits (in this document's coordinates, non-overlapping) as one change: one new version.
   * As VS Code's text buffer does, line breaks in inserted text take the document's EOL.
   */
  applyEdits(edits: readonly TextEdit[]): { range: Range; rangeOffset: number; rangeLength: number; text: string }[] {
    const eol = this.eol === EndOfLine.CRLF ? '\r\n' : '\n';
    const resolved = edits.map((e) => {
      const r = this.validateRange(e.range);
      return { r, s: this.offsetAt(r.start), t: this.offsetAt(r.end), text: e.newText.replace(/\r\n|\r|\n/g, eol) };
    }).sort((a, b) => a.s - b.s || a.t - b.t);
    for (let i = 1; i < resolved.length; i++) if (resolved[i].s < resolved[i - 1].t) throw new Error('Overlapping ranges are not allowed!');
    // Last first, as VS Code's change events list them: each range is then still valid when applied.
    const changes = resolved.reverse().map((e) => ({ range: e.r, rangeOffset: e.s, rangeLength: e.t - e.s, text: e.text }));
    this.doc = LspTextDocument.update(this.doc, changes.map((c) => ({ range: c.range, text: c.text })), this.doc.version + 1);
    this.isDirty = true;
    return changes;
  }
  /** Test helper: replace the whole text as a user edit would. */
  setText(text: string): void {
    const all = new Range(new Position(0, 0), this.positionAt(this.doc.getText().length));
    const changes = this.applyEdits([new TextEdit(all, text)]);
    workspaceEvents.change.fire({ document: this, contentChanges: changes, reason: undefined });
  }
}

// ---------------------------------------------------------------- state

interface Message { level: 'error' | 'warning' | 'info'; message: string; options?: unknown; items: unknown[] }

const packageDefaults: Record<string, unknown> = (() => {
  const out: Record<string, unknown> = {};
  try {
    const pkg = JSON.parse(fs.readFileSync(nodePath.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    for (const [k, v] of Object.entries<{ default?: unknown }>(pkg.contributes?.configuration?.properties ?? {})) out[k] = v.default;
  } catch { /* no package.json: no defaults */ }
  return out;
})();

const state = {
  diagnosticCollections: [] as MockDiagnosticCollection[],
  messages: [] as Message[],
  /** Answers for the next show*Message calls (FIFO); undefined = dismissed. */
  messageResponses: [] as (string | undefined)[],
  quickPickResponses: [] as (number | undefined)[],
  quickPicks: [] as unknown[][],
  /** Answers for the next showOpenDialog calls (FIFO); undefined = cancelled. */
  openDialogResponses: [] as (Uri[] | undefined)[],
  openDialogs: [] as unknown[],
  executed: [] as { command: string; args: unknown[] }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  codeActionProviders: [] as { selector: unknown; provider: { provideCodeActions(...a: unknown[]): unknown }; metadata?: unknown }[],
  statusBarItems: [] as MockStatusBarItem[],
  outputChannels: [] as MockOutputChannel[],
  watchers: [] as MockFileSystemWatcher[],
  progress: [] as { options: unknown; reports: unknown[]; cancel(): void; done: boolean }[],
  settings: new Map<string, unknown>(),
  saved: [] as string[],
  /** Resources workspace.save was asked to save. */
  workspaceSaves: [] as Uri[],
  appliedEdits: [] as WorkspaceEdit[],
  customEditors: [] as { viewType: string; provider: unknown; options: unknown }[],
  codeLensProviders: [] as { selector: unknown; provider: unknown }[],
  shownDocuments: [] as { uri: Uri; options: unknown }[],
  /** Refactor previews shown (edits with needsConfirmation), and the answers: true = Apply, else Discard. */
  previews: [] as WorkspaceEdit[],
  previewResponses: [] as (boolean | undefined)[],
  treeViews: [] as { id: string; provider: unknown; view: unknown }[],
  closedTabs: [] as unknown[],
};

const workspaceEvents = {
  open: new EventEmitter<MockTextDocument>(),
  close: new EventEmitter<MockTextDocument>(),
  change: new EventEmitter<{ document: MockTextDocument; contentChanges: unknown[]; reason: undefined }>(),
  save: new EventEmitter<MockTextDocument>(),
  config: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
};
const windowEvents = { activeEditor: new EventEmitter<unknown>(), selection: new EventEmitter<unknown>() };

class MockStatusBarItem {
  text = '';
  tooltip?: string;
  command?: string;
  name?: string;
  backgroundColor?: ThemeColor;
  visible = false;
  disposed = false;
  constructor(readonly id: string | undefined, readonly alignment: StatusBarAlignment, readonly priority?: number) {}
  show(): void { this.visible = true; }
  hide(): void { this.visible = false; }
  dispose(): void { this.disposed = true; this.visible = false; }
}

class MockOutputChannel {
  readonly lines: string[] = [];
  constructor(readonly name: string) {}
  append(s: string): void { this.lines.push(s); }
  appendLine(s: string): void { this.lines.push(s); }
  clear(): void { this.lines.length = 0; }
  show(): void { /* nothing to show */ }
  hide(): void { /* nothing */ }
  replace(s: string): void { this.lines.length = 0; this.lines.push(s); }
  dispose(): void { /* nothing */ }
}

class MockFileSystemWatcher {
  readonly change = new EventEmitter<Uri>();
  readonly create = new EventEmitter<Uri>();
  readonly del = new EventEmitter<Uri>();
  readonly onDidChange = this.change.event;
  readonly onDidCreate = this.create.event;
  readonly onDidDelete = this.del.event;
  constructor(readonly pattern: unknown) {}
  dispose(): void { this.change.dispose(); this.create.dispose(); this.del.dispose(); }
}

// ---------------------------------------------------------------- tabs and tree views

export class TabInputText { constructor(readonly uri: Uri) {} }
export class TabInputCustom { constructor(readonly uri: Uri, readonly viewType: string) {} }

export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export class TreeItem {
  description?: string;
  tooltip?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  iconPath?: unknown;
  contextValue?: string;
  id?: string;
  resourceUri?: Uri;
  accessibilityInformation?: { label: string; role?: string };
  constructor(public label: string | { label: string }, public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}
class MockTreeView {
  message?: string;
  description?: string;
  badge?: { value: number; tooltip: string };
  title?: string;
  visible = true;
  revealed: unknown[] = [];
  constructor(readonly id: string, readonly provider: unknown) {}
  async reveal(element: unknown): Promise<void> { this.revealed.push(element); }
  dispose(): void { /* nothing */ }
}

// ---------------------------------------------------------------- workspace

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') { re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'; i += glob[i + 2] === '/' ? 2 : 1; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') { const end = glob.indexOf('}', i); re += `(?:${glob.slice(i + 1, end).split(',').map((x) => x.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`; i = end; }
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function configurationFor(section?: string) {
  const full = (key: string) => (section ? `${section}.${key}` : key);
  return {
    get<T>(key: string, defaultValue?: T): T | undefined {
      const k = full(key);
      if (state.settings.has(k)) return state.settings.get(k) as T;
      if (k in packageDefaults) return packageDefaults[k] as T;
      return defaultValue;
    },
    has(key: string): boolean { const k = full(key); return state.settings.has(k) || k in packageDefaults; },
    inspect<T>(key: string) {
      const k = full(key);
      return { key: k, defaultValue: packageDefaults[k] as T | undefined, globalValue: undefined, workspaceValue: state.settings.get(k) as T | undefined, workspaceFolderValue: undefined };
    },
    async update(key: string, value: unknown): Promise<void> { setConfiguration(full(key), value); },
  };
}

function setConfiguration(key: string, value: unknown): void {
  if (value === undefined) state.settings.delete(key); else state.settings.set(key, value);
  workspaceEvents.config.fire({ affectsConfiguration: (s: string) => key === s || key.startsWith(s + '.') || s.startsWith(key + '.') });
}

function findDocument(uri: Uri): MockTextDocument | undefined {
  return workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

export const workspace = {
  textDocuments: [] as MockTextDocument[],
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  isTrusted: true,
  onDidOpenTextDocument: workspaceEvents.open.event,
  onDidCloseTextDocument: workspaceEvents.close.event,
  onDidChangeTextDocument: workspaceEvents.change.event,
  onDidSaveTextDocument: workspaceEvents.save.event,
  onDidChangeConfiguration: workspaceEvents.config.event,
  getConfiguration: (section?: string, _scope?: unknown) => configurationFor(section),
  async openTextDocument(arg: Uri | string | { content?: string; language?: string }): Promise<MockTextDocument> {
    if (typeof arg === 'object' && !(arg instanceof Uri)) {
      const d = new MockTextDocument(Uri.parse(`untitled:Untitled-${workspace.textDocuments.length + 1}`), arg.content ?? '', arg.language ?? 'plaintext');
      workspace.textDocuments.push(d);
      workspaceEvents.open.fire(d);
      return d;
    }
    const uri = typeof arg === 'string' ? Uri.file(arg) : arg;
    const open = findDocument(uri);
    if (open) return open;
    return __mock.openDocument(uri, fs.readFileSync(uri.fsPath, 'utf8'));
  },
  /**
   * Saves the editors of a resource (VS Code: its text editor when dirty, and its custom editors,
   * which the mock does not hold: tests see the request in `state.workspaceSaves`).
   */
  async save(uri: Uri): Promise<Uri | undefined> {
    state.workspaceSaves.push(uri);
    const doc = findDocument(uri);
    if (doc?.isDirty) await doc.save();
    return uri;
  },
  async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
    if (edit.needsConfirmation) {
      // The refactor preview: nothing changes unless the user presses Apply.
      state.previews.push(edit);
      if (state.previewResponses.shift() !== true) return false;
    }
    state.appliedEdits.push(edit);
    for (const [uri, edits] of edit.entries()) {
      const doc = findDocument(uri) ?? await workspace.openTextDocument(uri);
      let changes;
      try { changes = doc.applyEdits(edits); } catch { return false; }
      workspaceEvents.change.fire({ document: doc, contentChanges: changes, reason: undefined });
    }
    return true;
  },
  async findFiles(include: string, exclude?: string | null, maxResults?: number): Promise<Uri[]> {
    const roots = workspace.workspaceFolders ?? [];
    const inc = globToRegExp(include);
    const exc = exclude ? globToRegExp(exclude) : undefined;
    const out: Uri[] = [];
    const walk = (root: string, dir: string) => {
      let entries: fs.Dirent[];
      try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        const abs = nodePath.join(dir, e.name);
        const rel = nodePath.relative(root, abs).split(nodePath.sep).join('/');
        if (e.isDirectory()) walk(root, abs);
        else if (inc.test(rel) && !(exc && exc.test(rel))) out.push(Uri.file(abs));
      }
    };
    for (const f of roots) walk(f.uri.fsPath, f.uri.fsPath);
    return maxResults !== undefined ? out.slice(0, maxResults) : out;
  },
  createFileSystemWatcher(pattern: unknown): MockFileSystemWatcher {
    const w = new MockFileSystemWatcher(pattern);
    state.watchers.push(w);
    return w;
  },
  asRelativePath(p: string | Uri): string { return typeof p === 'string' ? p : p.fsPath; },
};

// ---------------------------------------------------------------- window

function showMessage(level: Message['level']) {
  return async (message: string, ...rest: unknown[]): Promise<unknown> => {
    const options = rest.length > 0 && typeof rest[0] === 'object' && rest[0] !== null && !('title' in (rest[0] as object)) ? rest.shift() : undefined;
    state.messages.push({ level, message, options, items: rest });
    const answer = state.messageResponses.length > 0 ? state.messageResponses.shift() : undefined;
    return answer === undefined ? undefined : rest.find((i) => i === answer || (typeof i === 'object' && (i as { title?: string }).title === answer));
  };
}

export const window = {
  activeTextEditor: undefined as { document: MockTextDocument; selection: Selection } | undefined,
  visibleTextEditors: [] as unknown[],
  onDidChangeActiveTextEditor: windowEvents.activeEditor.event,
  onDidChangeTextEditorSelection: windowEvents.selection.event,
  createStatusBarItem(a?: string | StatusBarAlignment, b?: StatusBarAlignment | number, c?: number): MockStatusBarItem {
    const item = typeof a === 'string' ? new MockStatusBarItem(a, (b as StatusBarAlignment) ?? StatusBarAlignment.Left, c) : new MockStatusBarItem(undefined, a ?? StatusBarAlignment.Left, b as number | undefined);
    state.statusBarItems.push(item);
    return item;
  },
  createOutputChannel(name: string): MockOutputChannel {
    const c = new MockOutputChannel(name);
    state.outputChannels.push(c);
    return c;
  },
  showErrorMessage: showMessage('error'),
  showWarningMessage: showMessage('warning'),
  showInformationMessage: showMessage('info'),
  async showQuickPick<T>(items: readonly T[] | Promise<readonly T[]>): Promise<T | undefined> {
    const list = await items;
    state.quickPicks.push([...list]);
    const i = state.quickPickResponses.shift();
    return i === undefined ? undefined : list[i];
  },
  async showOpenDialog(options?: unknown): Promise<Uri[] | undefined> {
    state.openDialogs.push(options);
    return state.openDialogResponses.shift();
  },
  tabGroups: { all: [] as unknown[], activeTabGroup: { tabs: [] as unknown[], activeTab: undefined as unknown, isActive: true, viewColumn: 1 }, onDidChangeTabs: new EventEmitter<unknown>().event, onDidChangeTabGroups: new EventEmitter<unknown>().event, close: async (tab: unknown) => { state.closedTabs.push(tab); return true; } },
  createTreeView(id: string, options: { treeDataProvider: unknown }): MockTreeView {
    const view = new MockTreeView(id, options.treeDataProvider);
    state.treeViews.push({ id, provider: options.treeDataProvider, view });
    return view;
  },
  registerTreeDataProvider(id: string, provider: unknown): Disposable {
    state.treeViews.push({ id, provider, view: undefined });
    return new Disposable(() => undefined);
  },
  registerCustomEditorProvider(viewType: string, provider: unknown, options?: unknown): Disposable {
    const entry = { viewType, provider, options };
    state.customEditors.push(entry);
    return new Disposable(() => { state.customEditors = state.customEditors.filter((e) => e !== entry); });
  },
  registerWebviewViewProvider(viewId: string, provider: unknown): Disposable {
    const entry = { viewType: viewId, provider, options: undefined };
    state.customEditors.push(entry);
    return new Disposable(() => { state.customEditors = state.customEditors.filter((e) => e !== entry); });
  },
  async showTextDocument(doc: Uri | MockTextDocument, options?: unknown): Promise<unknown> {
    const uri = doc instanceof Uri ? doc : doc.uri;
    state.shownDocuments.push({ uri, options });
    return { document: doc instanceof Uri ? await workspace.openTextDocument(doc) : doc };
  },
  async withProgress<R>(options: unknown, task: (progress: { report(v: unknown): void }, token: CancellationTokenSource['token']) => Thenable<R> | Promise<R>): Promise<R> {
    const cts = new CancellationTokenSource();
    const cancellable = (options as { cancellable?: boolean } | undefined)?.cancellable === true;
    // The user's Cancel button: only on cancellable progress, as in VS Code.
    const entry = { options, reports: [] as unknown[], done: false, cancel: () => { if (cancellable && !entry.done) cts.cancel(); } };
    state.progress.push(entry);
    try { return await task({ report: (v) => entry.reports.push(v) }, cts.token); } finally { entry.done = true; }
  },
};

type Thenable<T> = PromiseLike<T>;

// ---------------------------------------------------------------- commands / languages / env

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
    state.commands.set(id, fn);
    return new Disposable(() => state.commands.delete(id));
  },
  async executeCommand<T>(id: string, ...args: unknown[]): Promise<T> {
    state.executed.push({ command: id, args });
    const fn = state.commands.get(id);
    return (fn ? await fn(...args) : undefined) as T;
  },
  async getCommands(): Promise<string[]> { return [...state.commands.keys()]; },
};

export const languages = {
  createDiagnosticCollection: (name = '') => new MockDiagnosticCollection(name),
  onDidChangeDiagnostics: diagnosticsChanged.event,
  registerCodeLensProvider(selector: unknown, provider: unknown): Disposable {
    const entry = { selector, provider };
    state.codeLensProviders.push(entry);
    return new Disposable(() => { state.codeLensProviders = state.codeLensProviders.filter((p) => p !== entry); });
  },
  registerCodeActionsProvider(selector: unknown, provider: { provideCodeActions(...a: unknown[]): unknown }, metadata?: unknown): Disposable {
    const entry = { selector, provider, metadata };
    state.codeActionProviders.push(entry);
    return new Disposable(() => { state.codeActionProviders = state.codeActionProviders.filter((p) => p !== entry); });
  },
  getDiagnostics(uri?: Uri): unknown {
    if (uri) return state.diagnosticCollections.flatMap((c) => [...(c.get(uri) ?? [])]);
    const all = new Map<string, [Uri, Diagnostic[]]>();
    for (const c of state.diagnosticCollections) c.forEach((u, d) => { const e = all.get(u.toString()) ?? [u, []]; e[1].push(...d); all.set(u.toString(), e); });
    return [...all.values()];
  },
};

export const env = { language: 'en', appName: 'Visual Studio Code (mock)', clipboard: { readText: async () => '', writeText: async () => undefined } };
export const version = '1.100.0';

// ---------------------------------------------------------------- test control

export const __mock = {
  state,
  /** Fresh state for a test: documents, diagnostics, commands, settings, answers. */
  reset(): void {
    state.diagnosticCollections = [];
    state.messages = [];
    state.messageResponses = [];
    state.quickPickResponses = [];
    state.quickPicks = [];
    state.openDialogResponses = [];
    state.openDialogs = [];
    state.executed = [];
    state.commands.clear();
    state.codeActionProviders = [];
    state.statusBarItems = [];
    state.outputChannels = [];
    state.watchers = [];
    state.progress = [];
    state.settings.clear();
    state.saved = [];
    state.workspaceSaves = [];
    state.appliedEdits = [];
    state.customEditors = [];
    state.codeLensProviders = [];
    state.shownDocuments = [];
    state.previews = [];
    state.previewResponses = [];
    state.treeViews = [];
    state.closedTabs = [];
    window.tabGroups.activeTabGroup.activeTab = undefined;
    window.tabGroups.activeTabGroup.tabs = [];
    diagnosticsChanged.dispose();
    if (diagnosticsTimer) clearTimeout(diagnosticsTimer);
    diagnosticsTimer = undefined;
    pendingDiagnostics.clear();
    for (const e of Object.values(workspaceEvents)) e.dispose();
    windowEvents.activeEditor.dispose();
    windowEvents.selection.dispose();
    workspace.textDocuments = [];
    workspace.workspaceFolders = undefined;
    workspace.isTrusted = true;
    window.activeTextEditor = undefined;
  },
  /** Opens a document (as VS Code would on a file open) and fires onDidOpenTextDocument. */
  openDocument(uri: Uri, text: string, languageId = 'json'): MockTextDocument {
    const d = new MockTextDocument(uri, text, languageId);
    workspace.textDocuments.push(d);
    workspaceEvents.open.fire(d);
    return d;
  },
  closeDocument(doc: MockTextDocument): void {
    workspace.textDocuments = workspace.textDocuments.filter((d) => d !== doc);
    doc.isClosed = true;
    workspaceEvents.close.fire(doc);
  },
  /** Moves the cursor of a text editor on `doc` (as a click in the Problems panel does) and fires onDidChangeTextEditorSelection. */
  setSelection(doc: MockTextDocument, selection: Selection): void {
    const textEditor = { document: doc, selection, selections: [selection] };
    window.activeTextEditor = textEditor as never;
    windowEvents.selection.fire({ textEditor, selections: [selection], kind: 3 });
  },
  setActiveEditor(doc: MockTextDocument | undefined): void {
    window.activeTextEditor = doc ? { document: doc, selection: new Selection(0, 0, 0, 0) } : undefined;
    windowEvents.activeEditor.fire(window.activeTextEditor);
  },
  setConfiguration,
  packageDefaults,
  /** The Problems panel's rows for a file: every collection's diagnostics within VS Code's 1,000 per file. */
  problemsPanel(uri: Uri) { return problemsPanelOf(languages.getDiagnostics(uri) as Diagnostic[]); },
  /** Presses Cancel on the running cancellable progress notifications. */
  cancelProgress(): number { const running = state.progress.filter((p) => !p.done); for (const p of running) p.cancel(); return running.length; },
  /** Asks every registered provider for code actions, as the editor's light bulb does. */
  async codeActions(doc: MockTextDocument, range: Range, only?: CodeActionKind): Promise<CodeAction[]> {
    const diagnostics = (languages.getDiagnostics(doc.uri) as Diagnostic[]).filter((d) => d.range.intersection(range) !== undefined);
    const out: CodeAction[] = [];
    for (const p of state.codeActionProviders) {
      const r = await p.provider.provideCodeActions(doc, range, { diagnostics, only, triggerKind: CodeActionTriggerKind.Invoke }, new CancellationTokenSource().token);
      if (Array.isArray(r)) out.push(...(r as CodeAction[]).filter((a) => !only || (a.kind && only.contains(a.kind))));
    }
    return out;
  },
  /** Applies a code action as the editor does: its edit, then its command. */
  async applyCodeAction(a: CodeAction): Promise<unknown> {
    if (a.edit) await workspace.applyEdit(a.edit);
    if (a.command) return commands.executeCommand(a.command.command, ...(a.command.arguments ?? []));
    return undefined;
  },
  /** A minimal ExtensionContext. */
  context(extensionPath: string) {
    const memento = () => { const m = new Map<string, unknown>(); return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => { m.set(k, v); }, keys: () => [...m.keys()] }; };
    return {
      subscriptions: [] as { dispose(): unknown }[],
      extensionPath,
      extensionUri: Uri.file(extensionPath),
      globalState: memento(),
      workspaceState: memento(),
      storageUri: undefined,
      globalStorageUri: Uri.file(nodePath.join(extensionPath, '.global-storage')),
      logUri: Uri.file(nodePath.join(extensionPath, '.log')),
      asAbsolutePath: (p: string) => nodePath.join(extensionPath, p),
    };
  },
  fileUrl: (p: string) => pathToFileURL(p).href,
  pathOf: (u: string) => fileURLToPath(u),
};
