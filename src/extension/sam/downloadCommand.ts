/**
 * `Labelscope: Download Model…`: pick an entry of `labelscope.sam.downloads`, fetch its encoder
 * and decoder into the extension's global storage (`models/<name>/`) with a progress bar,
 * resume and SHA-256 checks (node/sam/download), then offer to use it.
 */
import * as vscode from 'vscode';
import { DownloadError, downloadFile, namedModelFiles } from '../../node/sam';
import type { SamService } from './samService';
import { readSamSettings } from './settings';

/** The command's handler: `pickName` skips the quick pick. Resolves to whether a model was downloaded. */
export async function downloadModelCommand(service: SamService, pickName?: unknown): Promise<boolean> {
  {
    if (vscode.workspace.isTrusted === false) {
      void vscode.window.showWarningMessage('Labelscope does not download or run models in an untrusted workspace.');
      return false;
    }
    const list = readSamSettings().downloads;
    if (list.length === 0) {
      const open = 'Open Settings';
      const pick = await vscode.window.showInformationMessage('Labelscope: no models to download are configured. Add entries (name, encoderUrl, encoderSha256, decoderUrl, decoderSha256) to labelscope.sam.downloads.', open);
      if (pick === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'labelscope.sam.downloads');
      return false;
    }
    const chosen = typeof pickName === 'string' ? list.find((m) => m.name === pickName)
      : (await vscode.window.showQuickPick(list.map((m) => ({ label: m.name, description: m.description, model: m })), { placeHolder: 'Download which SAM model?' }))?.model;
    if (!chosen) return false;
    let files;
    try { files = namedModelFiles(service.modelsDir, chosen.name); } catch (e) {
      void vscode.window.showErrorMessage(`Labelscope: ${(e as Error).message}`);
      return false;
    }
    const controller = new AbortController();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Labelscope: downloading ${chosen.name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          for (const [part, url, sha, dest] of [['encoder', chosen.encoderUrl, chosen.encoderSha256, files.encoder], ['decoder', chosen.decoderUrl, chosen.decoderSha256, files.decoder]] as const) {
            let shown = 0;
            await downloadFile(url, dest, {
              sha256: sha, signal: controller.signal,
              onProgress(received, total) {
                const mb = (n: number) => (n / 1e6).toFixed(1);
                const pct = total ? (received / total) * 50 : 0;
                progress.report({ message: `${part}: ${mb(received)}${total ? ` of ${mb(total)}` : ''} MB`, increment: pct - shown });
                shown = pct;
              },
            });
          }
        },
      );
    } catch (e) {
      const why = e instanceof DownloadError && e.kind === 'cancelled' ? 'cancelled (run it again to resume)' : (e as Error).message;
      void vscode.window.showErrorMessage(`Labelscope: downloading ${chosen.name} failed: ${why}`);
      return false;
    }
    const use = 'Use It';
    const pick = await vscode.window.showInformationMessage(`Labelscope: ${chosen.name} is downloaded and checked.`, use);
    if (pick === use) await vscode.workspace.getConfiguration('labelscope.sam').update('model', chosen.name, vscode.ConfigurationTarget.Global);
    return true;
  }
}
