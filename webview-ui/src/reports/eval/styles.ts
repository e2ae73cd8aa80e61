/** The report's CSS: VS Code theme variables only. */
export const STYLES = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); margin: 0; }
#app { padding: 12px 20px 40px; max-width: 1400px; }
h1 { font-size: 1.3em; font-weight: 600; margin: 4px 0; }
.files, .counts { color: var(--vscode-descriptionForeground); margin: 2px 0; word-break: break-all; }
button { color: var(--vscode-button-secondaryForeground, var(--vscode-foreground)); background: var(--vscode-button-secondaryBackground, transparent); border: 1px solid var(--vscode-button-border, var(--vscode-panel-border)); padding: 3px 10px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-secondaryHoverBackground, var(--vscode-list-hoverBackground)); }
button:focus-visible, tr:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.stats { display: grid; grid-template-columns: repeat(6, minmax(90px, 1fr)); gap: 8px; margin: 14px 0; }
.stat { border: 1px solid var(--vscode-panel-border); padding: 6px 10px; display: flex; flex-direction: column; }
.stat .key { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.stat .value { font-size: 1.4em; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th { text-align: left; border-bottom: 1px solid var(--vscode-panel-border); padding: 0; }
th button { border: none; background: none; width: 100%; text-align: inherit; padding: 4px 8px; font-weight: 600; }
td { padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: var(--vscode-list-hoverBackground); }
.chart-section { margin: 18px 0; }
.chart-bar { display: flex; gap: 6px; justify-content: flex-end; }
.chart { width: 100%; height: 380px; }
`;
