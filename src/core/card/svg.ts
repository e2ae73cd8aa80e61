/** Charts to SVG text with echarts' server-side renderer: no DOM, no canvas, runs in Node and workers. */
import * as echarts from 'echarts';
import type { ChartSpec } from '../metrics/stats/charts';

export function chartToSvg(spec: ChartSpec, width = 800, height = 420): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(spec.option as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
