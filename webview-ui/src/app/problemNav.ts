/** n / N: walk the check's problems across images, showing each one's image and annotation. */
import type { App } from './context';
import { SEV_ICON } from './sidePanel';

export class ProblemNav {
  constructor(private readonly app: App) {}

  /** The next (previous) problem across images, wrapping around. */
  stepProblem(dir: 1 | -1): void {
    const { store } = this.app;
    const { problems, cursor } = store;
    if (!problems.length) {
      this.app.say(store.problemSource === 'none' ? (store.checkState?.kind === 'running' ? 'The file is being checked…' : 'This file has not been checked yet (Check Now in the side panel).') : 'No problems.');
      return;
    }
    const here = store.view.mode === 'grid' ? -1 : store.wanted;
    let i: number;
    // From the problem n / N is on (one of this image's, or one tied to no image): the next in the list.
    if (cursor >= 0 && cursor < problems.length && (problems[cursor].imageIndex === here || problems[cursor].imageIndex < 0)) i = cursor + dir;
    else if (dir > 0) i = problems.findIndex((p) => p.imageIndex >= here);
    else { i = -1; for (let k = problems.length - 1; k >= 0; k--) if (problems[k].imageIndex <= here) { i = k; break; } }
    if (i < 0 || i >= problems.length) i = dir > 0 ? 0 : problems.length - 1;
    this.goToProblem(i);
  }

  goToProblem(i: number): void {
    const { store, viewer, panel } = this.app;
    store.cursor = i;
    const p = store.problems[i];
    // Tied to no image (categories, info): the side panel's file problems show it, the image stays.
    if (p.imageIndex < 0) {
      panel.renderProblems();
      (panel.probList.querySelector(`.prob-row[data-key="${p.key}"]`) as HTMLElement | null)?.focus();
      this.app.say(`${SEV_ICON[p.severity]} ${p.message} (${p.rule}) · problem ${i + 1} of ${store.problems.length} · not tied to an image`);
      return;
    }
    if (store.view.mode === 'grid') this.app.gridMode.setMode('image', false);
    const selectIt = () => {
      const a = p.annotationId === undefined ? undefined : store.current?.annotations.find((x) => x.id === p.annotationId);
      viewer.select(a ?? null);
      panel.renderAll();
      this.app.say(`${SEV_ICON[p.severity]} ${p.message} (${p.rule}) · problem ${i + 1} of ${store.problems.length}`);
    };
    if (p.imageIndex !== store.index || !store.current) void this.app.images.show(p.imageIndex).then(selectIt);
    else selectIt();
  }
}
