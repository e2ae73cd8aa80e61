/**
 * The side panel: the shown image's problems (with their fixes), its annotations (a keyboard
 * listbox), the selected annotation's details (category, delete, Show in JSON), the categories
 * (show / hide); and the hover card over the stage.
 */
import type { AnnotationInfo, Id, ProblemInfo } from '../../../src/shared/protocol';
import { categorySwatch } from '../../../src/shared/palette';
import { checkStatus, fileProblems } from './fileProblems';
import { catKey } from '../catKey';
import type { App } from './context';
import { button, el } from './dom';

export const SEV_ICON = { error: 'Error:', warning: 'Warning:', info: 'Info:' } as const;

export class SidePanel {
  readonly probHeader = el('h3', undefined, 'Problems');
  readonly probList = el('div', 'prob-list');
  readonly catHeader = el('h3', undefined, 'Categories');
  readonly catList = el('div', 'cat-list');
  readonly annHeader = el('h3', undefined, 'Annotations');
  readonly annList = el('div', 'ann-list');
  readonly details = el('div', 'details');

  constructor(private readonly app: App) {
    app.layout.side.append(this.probHeader, this.probList, this.annHeader, this.annList, this.details, this.catHeader, this.catList);
    this.annList.setAttribute('role', 'listbox');
    this.annList.setAttribute('aria-label', 'Annotations of this image');
    app.layout.tooltip.setAttribute('role', 'tooltip');
    app.store.on('categories', () => this.renderCategories());
    app.store.on('problems', () => { this.renderProblems(); this.renderAnnotationList(); });
  }

  /** Annotations, details and problems of the shown image, after a change of image or selection. */
  renderAll(): void {
    this.renderAnnotationList();
    this.renderDetails();
    this.renderProblems();
  }

