/**
 * echarts options for the dataset charts, as plain objects (no echarts import here): the report
 * webview draws them with the canvas or SVG renderer, the dataset card renders them to SVG files
 * in Node (echarts' server-side renderToSVGString). Colours come in as a theme, so the webview
 * can pass VS Code's theme colours and the card a neutral light palette.
 */
import type { DatasetStats, HeatMap } from './compute';
import type { Histogram } from './histogram';

export interface ChartTheme {
  readonly text: string;
  readonly axis: string;
  readonly grid: string;
  readonly background: string;
  /** Series colours (splits), in order. */
  readonly series: readonly string[];
  /** Heat map ramp, low → high. */
  readonly ramp: readonly string[];
  readonly fontFamily?: string;
}

/** Paul Tol's bright palette (colour-blind safe), on white: the card's charts. */
export const LIGHT_THEME: ChartTheme = {
  text: '#222222', axis: '#666666', grid: '#e5e5e5', background: '#ffffff',
  series: ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'],
  ramp: ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'],
  fontFamily: 'sans-serif',
};

export type ChartId = 'categories' | 'boxArea' | 'sizeClasses' | 'aspectRatio' | 'imageSizes' | 'centers';

export interface ChartSpec {
  readonly id: ChartId;
  readonly title: string;
  /** One sentence for screen readers and the card's alt text. */
  readonly description: string;
  readonly option: Record<string, unknown>;
}

/** Which bar of a chart was clicked, as the filter hook needs it (see shared/statsProtocol.ts). */
export interface ChartPick {
  readonly chart: ChartId;
  readonly split: string;
  /** Category id for the categories chart; for histograms the bin index in the split's Histogram (its `edges[bin]` … `edges[bin + 1]`); for size classes 0 small, 1 medium, 2 large. */
  readonly categoryId?: number | string;
  readonly bin?: number;
}

