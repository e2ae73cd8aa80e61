/** The COCO viewer webview: wires the protocol, the canvas viewer and the side panel. */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import css from './styles.css';
import {
  webviewChannel, categoryColor, type AnnotationInfo, type CategoryInfo, type EditOp, type Envelope, type GridQuery, type Id, type ImagePayload,
  type InitPayload, type ProblemInfo, type ViewState, type WebviewChannel,
} from '../../src/shared/protocol';
import { Grid } from './grid';
import { SegmentTool } from './segment/segmentTool';
import { overlayColors, overlayItems, stepChange } from './reports/compare/diffOverlay';
import { evalOverlayColors, renderEvalLegend } from './evalOverlay';
import { buildShapes, buildShapesAsync, rleWorkerSettings } from './shapes';
import { Minimap } from './minimap';
import { Viewer, catKey, type Tool } from './viewer';

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
  mode: saved.mode ?? 'image',
  grid: saved.grid ?? {},
  gridScroll: saved.gridScroll ?? 0,
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
const gridBar = el('div', 'toolbar grid-bar');
main.append(toolbar, gridBar, stageWrap, status);
app.append(loading, main, side, tooltip);
main.hidden = true;
tooltip.hidden = true;
side.hidden = true;

const hidden = new Set(state.hiddenCategories.map(catKey));
const viewer = new Viewer(stageWrap, {
  fillOpacity: state.fillOpacity, outlineOnly: state.outlineOnly, hidden, readonly: false,
  categoryOf: (a) => catById.get(catKey(a.categoryId)),
}, {
  onSelect: (ann) => { renderAnnotationList(); renderDetails(); channel.notify('selected', { imageIndex: current?.image.index ?? 0, annotationId: ann?.id ?? null }); },
  onHover: (ann, x, y) => showTooltip(ann, x, y),
  onBoxEdit: (ann, bbox) => { void edit({ op: 'setBbox', annotationIndex: ann.index, bbox }); },
  onPolygonsEdit: (ann, polygons, label) => { void edit({ op: 'setPolygons', annotationIndex: ann.index, polygons, label }); },
  onCreate: (shape, polygons) => { void create(shape, polygons); },
  onViewChange: () => { saveState(); minimap.render(); },
});
const minimap = new Minimap(stageWrap, viewer);
stageWrap.appendChild(missing);
missing.hidden = true;
const evalLegend = el('div', 'eval-legend');
evalLegend.hidden = true;
stageWrap.appendChild(evalLegend);

// Toolbar
const prevBtn = button('◀', 'Previous image (← or k)', () => go(wanted - 1));
const nextBtn = button('▶', 'Next image (→ or j)', () => go(wanted + 1));
const counter = el('span', 'counter');
const fileLabel = el('span', 'file');
const problemBtn = button('Next problem', 'Next problem, across images (n; N: previous)', () => stepProblem(1));
const gridBtn = button('Grid', 'Thumbnail grid (g)', () => setMode(state.mode === 'grid' ? 'image' : 'grid'));
const fitBtn = button('Fit', 'Fit (f)', () => viewer.fit());
const oneBtn = button('1:1', 'Actual size (1)', () => { viewer.actualSize(); saveState(); });
const evalBtn = button('Evaluate Predictions…', 'Evaluate a predictions file against this file (TP / FP / FN overlay: e)', () => channel.notify('evaluatePredictions', {}));
evalBtn.classList.add('evaluate');
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
// Drawing tools: select (v), box (b), polygon (p), with the category of new shapes.
const toolBtns = new Map<Tool, HTMLElement>();
const tools = el('span', 'tools');
tools.setAttribute('role', 'radiogroup');
tools.setAttribute('aria-label', 'Tool');
for (const [t, text, title] of [['select', 'Select', 'Select and edit (v)'], ['box', 'Box', 'Draw a box (b)'], ['polygon', 'Polygon', 'Draw a polygon (p): click the points, Enter or double-click closes, Esc cancels'], ['segment', 'Segment', 'Segment with SAM (s): click the object (Alt/right click: not this), or drag a box; Enter adds the mask, Tab next candidate, Esc clears']] as const) {
  const b = button(text, title, () => setTool(t));
  b.classList.add('tool-btn');
  b.dataset.tool = t;
  b.setAttribute('role', 'radio');
  toolBtns.set(t, b);
  tools.appendChild(b);
}
const newCat = el('select', 'filter new-cat') as HTMLSelectElement;
newCat.title = 'Category of new shapes';
newCat.setAttribute('aria-label', 'Category of new shapes');
tools.appendChild(newCat);
toolbar.append(gridBtn, prevBtn, counter, nextBtn, fileLabel, el('span', 'spacer'), tools, problemBtn, evalBtn, fitBtn, oneBtn, opLabel, outline);

