/**
 * The Dataset Report webview: summary, findings and shift, the charts (echarts; canvas on screen,
 * PNG and SVG export), image-health counts and duplicate groups with "Keep this one".
 * Colours come from VS Code's theme variables, so light, dark and high-contrast themes all read.
 * Keyboard: Tab reaches every chart and button; in a focused bar chart ←/→ pick a bar, Enter
 * filters the viewer to it.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { datasetCharts, type ChartSpec, type ChartTheme } from '../../../../src/core/metrics/stats/charts';
import type { DatasetStats } from '../../../../src/core/metrics/stats/compute';
import { pFmt } from '../../../../src/core/metrics/stats/shift';
import type { DuplicateGroupView, FromStatsView, HealthSummaryRow, ToStatsView } from '../../../../src/shared/statsProtocol';

echarts.use([BarChart, HeatmapChart, AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer, SVGRenderer]);

declare function acquireVsCodeApi(): { postMessage(m: FromStatsView): void };
const vscode = acquireVsCodeApi();
const post = (m: FromStatsView) => vscode.postMessage(m);

const css = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; padding: 12px 20px; }
h1 { font-size: 1.4em; margin: 0 0 8px; } h2 { font-size: 1.15em; margin: 20px 0 8px; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.chart { border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, #8884)); padding: 6px; }
.chart .plot { height: 360px; }
.chart .tools { display: flex; gap: 6px; justify-content: flex-end; }
table { border-collapse: collapse; } th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border, #8884); } th:first-child, td:first-child { text-align: left; }
.group { border: 1px solid var(--vscode-panel-border, #8884); padding: 8px; margin: 8px 0; }
.group.leak { border-color: var(--vscode-errorForeground); }
.members { display: flex; gap: 12px; flex-wrap: wrap; }
.member { display: flex; flex-direction: column; gap: 4px; width: 200px; }
.member img { width: 192px; height: 144px; object-fit: contain; background: var(--vscode-editorWidget-background, #8882); }
.muted { opacity: 0.75; } .error { color: var(--vscode-errorForeground); }
`;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** The chart theme from VS Code's colours; high contrast gets the theme's contrast colours. */
export function themeFromCss(): ChartTheme {
  const hc = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const fg = cssVar('--vscode-foreground', '#cccccc');
  return {
    text: fg,
    axis: hc ? cssVar('--vscode-contrastBorder', fg) : cssVar('--vscode-descriptionForeground', fg),
    grid: hc ? cssVar('--vscode-contrastBorder', fg) : cssVar('--vscode-panel-border', '#80808040'),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    series: [
      cssVar('--vscode-charts-blue', '#4477AA'), cssVar('--vscode-charts-red', '#EE6677'), cssVar('--vscode-charts-green', '#228833'),
      cssVar('--vscode-charts-yellow', '#CCBB44'), cssVar('--vscode-charts-purple', '#AA3377'), cssVar('--vscode-charts-orange', '#EE7733'),
    ],
    ramp: [cssVar('--vscode-editor-background', '#1e1e1e'), cssVar('--vscode-charts-blue', '#4477AA'), cssVar('--vscode-charts-yellow', '#CCBB44')],
    fontFamily: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
document.head.append(el('style', { textContent: css }));
const charts = new Map<string, { chart: echarts.ECharts; spec: ChartSpec }>();
/** For tests and the export buttons: the live charts. */
(window as unknown as { labelscopeStats: unknown }).labelscopeStats = { charts };
let splits: DatasetStats[] = [];

function summary(s: DatasetStats): HTMLElement {
  const ci = s.classImbalance;
  return el('li', {}, `${s.name}: ${s.images} images (${s.imagesWithoutAnnotations} without annotations), ${s.annotations} annotations, ${s.categories} categories; `
    + `small / medium / large ${s.small} / ${s.medium} / ${s.large}; class imbalance ${ci.mostFrequent ? `${ci.ratio.toFixed(1)} (${ci.mostFrequent.name} / ${ci.leastFrequent?.name})` : '-'}`);
}

/** The chart's section; echarts starts once it is in the page (it measures its container). */
function chartSection(spec: ChartSpec, pending: (() => void)[]): HTMLElement {
  const plot = el('div', { className: 'plot' });
  const png = el('button', { className: 'secondary', textContent: 'Export PNG', title: `Save "${spec.title}" as PNG` });
  const svg = el('button', { className: 'secondary', textContent: 'Export SVG', title: `Save "${spec.title}" as SVG` });
  const section = el('section', { className: 'chart', tabIndex: 0 }, el('div', { className: 'tools' }, png, svg), plot);
  section.setAttribute('role', 'img');
  section.setAttribute('aria-label', `${spec.title}. ${spec.description}${spec.id !== 'centers' ? ' Left and right arrows pick a bar, Enter filters the viewer to it.' : ''}`);
  section.dataset.chart = spec.id;
  let chart!: echarts.ECharts;
  pending.push(() => {
    chart = echarts.init(plot, undefined, { renderer: 'canvas' });
    chart.setOption(spec.option as echarts.EChartsCoreOption);
    charts.set(spec.id, { chart, spec });
    chart.on('click', (p) => pick(p.dataIndex, p.seriesIndex ?? 0));
  });
  const pick = (dataIndex: number, seriesIndex: number) => {
    const split = splits[seriesIndex]?.name ?? splits[0]?.name ?? '';
    if (spec.id === 'categories') {
      const d = ((spec.option.series as { data: { categoryId: number | string }[] }[])[seriesIndex]?.data ?? [])[dataIndex];
      if (d) post({ type: 'filter', pick: { chart: spec.id, split, categoryId: d.categoryId } });
    } else if (spec.id !== 'centers') {
      const d = ((spec.option.series as { data: ({ bin?: number } | number)[] }[])[seriesIndex]?.data ?? [])[dataIndex];
      post({ type: 'filter', pick: { chart: spec.id, split, bin: typeof d === 'object' && d.bin !== undefined ? d.bin : dataIndex } });
    }
  };
  let cursor = -1;
  section.addEventListener('keydown', (ev) => {
    if (spec.id === 'centers') return;
    const n = ((spec.option.xAxis as { data: unknown[] }).data ?? []).length;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      cursor = Math.max(0, Math.min(n - 1, cursor + (ev.key === 'ArrowRight' ? 1 : -1)));
      chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: cursor });
      ev.preventDefault();
    } else if (ev.key === 'Enter' && cursor >= 0 && ev.target === section) {
      pick(cursor, 0);
      ev.preventDefault();
    }
  });
  png.addEventListener('click', () => post({ type: 'export', chart: spec.id, format: 'png', data: chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: themeFromCss().background }) }));
  svg.addEventListener('click', () => post({ type: 'export', chart: spec.id, format: 'svg', data: chartSvg(spec, plot.clientWidth || 800, plot.clientHeight || 360) }));
  return section;
}

