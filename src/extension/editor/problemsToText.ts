/**
 * Problems → text while the text is open (issue 8 item 3).
 *
 * A Problems row opens its file through VS Code's editor resolver (markersView `openFileAtElement`
 * → editorService.openEditor with no `override`). The resolver (editorResolverService.ts
 * `resolveEditor` / `getEditor`) always takes the file's default editor — the viewer, for
 * instances_*.json — and reuses only an open editor of that same kind. So with the file reopened
 * as text, a click opened a second viewer beside the text, and the row's range went to an editor
 * that cannot use it (microsoft/vscode#205209). Extensions cannot pick the editor for that click;
 * what the resolver does read, each time, is `workbench.editorAssociations` (longest pattern
 * first). So while a viewer-default file has a text tab open, Labelscope keeps a per-file entry
 * "<path>": "default" in the user settings: the click then reveals the problem in the open text
 * (cursor on it, Ctrl+. offers its fixes), like any JSON file. The entry goes when the file's last
 * text tab closes; entries left by a window that closed with the text open go at the next start.
 * Labelscope's own "Open in Viewer" names the viewer explicitly, so it is not affected.
 * The setting labelscope.problemsOpenInText (default on) turns this off, for users who keep
 * settings.json under Settings Sync or would rather not see the entry.
 */
import { minimatch } from 'minimatch';
import * as vscode from 'vscode';

const OWNED_KEY = 'labelscope.problemsToText.entries';
const TEXT_EDITOR = 'default';

/** The settings key of `uri`'s entry: its path, any folder above (VS Code matches `<scheme>:<path>`), glob characters neutralised. */
export function associationPattern(uri: vscode.Uri): string {
  return `**${uri.path.replace(/[*?[\]{}!]/g, '?')}`;
}

/** VS Code's `globMatchesResource`: a pattern with a `/` matches the path, others the file name; case-insensitive. */
function globMatches(pattern: string, uri: vscode.Uri): boolean {
  const target = pattern.includes('/') ? uri.path : uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return minimatch(target.toLowerCase(), pattern.toLowerCase(), { dot: true, matchBase: false });
}

/**
 * Whether VS Code would open `uri` in a Labelscope viewer by default: the user's associations
 * (most specific first; Labelscope's own entries left out) decide, else the viewers contributed
 * with priority "default".
 */
export function viewerIsDefault(uri: vscode.Uri, viewerDefaults: readonly string[], viewTypes: ReadonlySet<string>, associations: Record<string, string>, own: ReadonlySet<string>): boolean {
  const matching = Object.entries(associations)
    .filter(([pattern]) => !own.has(pattern) && globMatches(pattern, uri))
    .sort(([a], [b]) => b.length - a.length);
  if (matching.length > 0) return viewTypes.has(matching[0][1]);
  return viewerDefaults.some((p) => globMatches(p, uri));
}

interface ContributedEditor { viewType: string; priority?: string; selector?: { filenamePattern?: string }[] }

