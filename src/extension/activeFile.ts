/**
 * The COCO file a command acts on: the command's URI argument (Explorer, editor title, a
 * link), else the active editor's file: a text editor or a custom editor (the viewer). VS Code
 * has no `activeTextEditor` while a custom editor has focus, so the active tab is asked too.
 */
import * as vscode from 'vscode';

/** The file of the active tab: the viewer (custom editor) or a text editor, in the focused group. */
export function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups?.activeTabGroup?.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

/**
 * The target of a command on "the current COCO file": `arg` when it is a URI (or a URI string,
 * as `command:` links pass them), else the active text editor's file, else the active tab's
 * (the viewer). Only files on disk (`file:`).
 */
export function targetCocoUri(arg?: unknown): vscode.Uri | undefined {
  let uri: vscode.Uri | undefined;
  if (arg instanceof vscode.Uri) uri = arg;
  else if (typeof arg === 'string' && /^file:/.test(arg)) uri = vscode.Uri.parse(arg);
  else {
    // A focused viewer first (there is no active text editor then in VS Code), then the text.
    const input = vscode.window.tabGroups?.activeTabGroup?.activeTab?.input;
    uri = input instanceof vscode.TabInputCustom ? input.uri : vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  }
  return uri?.scheme === 'file' ? uri : undefined;
}