/** The same option through echarts' SVG renderer, off screen. */
export function chartSvg(spec: ChartSpec, width: number, height: number): string {
  const holder = el('div');
  holder.style.cssText = `position:absolute;left:-10000px;width:${width}px;height:${height}px`;
  document.body.append(holder);
  const c = echarts.init(holder, undefined, { renderer: 'svg', width, height });
  try {
    c.setOption(spec.option as echarts.EChartsCoreOption);
    return c.renderToSVGString();
  } finally {
    c.dispose();
    holder.remove();
  }
}

function healthTable(rows: readonly HealthSummaryRow[]): HTMLElement {
  if (rows.length === 0) return el('p', {}, 'No image problems found.');
  return el('table', {}, el('tr', {}, el('th', {}, 'split'), el('th', {}, 'rule'), el('th', {}, 'severity'), el('th', {}, 'images')),
    ...rows.map((r) => el('tr', {}, el('td', {}, r.split), el('td', {}, r.rule), el('td', { className: r.severity === 'error' ? 'error' : '' }, r.severity), el('td', {}, String(r.count)))));
}

function duplicateList(groups: readonly DuplicateGroupView[]): HTMLElement {
  if (groups.length === 0) return el('p', {}, 'No duplicates or near duplicates.');
  return el('div', {}, ...groups.map((g) => el('div', { className: `group${g.leakage ? ' leak' : ''}` },
    el('div', {}, `${g.leakage ? 'Leakage across splits — ' : ''}${g.kind === 'exact' ? 'identical pixels' : `near duplicates (pHash distance ≤ ${g.maxDistance})`}, ${g.members.length} images`),
    el('div', { className: 'members' }, ...g.members.map((m) => {
      const img = el('img', { alt: `${m.fileName} (${m.split})`, src: m.thumbnail ?? '' });
      img.dataset.key = m.key;
      const keep = el('button', { textContent: 'Keep this one', title: `Keep ${m.fileName}; remove the other ${g.members.length - 1} image(s) and their annotations (undoable)` });
      keep.addEventListener('click', () => post({ type: 'keepOne', group: g.id, keep: m.key }));
      return el('div', { className: 'member' }, img, el('span', {}, `${m.fileName}`), el('span', { className: 'muted' }, `${m.split}, id ${JSON.stringify(m.imageId)}, ${m.annotations} annotation${m.annotations === 1 ? '' : 's'}`), keep);
    })))));
}

