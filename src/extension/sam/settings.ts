/** The `labelscope.sam.*` settings, read in one place. */
import * as vscode from 'vscode';
import type { MaskFormat } from '../../core/sam';
import type { ExecutionProvider } from '../../node/sam';

/** One entry of `labelscope.sam.downloads`: a model pair to fetch into global storage. */
export interface DownloadableModel {
  name: string;
  description?: string;
  encoderUrl: string;
  encoderSha256: string;
  decoderUrl: string;
  decoderSha256: string;
}

export interface SamSettings {
  encoderPath: string;
  decoderPath: string;
  /** A downloaded model's name (global storage), used when the paths are empty. */
  model: string;
  executionProvider: ExecutionProvider;
  maskFormat: MaskFormat;
  minPredictedIou: number;
  downloads: DownloadableModel[];
}

export function readSamSettings(scope?: vscode.Uri): SamSettings {
  const c = vscode.workspace.getConfiguration('labelscope.sam', scope);
  const provider = c.get<string>('executionProvider', 'cpu');
  const format = c.get<string>('maskFormat', 'polygon');
  const downloads = c.get<unknown[]>('downloads', []);
  return {
    encoderPath: c.get<string>('encoderPath', '') ?? '',
    decoderPath: c.get<string>('decoderPath', '') ?? '',
    model: c.get<string>('model', '') ?? '',
    executionProvider: provider === 'cuda' ? 'cuda' : 'cpu',
    maskFormat: format === 'rle' ? 'rle' : 'polygon',
    minPredictedIou: c.get<number>('minPredictedIou', 0.8) ?? 0.8,
    downloads: (Array.isArray(downloads) ? downloads : []).filter(isDownloadable),
  };
}

function isDownloadable(v: unknown): v is DownloadableModel {
  const o = v as Record<string, unknown>;
  return !!o && typeof o === 'object' && ['name', 'encoderUrl', 'encoderSha256', 'decoderUrl', 'decoderSha256'].every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0);
}
