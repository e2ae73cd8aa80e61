/**
 * Runs the real webview bundle in headless Chromium against the real host
 * session (EditorSession + CocoEditorModel in Node). `acquireVsCodeApi` is a
 * stub that records every posted message and forwards it to the session;
 * the session's messages go back with window.postMessage (structured clone).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CocoEditorModel, type ImageSource } from '../../src/editor/editorModel';
import { EditorSession, type SessionOptions } from '../../src/editor/session';
import { imageLookup } from '../../src/node/imageFiles';
import type { Envelope } from '../../src/shared/protocol';

export const ROOT = path.resolve(__dirname, '../..');
export const SAMPLE = path.join(ROOT, 'sample/annotations/instances_sample.json');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/webview');
const BUNDLE = path.join(ROOT, 'dist/webview/main.js');

/**
 * esbuild options of a webview bundle as `node esbuild.mjs --production` makes it (minified:
 * the tests run the code that ships). The source map only adds a file and a comment; it keeps
 * a failing test's stack readable.
 */
export const WEBVIEW_BUILD = { bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true } as const;

let built: Promise<void> | undefined;
/** Builds webview-ui/src/main.ts → dist/webview/main.js, as esbuild.mjs --production does. */
export function buildWebview(): Promise<void> {
  built ??= esbuild.build({
    ...WEBVIEW_BUILD,
    entryPoints: { main: path.join(ROOT, 'webview-ui/src/main.ts') }, outdir: path.dirname(BUNDLE),
    loader: { '.css': 'text' }, logLevel: 'warning',
  }).then(() => undefined);
  return built;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const ORIGIN = 'http://labelscope.test';

function harnessHtml(theme: string, initialState: unknown): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<style>${theme}</style></head><body><div id="app"></div>
<script>
  window.__name = (f) => f; // tsx's keepNames helper, for functions passed to page.evaluate
  window.__posted = [];
  window.__state = ${JSON.stringify(initialState ?? null)};
  window.acquireVsCodeApi = () => ({
    postMessage(m) { window.__posted.push(m); window.__toHost(m); },
    getState() { return window.__state; },
    setState(s) { window.__state = s; },
  });
</script>
<script src="${ORIGIN}/main.js"></script></body></html>`;
}

export const DARK = `body { --vscode-foreground:#cccccc; --vscode-editor-background:#1e1e1e; --vscode-font-family:sans-serif; --vscode-font-size:13px; --vscode-panel-border:#444; }`;
export const LIGHT = `body { --vscode-foreground:#3b3b3b; --vscode-editor-background:#ffffff; --vscode-editorWidget-background:#f3f3f3; --vscode-sideBar-background:#f8f8f8; --vscode-panel-border:#ddd; --vscode-list-activeSelectionBackground:#0060c0; --vscode-list-activeSelectionForeground:#fff; --vscode-list-hoverBackground:#e8e8e8; --vscode-font-family:sans-serif; --vscode-font-size:13px; }`;

export interface Harness {
  page: Page;
  model: CocoEditorModel;
  session: EditorSession;
  /** Edits the session applied (what would go on VS Code's undo stack). */
  edits: unknown[];
  close(): Promise<void>;
}

/** Image files as data URLs (canvases stay readable, unlike cross-origin webview URIs). */
export function dataUrlSource(cocoFile: string, imageRoot?: string): ImageSource {
  const lookup = imageLookup(cocoFile, imageRoot);
  return {
    find: (n) => ({ path: lookup.resolve(n), tried: lookup.candidates(n) }),
    toSrc: (p) => `data:image/png;base64,${fs.readFileSync(p).toString('base64')}`,
  };
}

export async function openEditor(browser: Browser, opts: {
  file?: string; bytes?: Uint8Array; source?: ImageSource; theme?: string; state?: unknown; width?: number; height?: number;
  /** More session options (problems, applyFix, thumbnail…). */
  session?: Partial<SessionOptions>;
} = {}): Promise<Harness> {
  await buildWebview();
  const file = opts.file ?? SAMPLE;
  const bytes = opts.bytes ?? fs.readFileSync(file);
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1000, height: opts.height ?? 640 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('[webview error]', e));
  const modelP = CocoEditorModel.load(bytes, file);
  const model = await modelP;
  const edits: unknown[] = [];
  const session = new EditorSession({
    post: (m: Envelope) => { void page.evaluate((msg) => window.postMessage(msg, '*'), m as never).catch(() => {}); },
    source: opts.source ?? dataUrlSource(file),
    model: modelP,
    onEdit: (e) => edits.push(e),
    ...opts.session,
  });
  await page.exposeFunction('__toHost', (m: unknown) => session.receive(m));
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/main.js') return route.fulfill({ body: fs.readFileSync(BUNDLE), contentType: 'text/javascript' });
    return route.fulfill({ body: harnessHtml(opts.theme ?? DARK, opts.state), contentType: 'text/html' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  return { page, model, session, edits, close: () => page.close() };
}

/** Waits until image `index` is drawn (at document version `version`, if given). */
export async function waitShown(page: Page, index: number, version?: number): Promise<void> {
  await page.waitForFunction(([i, v]) => {
    const s = document.body.dataset.shown;
    if (!s) return false;
    const [si, sv] = s.split(':').map(Number);
    return si === i && (v === null || sv === v);
  }, [index, version ?? null] as const);
}

/** Waits until the overlay layer at image point (x, y) is drawn (alpha > 0) or clear (alpha 0). */
export async function waitOverlay(page: Page, x: number, y: number, drawn: boolean): Promise<void> {
  await page.waitForFunction(([ix, iy, want]) => {
    const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; overlayCanvas: HTMLCanvasElement } } }).labelscope.viewer;
    const alpha = v.overlayCanvas.getContext('2d')!.getImageData(Math.floor(ix * v.zoom + v.panX), Math.floor(iy * v.zoom + v.panY), 1, 1).data[3];
    return want ? alpha > 0 : alpha === 0;
  }, [x, y, drawn] as const);
}

