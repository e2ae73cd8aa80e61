/**
 * The evaluation report view: the 12 numbers, a sortable per-class table, PR curves, F1 against
 * the score threshold and the confusion matrix (echarts, canvas renderer on screen, SVG renderer
 * for export), in the theme's colours. Clicking a class or a cell asks the host to filter the
 * viewer's grid to those images.
 */
import * as echarts from 'echarts/core';
import { HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkPointComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { EvalHostMessage, EvalReportClass, EvalReportData, EvalViewMessage } from '../../../../src/shared/evalProtocol';
import { confusionOption, f1Option, prOption } from './charts';
import { readTheme } from './theme';
import { STYLES } from './styles';

echarts.use([LineChart, HeatmapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, MarkPointComponent, CanvasRenderer, SVGRenderer]);

declare function acquireVsCodeApi(): { postMessage(m: EvalViewMessage): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: EvalViewMessage) => vscode.postMessage(m);

type ChartName = 'pr' | 'f1' | 'confusion';
const charts = new Map<ChartName, echarts.ECharts>();
let data: EvalReportData | undefined;
let sortKey: keyof EvalReportClass | 'bestF1' = 'ap';
let sortDesc = true;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (v: number | undefined) => (v === undefined || v < 0 ? '–' : v.toFixed(3));

function optionFor(name: ChartName, d: EvalReportData) {
  const theme = readTheme();
  return name === 'pr' ? prOption(d, theme) : name === 'f1' ? f1Option(d, theme) : confusionOption(d, theme);
}

function render(d: EvalReportData): void {
  data = d;
  for (const c of charts.values()) c.dispose();
  charts.clear();
  const app = document.getElementById('app')!;
  app.replaceChildren();
  const style = el('style');
  style.textContent = STYLES;
  app.append(style);

  const head = el('header');
  head.append(el('h1', {}, `COCO ${d.iouType} evaluation`));
  head.append(el('p', { class: 'files' }, `${d.dtFile}  against  ${d.gtFile}`));
  head.append(el('p', { class: 'counts' }, `${d.counts.images} images · ${d.counts.categories} categories · ${d.counts.gt} labels · ${d.counts.resultsUsed} of ${d.counts.results} results · ${(d.durationMs / 1000).toFixed(2)} s · ${d.problems.errors} errors, ${d.problems.warnings} warnings, ${d.problems.infos} hints (Problems panel)`));
  const copy = el('button', { type: 'button' }, 'Show pycocotools summary');
  copy.addEventListener('click', () => post({ type: 'showSummaryText' }));
  head.append(copy);
  app.append(head);

  const stats = el('section', { class: 'stats', 'aria-label': 'COCOeval summary' });
  for (const s of d.summary) {
    const card = el('div', { class: 'stat', title: s.line.trim() });
    card.append(el('span', { class: 'key' }, s.key), el('span', { class: 'value', 'data-key': s.key }, fmt(s.value)));
    stats.append(card);
  }
  app.append(stats);

  app.append(classTable(d));

  for (const name of ['pr', 'f1', 'confusion'] as ChartName[]) {
    if (name === 'confusion' && !d.confusion) continue;
    const section = el('section', { class: 'chart-section' });
    const bar = el('div', { class: 'chart-bar' });
    for (const format of ['png', 'svg'] as const) {
      const b = el('button', { type: 'button', 'data-export': `${name}-${format}` }, `Export ${format.toUpperCase()}`);
      b.addEventListener('click', () => exportChart(name, format));
      bar.append(b);
    }
    const host = el('div', { class: `chart chart-${name}`, id: `chart-${name}`, role: 'img', 'aria-label': name === 'pr' ? 'precision-recall curves' : name === 'f1' ? 'F1 against score' : 'confusion matrix' });
    if (name === 'confusion') host.style.height = `${Math.max(360, 140 + 26 * d.confusion!.labels.length)}px`;
    section.append(bar, host);
    app.append(section);
    const chart = echarts.init(host, undefined, { renderer: 'canvas' });
    chart.setOption(optionFor(name, d));
    if (name === 'confusion') {
      chart.on('click', (p) => {
        const [col, row] = (p.value as [number, number, number]);
        const ids = d.confusion!.categoryIds;
        post({ type: 'filter', cell: { labelCategoryId: ids[row] ?? -1, detectedCategoryId: ids[col] ?? -1 } });
      });
    }
    charts.set(name, chart);
  }
}

const COLUMNS: { key: keyof EvalReportClass | 'bestF1'; label: string; numeric: boolean }[] = [
  { key: 'name', label: 'class', numeric: false },
  { key: 'gtCount', label: 'labels', numeric: true },
  { key: 'dtCount', label: 'detections', numeric: true },
  { key: 'ap', label: 'AP', numeric: true },
  { key: 'ap50', label: 'AP50', numeric: true },
  { key: 'ap75', label: 'AP75', numeric: true },
  { key: 'ar', label: 'AR', numeric: true },
  { key: 'bestF1', label: 'best F1 @ score', numeric: true },
];

function sortValue(c: EvalReportClass, key: typeof sortKey): number | string {
  if (key === 'bestF1') return c.best?.f1 ?? -1;
  const v = c[key];
  return typeof v === 'number' || typeof v === 'string' ? v : -1;
}

function classTable(d: EvalReportData): HTMLElement {
  const wrap = el('section', { class: 'classes' });
  const table = el('table', { 'aria-label': 'per-class results' });
  const thead = el('thead');
  const tr = el('tr');
  for (const col of COLUMNS) {
    const th = el('th', { scope: 'col', 'aria-sort': sortKey === col.key ? (sortDesc ? 'descending' : 'ascending') : 'none' });
    const b = el('button', { type: 'button', 'data-sort': String(col.key) }, col.label + (sortKey === col.key ? (sortDesc ? ' ▾' : ' ▴') : ''));
    b.addEventListener('click', () => {
      if (sortKey === col.key) sortDesc = !sortDesc;
      else { sortKey = col.key; sortDesc = col.numeric; }
      wrap.replaceWith(classTable(d));
      (document.querySelector(`button[data-sort="${String(col.key)}"]`) as HTMLElement | null)?.focus();
    });
    th.append(b);
    tr.append(th);
  }
  thead.append(tr);
  const tbody = el('tbody');
  const rows = d.classes.slice().sort((a, b) => {
    const x = sortValue(a, sortKey), y = sortValue(b, sortKey);
    const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y;
    return (sortDesc ? -c : c) || a.id - b.id;
  });
  for (const c of rows) {
    const row = el('tr', { tabindex: '0', 'data-category': String(c.id), title: `Show the images of "${c.name}" in the viewer` });
    const cells = [c.name, String(c.gtCount), String(c.dtCount), fmt(c.ap), fmt(c.ap50), fmt(c.ap75), fmt(c.ar), c.best ? `${c.best.f1.toFixed(3)} @ ${c.best.score.toPrecision(3)}` : '–'];
    cells.forEach((t, i) => row.append(el('td', COLUMNS[i].numeric ? { class: 'num' } : {}, t)));
    const filter = () => post({ type: 'filter', categoryId: c.id });
    row.addEventListener('click', filter);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); filter(); } });
    tbody.append(row);
  }
  table.append(thead, tbody);
  wrap.append(table);
  return wrap;
}

