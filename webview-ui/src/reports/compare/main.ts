/**
 * The compare report webview: agreement (metrics, per-class table, confusion matrix, conflicts,
 * images by disagreement) or a semantic diff (summary, category and image changes, changed images).
 * Rows are focusable: Enter (or a click) shows the object in the JSON; `n` / `N` walk the rows;
 * a changed image's "Show in viewer" (or `v` on its row) opens NEW's viewer in diff mode.
 */
import { formatAgreementMarkdown, type AgreementReport, type Conflict } from '../../../../src/core/metrics/agreement';
import { describeChange, formatDiffMarkdown, type CocoDiff } from '../../../../src/core/metrics/diff';
import type { CompareFromWebview, CompareToWebview } from '../../../../src/shared/compareProtocol';
import { chartPng, chartSvg, renderConfusion } from './confusionChart';
import { STYLES } from './styles';

declare function acquireVsCodeApi(): { postMessage(m: CompareFromWebview): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}
const num = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));
const button = (label: string, onClick: () => void) => { const b = h('button', { type: 'button' }, label); b.addEventListener('click', onClick); return b; };

function table(head: string[], rows: (string | number | Node)[][], onOpen?: (i: number) => void, numeric = new Set<number>()): HTMLTableElement {
  const t = h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', numeric.has(i) ? { class: 'num' } : {}, c)))));
  const body = h('tbody');
  rows.forEach((r, i) => {
    const tr = h('tr', onOpen ? { tabindex: '0', class: 'open', title: 'Enter: show in the JSON' } : {}, ...r.map((c, j) => h('td', numeric.has(j) ? { class: 'num' } : {}, c instanceof Node ? c : String(c))));
    if (onOpen) {
      tr.addEventListener('click', () => onOpen(i));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onOpen(i); });
    }
    body.append(tr);
  });
  t.append(body);
  return t;
}

function exportBar(items: [string, () => void][]) {
  return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Export' }, 'Export: ', ...items.map(([l, f]) => button(l, f)));
}

