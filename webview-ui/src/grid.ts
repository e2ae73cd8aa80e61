/**
 * The thumbnail grid: virtualized (only the rows in view, plus one above and
 * below, exist in the DOM), so 100k+ images scroll like 100. The host answers
 * which images match the query (queryGrid), the facts of the cells in view
 * (gridCells) and their thumbnails (thumbnails, made with sharp, cached on disk).
 */
import type { GridCell, GridQuery, WebviewChannel } from '../../src/shared/protocol';
import { addCellOverlay } from './gridOverlay';

export const CELL_W = 208;
export const CELL_H = 236;

export interface GridEvents {
  open(index: number): void;
  queryChanged(q: GridQuery): void;
}

export class Grid {
  readonly root: HTMLDivElement;
  readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private indices: Uint32Array = new Uint32Array(0);
  private readonly cells = new Map<number, GridCell>();
  private readonly thumbs = new Map<number, string | null>();
  private readonly pendingCells = new Set<number>();
  private readonly pendingThumbs = new Set<number>();
  private readonly nodes = new Map<number, HTMLElement>();
  private cols = 1;
  /** Position (in `indices`) of the focused cell. */
  focus = 0;
  private fetchTimer = 0;
  private seq = 0;
  query: GridQuery = {};
  total = 0;

