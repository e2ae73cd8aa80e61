/**
 * The COCO viewer webview: wires the protocol, the canvas viewer and the panels. The modules
 * live in `app/`: the state store (`store`), the page (`layout`), `toolbar`, `sidePanel`,
 * `imageView` (showing an image), `gridMode`, `overlays` (diff / evaluation), `problemNav`
 * (n / N) and `keys`; the canvas viewer is `viewer.ts` with `view/`.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import css from './styles.css';
import { webviewChannel, type EditOp, type Envelope, type ProblemInfo, type ViewState, type WebviewChannel } from '../../src/shared/protocol';
import { rleWorkerSettings } from './shapes';
import { Minimap } from './minimap';
import { Viewer } from './viewer';
import { catKey } from './catKey';
import type { App } from './app/context';
import { Store } from './app/store';
import { buildLayout } from './app/layout';
import { Toolbar } from './app/toolbar';
import { SidePanel } from './app/sidePanel';
import { ImageView } from './app/imageView';
import { GridMode } from './app/gridMode';
import { Overlays } from './app/overlays';
import { ProblemNav } from './app/problemNav';
import { installKeys } from './app/keys';
import { followBannerHeight } from './app/missingBanner';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const channel: WebviewChannel = webviewChannel((m: Envelope) => vscode.postMessage(m));
window.addEventListener('message', (e) => channel.receive(e.data));

const style = document.createElement('style');
style.textContent = css;
document.head.appendChild(style);

const store = new Store((vscode.getState() ?? {}) as Partial<ViewState>, (s) => vscode.setState(s));
const state = store.view;
const layout = buildLayout();

// The modules reach each other through `app`, only from event handlers: filled in below, in order.
const app = { store, channel, layout } as { -readonly [K in keyof App]: App[K] };
app.say = (text) => { layout.status.textContent = text; };
app.saveState = () => {
  const { viewer, gridMode } = app;
  store.save({ zoom: viewer.fitted ? null : viewer.zoom, panX: viewer.panX, panY: viewer.panY, gridScroll: gridMode.grid.scroller.scrollTop });
};
app.edit = async (op: EditOp) => {
  // The generation says which version of the file this view shows: the host refuses edits of an older one.
  const r = await channel.request('edit', { ...op, generation: store.init?.generation });
  if (!r.ok) app.say(r.message ?? 'The edit was refused');
  if (op.op === 'delete') app.viewer.select(null);
};

const viewer = app.viewer = new Viewer(layout.stageWrap, {
  fillOpacity: state.fillOpacity, outlineOnly: state.outlineOnly, hidden: store.hidden, readonly: false,
  categoryOf: (a) => store.catById.get(catKey(a.categoryId)),
}, {
  onSelect: (ann) => { app.panel.renderAnnotationList(); app.panel.renderDetails(); channel.notify('selected', { imageIndex: store.current?.image.index ?? 0, annotationId: ann?.id ?? null }); },
  onHover: (ann, x, y) => app.panel.showTooltip(ann, x, y),
  onBoxEdit: (ann, bbox) => { void app.edit({ op: 'setBbox', annotationIndex: ann.index, bbox }); },
  onPolygonsEdit: (ann, polygons, label) => { void app.edit({ op: 'setPolygons', annotationIndex: ann.index, polygons, label }); },
  onCreate: (shape, polygons) => { void app.toolbar.create(shape, polygons); },
  onViewChange: () => { app.saveState(); app.minimap.render(); },
});
app.minimap = new Minimap(layout.stageWrap, viewer);
layout.stageWrap.append(layout.missing, layout.evalLegend);
followBannerHeight(layout.missing);
app.toolbar = new Toolbar(app);
app.panel = new SidePanel(app);
app.images = new ImageView(app);
app.overlays = new Overlays(app);
app.problemNav = new ProblemNav(app);
app.gridMode = new GridMode(app);
installKeys(app);
const { toolbar, panel, images, gridMode, overlays } = app;

// ------------------------------------------------------------------ protocol
channel.on('progress', ({ fraction, message }) => {
  layout.loadingText.textContent = message;
  layout.bar.indeterminate = false;
  layout.bar.max = 1;
  layout.bar.value = fraction;
});

channel.on('init', (p) => {
  performance.mark('labelscope:first-message');
  store.init = p;
  store.readonly = p.readonly;
  viewer.opts.readonly = p.readonly;
  toolbar.tools.hidden = p.readonly;
  toolbar.setTool('select');
  store.setCategories(p.categories);
  store.previewing = false;
  layout.loading.hidden = true;
  layout.main.hidden = false;
  layout.side.hidden = false;
  viewer.resize();
  const start = state.imageIndex >= 0 && state.imageIndex < p.imageCount ? state.imageIndex : p.imageIndex;
  if (p.imageCount === 0) { app.say('This file has no images.'); return; }
  const restoreView = state.zoom !== null && state.imageIndex === start;
  void images.show(start).then(() => { if (restoreView) { viewer.setView(state.zoom!, state.panX, state.panY); } });
  if (state.mode === 'grid') gridMode.setMode('grid');
});

/** A long problem list's pages so far (shown when the last one is in). */
let problemPages: ProblemInfo[] | undefined;
channel.on('problems', (p) => {
  const list = p.append && problemPages ? problemPages : [];
  for (const x of p.problems) list.push(x);
  problemPages = p.more ? list : undefined;
  if (!p.more) store.setProblems(list, p.source, p.fileLevel);
});
channel.on('checkState', (s) => store.setCheckState(s));
channel.on('revealProblem', ({ key }) => {
  const i = store.problems.findIndex((p) => p.key === key);
  if (i >= 0) app.problemNav.goToProblem(i);
});