function setTool(t: Tool): void {
  if (readonly && t !== 'select') { status.textContent = 'This workspace is not trusted: the file is read-only.'; return; }
  if (viewer.tool === 'segment' && t !== 'segment') { channel.notify('samReset', { imageIndex: index }); segmentTool.clear(); }
  viewer.setTool(t);
  for (const [k, b] of toolBtns) {
    const on = k === viewer.tool;
    if (on) b.removeAttribute('secondary'); else b.setAttribute('secondary', '');
    b.setAttribute('aria-checked', String(on));
  }
  document.body.dataset.tool = viewer.tool;
  if (t === 'segment') {
    status.textContent = 'Segment: click the object (Alt or right click: not this part), or drag a box around it.';
    // Which model runs (or why none can): said once the host knows.
    void channel.request('samStatus', {}).then((r) => {
      if (viewer.tool !== 'segment') return;
      if (!r.enabled) { setTool('select'); status.textContent = r.message ?? 'Segment is not available here.'; return; }
      status.textContent = `Segment with ${r.label}: click the object (Alt or right click: not this part)${r.fallback ? '; without a SAM model, drag a box first' : ', or drag a box around it'}.`;
      channel.notify('samPrefetch', { imageIndex: index });
    });
  } else if (t !== 'select') status.textContent = t === 'box' ? 'Drag to draw a box.' : 'Click the points of the polygon; Enter or double-click closes it, Esc cancels.';
}

// The Segment tool (SAM): prompts from the viewer, previews and the accepted mask from the host.
const segmentTool = new SegmentTool({
  segment: (p) => channel.request('samSegment', p),
  accept: async (i) => {
    const cat = categories.find((c) => catKey(c.id) === newCat.value) ?? categories[0];
    if (!cat) return { ok: false, message: 'The file has no categories: add one in the JSON first.' };
    const r = await channel.request('samAccept', { imageIndex: i, categoryId: cat.id, format: 'polygon' });
    if (r.ok) { status.textContent = `Added annotation ${String(r.annotationId)} (${cat.name})`; pendingSelect = r.annotationId; }
    return r;
  },
  changed: () => viewer.requestRender(),
  status: (text) => { status.textContent = text; },
}, 0);
viewer.segment = segmentTool;

function fillNewCategory(): void {
  const keep = newCat.value;
  newCat.replaceChildren(...categories.map((c) => { const o = el('option', undefined, c.name) as HTMLOptionElement; o.value = catKey(c.id); return o; }));
  if (keep && categories.some((c) => catKey(c.id) === keep)) newCat.value = keep;
}

async function create(shape: 'box' | 'polygon', polygons: number[][]): Promise<void> {
  const cat = categories.find((c) => catKey(c.id) === newCat.value) ?? categories[0];
  if (!cat || !current) { status.textContent = 'The file has no categories: add one in the JSON first.'; return; }
  const r = await channel.request('edit', { op: 'create', imageIndex: current.image.index, categoryId: cat.id, polygons, shape, generation: init?.generation });
  if (!r.ok) { status.textContent = r.message ?? 'The shape was not added'; return; }
  status.textContent = `Added annotation ${String(r.annotationId)} (${cat.name})`;
  pendingSelect = r.annotationId;
}
/** Select this annotation when the next image payload arrives (a shape just created). */
let pendingSelect: Id | undefined;

function button(text: string, title: string, fn: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  b.title = title;
  b.setAttribute('secondary', '');
  b.addEventListener('click', fn);
  return b;
}

// Side panel
const probHeader = el('h3', undefined, 'Problems');
const probList = el('div', 'prob-list');
const catHeader = el('h3', undefined, 'Categories');
const catList = el('div', 'cat-list');
const annHeader = el('h3', undefined, 'Annotations');
const annList = el('div', 'ann-list');
const details = el('div', 'details');
side.append(probHeader, probList, annHeader, annList, details, catHeader, catList);