  constructor(parent: HTMLElement, private readonly channel: WebviewChannel, private readonly ev: GridEvents) {
    this.root = document.createElement('div');
    this.root.className = 'grid-wrap';
    this.scroller = document.createElement('div');
    this.scroller.className = 'grid';
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'grid');
    this.scroller.setAttribute('aria-label', 'Images');
    this.spacer = document.createElement('div');
    this.spacer.className = 'grid-spacer';
    this.scroller.appendChild(this.spacer);
    this.root.appendChild(this.scroller);
    parent.appendChild(this.root);
    this.scroller.addEventListener('scroll', () => this.render());
    new ResizeObserver(() => this.layout()).observe(this.scroller);
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('.grid-cell');
      if (cell) this.ev.open(Number(cell.dataset.index));
    });
  }

  get count(): number { return this.indices.length; }

  /** The images the grid's filter (or sort) shows, in its order; undefined when it shows them all in file order. */
  filteredOrder(): Uint32Array | undefined {
    const { sort, ...filters } = this.query;
    const filtered = Object.values(filters).some((v) => v !== undefined) || (sort !== undefined && sort !== 'index');
    return filtered ? this.indices : undefined;
  }

  /** Runs the query on the host and shows the result from the top (or from `scroll`). */
  async setQuery(q: GridQuery, scroll = 0): Promise<void> {
    this.query = q;
    const seq = ++this.seq;
    const r = await this.channel.request('queryGrid', q);
    if (seq !== this.seq) return;
    this.indices = r.indices;
    this.total = r.total;
    this.focus = Math.min(this.focus, Math.max(0, this.indices.length - 1));
    this.layout();
    this.scroller.scrollTop = scroll;
    this.render();
    this.root.dataset.count = String(this.indices.length);
    this.ev.queryChanged(q);
  }

  /** Problems or edits changed: facts of the cells are stale. */
  invalidate(): void {
    this.cells.clear();
    void this.setQuery(this.query, this.scroller.scrollTop);
  }

  layout(): void {
    const w = this.scroller.clientWidth || 800;
    this.cols = Math.max(1, Math.floor(w / CELL_W));
    const rows = Math.ceil(this.indices.length / this.cols);
    this.spacer.style.height = `${rows * CELL_H}px`;
    for (const n of this.nodes.values()) n.remove();
    this.nodes.clear();
    this.render();
  }

  /** Creates the cells in view, removes the others, asks the host for what is missing. */
  render(): void {
    const top = this.scroller.scrollTop;
    const h = this.scroller.clientHeight || 600;
    const r0 = Math.max(0, Math.floor(top / CELL_H) - 1);
    const r1 = Math.min(Math.ceil(this.indices.length / this.cols), Math.ceil((top + h) / CELL_H) + 1);
    const from = r0 * this.cols;
    const to = Math.min(this.indices.length, r1 * this.cols);
    for (const [pos, n] of this.nodes) if (pos < from || pos >= to) { n.remove(); this.nodes.delete(pos); }
    const missingCells: number[] = [];
    const missingThumbs: number[] = [];
    for (let pos = from; pos < to; pos++) {
      const index = this.indices[pos];
      let n = this.nodes.get(pos);
      if (!n || Number(n.dataset.index) !== index) {
        n?.remove();
        n = this.cellNode(pos, index);
        this.nodes.set(pos, n);
        this.scroller.appendChild(n);
      }
      n.classList.toggle('focused', pos === this.focus);
      if (!this.cells.has(index) && !this.pendingCells.has(index)) missingCells.push(index);
      if (!this.thumbs.has(index) && !this.pendingThumbs.has(index)) missingThumbs.push(index);
    }
    if (missingCells.length || missingThumbs.length) {
      clearTimeout(this.fetchTimer);
      // Fast scrolling: ask only for the rows that are still in view a moment later.
      this.fetchTimer = window.setTimeout(() => void this.fetch(missingCells, missingThumbs), 30);
    }
  }

  private async fetch(cells: number[], thumbs: number[]): Promise<void> {
    const inView = new Set([...this.nodes.values()].map((n) => Number(n.dataset.index)));
    cells = cells.filter((i) => inView.has(i));
    thumbs = thumbs.filter((i) => inView.has(i));
    for (const i of cells) this.pendingCells.add(i);
    for (const i of thumbs) this.pendingThumbs.add(i);
    const jobs: Promise<unknown>[] = [];
    if (cells.length) {
      jobs.push(this.channel.request('gridCells', { indices: cells }).then((list) => {
        for (const c of list) this.cells.set(c.index, c);
      }).finally(() => { for (const i of cells) this.pendingCells.delete(i); }));
    }
    // Thumbnails in small batches, so the first ones show while the rest are made.
    for (let k = 0; k < thumbs.length; k += 8) {
      const batch = thumbs.slice(k, k + 8);
      jobs.push(this.channel.request('thumbnails', { indices: batch }).then((list) => {
        batch.forEach((i, j) => this.thumbs.set(i, list[j]));
        this.refresh(batch);
      }).finally(() => { for (const i of batch) this.pendingThumbs.delete(i); }));
    }
    await Promise.all(jobs.slice(0, 1));
    this.refresh(cells);
    await Promise.all(jobs);
  }

  private refresh(indices: number[]): void {
    const want = new Set(indices);
    for (const [pos, n] of this.nodes) {
      const index = Number(n.dataset.index);
      if (!want.has(index)) continue;
      const fresh = this.cellNode(pos, index);
      fresh.classList.toggle('focused', pos === this.focus);
      n.replaceWith(fresh);
      this.nodes.set(pos, fresh);
    }
  }

  private cellNode(pos: number, index: number): HTMLElement {
    const n = document.createElement('div');
    n.className = 'grid-cell';
    n.dataset.index = String(index);
    n.setAttribute('role', 'gridcell');
    n.style.transform = `translate(${(pos % this.cols) * CELL_W}px, ${Math.floor(pos / this.cols) * CELL_H}px)`;
    const c = this.cells.get(index);
    const t = this.thumbs.get(index);
    const box = document.createElement('div');
    box.className = 'thumb';
    if (t) {
      const img = document.createElement('img');
      img.src = t;
      img.alt = '';
      img.decoding = 'async';
      box.appendChild(img);
    } else if (t === null) {
      box.textContent = 'no image';
      box.classList.add('thumb-missing');
    }
    // The annotations over the thumbnail (or over the empty box when the image is missing).
    addCellOverlay(box, c);
    const label = document.createElement('div');
    label.className = 'cell-label';
    label.textContent = c?.fileName ?? `#${index + 1}`;
    label.title = c ? `${c.fileName} (${c.width}×${c.height})` : '';
    const facts = document.createElement('div');
    facts.className = 'cell-facts';
    const count = document.createElement('span');
    count.className = 'ann-count';
    count.textContent = c ? `${c.annotations} ann.` : '';
    facts.appendChild(count);
    if (c && c.problems > 0) {
      const badge = document.createElement('span');
      badge.className = `badge badge-${c.severity}`;
      badge.textContent = String(c.problems);
      badge.title = `${c.problems} problem${c.problems === 1 ? '' : 's'}`;
      facts.appendChild(badge);
    }
    n.setAttribute('aria-label', c ? `${c.fileName}, ${c.annotations} annotations, ${c.problems} problems` : `image ${index + 1}`);
    n.append(box, label, facts);
    return n;
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.indices.length;
    if (!n) return;
    let f = this.focus;
    switch (e.key) {
      case 'ArrowRight': f++; break;
      case 'ArrowLeft': f--; break;
      case 'ArrowDown': f += this.cols; break;
      case 'ArrowUp': f -= this.cols; break;
      case 'PageDown': f += this.cols * Math.max(1, Math.floor(this.scroller.clientHeight / CELL_H)); break;
      case 'PageUp': f -= this.cols * Math.max(1, Math.floor(this.scroller.clientHeight / CELL_H)); break;
      case 'Home': f = 0; break;
      case 'End': f = n - 1; break;
      case 'Enter': case ' ': this.ev.open(this.indices[this.focus]); e.preventDefault(); e.stopPropagation(); return;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
    this.setFocus(Math.max(0, Math.min(n - 1, f)));
  }

  setFocus(pos: number): void {
    this.focus = pos;
    const y = Math.floor(pos / this.cols) * CELL_H;
    if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
    else if (y + CELL_H > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = y + CELL_H - this.scroller.clientHeight;
    this.render();
  }

  /** Focus the cell of an image (when coming back from the image view). */
  focusImage(index: number): void {
    const pos = this.indices.indexOf(index);
    if (pos >= 0) this.setFocus(pos);
  }
}
