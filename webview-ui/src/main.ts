/** The COCO viewer webview: wires the protocol, the canvas viewer and the side panel. */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import css from './styles.css';
import {
  webviewChannel, categoryColor, type AnnotationInfo, type CategoryInfo, type EditOp, type Envelope, type Id, type ImagePayload,
  type InitPayload, type ViewState, type WebviewChannel,
} from '../../src/shared/protocol';
import { buildShapes } from './shapes';
import { Viewer, catKey } from './viewer';

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

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const saved = (vscode.getState() ?? {}) as Partial<ViewState>;
const state: ViewState = {
  imageIndex: saved.imageIndex ?? -1,
  zoom: saved.zoom ?? null,
  panX: saved.panX ?? 0,
  panY: saved.panY ?? 0,
  hiddenCategories: saved.hiddenCategories ?? [],
  fillOpacity: saved.fillOpacity ?? 0.45,
  outlineOnly: saved.outlineOnly ?? false,
};

// ------------------------------------------------------------------ layout
const app = document.getElementById('app') ?? document.body.appendChild(el('div'));
app.className = 'app';
const loading = el('div', 'loading');
const loadingText = el('div', 'loading-text', 'Opening…');
const bar = document.createElement('vscode-progress-bar') as HTMLElement & { value: number; max: number; indeterminate: boolean };
loading.append(loadingText, bar);
const main = el('div', 'main');
const toolbar = el('div', 'toolbar');
const stageWrap = el('div', 'stage-wrap');
const side = el('div', 'side');
const status = el('div', 'status');
const tooltip = el('div', 'tooltip');
const missing = el('div', 'missing');
main.append(toolbar, stageWrap, status);
app.append(loading, main, side, tooltip);
main.hidden = true;
tooltip.hidden = true;
side.hidden = true;

const hidden = new Set(state.hiddenCategories.map(catKey));
const viewer = new Viewer(stageWrap, { fillOpacity: state.fillOpacity, outlineOnly: state.outlineOnly, hidden, readonly: false }, {
  onSelect: (ann) => { renderAnnotationList(); renderDetails(); channel.notify('selected', { imageIndex: current?.image.index ?? 0, annotationId: ann?.id ?? null }); },
  onHover: (ann, x, y) => showTooltip(ann, x, y),
  onBoxEdit: (ann, bbox) => { void edit({ op: 'setBbox', annotationIndex: ann.index, bbox }); },
  onViewChange: () => saveState(),
});
stageWrap.appendChild(missing);
missing.hidden = true;

// Toolbar
const prevBtn = button('◀', 'Previous image (← or k)', () => go(wanted - 1));
const nextBtn = button('▶', 'Next image (→ or j)', () => go(wanted + 1));
const counter = el('span', 'counter');
const fileLabel = el('span', 'file');
const problemBtn = button('Next problem', 'Next image with a problem (n)', () => nextProblem());
const fitBtn = button('Fit', 'Fit (f)', () => viewer.fit());
const oneBtn = button('1:1', 'Actual size (1)', () => { viewer.actualSize(); saveState(); });
const opacity = el('input') as HTMLInputElement;
opacity.type = 'range'; opacity.min = '0'; opacity.max = '1'; opacity.step = '0.05'; opacity.value = String(state.fillOpacity);
opacity.title = 'Fill opacity';
opacity.addEventListener('input', () => { viewer.opts.fillOpacity = state.fillOpacity = Number(opacity.value); viewer.requestRender(); saveState(); });
const outline = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean; label: string };
outline.label = 'Outline only';
outline.checked = state.outlineOnly;
outline.addEventListener('change', () => { viewer.opts.outlineOnly = state.outlineOnly = outline.checked; viewer.requestRender(); saveState(); });
const opLabel = el('label', 'opacity-label', 'Fill ');
opLabel.appendChild(opacity);
toolbar.append(prevBtn, counter, nextBtn, fileLabel, el('span', 'spacer'), problemBtn, fitBtn, oneBtn, opLabel, outline);

function button(text: string, title: string, fn: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  b.title = title;
  b.setAttribute('secondary', '');
  b.addEventListener('click', fn);
  return b;
}

// Side panel
const catHeader = el('h3', undefined, 'Categories');
const catList = el('div', 'cat-list');
const annHeader = el('h3', undefined, 'Annotations');
const annList = el('div', 'ann-list');
const details = el('div', 'details');
side.append(catHeader, catList, annHeader, annList, details);

// ------------------------------------------------------------------ state
let init: InitPayload | undefined;
let categories: CategoryInfo[] = [];
let catById = new Map<string, CategoryInfo>();
let current: ImagePayload | undefined;
let index = 0;
/** The image being fetched (key repeat moves from here, not from the one still shown). */
let wanted = 0;
let problems: Uint32Array = new Uint32Array(0);
let loadSeq = 0;
let readonly = false;