// ------------------------------------------------------------------ state
let init: InitPayload | undefined;
let categories: CategoryInfo[] = [];
let catById = new Map<string, CategoryInfo>();
let current: ImagePayload | undefined;
let index = 0;
/** The image being fetched (key repeat moves from here, not from the one still shown). */
let wanted = 0;
/** The check's problems tied to images, sorted by image (for n / N). */
let problems: ProblemInfo[] = [];
let problemSource: 'check' | 'none' = 'none';
let fileLevelProblems = 0;
/** Position in `problems` of the problem n / N went to last. */
let cursor = -1;
let loadSeq = 0;
let readonly = false;

function saveState(): void {
  state.imageIndex = index;
  state.zoom = viewer.fitted ? null : viewer.zoom;
  state.panX = viewer.panX;
  state.panY = viewer.panY;
  state.hiddenCategories = categories.filter((c) => hidden.has(catKey(c.id))).map((c) => c.id);
  state.gridScroll = grid.scroller.scrollTop;
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
  fillNewCategory();
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

/** The hover card's lines: id, category, area, iscrowd, the annotation's problems. */
function annFacts(a: AnnotationInfo): HTMLElement[] {
  const c = catById.get(catKey(a.categoryId));
  const mine = problems.filter((p) => p.imageIndex === index && p.annotationId === a.id);
  const head = el('div', 'tip-head', `Annotation ${String(a.id)} · ${c?.name ?? `category ${String(a.categoryId)}`}`);
  const facts = el('div', 'tip-facts', `area ${a.area ?? '—'} · iscrowd ${a.iscrowd ? 1 : 0} · ${a.kind}${a.keypoints ? ` · ${a.keypoints.filter((_, i) => i % 3 === 2).filter((v) => v > 0).length} keypoints` : ''}`);
  const out = [head, facts];
  if (mine.length) for (const p of mine) out.push(el('div', `tip-prob sev-${p.severity}`, `${SEV_ICON[p.severity]} ${p.message}`));
  else out.push(el('div', 'tip-ok', problemSource === 'none' ? 'Not checked yet' : 'No problems'));
  return out;
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
    const np = problems.filter((p) => p.imageIndex === index && p.annotationId === a.id).length;
    if (np) { const b = el('span', 'badge badge-warning', String(np)); b.title = `${np} problem${np === 1 ? '' : 's'}`; row.appendChild(b); }
    row.tabIndex = 0;
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(viewer.selected?.id === a.id));
    const pick = () => { viewer.select(a); renderAnnotationList(); renderDetails(); channel.notify('selected', { imageIndex: index, annotationId: a.id }); (annList.querySelector(`.ann-row[data-annotation-id="${CSS.escape(String(a.id))}"]`) as HTMLElement | null)?.focus(); };
    row.addEventListener('click', pick);
    // Keyboard: the hover card shows for the focused row; Enter/Space selects, arrows move.
    row.addEventListener('focus', () => { const r = row.getBoundingClientRect(); showTooltip(a, r.left - 4, r.bottom, true); viewer.hover = a; viewer.requestRender(); });
    row.addEventListener('blur', () => { showTooltip(null, 0, 0); if (viewer.hover === a) { viewer.hover = null; viewer.requestRender(); } });
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { pick(); e.preventDefault(); e.stopPropagation(); }
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const sib = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
        sib?.focus(); e.preventDefault(); e.stopPropagation();
      }
    });
    annList.appendChild(row);
  }
}
annList.setAttribute('role', 'listbox');
annList.setAttribute('aria-label', 'Annotations of this image');