channel.on('preview', (p) => { performance.mark('labelscope:first-message'); images.showPreview(p); });

channel.on('changed', (p) => {
  store.setCategories(p.categories);
  if (state.mode === 'grid') gridMode.refresh();
  void images.show(store.index, true);
});

channel.on('reveal', ({ imageIndex, annotationId }) => {
  if (state.mode === 'grid') gridMode.setMode('image', false);
  const k = store.problems.findIndex((p) => p.imageIndex === imageIndex && annotationId !== undefined && p.annotationId === annotationId);
  if (k >= 0) store.cursor = k;
  void images.show(imageIndex).then(() => {
    const a = store.current?.annotations.find((x) => x.id === annotationId);
    // Take the keyboard only when this webview has it already: a viewer kept alive in a hidden tab
    // (retainContextWhenHidden) follows the JSON text's cursor too, and must not steal the keyboard
    // from the text editor (Ctrl+. there would open a quick-fix menu that no key reaches).
    if (a) { viewer.select(a); panel.renderAll(); if (document.hasFocus()) viewer.root.focus(); }
  });
});

// Diff mode: the comparison's changes of one image over it; ] / [ walk them.
channel.on('diffOverlay', (d) => overlays.onDiff(d));
// Evaluation overlay (issue 12): the host sends the shown image's TP / FP / FN after each image change; e toggles it.
channel.on('evalOverlay', (o) => overlays.onEval(o));
channel.on('agreementLayer', (a) => overlays.onAgreement(a));

channel.on('filterGrid', (f) => gridMode.applyFilter(f));

channel.on('loadError', ({ message }) => {
  layout.loadingText.textContent = `Cannot open this file: ${message}`;
  layout.bar.hidden = true;
});

channel.handle('getViewInfo', () => ({ imageIndex: store.index, selected: viewer.selected?.id ?? null }));

// For tests and benchmarks (no effect in VS Code).
(window as unknown as { labelscope: unknown }).labelscope = {
  viewer, grid: gridMode.grid, channel, rleWorkerSettings, app,
  state: () => ({ index: store.index, current: store.current, problems: store.problems, cursor: store.cursor, mode: state.mode }),
};

// User timings for bench:vscode: the page is wired (ready), the first image's message came (first-message).
performance.mark('labelscope:ready');
channel.notify('ready', {});