function base(theme: ChartTheme, title: string, splits: readonly DatasetStats[]) {
  return {
    backgroundColor: theme.background,
    animation: false,
    color: [...theme.series],
    textStyle: { color: theme.text, fontFamily: theme.fontFamily },
    title: { text: title, left: 'center', textStyle: { color: theme.text, fontSize: 14, fontWeight: 'bold' } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: splits.length > 1 ? { top: 24, textStyle: { color: theme.text } } : undefined,
    grid: { left: 56, right: 24, top: splits.length > 1 ? 56 : 40, bottom: 64, containLabel: true },
    aria: { enabled: true },
  };
}

const axisStyle = (theme: ChartTheme) => ({
  axisLine: { lineStyle: { color: theme.axis } },
  axisLabel: { color: theme.text },
  splitLine: { lineStyle: { color: theme.grid } },
});

/** "2⁵" style labels for log₂ bin edges; plain numbers where they read better. */
function edgeLabel(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** Bins from the first to the last non-empty one over all splits (empty tails clutter the axis). */
function trimmed(hs: readonly Histogram[]): { from: number; to: number } {
  let from = Infinity, to = -1;
  for (const h of hs) h.counts.forEach((c, k) => { if (c > 0) { from = Math.min(from, k); to = Math.max(to, k); } });
  return to < 0 ? { from: 0, to: -1 } : { from, to };
}

export function histogramChart(id: ChartId, title: string, description: string, splits: readonly DatasetStats[], pick: (s: DatasetStats) => Histogram, unit: string, theme: ChartTheme): ChartSpec {
  const hs = splits.map(pick);
  const { from, to } = trimmed(hs);
  const edges = hs[0]?.edges ?? [];
  const labels: string[] = [];
  for (let k = from; k <= to; k++) labels.push(`${edgeLabel(edges[k])}–${edgeLabel(edges[k + 1])}`);
  // Shares, not counts: splits of different sizes overlay on one axis.
  const series = splits.map((s, i) => {
    const total = hs[i].counts.reduce((a, b) => a + b, 0) + hs[i].below + hs[i].above;
    // `bin` is the histogram's own bin index (the axis starts at the first non-empty bin): a click names it.
    return { name: s.name, type: 'bar', barGap: '0%', data: hs[i].counts.slice(from, to + 1).map((c, k) => ({ value: total ? Number(((100 * c) / total).toFixed(3)) : 0, bin: from + k })) };
  });
  return {
    id, title, description,
    option: {
      ...base(theme, title, splits),
      xAxis: { type: 'category', data: labels, name: unit, nameLocation: 'middle', nameGap: 48, nameTextStyle: { color: theme.text }, ...axisStyle(theme), axisLabel: { color: theme.text, rotate: 45, fontSize: 10 } },
      yAxis: { type: 'value', name: '% of boxes', nameTextStyle: { color: theme.text }, ...axisStyle(theme) },
      series,
    },
  };
}

export function categoryChart(splits: readonly DatasetStats[], theme: ChartTheme, maxCategories = 40): ChartSpec {
  const first = splits[0];
  const order = [...(first?.perCategory ?? [])].sort((a, b) => b.instances - a.instances).slice(0, maxCategories);
  const title = order.length < (first?.perCategory.length ?? 0) ? `Instances per category (top ${order.length})` : 'Instances per category';
  return {
    id: 'categories', title,
    description: `Annotations per category${splits.length > 1 ? ', one bar per split' : ''}, most frequent first.`,
    option: {
      ...base(theme, title, splits),
      xAxis: { type: 'category', data: order.map((c) => c.name), ...axisStyle(theme), axisLabel: { color: theme.text, rotate: 60, fontSize: 10, interval: 0 } },
      yAxis: { type: 'value', name: 'instances', nameTextStyle: { color: theme.text }, min: 0, ...axisStyle(theme) },
      series: splits.map((s) => {
        const byId = new Map(s.perCategory.map((c) => [c.id, c.instances]));
        // Ids ride along so a click names the category.
        return { name: s.name, type: 'bar', barGap: '0%', data: order.map((c) => ({ value: byId.get(c.id) ?? 0, categoryId: c.id })) };
      }),
    },
  };
}

export function sizeClassChart(splits: readonly DatasetStats[], theme: ChartTheme): ChartSpec {
  const title = 'Small / medium / large (COCO: area < 32², < 96², ≥ 96²)';
  return {
    id: 'sizeClasses', title, description: 'Share of annotations that are small, medium and large by area, per split.',
    option: {
      ...base(theme, title, splits),
      xAxis: { type: 'category', data: ['small', 'medium', 'large'], ...axisStyle(theme) },
      yAxis: { type: 'value', name: '% of annotations', nameTextStyle: { color: theme.text }, ...axisStyle(theme) },
      series: splits.map((s) => {
        const t = s.small + s.medium + s.large;
        return { name: s.name, type: 'bar', barGap: '0%', data: [s.small, s.medium, s.large].map((v) => (t ? Number(((100 * v) / t).toFixed(2)) : 0)) };
      }),
    },
  };
}

export function heatMapChart(split: DatasetStats, theme: ChartTheme, map: HeatMap = split.centers, what = 'all categories'): ChartSpec {
  const data: [number, number, number][] = [];
  let max = 0;
  for (let r = 0; r < map.rows; r++) for (let c = 0; c < map.cols; c++) {
    const v = map.counts[r * map.cols + c];
    data.push([c, r, v]);
    if (v > max) max = v;
  }
  const title = `Box centres (${what}, ${split.name})`;
  const ticks = (n: number) => Array.from({ length: n }, (_, k) => `${Math.round((100 * (k + 0.5)) / n)}%`);
  return {
    id: 'centers', title,
    description: `Where box centres sit in the image, as a ${map.cols} × ${map.rows} grid of the image's width and height (top row = top of the image).`,
    option: {
      backgroundColor: theme.background, animation: false,
      textStyle: { color: theme.text, fontFamily: theme.fontFamily },
      title: { text: title, left: 'center', textStyle: { color: theme.text, fontSize: 14, fontWeight: 'bold' } },
      tooltip: { position: 'top' },
      grid: { left: 56, right: 80, top: 40, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: ticks(map.cols), name: 'x', ...axisStyle(theme), splitArea: { show: false } },
      yAxis: { type: 'category', data: ticks(map.rows), name: 'y', inverse: true, ...axisStyle(theme), splitArea: { show: false } },
      visualMap: { min: 0, max: Math.max(1, max), calculable: false, orient: 'vertical', right: 8, top: 'middle', inRange: { color: [...theme.ramp] }, textStyle: { color: theme.text } },
      series: [{ name: 'boxes', type: 'heatmap', data, label: { show: false } }],
      aria: { enabled: true },
    },
  };
}

/**
 * A split's statistics seen through one category: its box-area, aspect-ratio and centre
 * distributions replace the whole split's (the other fields stay), so the same charts show it.
 */
export function statsForCategory(s: DatasetStats, categoryId: number | string): DatasetStats {
  const c = s.perCategory.find((x) => x.id === categoryId);
  if (!c) return { ...s, boxArea: { ...s.boxArea, counts: s.boxArea.counts.map(() => 0), below: 0, above: 0 }, aspectRatio: { ...s.aspectRatio, counts: s.aspectRatio.counts.map(() => 0), below: 0, above: 0 }, centers: { ...s.centers, counts: s.centers.counts.map(() => 0) } };
  return { ...s, boxArea: c.boxArea, aspectRatio: c.aspectRatio, centers: c.centers, small: c.small, medium: c.medium, large: c.large };
}

/** The charts of the report and the card, in order. */
export function datasetCharts(splits: readonly DatasetStats[], theme: ChartTheme = LIGHT_THEME, category?: { id: number | string; name: string }): ChartSpec[] {
  if (splits.length === 0) return [];
  const all = splits;
  if (category) splits = splits.map((s) => statsForCategory(s, category.id));
  const of = category ? `, ${category.name}` : '';
  return [
    categoryChart(all, theme),
    histogramChart('boxArea', `Box area (log scale${of})`, 'Distribution of box areas in px², two bins per doubling, as a share of each split\'s boxes.', splits, (s) => s.boxArea, 'box area (px²)', theme),
    sizeClassChart(splits, theme),
    histogramChart('aspectRatio', `Box aspect ratio w / h (log scale${of})`, 'Distribution of box aspect ratios, four bins per doubling.', splits, (s) => s.aspectRatio, 'w / h', theme),
    histogramChart('imageSizes', 'Image width (log scale)', 'Distribution of declared image widths in px.', splits, (s) => s.imageWidth, 'width (px)', theme),
    heatMapChart(splits[0], theme, splits[0].centers, category ? category.name : 'all categories'),
  ];
}