function renderDetails(): void {
  details.replaceChildren();
  const a = viewer.selected;
  if (!a) return;
  details.append(el('h3', undefined, `Annotation ${String(a.id)}`));
  const facts = el('div', 'facts');
  facts.textContent = `bbox ${a.bbox ? a.bbox.join(', ') : '—'} · area ${a.area ?? '—'} · ${a.kind}${a.iscrowd ? ' · crowd' : ''}`;
  details.append(facts);
  details.append(button('Show in JSON', 'Open the JSON text beside, at this annotation', () => {
    void channel.request('showInJson', { annotationIndex: a.index }).then((r) => { if (!r.ok) status.textContent = r.message ?? 'Cannot show the JSON text'; });
  }));
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

function showTooltip(a: AnnotationInfo | null, x: number, y: number, leftOf = false): void {
  if (!a) { tooltip.hidden = true; return; }
  tooltip.hidden = false;
  tooltip.replaceChildren(...annFacts(a));
  tooltip.dataset.annotationId = String(a.id);
  // Keep it inside the window.
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  let left = leftOf ? x - w : x + 14;
  let top = leftOf ? y - h : y + 14;
  left = Math.max(2, Math.min(window.innerWidth - w - 2, left));
  top = Math.max(2, Math.min(window.innerHeight - h - 2, top));
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
}
tooltip.setAttribute('role', 'tooltip');

async function edit(op: EditOp): Promise<void> {
  // The generation says which version of the file this view shows: the host refuses edits of an older one.
  const r = await channel.request('edit', { ...op, generation: init?.generation });
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
  // The host converts TIFF / 16-bit / huge images first (once; cached on disk): say so when it takes a while.
  const slow = setTimeout(() => { if (seq === loadSeq) status.textContent = 'Preparing the image for display…'; }, 400);
  const payload = await channel.request('getImage', { index: i }).finally(() => clearTimeout(slow));
  if (seq !== loadSeq) return;
  // RLE masks are decoded in a worker while the image file loads.
  const shapesP = buildShapesAsync(payload.annotations, payload.geometry, (a) => colorOf(a.categoryId));
  const imgP = payload.image.src ? loadImage(payload.image.src) : Promise.resolve(undefined);
  const shapes = await shapesP;
  if (seq !== loadSeq) return;
  const changedImage = i !== index || !current;
  index = i;
  if (changedImage) {
    // The diff overlay belongs to its image.
    if (diffImage !== undefined && diffImage !== i) { viewer.diffOverlay = undefined; diffImage = undefined; }
    // The evaluation overlay too: the host sends the new image's after imageShown.
    if (viewer.evalOverlay) { viewer.evalOverlay = undefined; evalLegend.hidden = true; }
    segmentTool.setImage(i);
    // The next image's embedding, so its first click is fast.
    if (viewer.tool === 'segment' && i + 1 < init.imageCount) channel.notify('samPrefetch', { imageIndex: i + 1 });
  }
  current = payload;
  const info = payload.image;
  if (!keepSelection) viewer.select(null);
  viewer.setShapes(shapes);
  if (pendingSelect !== undefined) {
    const a = payload.annotations.find((x) => x.id === pendingSelect);
    pendingSelect = undefined;
    if (a) { viewer.select(a); channel.notify('selected', { imageIndex: i, annotationId: a.id }); }
  }
  counter.textContent = `${i + 1} / ${init.imageCount}`;
  fileLabel.textContent = `${info.fileName}  ${info.width}×${info.height}`;
  fileLabel.title = `image id ${String(info.id)}${info.converted ? ` · shown converted (${info.converted})` : ''}`;
  const img = await imgP;
  if (seq !== loadSeq) return;
  // Image coordinates are the JSON's width × height, else the file's pixel size: a converted
  // (downscaled) bitmap is stretched to it, never drawn at its own naturalWidth.
  viewer.setImage(img, info.width || info.pixelWidth || img?.naturalWidth || 0, info.height || info.pixelHeight || img?.naturalHeight || 0);
  missing.hidden = !!img;
  if (!img && info.displayError) {
    missing.replaceChildren(el('strong', undefined, `Image can't be shown: ${info.fileName}`), el('div', undefined, info.displayError));
  } else if (!img) {
    missing.replaceChildren(el('strong', undefined, `Image not found: ${info.fileName}`));
    const ul = el('ul');
    for (const t of info.tried ?? (info.src ? [info.src] : [])) ul.appendChild(el('li', undefined, t));
    missing.append(el('div', undefined, info.src ? 'The file could not be decoded:' : 'Looked in:'), ul);
  }
  if (changedImage && !(state.zoom !== null && state.imageIndex === i)) {
    viewer.fit(false);
    // The overlays may have been cached at the last image's view while this one loaded: redraw at the fitted view.
    viewer.invalidateOverlays();
  }
  viewer.renderNow();
  minimap.render();
  renderAnnotationList();
  renderDetails();
  renderProblems();
  const ms = performance.now() - t0;
  status.textContent = viewer.diffOverlay ? diffStatus() : `${payload.annotations.length} annotations · shown in ${ms.toFixed(0)} ms`;
  channel.notify('imageShown', { imageIndex: i, ms });
  saveState();
  document.body.dataset.shown = `${i}:${payload.version}`;
}

function go(i: number): void {
  if (!init) return;
  state.zoom = null;
  void show(Math.max(0, Math.min(init.imageCount - 1, i)));
}

const SEV_ICON = { error: 'Error:', warning: 'Warning:', info: 'Info:' } as const;

function setProblems(list: ProblemInfo[], source: 'check' | 'none', fileLevel: number): void {
  const keyAtCursor = problems[cursor]?.key;
  problems = list.filter((p) => p.imageIndex >= 0);
  problemSource = source;
  fileLevelProblems = fileLevel;
  cursor = keyAtCursor === undefined ? -1 : problems.findIndex((p) => p.key === keyAtCursor);
  renderProblems();
  renderAnnotationList();
  if (state.mode === 'grid') grid.invalidate();
}

/** n / N: the next (previous) problem across images, wrapping around. */
function stepProblem(dir: 1 | -1): void {
  if (!problems.length) {
    status.textContent = problemSource === 'none' ? 'This file has not been checked yet (Labelscope: Check COCO File).' : 'No problems tied to an image.';
    return;
  }
  const here = state.mode === 'grid' ? -1 : wanted;
  let i: number;
  if (cursor >= 0 && cursor < problems.length && problems[cursor].imageIndex === here) i = cursor + dir;
  else if (dir > 0) i = problems.findIndex((p) => p.imageIndex >= here);
  else { i = -1; for (let k = problems.length - 1; k >= 0; k--) if (problems[k].imageIndex <= here) { i = k; break; } }
  if (i < 0 || i >= problems.length) i = dir > 0 ? 0 : problems.length - 1;
  goToProblem(i);
}

function goToProblem(i: number): void {
  cursor = i;
  const p = problems[i];
  if (state.mode === 'grid') setMode('image', false);
  const selectIt = () => {
    const a = p.annotationId === undefined ? undefined : current?.annotations.find((x) => x.id === p.annotationId);
    viewer.select(a ?? null);
    renderAnnotationList();
    renderDetails();
    renderProblems();
    status.textContent = `${SEV_ICON[p.severity]} ${p.message} (${p.rule}) · problem ${i + 1} of ${problems.length}`;
  };
  if (p.imageIndex !== index || !current) void show(p.imageIndex).then(selectIt);
  else selectIt();
}

function renderProblems(): void {
  probList.replaceChildren();
  const mine = problems.map((p, i) => [p, i] as const).filter(([p]) => p.imageIndex === index);
  probHeader.textContent = `Problems (${mine.length})`;
  probHeader.title = problemSource === 'none' ? 'Not checked yet' : `${problems.length} problems in ${new Set(problems.map((p) => p.imageIndex)).size} images${fileLevelProblems ? `; ${fileLevelProblems} not tied to an image` : ''}`;
  if (problemSource === 'none') { probList.append(el('div', 'muted', 'Not checked yet.')); return; }
  if (!mine.length) { probList.append(el('div', 'muted', 'None on this image.')); return; }
  for (const [p, i] of mine) {
    const row = el('div', `prob-row sev-${p.severity}`);
    row.dataset.key = String(p.key);
    if (i === cursor) row.classList.add('selected');
    row.tabIndex = 0;
    const msg = el('div', 'prob-msg', `${SEV_ICON[p.severity]} ${p.message}`);
    const rule = el('div', 'prob-rule', `${p.rule}${p.annotationId !== undefined ? ` · annotation ${String(p.annotationId)}` : ''} · line ${p.line}`);
    row.append(msg, rule);
    row.addEventListener('click', (e) => { if (!(e.target as HTMLElement).closest('vscode-button')) goToProblem(i); });
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === row) goToProblem(i); });
    if (p.fix && !readonly) {
      const b = button(p.fix, `Apply this fix (as the quick fix in the JSON text)`, () => {
        void channel.request('applyFix', { key: p.key, generation: init?.generation }).then((r) => { status.textContent = r.ok ? `Fixed: ${p.fix}` : (r.message ?? 'The fix was not applied'); });
      });
      b.classList.add('fix-btn');
      row.appendChild(b);
    }
    probList.appendChild(row);
  }
}