function saveState(): void {
  state.imageIndex = index;
  state.zoom = viewer.fitted ? null : viewer.zoom;
  state.panX = viewer.panX;
  state.panY = viewer.panY;
  state.hiddenCategories = categories.filter((c) => hidden.has(catKey(c.id))).map((c) => c.id);
  vscode.setState(state);
}

function colorOf(categoryId: Id): string {
  const c = catById.get(catKey(categoryId));
  return c ? categoryColor(c.colorIndex) : '#FFFFFF';
}

function setCategories(list: CategoryInfo[]): void {
  categories = list;
  catById = new Map(list.map((c) => [catKey(c.id), c]));
  renderCategories();
}

function renderCategories(): void {
  catList.replaceChildren();
  for (const c of categories) {
    const row = el('div', 'cat-row');
    row.dataset.categoryId = String(c.id);
    const sw = el('span', 'swatch');
    sw.style.background = categoryColor(c.colorIndex);
    const cb = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean; label: string };
    cb.label = `${c.name} (${c.count})`;
    cb.checked = !hidden.has(catKey(c.id));
    cb.addEventListener('change', () => toggleCategory(c.id, cb.checked));
    row.append(sw, cb);
    catList.appendChild(row);
  }
}

function toggleCategory(id: Id, visible: boolean): void {
  if (visible) hidden.delete(catKey(id)); else hidden.add(catKey(id));
  if (!visible && viewer.selected && catKey(viewer.selected.categoryId) === catKey(id)) viewer.select(null);
  viewer.requestRender();
  renderAnnotationList();
  saveState();
}

function annLabel(a: AnnotationInfo): string {
  const c = catById.get(catKey(a.categoryId));
  return `#${String(a.id)} ${c?.name ?? `category ${String(a.categoryId)}`}${a.iscrowd ? ' (crowd)' : ''}`;
}

function renderAnnotationList(): void {
  annList.replaceChildren();
  if (!current) return;
  annHeader.textContent = `Annotations (${current.annotations.length})`;
  for (const a of current.annotations) {
    const row = el('div', 'ann-row');
    if (hidden.has(catKey(a.categoryId))) row.classList.add('hidden-cat');
    if (viewer.selected?.id === a.id) row.classList.add('selected');
    row.dataset.annotationId = String(a.id);
    const sw = el('span', 'swatch');
    sw.style.background = colorOf(a.categoryId);
    row.append(sw, el('span', undefined, annLabel(a)), el('span', 'kind', a.kind));
    row.addEventListener('click', () => { viewer.select(a); renderAnnotationList(); renderDetails(); channel.notify('selected', { imageIndex: index, annotationId: a.id }); });
    annList.appendChild(row);
  }
}

function renderDetails(): void {
  details.replaceChildren();
  const a = viewer.selected;
  if (!a) return;
  details.append(el('h3', undefined, `Annotation ${String(a.id)}`));
  const facts = el('div', 'facts');
  facts.textContent = `bbox ${a.bbox ? a.bbox.join(', ') : '—'} · area ${a.area ?? '—'} · ${a.kind}${a.iscrowd ? ' · crowd' : ''}`;
  details.append(facts);
  if (readonly) return;
  const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  sel.className = 'cat-select';
  for (const c of categories) {
    const o = document.createElement('vscode-option') as HTMLElement & { value: string };
    o.setAttribute('value', catKey(c.id));
    o.textContent = c.name;
    if (catKey(c.id) === catKey(a.categoryId)) o.setAttribute('selected', '');
    sel.appendChild(o);
  }
  sel.addEventListener('change', () => {
    const c = catById.get(sel.value);
    if (c && catKey(c.id) !== catKey(a.categoryId)) void edit({ op: 'setCategory', annotationIndex: a.index, categoryId: c.id });
  });
  const del = button('Delete', 'Delete annotation (Delete)', () => void edit({ op: 'delete', annotationIndex: a.index }));
  details.append(el('label', undefined, 'Category'), sel, del);
}

function showTooltip(a: AnnotationInfo | null, x: number, y: number): void {
  if (!a) { tooltip.hidden = true; return; }
  tooltip.hidden = false;
  tooltip.textContent = `${annLabel(a)} · area ${a.area ?? '—'}`;
  tooltip.style.left = `${x + 14}px`;
  tooltip.style.top = `${y + 14}px`;
}

async function edit(op: EditOp): Promise<void> {
  const r = await channel.request('edit', op);
  if (!r.ok) status.textContent = r.message ?? 'The edit was refused';
  if (op.op === 'delete') viewer.select(null);
}

// ------------------------------------------------------------------ images
const imageCache = new Map<string, Promise<HTMLImageElement | undefined>>();
function loadImage(src: string): Promise<HTMLImageElement | undefined> {
  let p = imageCache.get(src);
  if (!p) {
    const img = new Image();
    img.src = src;
    p = img.decode().then(() => img, () => undefined);
    imageCache.set(src, p);
    if (imageCache.size > 8) imageCache.delete(imageCache.keys().next().value!);
  }
  return p;
}

