/**
 * The thumbnail grid and its filter bar (category, rule, severity, no annotations, file
 * name, sort, and the Dataset Report's / evaluation report's filters as chips), and the
 * switch between the image and the grid (g).
 */
import type { GridQuery, HostNotifications } from '../../../src/shared/protocol';
import { Grid } from '../grid';
import { catKey } from '../catKey';
import type { App } from './context';
import { button, el, option } from './dom';

export class GridMode {
  readonly grid: Grid;
  private readonly catFilter: HTMLSelectElement;
  private readonly ruleFilter: HTMLSelectElement;
  private readonly sevFilter: HTMLSelectElement;
  private readonly sortSel: HTMLSelectElement;
  private readonly emptyOnly: HTMLInputElement;
  private readonly search: HTMLInputElement;
  private readonly gridCount = el('span', 'grid-count');
  private readonly boxBinChip: HTMLElement;
  private readonly evalChip: HTMLElement;
  // The Dataset Report's chart filter (labelscope.viewer.filterGrid): shown as a chip that clears it.
  private boxBin: GridQuery['boxBin'];
  // The evaluation report's class / confusion-cell filter (issue 12): a chip too.
  private evalImages: GridQuery['imageIds'];
  private searchTimer = 0;

  constructor(private readonly app: App) {
    const { layout, channel, store } = app;
    const state = store.view;
    this.grid = new Grid(layout.main, channel, {
      open: (i) => { state.gridScroll = this.grid.scroller.scrollTop; this.setMode('image', false); app.images.go(i); },
      queryChanged: (q) => { state.grid = q; this.gridCount.textContent = `${this.grid.count.toLocaleString()} of ${this.grid.total.toLocaleString()} images`; app.saveState(); },
    });
    layout.main.insertBefore(this.grid.root, layout.status);
    this.grid.root.hidden = true;
    this.catFilter = this.select('All categories', 'Only images with this category');
    this.ruleFilter = this.select('All images', 'Only images with problems of this rule');
    this.sevFilter = this.select('Any severity', 'Only images with problems of at least this severity');
    for (const [v, t] of [['error', 'Errors'], ['warning', 'Warnings and errors'], ['info', 'Any problem']]) this.sevFilter.append(option(v, t));
    this.sortSel = this.select('File order', 'Sort');
    this.sortSel.append(option('problems', 'Most problems first'), option('annotations', 'Most annotations first'));
    const emptyOnly = this.emptyOnly = el('input') as HTMLInputElement;
    emptyOnly.type = 'checkbox';
    emptyOnly.className = 'empty-only';
    const emptyLabel = el('label', 'check-label');
    emptyLabel.append(emptyOnly, document.createTextNode(' No annotations'));
    const search = this.search = el('input', 'search') as HTMLInputElement;
    search.type = 'search';
    search.placeholder = 'File name…';
    search.setAttribute('aria-label', 'Search file names');
    const backBtn = button('Image', 'Back to the image (g or Escape)', () => this.setMode('image'));
    this.boxBin = state.grid?.boxBin;
    this.boxBinChip = button('', 'Clear the Dataset Report filter', () => { this.boxBin = undefined; this.showChips(); this.runQuery(); });
    this.boxBinChip.classList.add('box-bin-filter');
    this.evalImages = state.grid?.imageIds;
    this.evalChip = button('', 'Clear the evaluation filter', () => { this.evalImages = undefined; this.showChips(); this.runQuery(); });
    this.evalChip.classList.add('eval-filter');
    this.showChips();
    layout.gridBar.append(backBtn, search, this.catFilter, this.ruleFilter, this.sevFilter, emptyLabel, this.boxBinChip, this.evalChip, this.sortSel, el('span', 'spacer'), this.gridCount);
    layout.gridBar.hidden = true;
    search.addEventListener('input', () => { clearTimeout(this.searchTimer); this.searchTimer = window.setTimeout(() => this.runQuery(), 150); });
    emptyOnly.addEventListener('change', () => this.runQuery());
    store.on('problems', () => { if (state.mode === 'grid') this.grid.invalidate(); });
  }

