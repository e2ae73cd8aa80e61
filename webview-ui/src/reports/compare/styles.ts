/** Theme colours only (VS Code's CSS variables), so light, dark and high-contrast themes all work. */
export const STYLES = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 32px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.muted { color: var(--vscode-descriptionForeground); }
.summary { font-size: 1.15em; font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); background: var(--vscode-sideBar-background, transparent); padding: 8px 14px; min-width: 110px; }
.card .value { font-size: 1.5em; font-variant-numeric: tabular-nums; }
.card .label { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, #8884)); }
th { color: var(--vscode-descriptionForeground); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.open { cursor: pointer; }
tr.open:hover { background: var(--vscode-list-hoverBackground); }
tr.open:focus { outline: 1px solid var(--vscode-focusBorder); background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.toolbar { margin: 8px 0; display: flex; gap: 6px; align-items: center; }
button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent); padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:focus-visible, select:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
select { color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
.chart { width: 100%; }
`;
