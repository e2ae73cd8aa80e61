/**
 * One open editor panel: serves the webview's requests from the model. Free of
 * `vscode`: the provider passes `post`, the image source and `onEdit` (which
 * fires onDidChangeCustomDocument), so this runs the same in tests.
 */
import { hostChannel, type Envelope, type HostChannel } from '../../shared/protocol';
import type { CocoEditorModel, ImageSource, ModelEdit } from './editorModel';

export interface SessionOptions {
  post(msg: Envelope): void;
  source: ImageSource;
  /** Resolves when the model is loaded; rejects with the load error. */
  model: Promise<CocoEditorModel>;
  /** An edit was applied to the model (make it undoable, mark dirty). */
  onEdit(edit: ModelEdit): void;
  readonly?: boolean;
  /** Image to show first when the webview has no state (e.g. from a reveal). */
  initialImage?: number;
}

export class EditorSession {
  readonly channel: HostChannel;
  private model?: CocoEditorModel;
  private disposed = false;

  constructor(private readonly o: SessionOptions) {
    this.channel = hostChannel(o.post);
    this.channel.handle('getImage', async ({ index }) => (await this.ready()).imagePayload(index, o.source));
    this.channel.handle('edit', async (op) => {
      const model = await this.ready();
      if (o.readonly) return { ok: false, message: 'This workspace is not trusted: the file is read-only.' };
      const edit = model.prepare(op);
      if (typeof edit === 'string') return { ok: false, message: edit };
      model.apply(edit);
      o.onEdit(edit);
      this.changed();
      return { ok: true };
    });
    this.channel.on('ready', () => { void this.start(); });
  }

  private async ready(): Promise<CocoEditorModel> {
    this.model ??= await this.o.model;
    return this.model;
  }

  private async start(): Promise<void> {
    try {
      const model = await this.ready();
      if (!this.disposed) this.channel.notify('init', model.init(this.o.initialImage ?? 0, this.o.readonly));
    } catch (e) {
      if (!this.disposed) this.channel.notify('loadError', { message: e instanceof Error ? e.message : String(e) });
    }
  }

  progress(fraction: number, message: string): void {
    if (!this.disposed) this.channel.notify('progress', { fraction, message });
  }

  /** The model changed (edit here or in another panel, undo, redo, revert). */
  changed(): void {
    const m = this.model;
    if (!m || this.disposed) return;
    this.channel.notify('changed', {
      version: m.version, annotationCount: m.annotationCount(), categories: m.categories(), problemImages: m.problemImages(),
    });
  }

  reveal(imageIndex: number, annotationId?: number | string): void {
    this.channel.notify('reveal', { imageIndex, ...(annotationId !== undefined ? { annotationId } : {}) });
  }

  receive(msg: unknown): void { this.channel.receive(msg); }

  dispose(): void {
    this.disposed = true;
    this.channel.dispose();
  }
}
