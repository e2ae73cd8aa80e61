/**
 * The image toolbar: navigation, the drawing tools (select, box, polygon, Segment) with the
 * category of new shapes, next problem, evaluate, fit / 1:1, fill opacity and outline only.
 */
import { SegmentTool } from '../segment/segmentTool';
import { catKey } from '../catKey';
import type { Tool } from '../viewer';
import type { App } from './context';
import { button, el } from './dom';

export class Toolbar {
  readonly counter = el('span', 'counter');
  readonly fileLabel = el('span', 'file');
  readonly tools = el('span', 'tools');
  readonly newCat = el('select', 'filter new-cat') as HTMLSelectElement;
  readonly segmentTool: SegmentTool;
  private readonly toolBtns = new Map<Tool, HTMLElement>();
  /** The controls that go behind ⋯ when the toolbar is narrow. */
  readonly more = el('div', 'more');
  private readonly moreBtn: HTMLElement;
  private readonly sideBtn: HTMLElement;
  private readonly nextBtn: HTMLElement;

  constructor(private readonly app: App) {
    const { viewer, store, channel } = app;
    const state = store.view;
    const prevBtn = button('◀', 'Previous image (← or k)', () => app.images.go(store.wanted - 1));
    const nextBtn = this.nextBtn = button('▶', 'Next image (→ or j)', () => app.images.go(store.wanted + 1));
    const problemBtn = button('Next problem', 'Next problem, across images (n; N: previous)', () => app.problemNav.stepProblem(1));
    const gridBtn = button('Grid', 'Thumbnail grid (g)', () => app.gridMode.setMode(state.mode === 'grid' ? 'image' : 'grid'));
    const fitBtn = button('Fit', 'Fit (f)', () => viewer.fit());
    const oneBtn = button('1:1', 'Actual size (1)', () => { viewer.actualSize(); app.saveState(); });
    const evalBtn = button('Evaluate Predictions…', 'Evaluate a predictions file against this file (TP / FP / FN overlay: e)', () => channel.notify('evaluatePredictions', {}));
    evalBtn.classList.add('evaluate');
    for (const b of [gridBtn, prevBtn, nextBtn]) b.classList.add('nav');
    shortLabel(gridBtn, 'Grid', '▦');
    const opacity = el('input') as HTMLInputElement;
    opacity.type = 'range'; opacity.min = '0'; opacity.max = '1'; opacity.step = '0.05'; opacity.value = String(state.fillOpacity);
    opacity.title = 'Fill opacity';
    opacity.addEventListener('input', () => { viewer.opts.fillOpacity = state.fillOpacity = Number(opacity.value); viewer.requestRender(); app.saveState(); });
    const outline = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean; label: string };
    outline.label = 'Outline only';
    outline.checked = state.outlineOnly;
    outline.addEventListener('change', () => { viewer.opts.outlineOnly = state.outlineOnly = outline.checked; viewer.requestRender(); app.saveState(); });
    const opLabel = el('label', 'opacity-label', 'Fill ');
    opLabel.appendChild(opacity);
    // Drawing tools: select (v), box (b), polygon (p), with the category of new shapes.
    const tools = this.tools;
    tools.setAttribute('role', 'radiogroup');
    tools.setAttribute('aria-label', 'Tool');
    for (const [t, text, title] of [['select', 'Select', 'Select and edit (v)'], ['box', 'Box', 'Draw a box (b)'], ['polygon', 'Polygon', 'Draw a polygon (p): click the points, Enter or double-click closes, Esc cancels'], ['segment', 'Segment', 'Segment with SAM (s): click the object (Alt/right click: not this), or drag a box; Enter adds the mask, Tab next candidate, Esc clears']] as const) {
      const b = button(text, title, () => this.setTool(t));
      shortLabel(b, text, TOOL_GLYPHS[t]);
      b.classList.add('tool-btn');
      b.dataset.tool = t;
      b.setAttribute('role', 'radio');
      this.toolBtns.set(t, b);
      tools.appendChild(b);
    }
    const newCat = this.newCat;
    newCat.title = 'Category of new shapes';
    newCat.setAttribute('aria-label', 'Category of new shapes');
    tools.appendChild(newCat);
    // The less used controls: inline when the toolbar has room, else behind ⋯ (a split editor).
    const more = this.more;
    more.id = 'toolbar-more';
    more.append(problemBtn, evalBtn, fitBtn, oneBtn, opLabel, outline);
    const moreBtn = this.moreBtn = button('⋯', 'More tools', () => this.toggleMore());
    moreBtn.classList.add('more-btn');
    moreBtn.setAttribute('aria-haspopup', 'true');
    moreBtn.setAttribute('aria-controls', more.id);
    moreBtn.setAttribute('aria-expanded', 'false');
    const sideBtn = this.sideBtn = button('Panel', 'Show or hide the side panel (\\)', () => this.toggleSide());
    sideBtn.classList.add('side-btn');
    shortLabel(sideBtn, 'Panel', '◨');
    app.layout.toolbar.append(gridBtn, prevBtn, this.counter, nextBtn, this.fileLabel, el('span', 'spacer'), tools, more, moreBtn, sideBtn);
    this.applySide();
    new ResizeObserver(() => this.fitToolbar()).observe(app.layout.main);