  private showChips(): void {
    const { boxBin, evalImages, boxBinChip, evalChip } = this;
    boxBinChip.hidden = !boxBin;
    boxBinChip.textContent = boxBin ? `${boxBin.label ?? `${boxBin.measure} bin ${boxBin.bin}`} ✕` : '';
    evalChip.hidden = !evalImages;
    evalChip.textContent = evalImages ? `${evalImages.label} (${evalImages.ids.length} images) ✕` : '';
  }

  private select(first: string, title: string): HTMLSelectElement {
    const s = el('select', 'filter') as HTMLSelectElement;
    s.title = title;
    s.setAttribute('aria-label', title);
    s.append(option('', first));
    s.addEventListener('change', () => this.runQuery());
    return s;
  }

  /** The filters' choices from the file (categories, rules with problems) and the saved query. */
  fillFilters(): void {
    const { store } = this.app;
    const { categories, problems } = store;
    const q = store.view.grid ?? {};
    const cat = this.catFilter.value || (q.categories?.length ? catKey(q.categories[0]) : '');
    this.catFilter.replaceChildren(option('', 'All categories'), ...categories.map((c) => option(catKey(c.id), `${c.name} (${c.count})`)));
    this.catFilter.value = cat;
    const rule = this.ruleFilter.value || q.rule || '';
    const rules = [...new Set(problems.map((p) => p.rule))].sort();
    this.ruleFilter.replaceChildren(option('', 'All images'), option('*', 'Any problem'), ...rules.map((r) => option(r, r)));
    this.ruleFilter.value = rule;
    if (!this.sevFilter.value && q.severity) this.sevFilter.value = q.severity;
    if (!this.sortSel.value && q.sort && q.sort !== 'index') this.sortSel.value = q.sort;
    if (!this.search.value && q.search) this.search.value = q.search;
    if (q.noAnnotations) this.emptyOnly.checked = true;
  }

  private query(): GridQuery {
    const cat = this.app.store.categories.find((c) => catKey(c.id) === this.catFilter.value);
    const { ruleFilter, sevFilter, emptyOnly, search, sortSel, boxBin, evalImages } = this;
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

  private runQuery(): void { void this.grid.setQuery(this.query()); }

  setMode(mode: 'image' | 'grid', focus = true): void {
    const { store, layout, viewer } = this.app;
    const state = store.view;
    state.mode = mode;
    const g = mode === 'grid';
    this.grid.root.hidden = !g;
    layout.gridBar.hidden = !g;
    layout.stageWrap.hidden = g;
    layout.toolbar.hidden = g;
    layout.side.hidden = g || !store.init;
    document.body.dataset.mode = mode;
    if (g) {
      this.fillFilters();
      void this.grid.setQuery(this.query(), state.gridScroll ?? 0).then(() => { this.grid.focusImage(store.index); if (focus) this.grid.scroller.focus(); });
    } else {
      viewer.resize();
      if (focus) viewer.root.focus();
    }
    this.app.saveState();
  }

  /** The file changed: new filter choices, thumbnails drawn again. */
  refresh(): void {
    this.fillFilters();
    this.grid.invalidate();
  }

  /** A report's filter (labelscope.viewer.filterGrid): the grid with it. */
  applyFilter(f: HostNotifications['filterGrid']): void {
    const { store } = this.app;
    this.fillFilters();
    this.catFilter.value = f.categoryId !== undefined && store.categories.some((c) => catKey(c.id) === catKey(f.categoryId!)) ? catKey(f.categoryId) : '';
    this.boxBin = f.boxBin;
    this.evalImages = f.imageIds;
    this.showChips();
    store.view.gridScroll = 0;
    if (store.view.mode === 'grid') this.runQuery();
    else this.setMode('grid');
  }
}