  renderCategories(): void {
    const { store } = this.app;
    this.catList.replaceChildren();
    for (const c of store.categories) {
      const row = el('div', 'cat-row');
      row.dataset.categoryId = String(c.id);
      const sw = el('span', 'swatch');
      sw.style.background = categorySwatch(c.colorIndex);
      const cb = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean; label: string };
      cb.label = `${c.name} (${c.count})`;
      cb.checked = !store.hidden.has(catKey(c.id));
      cb.addEventListener('change', () => this.toggleCategory(c.id, cb.checked));
      row.append(sw, cb);
      this.catList.appendChild(row);
    }
  }

  private toggleCategory(id: Id, visible: boolean): void {
    const { store, viewer } = this.app;
    if (visible) store.hidden.delete(catKey(id)); else store.hidden.add(catKey(id));
    if (!visible && viewer.selected && catKey(viewer.selected.categoryId) === catKey(id)) viewer.select(null);
    viewer.requestRender();
    this.renderAnnotationList();
    this.app.saveState();
  }

  private annLabel(a: AnnotationInfo): string {
    const c = this.app.store.category(a.categoryId);
    return `#${String(a.id)} ${c?.name ?? `category ${String(a.categoryId)}`}${a.iscrowd ? ' (crowd)' : ''}`;
  }

  /** The hover card's lines: id, category, area, iscrowd, the annotation's problems. */
  private annFacts(a: AnnotationInfo): HTMLElement[] {
    const { store } = this.app;
    const c = store.category(a.categoryId);
    const mine = store.problemsOf(a.id);
    const head = el('div', 'tip-head', `Annotation ${String(a.id)} · ${c?.name ?? `category ${String(a.categoryId)}`}`);
    const facts = el('div', 'tip-facts', `area ${a.area ?? '—'} · iscrowd ${a.iscrowd ? 1 : 0} · ${a.kind}${a.keypoints ? ` · ${a.keypoints.filter((_, i) => i % 3 === 2).filter((v) => v > 0).length} keypoints` : ''}`);
    const out = [head, facts];
    if (mine.length) for (const p of mine) out.push(el('div', `tip-prob sev-${p.severity}`, `${SEV_ICON[p.severity]} ${p.message}`));
    else out.push(el('div', 'tip-ok', store.problemSource === 'none' ? 'Not checked yet' : 'No problems'));
    return out;
  }

  renderAnnotationList(): void {
    const { store, viewer, channel } = this.app;
    const annList = this.annList;
    annList.replaceChildren();
    const current = store.current;
    if (!current) return;
    this.annHeader.textContent = `Annotations (${current.annotations.length})`;
    for (const a of current.annotations) {
      const row = el('div', 'ann-row');
      if (store.hidden.has(catKey(a.categoryId))) row.classList.add('hidden-cat');
      if (viewer.selected?.id === a.id) row.classList.add('selected');
      row.dataset.annotationId = String(a.id);
      const sw = el('span', 'swatch');
      sw.style.background = categorySwatch(store.category(a.categoryId)?.colorIndex ?? 0);
      if (!store.category(a.categoryId)) sw.style.background = store.colorOf(a.categoryId);
      row.append(sw, el('span', undefined, this.annLabel(a)), el('span', 'kind', a.kind));
      const np = store.problemsOf(a.id).length;
      if (np) { const b = el('span', 'badge badge-warning', String(np)); b.title = `${np} problem${np === 1 ? '' : 's'}`; row.appendChild(b); }
      row.tabIndex = 0;
      row.setAttribute('role', 'option');
      row.setAttribute('aria-selected', String(viewer.selected?.id === a.id));
      const pick = () => { viewer.select(a); this.renderAnnotationList(); this.renderDetails(); channel.notify('selected', { imageIndex: store.index, annotationId: a.id }); (annList.querySelector(`.ann-row[data-annotation-id="${CSS.escape(String(a.id))}"]`) as HTMLElement | null)?.focus(); };
      row.addEventListener('click', pick);
      // Pointing at a row outlines its shape on the stage (as focusing it does).
      row.addEventListener('mouseenter', () => { viewer.hover = a; viewer.requestRender(); });
      row.addEventListener('mouseleave', () => { if (viewer.hover === a && document.activeElement !== row) { viewer.hover = null; viewer.requestRender(); } });
      // Keyboard: the hover card shows for the focused row; Enter/Space selects, arrows move.
      row.addEventListener('focus', () => { const r = row.getBoundingClientRect(); this.showTooltip(a, r.left - 4, r.bottom, true); viewer.hover = a; viewer.requestRender(); });
      row.addEventListener('blur', () => { this.showTooltip(null, 0, 0); if (viewer.hover === a) { viewer.hover = null; viewer.requestRender(); } });
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

  renderDetails(): void {
    const { store, viewer, channel } = this.app;
    const details = this.details;
    details.replaceChildren();
    const a = viewer.selected;
    if (!a) return;
    details.append(el('h3', undefined, `Annotation ${String(a.id)}`));
    const facts = el('div', 'facts');
    facts.textContent = `bbox ${a.bbox ? a.bbox.join(', ') : '—'} · area ${a.area ?? '—'} · ${a.kind}${a.iscrowd ? ' · crowd' : ''}`;
    details.append(facts);
    details.append(button('Show in JSON', 'Open the JSON text beside, at this annotation', () => {
      void channel.request('showInJson', { annotationIndex: a.index }).then((r) => { if (!r.ok) this.app.say(r.message ?? 'Cannot show the JSON text'); });
    }));
    if (store.readonly) return;
    const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string };
    sel.className = 'cat-select';
    for (const c of store.categories) {
      const o = document.createElement('vscode-option') as HTMLElement & { value: string };
      o.setAttribute('value', catKey(c.id));
      o.textContent = c.name;
      if (catKey(c.id) === catKey(a.categoryId)) o.setAttribute('selected', '');
      sel.appendChild(o);
    }
    sel.addEventListener('change', () => {
      const c = store.catById.get(sel.value);
      if (c && catKey(c.id) !== catKey(a.categoryId)) void this.app.edit({ op: 'setCategory', annotationIndex: a.index, categoryId: c.id });
    });
    const del = button('Delete', 'Delete annotation (Delete)', () => void this.app.edit({ op: 'delete', annotationIndex: a.index }));
    details.append(el('label', undefined, 'Category'), sel, del);
  }

  /** The hover card for an annotation at a client point (left of it for list rows); null hides it. */
  showTooltip(a: AnnotationInfo | null, x: number, y: number, leftOf = false): void {
    const tooltip = this.app.layout.tooltip;
    if (!a) { tooltip.hidden = true; return; }
    tooltip.hidden = false;
    tooltip.replaceChildren(...this.annFacts(a));
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

  renderProblems(): void {
    const { store } = this.app;
    const { problems, problemSource } = store;
    const probList = this.probList;
    probList.replaceChildren();
    const mine = problems.map((p, i) => [p, i] as const).filter(([p]) => p.imageIndex === store.index);
    this.probHeader.textContent = `Problems (${mine.length})`;
    this.probHeader.title = problemSource === 'none' ? 'Not checked yet' : `${problems.length} problems in ${new Set(problems.filter((p) => p.imageIndex >= 0).map((p) => p.imageIndex)).size} images${store.fileLevelProblems ? `; ${store.fileLevelProblems} not tied to an image` : ''}`;
    // The check's progress (Cancel), or Check Now after a cancel or a failure.
    const status = checkStatus(this.app);
    if (status) probList.append(status);
    if (problemSource === 'none') { if (!status) probList.append(el('div', 'muted', 'Not checked yet.')); return; }
    if (!mine.length) probList.append(el('div', 'muted', 'None on this image.'));
    for (const [p, i] of mine) probList.appendChild(this.problemRow(p, i));
    // Problems of the file, not of an image (categories, info): listed here so n / N and the Problems panel can reach them.
    const fileLevel = fileProblems(store);
    if (fileLevel.length) {
      const group = el('div', 'file-probs');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', 'Problems not tied to an image');
      group.append(el('div', 'prob-group', `Not tied to an image (${store.fileLevelProblems})`));
      for (const [p, i] of fileLevel) group.appendChild(this.problemRow(p, i));
      if (fileLevel.length < store.fileLevelProblems) group.append(el('div', 'muted', `${store.fileLevelProblems - fileLevel.length} more: n / N walk them all.`));
      probList.appendChild(group);
    }
  }

  /** One problem with its fix button: a click or Enter goes to it. */
  private problemRow(p: ProblemInfo, i: number): HTMLElement {
    const { store, channel } = this.app;
    {
      const row = el('div', `prob-row sev-${p.severity}`);
      row.dataset.key = String(p.key);
      if (i === store.cursor) row.classList.add('selected');
      row.tabIndex = 0;
      const msg = el('div', 'prob-msg', `${SEV_ICON[p.severity]} ${p.message}`);
      const rule = el('div', 'prob-rule', `${p.rule}${p.annotationId !== undefined ? ` · annotation ${String(p.annotationId)}` : ''} · line ${p.line}`);
      row.append(msg, rule);
      row.addEventListener('click', (e) => { if (!(e.target as HTMLElement).closest('vscode-button')) this.app.problemNav.goToProblem(i); });
      row.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === row) this.app.problemNav.goToProblem(i); });
      // Fixes that keep the data ("Add category 7", "Change category_id to…") before the rule's own (which may delete).
      for (const f of store.readonly ? [] : p.moreFixes ?? []) {
        const b = button(f.title, 'Apply this fix (as the quick fix in the JSON text)', () => {
          void channel.request('applyFix', { key: p.key, generation: store.init?.generation, fixId: f.id }).then((r) => { this.app.say(r.ok ? `Fixed: ${f.title}` : (r.message ?? 'The fix was not applied')); });
        });
        b.classList.add('fix-btn');
        b.dataset.fixId = f.id;
        row.appendChild(b);
      }
      if (p.fix && !store.readonly) {
        const b = button(p.fix, `Apply this fix (as the quick fix in the JSON text)`, () => {
          void channel.request('applyFix', { key: p.key, generation: store.init?.generation }).then((r) => { this.app.say(r.ok ? `Fixed: ${p.fix}` : (r.message ?? 'The fix was not applied')); });
        });
        b.classList.add('fix-btn');
        row.appendChild(b);
      }
      return row;
    }
  }
}