function renderAgreement(m: Extract<CompareToWebview, { type: 'agree' }>) {
  const r: AgreementReport = m.report;
  const o = r.overall;
  app.replaceChildren();
  app.append(
    h('h1', {}, `Agreement of ${m.fileB} (B) against ${m.fileA} (A)`),
    h('p', { class: 'muted' }, `IoU ≥ ${r.options.iouThreshold}, low overlap < ${r.options.lowOverlap}. Images: ${r.images.paired} paired (${r.images.identical} identical), ${r.images.onlyA} only in A, ${r.images.onlyB} only in B. ${(m.ms / 1000).toFixed(1)} s.`),
    exportBar([
      ['Markdown', () => vscode.postMessage({ type: 'export', format: 'md', content: formatAgreementMarkdown(r, m.fileA, m.fileB) })],
      ['JSON', () => vscode.postMessage({ type: 'export', format: 'json', content: JSON.stringify({ fileA: m.fileA, fileB: m.fileB, ...r }, null, 2) })],
    ]),
    h('div', { class: 'cards' },
      ...([['precision', o.precision], ['recall', o.recall], ['F1', o.f1], ['mean IoU', o.meanIou], ['mean Dice', o.meanDice], [`Cohen's κ (${r.kappa.pairs} pairs)`, r.kappa.kappa]] as [string, number | null][])
        .map(([k, v]) => h('div', { class: 'card' }, h('div', { class: 'value' }, num(v)), h('div', { class: 'label' }, k))),
      ...(r.imageLabelKappa ? [h('div', { class: 'card' }, h('div', { class: 'value' }, num(r.imageLabelKappa.kappa)), h('div', { class: 'label' }, `image-level κ (${r.imageLabelKappa.pairs})`))] : []),
    ),
    h('h2', {}, 'Per class'),
    table(['class', 'A', 'B', 'TP', 'precision', 'recall', 'F1', 'mean IoU', 'mean Dice'],
      r.perClass.map((c) => [c.name, c.countA, c.countB, c.tp, num(c.precision), num(c.recall), num(c.f1), num(c.meanIou), num(c.meanDice)]), undefined, new Set([1, 2, 3, 4, 5, 6, 7, 8])),
    h('h2', {}, 'Confusion matrix (rows A, columns B)'),
  );
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': 'Confusion matrix heatmap' });
  app.append(chartEl);
  const chart = renderConfusion(chartEl, r.confusion.labels, r.confusion.rows);
  app.append(exportBar([
    ['SVG', () => vscode.postMessage({ type: 'export', format: 'svg', content: chartSvg(chart) })],
    ['PNG', () => void chartPng(chart).then((content) => vscode.postMessage({ type: 'export', format: 'png', content }))],
  ]));

  app.append(h('h2', {}, `Conflicts (${r.conflicts.length})`));
  const filter = h('select', { 'aria-label': 'Conflict type' }, h('option', { value: '' }, 'all types'), ...Object.entries(r.conflictsByType).map(([t, n]) => h('option', { value: t }, `${t} (${n})`)));
  const holder = h('div');
  const shown = 500;
  const drawConflicts = () => {
    const list: [Conflict, number][] = r.conflicts.map((c, i) => [c, i] as [Conflict, number]).filter(([c]) => !filter.value || c.type === filter.value);
    holder.replaceChildren(table(['severity', 'type', 'image', 'detail'], list.slice(0, shown).map(([c]) => [c.severity, c.type, c.fileName ?? String(c.imageId ?? ''), c.message]),
      (i) => vscode.postMessage({ type: 'reveal', conflict: list[i][1] })));
    if (list.length > shown) holder.append(h('p', { class: 'muted' }, `First ${shown} of ${list.length}; the Problems panel and the JSON export list more.`));
  };
  filter.addEventListener('change', drawConflicts);
  app.append(h('div', { class: 'toolbar' }, filter), holder);
  drawConflicts();

  // perImage holds the images with a disagreement (the host leaves out the others); "Show in viewer" opens B's viewer with A over it.
  app.append(h('h2', {}, 'Images by disagreement'),
    table(['image', 'A', 'B', 'conflicts', 'score', ''], r.perImage.filter((i) => i.score > 0).slice(0, 200).map((i, k) => [i.fileName ?? String(i.imageId), i.countA, i.countB, i.conflicts, num(i.score), i.imageEntryB !== undefined ? viewerButton(k, 'Show A and B on this image in B\'s viewer, conflicts highlighted') : '']), undefined, new Set([1, 2, 3, 4])));
}

/** "Show in viewer" on a changed image's row: NEW's viewer draws the image's old and new outlines (diff mode). */
function viewerButton(image: number, title = 'Show the old and new outlines in the viewer (v on the row)'): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'show-in-viewer', title }, 'Show in viewer');
  b.addEventListener('click', (e) => { e.stopPropagation(); vscode.postMessage({ type: 'showInViewer', image }); });
  // Enter / Space on the button belong to the button, not to the row's "show in the JSON".
  b.addEventListener('keydown', (e) => e.stopPropagation());
  return b;
}

