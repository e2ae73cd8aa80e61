/**
 * Where a COCO file's images are: the `labelscope.imageRoot` setting (relative to the COCO
 * file) wins, else `imageRoot` in the nearest `.labelscope.json` (relative to that file).
 * The viewer's "Choose Image Folder…" writes one of the two, as the user picks; a change of
 * either reaches the open viewers through `watchImageRoot`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
// The ES module build: esbuild can bundle it (the UMD build loads its parts with a dynamic require).
import { applyEdits, modify } from 'jsonc-parser/lib/esm/main.js';
import { CONFIG_FILE_NAME } from '../../core/config';
import { findConfigFile, loadConfigFor } from '../../node/config';
import { writeFileAtomic } from '../../node/atomicWrite';

/** The image folder of a COCO file (absolute for .labelscope.json, as the setting says for the setting), or undefined. */
export function imageRootFor(uri: vscode.Uri): string | undefined {
  const setting = vscode.workspace.getConfiguration('labelscope', uri).get<string>('imageRoot') || undefined;
  if (setting) return setting;
  try {
    const loaded = loadConfigFor(uri.fsPath);
    if (loaded.config.imageRoot && loaded.path) return path.resolve(path.dirname(loaded.path), loaded.config.imageRoot);
  } catch { /* no config */ }
  return undefined;
}

/** A path as written into a config: relative, with forward slashes (the same on every OS). */
export function relativeFolder(fromDir: string, folder: string): string {
  const rel = path.relative(fromDir, folder) || '.';
  return rel.split(path.sep).join('/');
}

/** Set `imageRoot` in a `.labelscope.json` (made when missing): only that value changes, comments and layout stay. */
export async function writeConfigImageRoot(configFile: string, folder: string): Promise<void> {
  let text = '{\n}\n';
  try { text = fs.readFileSync(configFile, 'utf8'); } catch { /* a new file */ }
  const value = relativeFolder(path.dirname(configFile), folder);
  const edits = modify(text, ['imageRoot'], value, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  await writeFileAtomic(configFile, Buffer.from(applyEdits(text, edits), 'utf8'));
}

type Target = 'config' | 'workspace';

/**
 * The banner's "Choose Image Folder…": a folder dialog, then where to remember it. Untrusted
 * workspaces write nothing: the answer says why.
 */
export async function chooseImageFolder(cocoUri: vscode.Uri): Promise<{ ok: boolean; message?: string }> {
  if (!vscode.workspace.isTrusted) {
    const message = 'This workspace is not trusted: Labelscope does not write settings or files here. Trust the workspace to choose an image folder.';
    void vscode.window.showWarningMessage(`Labelscope: ${message}`);
    return { ok: false, message };
  }
  const jsonDir = path.dirname(cocoUri.fsPath);
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
    defaultUri: vscode.Uri.file(jsonDir), openLabel: 'Use as Image Folder', title: `Image folder of ${path.basename(cocoUri.fsPath)}`,
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return { ok: false, message: 'No folder chosen.' };
  const existing = findConfigFile(jsonDir);
  const configFile = existing ?? path.join(jsonDir, CONFIG_FILE_NAME);
  const items: (vscode.QuickPickItem & { target: Target })[] = [
    {
      target: 'config',
      label: existing ? `In ${CONFIG_FILE_NAME}` : `In a new ${CONFIG_FILE_NAME}`,
      description: `"imageRoot": "${relativeFolder(path.dirname(configFile), folder)}"`,
      detail: `${vscode.workspace.asRelativePath(configFile)}: shared with the CLI and everyone who checks out the dataset`,
    },
    {
      target: 'workspace',
      label: 'In the workspace settings',
      description: `labelscope.imageRoot: "${relativeFolder(jsonDir, folder)}"`,
      detail: 'Relative to each COCO file; overrides .labelscope.json for this workspace only',
    },
  ];
  const where = await vscode.window.showQuickPick(items, { title: 'Remember the image folder where?', placeHolder: folder });
  if (!where) return { ok: false, message: 'Not saved: no place picked.' };
  try {
    if (where.target === 'config') await writeConfigImageRoot(configFile, folder);
    else await vscode.workspace.getConfiguration('labelscope', cocoUri).update('imageRoot', relativeFolder(jsonDir, folder), vscode.ConfigurationTarget.Workspace);
  } catch (e) {
    const message = `Could not save the image folder in ${where.target === 'config' ? configFile : 'the workspace settings'}: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(`Labelscope: ${message}`);
    return { ok: false, message };
  }
  return { ok: true, message: `Images are now looked for in ${folder}` };
}

/** Calls `onChange` when the imageRoot setting for this file or any `.labelscope.json` changes. */
export function watchImageRoot(cocoUri: vscode.Uri, onChange: () => void): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
  return vscode.Disposable.from(
    watcher,
    watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('labelscope.imageRoot', cocoUri)) onChange(); }),
  );
}
