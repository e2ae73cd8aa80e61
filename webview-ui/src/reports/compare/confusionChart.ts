/** The confusion matrix as an echarts heatmap (SVG renderer: crisp, exportable as SVG; PNG through a canvas). */
import * as echarts from 'echarts/core';
import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

/** A VS Code theme colour (CSS variable), with a fallback outside VS Code. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function confusionOption(labels: string[], rows: number[][]) {
  const fg = themeColor('--vscode-editor-foreground', '#cccccc');
  const data: [number, number, number][] = [];
  let max = 1;
  rows.forEach((row, i) => row.forEach((v, j) => { data.push([j, i, v]); if (v > max) max = v; }));
  // Row/column stripes in a neutral grey at low alpha: echarts' default (near-white) glares on dark themes.
  return {
    backgroundColor: 'transparent',
    textStyle: { color: fg, fontFamily: themeColor('--vscode-font-family', 'sans-serif') },
    tooltip: { formatter: (p: { value: [number, number, number] }) => `A: ${labels[p.value[1]]}<br>B: ${labels[p.value[0]]}<br>${p.value[2]} objects` },
    grid: { left: 110, right: 20, top: 20, bottom: 90 },
    xAxis: { type: 'category', data: labels, name: 'B', nameLocation: 'middle', nameGap: 70, axisLabel: { rotate: 45, color: fg }, splitArea: { show: true, areaStyle: { color: ['rgba(128, 128, 128, 0)', 'rgba(128, 128, 128, 0.08)'] } } },
    yAxis: { type: 'category', data: labels, name: 'A', nameLocation: 'middle', nameGap: 95, inverse: true, axisLabel: { color: fg }, splitArea: { show: true, areaStyle: { color: ['rgba(128, 128, 128, 0)', 'rgba(128, 128, 128, 0.08)'] } } },
    visualMap: {
      min: 0, max, calculable: false, show: false,
      inRange: { color: [themeColor('--vscode-editor-background', '#1e1e1e'), themeColor('--vscode-charts-blue', '#3794ff')] },
    },
    series: [{ type: 'heatmap', data, label: { show: labels.length <= 25, color: fg }, emphasis: { itemStyle: { borderColor: fg, borderWidth: 1 } } }],
  };
}

export function renderConfusion(el: HTMLElement, labels: string[], rows: number[][]): echarts.ECharts {
  const size = Math.min(900, 140 + labels.length * 28);
  el.style.height = `${size}px`;
  el.style.maxWidth = `${size + 60}px`;
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  chart.setOption(confusionOption(labels, rows));
  new ResizeObserver(() => chart.resize()).observe(el);
  return chart;
}

/** The chart as an SVG document. */
export function chartSvg(chart: echarts.ECharts): string {
  return (chart as unknown as { renderToSVGString(): string }).renderToSVGString();
}

/** The chart as a PNG data URL: the SVG drawn onto a canvas at 2× (CSP allows data: images). */
export function chartPng(chart: echarts.ECharts): Promise<string> {
  const svg = chartSvg(chart);
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.width * 2;
      c.height = img.height * 2;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = themeColor('--vscode-editor-background', '#ffffff');
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      resolve(c.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error('cannot draw the chart'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}
