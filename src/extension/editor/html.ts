/** The webview's HTML: strict CSP with a nonce, no eval, one bundled script. Free of `vscode`. */
import { randomBytes } from 'node:crypto';

export interface HtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** URI of dist/webview/main.js as the webview sees it. */
  scriptUri: string;
  nonce?: string;
  title?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function editorHtml(o: HtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(o.title ?? 'Labelscope')}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