    // The Segment tool (SAM): prompts from the viewer, previews and the accepted mask from the host.
    this.segmentTool = new SegmentTool({
      segment: (p) => channel.request('samSegment', p),
      accept: async (i) => {
        const cat = this.newCategory();
        if (!cat) return { ok: false, message: 'The file has no categories: add one in the JSON first.' };
        const r = await channel.request('samAccept', { imageIndex: i, categoryId: cat.id, format: 'polygon' });
        if (r.ok) { app.say(`Added annotation ${String(r.annotationId)} (${cat.name})`); store.pendingSelect = r.annotationId; }
        return r;
      },
      changed: () => viewer.requestRender(),
      status: (text) => app.say(text),
    }, 0);
    viewer.segment = this.segmentTool;
    store.on('categories', () => this.fillNewCategory());
  }

  /**
   * One row, always: as it is when it fits; else compact (the less used controls behind ⋯);
   * else also tight (glyphs for the tool, Grid and Panel labels, the names kept as their
   * accessible names and tooltips); else also narrow (a ~500 px editor with the side panel: the
   * image counter and the new shapes' category go behind ⋯ too). A row that wraps would stack
   * over the image.
   */
  fitToolbar(): void {
    const bar = this.app.layout.toolbar;
    if (bar.hidden || bar.offsetParent === null) return;
    const wasOpen = this.more.classList.contains('open');
    bar.classList.remove('compact', 'tight', 'narrow');
    this.narrow(false);
    const row = this.sideBtn.offsetHeight || 26;
    const wraps = () => bar.scrollHeight > row * 1.6 + 10;
    for (const level of ['compact', 'tight', 'narrow']) {
      if (!wraps()) break;
      bar.classList.add(level);
      if (level === 'narrow') this.narrow(true);
    }
    const compact = bar.classList.contains('compact');
    this.more.classList.toggle('open', compact && wasOpen);
    this.moreBtn.setAttribute('aria-expanded', String(compact && wasOpen));
  }

  /** The counter and the new shapes' category: first in the ⋯ menu (narrow), else in their places in the row. */
  private narrow(on: boolean): void {
    if (on) { this.more.prepend(this.counter, this.newCat); return; }
    if (this.counter.parentElement !== this.app.layout.toolbar) this.nextBtn.before(this.counter);
    if (this.newCat.parentElement !== this.tools) this.tools.append(this.newCat);
  }

  /** Open or close the ⋯ menu (compact toolbar); opening focuses its first control. */
  toggleMore(open = !this.more.classList.contains('open')): void {
    this.more.classList.toggle('open', open);
    this.moreBtn.setAttribute('aria-expanded', String(open));
    if (open) (this.more.firstElementChild as HTMLElement | null)?.focus();
  }

  /** The ⋯ menu is open (Escape closes it first). */
  get moreOpen(): boolean { return this.more.classList.contains('open'); }

  /** Collapse or expand the side panel (remembered in the view state). */
  toggleSide(): void {
    const state = this.app.store.view;
    state.sideCollapsed = !state.sideCollapsed;
    this.applySide();
    this.app.saveState();
  }

  private applySide(): void {
    const collapsed = !!this.app.store.view.sideCollapsed;
    this.app.layout.app.classList.toggle('side-collapsed', collapsed);
    this.sideBtn.setAttribute('aria-pressed', String(!collapsed));
    this.sideBtn.title = `${collapsed ? 'Show' : 'Hide'} the side panel (\\)`;
  }

  /** The category new shapes get (the first one when none is picked). */
  private newCategory() {
    const { categories } = this.app.store;
    return categories.find((c) => catKey(c.id) === this.newCat.value) ?? categories[0];
  }

  setTool(t: Tool): void {
    const { viewer, store, channel } = this.app;
    if (store.readonly && t !== 'select') { this.app.say('This workspace is not trusted: the file is read-only.'); return; }
    if (viewer.tool === 'segment' && t !== 'segment') { channel.notify('samReset', { imageIndex: store.index }); this.segmentTool.clear(); }
    viewer.setTool(t);
    for (const [k, b] of this.toolBtns) {
      const on = k === viewer.tool;
      if (on) b.removeAttribute('secondary'); else b.setAttribute('secondary', '');
      b.setAttribute('aria-checked', String(on));
    }
    document.body.dataset.tool = viewer.tool;
    // No hover card while drawing.
    if (viewer.tool !== 'select') this.app.panel.showTooltip(null, 0, 0);
    if (t === 'segment') {
      this.app.say('Segment: click the object (Alt or right click: not this part), or drag a box around it.');
      // Which model runs (or why none can): said once the host knows.
      void channel.request('samStatus', {}).then((r) => {
        if (viewer.tool !== 'segment') return;
        if (!r.enabled) { this.setTool('select'); this.app.say(r.message ?? 'Segment is not available here.'); return; }
        this.app.say(`Segment with ${r.label}: click the object (Alt or right click: not this part)${r.fallback ? '; without a SAM model, drag a box first' : ', or drag a box around it'}.`);
        channel.notify('samPrefetch', { imageIndex: store.index });
      });
    } else if (t !== 'select') this.app.say(t === 'box' ? 'Drag to draw a box.' : 'Click the points of the polygon; Enter or double-click closes it, Esc cancels.');
  }

  private fillNewCategory(): void {
    const newCat = this.newCat;
    const keep = newCat.value;
    const { categories } = this.app.store;
    newCat.replaceChildren(...categories.map((c) => { const o = el('option', undefined, c.name) as HTMLOptionElement; o.value = catKey(c.id); return o; }));
    if (keep && categories.some((c) => catKey(c.id) === keep)) newCat.value = keep;
  }

  /** A shape drawn with the box or polygon tool becomes an annotation of the picked category. */
  async create(shape: 'box' | 'polygon', polygons: number[][]): Promise<void> {
    const { store, channel } = this.app;
    const cat = this.newCategory();
    if (!cat || !store.current) { this.app.say('The file has no categories: add one in the JSON first.'); return; }
    const r = await channel.request('edit', { op: 'create', imageIndex: store.current.image.index, categoryId: cat.id, polygons, shape, generation: store.init?.generation });
    if (!r.ok) { this.app.say(r.message ?? 'The shape was not added'); return; }
    this.app.say(`Added annotation ${String(r.annotationId)} (${cat.name})`);
    store.pendingSelect = r.annotationId;
  }
}

/** The tools' glyphs in a tight toolbar. */
const TOOL_GLYPHS: Record<Tool, string> = { select: '↖', box: '▭', polygon: '⬠', segment: '✦' };

/** A button whose label becomes `glyph` in a tight toolbar; `name` stays its accessible name. */
function shortLabel(b: HTMLElement, name: string, glyph: string): void {
  const short = el('span', 'short', glyph);
  short.setAttribute('aria-hidden', 'true');
  b.replaceChildren(el('span', 'long', name), short);
  b.setAttribute('aria-label', name);
}
