/** Colours from VS Code's theme variables, read once per render (theme changes re-render). */
export interface ReportTheme {
  fg: string;
  muted: string;
  bg: string;
  border: string;
  palette: string[];
  heatLow: string;
  heatHigh: string;
  font: string;
}

export function readTheme(): ReportTheme {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const fg = v('--vscode-foreground', '#cccccc');
  return {
    fg,
    muted: v('--vscode-descriptionForeground', fg),
    bg: v('--vscode-editor-background', '#1e1e1e'),
    border: v('--vscode-panel-border', '#80808059'),
    palette: [
      v('--vscode-charts-blue', '#3794ff'), v('--vscode-charts-orange', '#d18616'), v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-red', '#f14c4c'), v('--vscode-charts-purple', '#b180d7'), v('--vscode-charts-yellow', '#cca700'),
      '#4ec9b0', '#ce9178', '#9cdcfe', '#c586c0',
    ],
    heatLow: v('--vscode-editor-background', '#1e1e1e'),
    heatHigh: v('--vscode-charts-blue', '#3794ff'),
    font: v('--vscode-font-family', 'sans-serif'),
  };
}
