/**
 * The old version of a file through VS Code's built-in git extension (`vscode.git`, API v1):
 * the repository that holds the file, then `repository.show(ref, path)`. Falls back to the git
 * command line when the extension is disabled.
 */
import * as vscode from 'vscode';
import { gitShowFile } from '../../node/compare/git';

interface GitRepository { rootUri: vscode.Uri; show(ref: string, path: string): Promise<string> }
interface GitApi { getRepository(uri: vscode.Uri): GitRepository | null }
interface GitExtension { getAPI(version: 1): GitApi }

export async function readAtRevision(uri: vscode.Uri, ref: string): Promise<Uint8Array> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (ext) {
    const git = ext.isActive ? ext.exports : await ext.activate();
    const repo = git?.getAPI(1).getRepository(uri);
    if (!repo) throw new Error(`${vscode.workspace.asRelativePath(uri)} is not in a git repository that VS Code knows.`);
    return new TextEncoder().encode(await repo.show(ref, uri.fsPath));
  }
  return gitShowFile(ref, uri.fsPath);
}