// ------------------------------------------------------------------ grid
const grid = new Grid(main, channel, {
  open: (i) => { state.gridScroll = grid.scroller.scrollTop; setMode('image', false); go(i); },
  queryChanged: (q) => { state.grid = q; gridCount.textContent = `${grid.count.toLocaleString()} of ${grid.total.toLocaleString()} images`; saveState(); },
});
main.insertBefore(grid.root, status);
grid.root.hidden = true;
const catFilter = select('All categories', 'Only images with this category');
const ruleFilter = select('All images', 'Only images with problems of this rule');
const sevFilter = select('Any severity', 'Only images with problems of at least this severity');
for (const [v, t] of [['error', 'Errors'], ['warning', 'Warnings and errors'], ['info', 'Any problem']]) sevFilter.append(option(v, t));
const sortSel = select('File order', 'Sort');
sortSel.append(option('problems', 'Most problems first'), option('annotations', 'Most annotations first'));
const emptyOnly = el('input') as HTMLInputElement;
emptyOnly.type = 'checkbox';
emptyOnly.className = 'empty-only';
const emptyLabel = el('label', 'check-label');
emptyLabel.append(emptyOnly, document.createTextNode(' No annotations'));
const search = el('input', 'search') as HTMLInputElement;
search.type = 'search';
search.placeholder = 'File name…';
search.setAttribute('aria-label', 'Search file names');
const gridCount = el('span', 'grid-count');
const backBtn = button('Image', 'Back to the image (g or Escape)', () => setMode('image'));
// The Dataset Report's chart filter (labelscope.viewer.filterGrid): shown as a chip that clears it.
let boxBin: GridQuery['boxBin'] = state.grid?.boxBin;
const boxBinChip = button('', 'Clear the Dataset Report filter', () => { boxBin = undefined; showBoxBin(); runGridQuery(); });
boxBinChip.classList.add('box-bin-filter');
function showBoxBin(): void {
  boxBinChip.hidden = !boxBin;
  boxBinChip.textContent = boxBin ? `${boxBin.label ?? `${boxBin.measure} bin ${boxBin.bin}`} ✕` : '';
  evalChip.hidden = !evalImages;
  evalChip.textContent = evalImages ? `${evalImages.label} (${evalImages.ids.length} images) ✕` : '';
}
// The evaluation report's class / confusion-cell filter (issue 12): a chip too.
let evalImages: GridQuery['imageIds'] = state.grid?.imageIds;
const evalChip = button('', 'Clear the evaluation filter', () => { evalImages = undefined; showBoxBin(); runGridQuery(); });
evalChip.classList.add('eval-filter');
showBoxBin();
gridBar.append(backBtn, search, catFilter, ruleFilter, sevFilter, emptyLabel, boxBinChip, evalChip, sortSel, el('span', 'spacer'), gridCount);
gridBar.hidden = true;

