/**
 * The model the extension uses: the encoder/decoder paths from the settings, else the
 * downloaded model named in `labelscope.sam.model` (or the only one downloaded), else the
 * GrabCut fallback. Loaded on first use (onnxruntime-node comes with it), kept while the
 * settings stay the same, never in an untrusted workspace. The status bar item says which
 * provider ran and the last encoder/decoder times.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  EmbeddingCache, FALLBACK_NAME, grabCutBoxMasker, installedModels, namedModelFiles, SamModel, SamSegmenter, samBoxMasker,
  type BoxMasker,
} from '../../node/sam';
import { readSamSettings } from './settings';

export class UntrustedWorkspaceError extends Error {
  constructor() {
    super('Labelscope does not run models in an untrusted workspace. Trust the workspace to segment.');
    this.name = 'UntrustedWorkspaceError';
  }
}

export interface ActiveMasker {
  masker: BoxMasker;
  segmenter?: SamSegmenter;
}

export class SamService implements vscode.Disposable {
  private loaded?: { key: string; model: SamModel; segmenter: SamSegmenter };
  private loading?: Promise<ActiveMasker>;
  readonly status: vscode.StatusBarItem;

  constructor(private readonly storage: vscode.Uri) {
    this.status = vscode.window.createStatusBarItem('labelscope.sam', vscode.StatusBarAlignment.Right, 90);
    this.status.name = 'Labelscope SAM';
  }

  get modelsDir(): string { return path.join(this.storage.fsPath, 'models'); }

  /** Which files the settings point at (undefined: the GrabCut fallback). */
  modelFiles(scope?: vscode.Uri): { encoder: string; decoder: string; name: string } | undefined {
    const s = readSamSettings(scope);
    if (s.encoderPath && s.decoderPath) return { encoder: s.encoderPath, decoder: s.decoderPath, name: path.basename(s.encoderPath) };
    const installed = installedModels(this.modelsDir);
    const name = s.model || (installed.length === 1 ? installed[0] : '');
    if (!name) return undefined;
    const files = namedModelFiles(this.modelsDir, name);
    return { ...files, name };
  }

  async masker(scope?: vscode.Uri): Promise<ActiveMasker> {
    if (vscode.workspace.isTrusted === false) throw new UntrustedWorkspaceError();
    const files = this.modelFiles(scope);
    if (!files) {
      this.show(FALLBACK_NAME, 'no SAM model set (labelscope.sam.encoderPath/decoderPath, or Labelscope: Download Model…)');
      return { masker: grabCutBoxMasker() };
    }
    const provider = readSamSettings(scope).executionProvider;
    const key = `${files.encoder}\0${files.decoder}\0${provider}`;
    if (this.loaded?.key === key) return { masker: this.boxMasker(files.name), segmenter: this.loaded.segmenter };
    this.loading ??= (async () => {
      try {
        await this.release();
        const model = await SamModel.load({ encoderPath: files.encoder, decoderPath: files.decoder, executionProvider: provider });
        const segmenter = new SamSegmenter(model, new EmbeddingCache({ dir: path.join(this.storage.fsPath, 'sam-embeddings') }));
        this.loaded = { key, model, segmenter };
        if (model.fallbackReason) void vscode.window.showWarningMessage(`Labelscope: ${model.fallbackReason}.`);
        this.update();
        return { masker: this.boxMasker(files.name), segmenter };
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private boxMasker(name: string): BoxMasker {
    const { model, segmenter } = this.loaded!;
    const inner = samBoxMasker(segmenter, `${name} (${model.family === 'sam1' ? 'SAM 1' : 'SAM 2'}, ${model.provider.toUpperCase()})`);
    return { ...inner, mask: async (file, box) => { const r = await inner.mask(file, box); this.update(); return r; } };
  }

  /** Refresh the status bar from the loaded model's last times. */
  update(): void {
    if (!this.loaded) return;
    const { model, segmenter } = this.loaded;
    const ms = (v?: number) => (v === undefined ? '–' : `${Math.round(v)} ms`);
    this.status.text = `$(sparkle) SAM ${model.provider.toUpperCase()} · enc ${ms(segmenter.lastEncodeMs)} · dec ${ms(segmenter.lastDecodeMs)}`;
    this.status.tooltip = `Labelscope SAM (${model.family === 'sam1' ? 'SAM 1' : 'SAM 2'}) on ${model.provider.toUpperCase()}${model.fallbackReason ? ` — ${model.fallbackReason}` : ''}\nLast encoder run: ${ms(segmenter.lastEncodeMs)}; last decoder run: ${ms(segmenter.lastDecodeMs)}`;
    this.status.show();
  }

  private show(text: string, tooltip: string): void {
    this.status.text = `$(sparkle) ${text}`;
    this.status.tooltip = `Labelscope: ${tooltip}`;
    this.status.show();
  }

  async release(): Promise<void> {
    const l = this.loaded;
    this.loaded = undefined;
    await l?.model.release();
  }

  dispose(): void {
    void this.release();
    this.status.dispose();
  }
}