function renderDiff(m: Extract<CompareToWebview, { type: 'diff' }>) {
  const d: CocoDiff = m.diff;
  app.replaceChildren();
  app.append(
    h('h1', {}, `${m.newName} against ${m.oldName}`),
    h('p', { class: 'summary' }, d.summary.line),
    h('p', { class: 'muted' }, `${d.summary.annotationsUnchanged} annotations unchanged. ${(m.ms / 1000).toFixed(1)} s.`),
    exportBar([
      ['Markdown', () => vscode.postMessage({ type: 'export', format: 'md', content: formatDiffMarkdown(d, m.name, Infinity) })],
      ['JSON', () => vscode.postMessage({ type: 'export', format: 'json', content: JSON.stringify({ file: m.name, old: m.oldName, new: m.newName, ...d }, null, 2) })],
    ]),
  );
  const meta: string[][] = [
    ...d.categories.renamed.map((c) => ['category', 'renamed', `${c.id}: "${c.oldName}" → "${c.newName}"`]),
    ...d.categories.added.map((c) => ['category', 'added', `${c.id}: "${c.name}"`]),
    ...d.categories.removed.map((c) => ['category', 'removed', `${c.id}: "${c.name}"`]),
    ...d.categories.changed.map((c) => ['category', 'changed', `${c.id} "${c.name}": ${c.fields.join(', ')}`]),
    ...d.images.renamed.map((i) => ['image', 'renamed', `${i.id}: ${i.oldFileName} → ${i.newFileName}`]),
    ...d.images.added.map((i) => ['image', 'added', `${i.id}: ${i.fileName}`]),
    ...d.images.removed.map((i) => ['image', 'removed', `${i.id}: ${i.fileName}`]),
    ...d.images.changed.map((i) => ['image', 'changed', `${i.id} ${i.fileName}: ${i.fields.join(', ')}`]),
    ...d.otherSections.map((s) => ['section', 'changed', s]),
  ];
  if (meta.length) app.append(h('h2', {}, 'Categories and images'), table(['what', 'change', 'detail'], meta));
  app.append(h('h2', {}, `Changed images (${d.perImage.length})`));
  const rows: { cells: (string | Node)[]; key?: string }[] = [];
  d.perImage.slice(0, 1000).forEach((im, i) => {
    rows.push({ cells: [im.fileName ?? String(im.imageId), im.status, `+${im.added.length} −${im.removed.length} ~${im.changed.length}`, im.entryNew !== undefined ? viewerButton(i) : ''], key: im.entryNew !== undefined ? `${i}:image` : undefined });
    im.added.forEach((a, k) => rows.push({ cells: ['', 'added', `annotation ${a.id} ${a.category ?? ''}`, ''], key: `${i}:added:${k}` }));
    im.removed.forEach((a) => rows.push({ cells: ['', 'removed', `annotation ${a.id} ${a.category ?? ''}`, ''] }));
    im.changed.forEach((c, k) => rows.push({ cells: ['', c.kinds.join(', '), describeChange(c), ''], key: `${i}:changed:${k}` }));
  });
  app.append(table(['image', 'change', 'detail', ''], rows.map((r) => r.cells), (i) => { const key = rows[i].key; if (key) vscode.postMessage({ type: 'reveal', change: key }); }));
  if (d.perImage.length > 1000) app.append(h('p', { class: 'muted' }, `First 1000 of ${d.perImage.length} images; the JSON export lists all.`));
}

// n / N: next / previous focusable row; v: the focused image row's "Show in viewer".
document.addEventListener('keydown', (e) => {
  if (e.key === 'v' && (e.target as HTMLElement)?.tagName === 'TR') {
    const b = (e.target as HTMLElement).querySelector<HTMLButtonElement>('button.show-in-viewer');
    if (b) { b.click(); e.preventDefault(); }
    return;
  }
  if ((e.key !== 'n' && e.key !== 'N') || (e.target as HTMLElement)?.tagName === 'SELECT') return;
  const rows = [...document.querySelectorAll<HTMLElement>('tr.open')];
  if (!rows.length) return;
  const at = rows.indexOf(document.activeElement as HTMLElement);
  const next = e.key === 'n' ? (at + 1) % rows.length : (at - 1 + rows.length) % rows.length;
  rows[next].focus();
  e.preventDefault();
});

const style = document.createElement('style');
style.textContent = STYLES;
document.head.append(style);
window.addEventListener('message', (e: MessageEvent<CompareToWebview>) => {
  if (e.data.type === 'agree') renderAgreement(e.data);
  else if (e.data.type === 'diff') renderDiff(e.data);
});
vscode.postMessage({ type: 'ready' });