function select(first: string, title: string): HTMLSelectElement {
  const s = el('select', 'filter') as HTMLSelectElement;
  s.title = title;
  s.setAttribute('aria-label', title);
  s.append(option('', first));
  s.addEventListener('change', () => runGridQuery());
  return s;
}
function option(value: string, text: string): HTMLOptionElement {
  const o = el('option', undefined, text) as HTMLOptionElement;
  o.value = value;
  return o;
}
let searchTimer = 0;
search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = window.setTimeout(runGridQuery, 150); });
emptyOnly.addEventListener('change', () => runGridQuery());

function fillGridFilters(): void {
  const q = state.grid ?? {};
  const cat = catFilter.value || (q.categories?.length ? catKey(q.categories[0]) : '');
  catFilter.replaceChildren(option('', 'All categories'), ...categories.map((c) => option(catKey(c.id), `${c.name} (${c.count})`)));
  catFilter.value = cat;
  const rule = ruleFilter.value || q.rule || '';
  const rules = [...new Set(problems.map((p) => p.rule))].sort();
  ruleFilter.replaceChildren(option('', 'All images'), option('*', 'Any problem'), ...rules.map((r) => option(r, r)));
  ruleFilter.value = rule;
  if (!sevFilter.value && q.severity) sevFilter.value = q.severity;
  if (!sortSel.value && q.sort && q.sort !== 'index') sortSel.value = q.sort;
  if (!search.value && q.search) search.value = q.search;
  if (q.noAnnotations) emptyOnly.checked = true;
}

function gridQuery(): GridQuery {
  const cat = categories.find((c) => catKey(c.id) === catFilter.value);
  return {
    ...(cat ? { categories: [cat.id] } : {}),
    ...(ruleFilter.value ? { rule: ruleFilter.value } : {}),
    ...(sevFilter.value ? { severity: sevFilter.value as GridQuery['severity'] } : {}),
    ...(emptyOnly.checked ? { noAnnotations: true } : {}),
    ...(search.value.trim() ? { search: search.value.trim() } : {}),
    ...(sortSel.value ? { sort: sortSel.value as GridQuery['sort'] } : {}),
    ...(boxBin ? { boxBin } : {}),
    ...(evalImages ? { imageIds: evalImages } : {}),
  };
}