/** The category the size and position charts show (undefined: all). */
let category: { id: number | string; name: string } | undefined;
let lastReport: Extract<ToStatsView, { type: 'report' }> | undefined;

function categoryPicker(): HTMLElement {
  const select = document.createElement('select');
  select.title = 'Category shown by the box-area, aspect-ratio, size-class and centre charts';
  select.setAttribute('aria-label', 'Category for the size and position charts');
  select.add(new Option('All categories', ''));
  for (const c of splits[0]?.perCategory ?? []) select.add(new Option(`${c.name} (${c.instances})`, JSON.stringify(c.id), false, category !== undefined && c.id === category.id));
  select.addEventListener('change', () => {
    const id = select.value ? JSON.parse(select.value) as number | string : undefined;
    category = id === undefined ? undefined : { id, name: splits[0].perCategory.find((c) => c.id === id)?.name ?? String(id) };
    if (lastReport) render(lastReport);
    document.querySelector<HTMLSelectElement>('select')?.focus();
  });
  const label = document.createElement('label');
  label.append('Size and position charts for: ', select);
  return label;
}

function render(msg: Extract<ToStatsView, { type: 'report' }>): void {
  lastReport = msg;
  for (const { chart } of charts.values()) chart.dispose();
  charts.clear();
  splits = msg.report.splits;
  const card = el('button', { textContent: 'Generate Dataset Card…' });
  card.addEventListener('click', () => post({ type: 'generateCard' }));
  const shift = msg.report.shift?.comparisons ?? [];
  const pending: (() => void)[] = [];
  app.replaceChildren(
    el('h1', {}, `Dataset report: ${splits.map((s) => s.name).join(', ')}`),
    el('ul', {}, ...splits.map(summary)),
    card,
    ...(shift.length ? [el('h2', {}, 'Distribution shift'), el('ul', {}, ...shift.flatMap((c) => [
      el('li', {}, `${c.a} vs ${c.b}: category shares chi-square ${c.categoryShares.statistic.toFixed(1)} (df ${c.categoryShares.df}), p = ${pFmt(c.categoryShares.pValue)}; box sizes KS D = ${c.boxSizes.statistic.toFixed(3)}, p = ${pFmt(c.boxSizes.pValue)}`),
      ...c.flagged.map((f) => el('li', { className: 'error' }, f)),
    ]))] : []),
    el('h2', {}, 'Findings'),
    el('ul', {}, ...splits.flatMap((s) => s.findings.map((f) => el('li', {}, `${s.name}: ${f.message}`)))),
    el('h2', {}, 'Charts'),
    categoryPicker(),
    el('div', { className: 'charts' }, ...datasetCharts(splits, themeFromCss(), category).map((spec) => chartSection(spec, pending))),
    el('h2', {}, 'Image health'),
    msg.health ? healthTable(msg.health) : el('p', { className: msg.healthError ? 'error' : 'muted' }, msg.healthError ?? 'The image files were not checked.'),
    el('h2', {}, 'Duplicates and leakage'),
    msg.duplicates ? duplicateList(msg.duplicates) : el('p', { className: 'muted' }, 'The image files were not checked.'),
  );
  for (const start of pending) start();
}

window.addEventListener('message', (ev: MessageEvent<ToStatsView>) => {
  const msg = ev.data;
  if (msg.type === 'report') render(msg);
  else if (msg.type === 'progress') app.replaceChildren(el('p', {}, msg.message + (msg.fraction !== undefined ? ` ${Math.round(msg.fraction * 100)}%` : '')));
  else if (msg.type === 'error') app.replaceChildren(el('p', { className: 'error' }, msg.message));
  else if (msg.type === 'thumbnail') for (const img of document.querySelectorAll<HTMLImageElement>('img[data-key]')) if (img.dataset.key === msg.key) img.src = msg.src;
});
window.addEventListener('resize', () => { for (const { chart } of charts.values()) chart.resize(); });
post({ type: 'ready' });
