/** The viewer's page: loading screen, toolbar, stage, status line, side panel, hover card. */
import { el } from './dom';

export type Layout = ReturnType<typeof buildLayout>;

export function buildLayout() {
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
  missing.hidden = true;
  const evalLegend = el('div', 'eval-legend');
  evalLegend.hidden = true;
  return { app, loading, loadingText, bar, main, toolbar, stageWrap, side, status, tooltip, missing, gridBar, evalLegend };
}