function runGridQuery(): void { void grid.setQuery(gridQuery()); }

function setMode(mode: 'image' | 'grid', focus = true): void {
  state.mode = mode;
  const g = mode === 'grid';
  grid.root.hidden = !g;
  gridBar.hidden = !g;
  stageWrap.hidden = g;
  toolbar.hidden = g;
  side.hidden = g || !init;
  document.body.dataset.mode = mode;
  if (g) {
    fillGridFilters();
    void grid.setQuery(gridQuery(), state.gridScroll ?? 0).then(() => { grid.focusImage(index); if (focus) grid.scroller.focus(); });
  } else {
    viewer.resize();
    if (focus) viewer.root.focus();
  }
  saveState();
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
  tools.hidden = p.readonly;
  setTool('select');
  setCategories(p.categories);
  previewing = false;
  loading.hidden = true;
  main.hidden = false;
  side.hidden = false;
  viewer.resize();
  const start = state.imageIndex >= 0 && state.imageIndex < p.imageCount ? state.imageIndex : p.imageIndex;
  if (p.imageCount === 0) { status.textContent = 'This file has no images.'; return; }
  const restoreView = state.zoom !== null && state.imageIndex === start;
  void show(start).then(() => { if (restoreView) { viewer.setView(state.zoom!, state.panX, state.panY); } });
  if (state.mode === 'grid') setMode('grid');
});

channel.on('problems', (p) => setProblems(p.problems, p.source, p.fileLevel));

/** A first look at a big file while it is parsed: the first image with its overlays, no navigation yet. */
let previewing = false;
channel.on('preview', (p) => {
  if (init) return;
  previewing = true;
  setCategories(p.categories);
  loading.hidden = true;
  main.hidden = false;
  viewer.resize();
  current = p.first;
  index = wanted = p.first.image.index;
  const info = p.first.image;
  viewer.setShapes(buildShapes(p.first.annotations, p.first.geometry, (a) => colorOf(a.categoryId)));
  viewer.setImage(undefined, info.width, info.height);
  viewer.fit(false);
  viewer.renderNow();
  counter.textContent = '1 / …';
  fileLabel.textContent = `${info.fileName}  ${info.width}×${info.height}`;
  status.textContent = p.message;
  document.body.dataset.preview = String(info.index);
  if (info.src) void loadImage(info.src).then((img) => { if (previewing && img) { viewer.setImage(img, info.width, info.height); viewer.renderNow(); } });
});

channel.on('changed', (p) => {
  setCategories(p.categories);
  if (state.mode === 'grid') { fillGridFilters(); grid.invalidate(); }
  void show(index, true);
});

channel.on('reveal', ({ imageIndex, annotationId }) => {
  if (state.mode === 'grid') setMode('image', false);
  const k = problems.findIndex((p) => p.imageIndex === imageIndex && annotationId !== undefined && p.annotationId === annotationId);
  if (k >= 0) cursor = k;
  void show(imageIndex).then(() => {
    const a = current?.annotations.find((x) => x.id === annotationId);
    if (a) { viewer.select(a); renderAnnotationList(); renderDetails(); renderProblems(); viewer.root.focus(); }
  });
});

// Diff mode: the comparison's changes of one image over it; ] / [ walk them.
let diffImage: number | undefined;
channel.on('diffOverlay', ({ imageIndex, changes }) => {
  if (!changes.length) { viewer.diffOverlay = undefined; diffImage = undefined; viewer.requestRender(); return; }
  diffImage = imageIndex;
  viewer.diffOverlay = { items: overlayItems(changes), colors: overlayColors(), count: changes.length };
  if (state.mode === 'grid') setMode('image', false);
  if (imageIndex !== index) go(imageIndex); else { status.textContent = diffStatus(); viewer.requestRender(); }
});

function diffStatus(): string {
  const n = viewer.diffOverlay?.count ?? 0;
  return `Diff: ${n} change${n === 1 ? '' : 's'} on this image — ] / [ walk them.`;
}

function stepDiff(direction: 1 | -1): void {
  const d = viewer.diffOverlay;
  if (!d) return;
  d.selected = stepChange(d.count, d.selected, direction);
  const label = d.items.find((i) => i.index === d.selected)?.label;
  status.textContent = `Change ${(d.selected ?? 0) + 1} of ${d.count}${label ? `: ${label}` : ''}`;
  viewer.requestRender();
}

