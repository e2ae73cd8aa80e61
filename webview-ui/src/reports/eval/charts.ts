/** The report's echarts options: PR curves, F1 against the score threshold, the confusion matrix. */
import type { EvalReportData } from '../../../../src/shared/evalProtocol';
import type { ReportTheme } from './theme';

/** Classes drawn at first (the legend toggles the rest): those with the most labels. */
export const INITIAL_CURVES = 10;

function base(theme: ReportTheme, title: string) {
  return {
    animation: false,
    backgroundColor: 'transparent',
    color: theme.palette,
    textStyle: { color: theme.fg, fontFamily: theme.font },
    title: { text: title, left: 0, textStyle: { color: theme.fg, fontSize: 13, fontWeight: 'normal' as const } },
    tooltip: { trigger: 'axis' as const },
  };
}

const axis = (theme: ReportTheme, name: string, max?: number) => ({
  type: 'value' as const, name, nameLocation: 'middle' as const, nameGap: 28, min: 0, max,
  axisLine: { lineStyle: { color: theme.muted } }, axisLabel: { color: theme.muted },
  splitLine: { lineStyle: { color: theme.border } }, nameTextStyle: { color: theme.fg },
});

function legend(theme: ReportTheme, names: string[], shown: Set<string>) {
  return {
    type: 'scroll' as const, orient: 'vertical' as const, right: 0, top: 24, bottom: 0,
    textStyle: { color: theme.fg }, pageTextStyle: { color: theme.fg },
    selected: Object.fromEntries(names.map((n) => [n, shown.has(n)])),
  };
}

function byLabels(data: EvalReportData) {
  const withGt = data.classes.filter((c) => c.gtCount > 0).sort((a, b) => b.gtCount - a.gtCount || a.id - b.id);
  return { withGt, shown: new Set(withGt.slice(0, INITIAL_CURVES).map((c) => c.name)) };
}

export function prOption(data: EvalReportData, theme: ReportTheme) {
  const { withGt, shown } = byLabels(data);
  return {
    ...base(theme, `Precision–recall at IoU ${data.analysisIou.toFixed(2)} (COCOeval's 101-point curves)`),
    legend: legend(theme, withGt.map((c) => c.name), shown),
    grid: { left: 48, right: 160, top: 36, bottom: 40 },
    xAxis: axis(theme, 'recall', 1),
    yAxis: axis(theme, 'precision', 1),
    series: withGt.map((c) => ({
      name: c.name, type: 'line' as const, showSymbol: false, step: false as const, lineStyle: { width: 2 },
      data: data.recThrs.map((r, i) => [r, Math.max(0, c.precision[i] ?? 0)]),
    })),
  };
}

export function f1Option(data: EvalReportData, theme: ReportTheme) {
  const { withGt, shown } = byLabels(data);
  return {
    ...base(theme, `F1 against the score threshold at IoU ${data.analysisIou.toFixed(2)}`),
    legend: legend(theme, withGt.map((c) => c.name), shown),
    grid: { left: 48, right: 160, top: 36, bottom: 40 },
    xAxis: axis(theme, 'score threshold'),
    yAxis: axis(theme, 'F1', 1),
    series: withGt.map((c) => ({
      name: c.name, type: 'line' as const, showSymbol: false, lineStyle: { width: 2 },
      data: c.f1.map((p) => [p.score, p.f1]),
      markPoint: c.best ? { symbolSize: 36, label: { color: theme.fg, formatter: () => c.best!.score.toPrecision(2) }, data: [{ coord: [c.best.score, c.best.f1], name: 'best' }] } : undefined,
    })),
  };
}

export function confusionOption(data: EvalReportData, theme: ReportTheme) {
  const cm = data.confusion!;
  const n = cm.labels.length;
  const cells: [number, number, number][] = [];
  let max = 1;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) { cells.push([c, r, cm.cells[r][c]]); max = Math.max(max, cm.cells[r][c]); }
  return {
    ...base(theme, `Confusion matrix at IoU ${cm.iou.toFixed(2)}, score ≥ ${cm.minScore} (rows: labels, columns: detections)`),
    tooltip: { position: 'top' as const, formatter: (p: { value: [number, number, number] }) => `label ${cm.labels[p.value[1]]} → detected ${cm.labels[p.value[0]]}: ${p.value[2]}` },
    grid: { left: 110, right: 20, top: 36, bottom: 90 },
    xAxis: { type: 'category' as const, data: cm.labels, name: 'detected', nameLocation: 'middle' as const, nameGap: 70, axisLabel: { color: theme.muted, rotate: 45, interval: 0 }, nameTextStyle: { color: theme.fg }, splitArea: { show: true, areaStyle: { color: ['rgba(128, 128, 128, 0)', 'rgba(128, 128, 128, 0.08)'] } } },
    yAxis: { type: 'category' as const, data: cm.labels, inverse: true, name: 'label', axisLabel: { color: theme.muted, interval: 0 }, nameTextStyle: { color: theme.fg }, splitArea: { show: true, areaStyle: { color: ['rgba(128, 128, 128, 0)', 'rgba(128, 128, 128, 0.08)'] } } },
    visualMap: { min: 0, max, calculable: false, show: false, inRange: { color: [theme.heatLow, theme.heatHigh] } },
    series: [{
      type: 'heatmap' as const, data: cells,
      label: { show: n <= 25, color: theme.fg },
      itemStyle: { borderColor: theme.border, borderWidth: 1 },
      emphasis: { itemStyle: { borderColor: theme.fg, borderWidth: 2 } },
    }],
  };
}