function exportChart(name: ChartName, format: 'png' | 'svg'): void {
  const chart = charts.get(name);
  if (!chart || !data) return;
  const theme = readTheme();
  if (format === 'png') {
    post({ type: 'export', chart: name, format, data: chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: theme.bg }) });
    return;
  }
  // The SVG renderer in server-side mode gives a standalone SVG document of the same option.
  const svgChart = echarts.init(null as unknown as HTMLElement, undefined, { renderer: 'svg', ssr: true, width: chart.getWidth(), height: chart.getHeight() });
  svgChart.setOption({ ...optionFor(name, data), backgroundColor: theme.bg });
  const legend = (chart.getOption() as { legend?: { selected?: Record<string, boolean> }[] }).legend?.[0]?.selected;
  if (legend) svgChart.setOption({ legend: { selected: legend } });
  post({ type: 'export', chart: name, format, data: svgChart.renderToSVGString() });
  svgChart.dispose();
}

window.addEventListener('message', (e: MessageEvent<EvalHostMessage>) => {
  const m = e.data;
  if (m?.type === 'evalReport') render(m.data);
});
window.addEventListener('resize', () => { for (const c of charts.values()) c.resize(); });
// Theme switches change the body's class: redraw with the new colours.
new MutationObserver(() => { if (data) render(data); }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
(window as unknown as { __evalCharts: typeof charts }).__evalCharts = charts;
post({ type: 'ready' });