// Evaluation overlay (issue 12): the host sends the shown image's TP / FP / FN after each image change; e toggles it.
let evalShown = true;
let evalLast: { imageIndex: number; iou: number; items: import('../../src/shared/protocol').HostNotifications['evalOverlay']['items'] } | undefined;
channel.on('evalOverlay', (o) => {
  if (o.imageIndex !== index) return;
  evalLast = o;
  applyEvalOverlay();
});
function applyEvalOverlay(): void {
  const o = evalLast && evalLast.imageIndex === index ? evalLast : undefined;
  const colors = evalOverlayColors();
  viewer.evalOverlay = o && evalShown ? { items: o.items, colors } : undefined;
  evalLegend.hidden = !viewer.evalOverlay;
  if (o && evalShown) renderEvalLegend(evalLegend, o.items, o.iou, colors);
  viewer.requestRender();
}
function toggleEvalOverlay(): void {
  if (!evalLast) { status.textContent = 'No evaluation of this file yet: Evaluate Predictions… first.'; return; }
  evalShown = !evalShown;
  applyEvalOverlay();
  status.textContent = evalShown ? 'Evaluation overlay shown (e hides it).' : 'Evaluation overlay hidden (e shows it).';
}

channel.on('filterGrid', (f) => {
  fillGridFilters();
  catFilter.value = f.categoryId !== undefined && categories.some((c) => catKey(c.id) === catKey(f.categoryId!)) ? catKey(f.categoryId) : '';
  boxBin = f.boxBin;
  evalImages = f.imageIds;
  showBoxBin();
  state.gridScroll = 0;
  if (state.mode === 'grid') runGridQuery();
  else setMode('grid');
});

channel.on('loadError', ({ message }) => {
  loadingText.textContent = `Cannot open this file: ${message}`;
  bar.hidden = true;
});

channel.handle('getViewInfo', () => ({ imageIndex: index, selected: viewer.selected?.id ?? null }));

// ------------------------------------------------------------------ keys
window.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).closest?.('vscode-single-select, input, select, vscode-textfield')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (!init) return;
  if (e.key === 'g') { setMode(state.mode === 'grid' ? 'image' : 'grid'); e.preventDefault(); return; }
  if (state.mode === 'grid') {
    if (e.key === 'Escape') { setMode('image'); e.preventDefault(); }
    else if (e.key === 'n' || e.key === 'N') { stepProblem(e.key === 'n' ? 1 : -1); e.preventDefault(); }
    return;
  }
  if (viewer.tool === 'segment' && segmentTool.key(e.key)) { e.preventDefault(); return; }
  if (e.key === 'Enter' && viewer.tool === 'polygon') { if (!viewer.finishPolygon()) status.textContent = 'A polygon needs at least 3 points.'; e.preventDefault(); return; }
  switch (e.key) {
    case 'b': setTool('box'); break;
    case 'p': setTool('polygon'); break;
    case 's': setTool('segment'); break;
    case ']': stepDiff(1); break;
    case '[': stepDiff(-1); break;
    case 'v': setTool('select'); break;
    case 'e': toggleEvalOverlay(); break;
    case 'ArrowRight': case 'j': go(wanted + 1); break;
    case 'n': stepProblem(1); break;
    case 'N': stepProblem(-1); break;
    case 'f': viewer.fit(); break;
    case '1': viewer.actualSize(); saveState(); break;
    case '+': case '=': viewer.zoomAt(1.25, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
    case '-': viewer.zoomAt(0.8, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
    case 'ArrowLeft': case 'k': go(wanted - 1); break;
    case 'Escape':
      if (viewer.cancelDrawing()) { status.textContent = 'Drawing cancelled.'; break; }
      if (viewer.tool !== 'select') { setTool('select'); break; }
      if (viewer.selectedVertex) { viewer.selectedVertex = null; viewer.requestRender(); break; }
      viewer.select(null); renderAnnotationList(); renderDetails(); break;
    case 'Delete': case 'Backspace':
      if (readonly) break;
      if (viewer.selectedVertex) { const why = viewer.deleteSelectedVertex(); if (why) status.textContent = why; break; }
      if (viewer.selected) void edit({ op: 'delete', annotationIndex: viewer.selected.index });
      break;
    default: return;
  }
  e.preventDefault();
});

// For tests and benchmarks (no effect in VS Code).
(window as unknown as { labelscope: unknown }).labelscope = { viewer, grid, channel, rleWorkerSettings, state: () => ({ index, current, problems, cursor, mode: state.mode }) };

channel.notify('ready', {});
