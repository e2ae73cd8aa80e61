/** The viewer's keyboard map (not while typing in a field, not with Ctrl / Cmd / Alt: those are VS Code's). */
import type { App } from './context';

export function installKeys(app: App): void {
  const { store, viewer, toolbar, gridMode, images, problemNav, overlays } = app;
  window.addEventListener('keydown', (e) => {
    if ((e.target as HTMLElement).closest?.('vscode-single-select, input, select, vscode-textfield')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (!store.init) return;
    const mode = store.view.mode;
    if (e.key === '\\') { app.toolbar.toggleSide(); e.preventDefault(); return; }
    if (e.key === 'g') { gridMode.setMode(mode === 'grid' ? 'image' : 'grid'); e.preventDefault(); return; }
    if (mode === 'grid') {
      if (e.key === 'Escape') { gridMode.setMode('image'); e.preventDefault(); }
      else if (e.key === 'n' || e.key === 'N') { problemNav.stepProblem(e.key === 'n' ? 1 : -1); e.preventDefault(); }
      return;
    }
    if (viewer.tool === 'segment' && toolbar.segmentTool.key(e.key)) { e.preventDefault(); return; }
    if (e.key === 'Enter' && viewer.tool === 'polygon') { if (!viewer.finishPolygon()) app.say('A polygon needs at least 3 points.'); e.preventDefault(); return; }
    switch (e.key) {
      case 'b': toolbar.setTool('box'); break;
      case 'p': toolbar.setTool('polygon'); break;
      case 's': toolbar.setTool('segment'); break;
      case ']': overlays.stepDiff(1); break;
      case '[': overlays.stepDiff(-1); break;
      case 'v': toolbar.setTool('select'); break;
      case 'e': overlays.toggleEval(); break;
      case '.': overlays.walk(1); break;
      case ',': overlays.walk(-1); break;
      case 'ArrowRight': case 'j': images.go(store.wanted + 1); break;
      case 'n': problemNav.stepProblem(1); break;
      case 'N': problemNav.stepProblem(-1); break;
      case 'f': viewer.fit(); break;
      case '1': viewer.actualSize(); app.saveState(); break;
      case '+': case '=': viewer.zoomAt(1.25, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
      case '-': viewer.zoomAt(0.8, viewer.root.clientWidth / 2, viewer.root.clientHeight / 2); break;
      case 'ArrowLeft': case 'k': images.go(store.wanted - 1); break;
      case 'Escape':
        if (toolbar.moreOpen) { toolbar.toggleMore(false); break; }
        if (viewer.cancelDrawing()) { app.say('Drawing cancelled.'); break; }
        if (viewer.tool !== 'select') { toolbar.setTool('select'); break; }
        if (viewer.selectedVertex) { viewer.selectedVertex = null; viewer.requestRender(); break; }
        viewer.select(null); app.panel.renderAnnotationList(); app.panel.renderDetails(); break;
      case 'Delete': case 'Backspace':
        if (store.readonly) break;
        if (viewer.selectedVertex) { const why = viewer.deleteSelectedVertex(); if (why) app.say(why); break; }
        if (viewer.selected) void app.edit({ op: 'delete', annotationIndex: viewer.selected.index });
        break;
      default: return;
    }
    e.preventDefault();
  });
}