async function show(i: number, keepSelection = false): Promise<void> {
  if (!init || init.imageCount === 0) return;
  i = Math.max(0, Math.min(init.imageCount - 1, i));
  const seq = ++loadSeq;
  wanted = i;
  const t0 = performance.now();
  const payload = await channel.request('getImage', { index: i });
  if (seq !== loadSeq) return;
  const changedImage = i !== index || !current;
  index = i;
  current = payload;
  const info = payload.image;
  if (!keepSelection) viewer.select(null);
  viewer.setShapes(buildShapes(payload.annotations, payload.geometry, (a) => colorOf(a.categoryId)));
  counter.textContent = `${i + 1} / ${init.imageCount}`;
  fileLabel.textContent = `${info.fileName}  ${info.width}×${info.height}`;
  fileLabel.title = `image id ${String(info.id)}`;
  let img: HTMLImageElement | undefined;
  if (info.src) img = await loadImage(info.src);
  if (seq !== loadSeq) return;
  viewer.setImage(img, info.width || img?.naturalWidth || 0, info.height || img?.naturalHeight || 0);
  missing.hidden = !!img;
  if (!img) {
    missing.replaceChildren(el('strong', undefined, `Image not found: ${info.fileName}`));
    const ul = el('ul');
    for (const t of info.tried ?? (info.src ? [info.src] : [])) ul.appendChild(el('li', undefined, t));
    missing.append(el('div', undefined, info.src ? 'The file could not be decoded:' : 'Looked in:'), ul);
  }
  if (changedImage && !(state.zoom !== null && state.imageIndex === i)) viewer.fit(false);
  viewer.renderNow();
  renderAnnotationList();
  renderDetails();
  const ms = performance.now() - t0;
  status.textContent = `${payload.annotations.length} annotations · shown in ${ms.toFixed(0)} ms`;
  channel.notify('imageShown', { imageIndex: i, ms });
  saveState();
  document.body.dataset.shown = `${i}:${payload.version}`;
}

function go(i: number): void {
  if (!init) return;
  state.zoom = null;
  void show(Math.max(0, Math.min(init.imageCount - 1, i)));
}

function nextProblem(): void {
  if (!problems.length) { status.textContent = 'No problems found by the quick scan'; return; }
  const next = problems.find((p) => p > wanted) ?? problems[0];
  go(next);
}

// ------------------------------------------------------------------ protocol
channel.on('progress', ({ fraction, message }) => {
  loadingText.textContent = message;
  bar.indeterminate = false;
  bar.max = 1;
  bar.value = fraction;
});

channel.on('init', (p) => {
  init = p;
  readonly = p.readonly;
  viewer.opts.readonly = p.readonly;
  problems = p.problemImages;
  setCategories(p.categories);
  loading.hidden = true;
  main.hidden = false;
  side.hidden = false;
  viewer.resize();
  const start = state.imageIndex >= 0 && state.imageIndex < p.imageCount ? state.imageIndex : p.imageIndex;
  if (p.imageCount === 0) { status.textContent = 'This file has no images.'; return; }
  const restoreView = state.zoom !== null && state.imageIndex === start;
  void show(start).then(() => { if (restoreView) { viewer.setView(state.zoom!, state.panX, state.panY); } });
});

channel.on('changed', (p) => {
  problems = p.problemImages;
  setCategories(p.categories);
  void show(index, true);
});

channel.on('reveal', ({ imageIndex, annotationId }) => {
  void show(imageIndex).then(() => {
    const a = current?.annotations.find((x) => x.id === annotationId);
    if (a) { viewer.select(a); renderAnnotationList(); renderDetails(); }
  });
});

channel.on('loadError', ({ message }) => {
  loadingText.textContent = `Cannot open this file: ${message}`;
  bar.hidden = true;
});

channel.handle('getViewInfo', () => ({ imageIndex: index, selected: viewer.selected?.id ?? null }));

// ------------------------------------------------------------------ keys
window.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).closest?.('vscode-single-select, input, vscode-textfield')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  switch (e.key) {
    case 'ArrowLeft': case 'k': go(wanted - 1); break;
    case 'ArrowRight': case 'j': go(wanted + 1); break;
    case 'n': nextProblem(); break;
    case 'f': viewer.fit(); break;
    case '1': viewer.actualSize(); saveState(); break;
    case '+': case '=': viewer.zoomAt(1.25, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
    case '-': viewer.zoomAt(0.8, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
    case 'Escape': viewer.select(null); renderAnnotationList(); renderDetails(); break;
    case 'Delete': case 'Backspace':
      if (viewer.selected && !readonly) void edit({ op: 'delete', annotationIndex: viewer.selected.index });
      break;
    default: return;
  }
  e.preventDefault();
});

// For tests and benchmarks (no effect in VS Code).
(window as unknown as { labelscope: unknown }).labelscope = { viewer, channel, state: () => ({ index, current }) };

channel.notify('ready', {});