export function registerProblemsToText(context: vscode.ExtensionContext): vscode.Disposable {
  const editors = ((context.extension?.packageJSON as { contributes?: { customEditors?: ContributedEditor[] } } | undefined)?.contributes?.customEditors ?? []);
  const viewTypes = new Set(editors.map((e) => e.viewType));
  const viewerDefaults = editors.filter((e) => e.priority === 'default').flatMap((e) => (e.selector ?? []).map((s) => s.filenamePattern ?? '')).filter(Boolean);

  const owned = () => new Set(context.globalState.get<string[]>(OWNED_KEY, []));
  /** The entries the open text tabs want now. */
  const wanted = (): Set<string> => {
    // Turned off: no entry is wanted, so the next sync removes Labelscope's own.
    if (!vscode.workspace.getConfiguration('labelscope').get<boolean>('problemsOpenInText', true)) return new Set();
    const associations = vscode.workspace.getConfiguration('workbench').get<Record<string, string>>('editorAssociations') ?? {};
    const own = owned();
    const out = new Set<string>();
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      if (!(tab.input instanceof vscode.TabInputText)) continue;
      const uri = tab.input.uri;
      if (uri.scheme === 'untitled' || !uri.path.toLowerCase().endsWith('.json')) continue;
      if (viewerIsDefault(uri, viewerDefaults, viewTypes, associations, own)) out.add(associationPattern(uri));
    }
    return out;
  };

  const sync = async (): Promise<void> => {
    const want = wanted();
    const own = owned();
    const config = vscode.workspace.getConfiguration('workbench');
    const user = { ...(config.inspect<Record<string, string>>('editorAssociations')?.globalValue ?? {}) };
    const removing: string[] = [];
    for (const pattern of own) {
      if (want.has(pattern)) continue;
      own.delete(pattern);
      if (user[pattern] === TEXT_EDITOR) { delete user[pattern]; removing.push(pattern); }
    }
    const adding: string[] = [];
    for (const pattern of want) {
      if (own.has(pattern)) continue;
      if (user[pattern] !== undefined) continue; // the user's own entry: never claimed, never removed
      user[pattern] = TEXT_EDITOR;
      own.add(pattern);
      adding.push(pattern);
    }
    if (removing.length === 0 && adding.length === 0) {
      if (own.size !== owned().size) await context.globalState.update(OWNED_KEY, [...own]);
      return;
    }
    // Owned before written, forgotten after removed: a window closed half-way leaves no entry no one owns.
    await context.globalState.update(OWNED_KEY, [...own, ...removing]);
    await config.update('editorAssociations', Object.keys(user).length > 0 ? user : undefined, vscode.ConfigurationTarget.Global);
    await context.globalState.update(OWNED_KEY, [...own]);
  };

  // One sync at a time; events during a sync ask for one more.
  let running: Promise<void> | undefined;
  let again = false;
  const schedule = (): void => {
    if (running) { again = true; return; }
    running = sync()
      .catch((e) => console.error('Labelscope: editor association for Problems → text:', e))
      .finally(() => {
        running = undefined;
        if (again) { again = false; schedule(); }
      });
  };
  schedule();
  return vscode.Disposable.from(
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.opened.length > 0 || e.closed.length > 0 || e.changed.length > 0) schedule();
      for (const tab of e.opened) void toOpenText(tab, viewTypes, owned());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('labelscope.problemsOpenInText') || (e.affectsConfiguration('workbench.editorAssociations') && !running)) schedule();
    }),
  );
}

const sameUri = (a: vscode.Uri, b: vscode.Uri) => a.toString() === b.toString();

/**
 * Text and viewer both open, in two groups: VS Code opens a Problems row in the group used last
 * with the file in front. If that is the viewer's, the (now text) editor opens over the viewer, a
 * second text tab. That tab goes again, and the problem is shown in the text already open in the
 * other group, with the cursor VS Code gave the new one (on the problem).
 */
async function toOpenText(tab: vscode.Tab, viewTypes: ReadonlySet<string>, own: ReadonlySet<string>): Promise<void> {
  if (!(tab.input instanceof vscode.TabInputText)) return;
  const uri = tab.input.uri;
  if (!own.has(associationPattern(uri))) return;
  const isViewer = (t: vscode.Tab) => t.input instanceof vscode.TabInputCustom && viewTypes.has(t.input.viewType) && sameUri(t.input.uri, uri);
  const isText = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && sameUri(t.input.uri, uri);
  if (!tab.group.tabs.some(isViewer) || tab.group.tabs.filter(isText).length !== 1) return;
  const other = vscode.window.tabGroups.all.find((g) => g !== tab.group && g.tabs.some(isText));
  if (!other) return;
  const column = tab.group.viewColumn;
  const editor = await visibleEditor(uri, column);
  const selection = editor?.selection;
  // The tab as it is now (the event's object is stale once VS Code has updated the group).
  const now = vscode.window.tabGroups.all.find((g) => g.viewColumn === column)?.tabs.find(isText);
  if (!now || !(await vscode.window.tabGroups.close(now, true))) return;
  const doc = editor?.document ?? await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { viewColumn: other.viewColumn, selection, preserveFocus: false });
}

/** The text editor of `uri` shown in `column`, once VS Code has shown it (undefined after 2 s). */
function visibleEditor(uri: vscode.Uri, column: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
  const find = () => vscode.window.visibleTextEditors.find((e) => sameUri(e.document.uri, uri) && e.viewColumn === column);
  const now = find();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = (e: vscode.TextEditor | undefined) => { sub.dispose(); clearTimeout(timer); resolve(e); };
    const sub = vscode.window.onDidChangeVisibleTextEditors(() => { const e = find(); if (e) done(e); });
    const timer = setTimeout(() => done(undefined), 2000);
  });
}