/** Polls a Node-side condition (what the host side received) until it holds; throws after `timeoutMs`. */
export async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Pixel { image: number[]; overlay: number[]; composite: number[] }

/** The pixel at image coordinates (x, y): the image layer, the overlay layer, and both composited. */
export function pixelAt(page: Page, x: number, y: number): Promise<Pixel> {
  return page.evaluate(([ix, iy]) => {
    const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; imageCanvas: HTMLCanvasElement; overlayCanvas: HTMLCanvasElement } } }).labelscope.viewer;
    const sx = Math.floor(ix * v.zoom + v.panX);
    const sy = Math.floor(iy * v.zoom + v.panY);
    const read = (c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(sx, sy, 1, 1).data];
    const comp = document.createElement('canvas');
    comp.width = v.imageCanvas.width; comp.height = v.imageCanvas.height;
    const ctx = comp.getContext('2d')!;
    ctx.drawImage(v.imageCanvas, 0, 0);
    ctx.drawImage(v.overlayCanvas, 0, 0);
    return { image: read(v.imageCanvas), overlay: read(v.overlayCanvas), composite: [...ctx.getImageData(sx, sy, 1, 1).data] };
  }, [x, y] as const);
}

/** Screen (page) coordinates of an image point. */
export function toScreen(page: Page, x: number, y: number): Promise<[number, number]> {
  return page.evaluate(([ix, iy]) => {
    const v = (window as never as { labelscope: { viewer: { zoom: number; panX: number; panY: number; root: HTMLElement } } }).labelscope.viewer;
    const r = v.root.getBoundingClientRect();
    return [r.left + ix * v.zoom + v.panX, r.top + iy * v.zoom + v.panY] as [number, number];
  }, [x, y] as const);
}

export function posted(page: Page): Promise<Envelope[]> {
  return page.evaluate(() => (window as never as { __posted: Envelope[] }).__posted);
}

export function hexRgb(hex: string): number[] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: path.join(ARTIFACTS, name) });
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
