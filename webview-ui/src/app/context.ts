/**
 * What the viewer's modules share: the store, the channel, the canvas viewer, the page, and
 * each other (set up once by main.ts; modules call each other only from event handlers).
 */
import type { EditOp, WebviewChannel } from '../../../src/shared/protocol';
import type { Viewer } from '../viewer';
import type { Minimap } from '../minimap';
import type { Store } from './store';
import type { Layout } from './layout';
import type { Toolbar } from './toolbar';
import type { SidePanel } from './sidePanel';
import type { ImageView } from './imageView';
import type { GridMode } from './gridMode';
import type { Overlays } from './overlays';
import type { ProblemNav } from './problemNav';

export interface App {
  readonly store: Store;
  readonly channel: WebviewChannel;
  readonly layout: Layout;
  readonly viewer: Viewer;
  readonly minimap: Minimap;
  readonly toolbar: Toolbar;
  readonly panel: SidePanel;
  readonly images: ImageView;
  readonly gridMode: GridMode;
  readonly overlays: Overlays;
  readonly problemNav: ProblemNav;
  /** Save the view state (image, zoom, pan, hidden categories, grid scroll). */
  saveState(): void;
  /** Send an edit of the shown file to the host (the status line says why when it is refused). */
  edit(op: EditOp): Promise<void>;
  /** The status line under the stage. */
  say(text: string): void;
}
