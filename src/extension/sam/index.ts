/**
 * SAM in the editor: Segment Boxes, Download Model, the model service and its status bar item.
 * Registration only: the SAM modules (sharp, the model code; onnxruntime-node later still)
 * load when a command first runs, so activation stays as fast as before.
 */
import * as vscode from 'vscode';
import type { SamService } from './samService';

export const SEGMENT_BOXES_COMMAND = 'labelscope.segmentBoxes';
export const DOWNLOAD_MODEL_COMMAND = 'labelscope.downloadModel';

export function registerSam(context: vscode.ExtensionContext, log: vscode.OutputChannel, opts: { largeFileBytes?: number } = {}): { service(): SamService } {
  let service: SamService | undefined;
  const get = (): SamService => {
    if (!service) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, so activation never pays for it
      service = new (require('./samService') as typeof import('./samService')).SamService(context.globalStorageUri);
      context.subscriptions.push(service);
    }
    return service;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(SEGMENT_BOXES_COMMAND, (arg?: unknown, options?: { annotationIds?: (number | string)[] }) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, so activation never pays for it
      (require('./segmentBoxesCommand') as typeof import('./segmentBoxesCommand')).segmentBoxesCommand(get(), log, opts.largeFileBytes, arg, options)),
    vscode.commands.registerCommand(DOWNLOAD_MODEL_COMMAND, (name?: unknown) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, so activation never pays for it
      (require('./downloadCommand') as typeof import('./downloadCommand')).downloadModelCommand(get(), name)),
  );
  return { service: get };
}
