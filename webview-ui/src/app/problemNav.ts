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
      this.app.say(store.problemSource === 'none' ? 'This file has not been checked yet (Labelscope: Check COCO File).' : 'No problems tied to an image.');
      return;
    }
    const here = store.view.mode === 'grid' ? -1 : store.wanted;
    let i: number;
    if (cursor >= 0 && cursor < problems.length && problems[cursor].imageIndex === here) i = cursor + dir;
    else if (dir > 0) i = problems.findIndex((p) => p.imageIndex >= here);
    else { i = -1; for (let k = problems.length - 1; k >= 0; k--) if (problems[k].imageIndex <= here) { i = k; break; } }
    if (i < 0 || i >= problems.length) i = dir > 0 ? 0 : problems.length - 1;
    this.goToProblem(i);
  }

  goToProblem(i: number): void {
    const { store, viewer, panel } = this.app;
    store.cursor = i;
    const p = store.problems[i];
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
