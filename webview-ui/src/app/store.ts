/**
 * The viewer's state in one place: what VS Code keeps across reloads (`view`, saved with
 * `setState`) and what this session knows (the file, its categories, the shown image, the
 * check's problems). Modules read the fields; changes of categories and problems go through
 * `setCategories` / `setProblems`, which tell the listeners registered with `on`.
 */
import {
  categoryColor, type CategoryInfo, type CheckViewState, type Id, type ImagePayload, type InitPayload, type ProblemInfo, type ViewState,
} from '../../../src/shared/protocol';
import { catKey } from '../catKey';

export type StoreTopic = 'categories' | 'problems';

export class Store {
  /** What survives a reload of the webview (VS Code's webview state). */
  readonly view: ViewState;
  /** Hidden categories (catKey), shared with the viewer's options. */
  readonly hidden: Set<string>;
  init: InitPayload | undefined;
  categories: CategoryInfo[] = [];
  catById = new Map<string, CategoryInfo>();
  /** The image shown (its payload) and its index. */
  current: ImagePayload | undefined;
  index = 0;
  /** The image being fetched (key repeat moves from here, not from the one still shown). */
  wanted = 0;
  /** The check's problems, sorted by image; those tied to no image (categories, info: imageIndex -1) first. n / N walk them all. */
  problems: ProblemInfo[] = [];
  /** Where the file's check stands (running with progress, cancelled, failed); undefined: no news from the host. */
  checkState: CheckViewState | undefined;
  problemSource: 'check' | 'none' = 'none';
  fileLevelProblems = 0;
  /** Position in `problems` of the problem n / N went to last. */
  cursor = -1;
  readonly = false;
  /** Select this annotation when the next image payload arrives (a shape just created). */
  pendingSelect: Id | undefined;
  /** A first look at a big file while it is parsed: the first image with its overlays, no navigation yet. */
  previewing = false;
  private readonly listeners = new Map<StoreTopic, (() => void)[]>();

  constructor(saved: Partial<ViewState>, private readonly persist: (state: ViewState) => void) {
    this.view = {
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
      missingDismissed: saved.missingDismissed ?? false,
      sideCollapsed: saved.sideCollapsed ?? false,
    };
    this.hidden = new Set(this.view.hiddenCategories.map(catKey));
  }

  /** Call `fn` after every change of `topic` (in the order registered). */
  on(topic: StoreTopic, fn: () => void): void {
    const list = this.listeners.get(topic) ?? [];
    list.push(fn);
    this.listeners.set(topic, list);
  }

  private emit(topic: StoreTopic): void {
    for (const fn of this.listeners.get(topic) ?? []) fn();
  }

  setCategories(list: CategoryInfo[]): void {
    this.categories = list;
    this.catById = new Map(list.map((c) => [catKey(c.id), c]));
    this.emit('categories');
  }

  /** The check's problems (those tied to an image); n / N keep their place by problem key. */
  setProblems(list: ProblemInfo[], source: 'check' | 'none', fileLevel: number): void {
    const keyAtCursor = this.problems[this.cursor]?.key;
    this.problems = list;
    this.problemSource = source;
    this.fileLevelProblems = fileLevel;
    this.cursor = keyAtCursor === undefined ? -1 : this.problems.findIndex((p) => p.key === keyAtCursor);
    this.emit('problems');
  }

  category(id: Id): CategoryInfo | undefined { return this.catById.get(catKey(id)); }

  colorOf(categoryId: Id): string {
    const c = this.category(categoryId);
    return c ? categoryColor(c.colorIndex) : '#FFFFFF';
  }

  /** The check moved on (progress, done, cancelled, failed). */
  setCheckState(state: CheckViewState): void {
    this.checkState = state;
    this.emit('problems');
  }

  /** The problems of the shown image that name this annotation. */
  problemsOf(annotationId: Id): ProblemInfo[] {
    return this.problems.filter((p) => p.imageIndex === this.index && p.annotationId === annotationId);
  }

  /** Write the view state (with the viewer's view and the grid's scroll) to VS Code's webview state. */
  save(view: { zoom: number | null; panX: number; panY: number; gridScroll: number }): void {
    const s = this.view;
    s.imageIndex = this.index;
    s.zoom = view.zoom;
    s.panX = view.panX;
    s.panY = view.panY;
    s.hiddenCategories = this.categories.filter((c) => this.hidden.has(catKey(c.id))).map((c) => c.id);
    s.gridScroll = view.gridScroll;
    this.persist(s);
  }
}
