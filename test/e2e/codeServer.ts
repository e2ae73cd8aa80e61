/**
 * Real-VS-Code e2e harness: code-server 4.100.3 (VS Code 1.100.3, installed by
 * scripts/e2e/setup.sh into .cache/code-server) driven by Debian's Chromium through
 * playwright-core. See /work/shared/README.md for why this is the offline recipe.
 *
 * Every session gets fresh user-data/extensions dirs and a temp COPY of the workspace
 * folder under one temp dir; close() kills the server's process group, closes the
 * browser and removes the temp dir (kept when E2E_KEEP_TMP=1).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e');
const CODE_SERVER_BIN = path.join(REPO_ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
const DEFAULT_VSIX = path.join(REPO_ROOT, '.cache', 'labelscope-e2e.vsix');
/** Fallback ignore file used only when the repo has neither .vscodeignore nor package.json#files. */
const FALLBACK_VSCODEIGNORE = path.join(__dirname, 'fallback.vscodeignore');

const log = (msg: string): void => console.log(`    [e2e] ${msg}`);
/** The outer iframe of a webview in the browser workbench (see CodeServerSession.webview). */
const WEBVIEW_IFRAME = 'iframe.webview';

// ------------------------------------------------------------------ packaging

/**
 * Build and package the extension into a .vsix (once per process).
 * E2E_VSIX=<file.vsix> skips this and uses a prebuilt package instead.
 */
let packaged: string | undefined;
export function packageExtension(): string {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  if (packaged) return packaged;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const t0 = Date.now();
  // The release build (minified, no source maps), as `npm run package` makes the VSIX users install.
  log('npm run build:production');
  execFileSync('npm', ['run', 'build:production'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const main = path.join(REPO_ROOT, pkg.main ?? './dist/extension.js');
  if (!fs.existsSync(main)) throw new Error(`npm run build:production did not produce the extension entry point ${main}`);

  fs.mkdirSync(path.dirname(DEFAULT_VSIX), { recursive: true });
  fs.rmSync(DEFAULT_VSIX, { force: true });
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', DEFAULT_VSIX];
  if (!fs.existsSync(path.join(REPO_ROOT, '.vscodeignore')) && !pkg.files) {
    // Without either, vsce packs the whole tree, including .cache/code-server (~hundreds of MB).
    log('WARNING: no .vscodeignore and no package.json "files"; packaging with test/e2e/fallback.vscodeignore');
    args.push('--ignoreFile', FALLBACK_VSCODEIGNORE);
  }
  log(`vsce ${args.join(' ')}`);
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  try {
    // stdin closed: vsce must never sit on a y/N prompt.
    execFileSync(vsce, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`vsce package failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  const size = fs.statSync(DEFAULT_VSIX).size;
  log(`packaged ${path.relative(REPO_ROOT, DEFAULT_VSIX)} (${(size / 1024).toFixed(0)} KiB, ${Date.now() - t0} ms)`);
  if (size > 200 * 1024 * 1024) throw new Error(`vsix is ${size} bytes: is .cache/ or node_modules/ being packed?`);
  packaged = DEFAULT_VSIX;
  return packaged;
}

// ------------------------------------------------------------------ utilities

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

// eslint-disable-next-line no-restricted-syntax -- the poll interval of waitFor below and a time limit in Promise.race, never a wait on its own
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until `ok(value)`; on timeout throw with the last value seen. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last, null, 1)}` +
          (lastErr ? `; last error: ${String(lastErr)}` : ''),
      );
    }
    await sleep(intervalMs);
  }
}

// Sessions still alive, so a Ctrl-C / crash still kills code-server.
const live = new Set<CodeServerSession>();
function killAllSync(): void {
  for (const s of live) s.killServerSync();
}
process.once('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllSync();
    process.exit(130);
  });
}

// ------------------------------------------------------------------ session

export interface LaunchOptions {
  /** Folder to open; a temp copy is opened so tests never modify it. */
  folder: string;
  /** Open `folder` itself, not a temp copy (benchmarks on a 450 MB file: no copy). */
  inPlace?: boolean;
  /** .vsix to install (default: packageExtension()). */
  vsix?: string;
  /** More .vsix files (or extension ids) to install beside it. */
  extraExtensions?: string[];
  /** Extra user settings merged over the defaults. */
  settings?: Record<string, unknown>;
  /** Label used for temp dirs and screenshots. */
  name?: string;
  viewport?: { width: number; height: number };
}

export interface StatusBarItem {
  id: string;
  text: string;
  ariaLabel: string;
}

export class CodeServerSession {
  browser?: Browser;
  page!: Page;
  proc?: ChildProcess;
  port = 0;
  /** The temp copy of the folder that the workbench has open. */
  workspace = '';
  private output: string[] = [];
  private closed = false;

  private constructor(
    readonly tmp: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
  ) {}

  static async launch(opts: LaunchOptions): Promise<CodeServerSession> {
    if (!fs.existsSync(CODE_SERVER_BIN)) {
      throw new Error(`code-server missing at ${CODE_SERVER_BIN}: run scripts/e2e/setup.sh (npm run test:e2e does)`);
    }
    const name = (opts.name ?? 'e2e').replace(/[^\w.-]+/g, '-');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `labelscope-${name}-`));
    const s = new CodeServerSession(tmp, path.join(tmp, 'user-data'), path.join(tmp, 'extensions'));
    live.add(s);
    try {
      await s.start(opts);
      return s;
    } catch (e) {
      await s.close(true);
      throw e;
    }
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.tmp, 'xdg-config'),
      XDG_DATA_HOME: path.join(this.tmp, 'xdg-data'),
      XDG_CACHE_HOME: path.join(this.tmp, 'xdg-cache'),
      // Keep the parent's test runner options out of the extension host.
      NODE_OPTIONS: '',
    };
  }

  private async start(opts: LaunchOptions): Promise<void> {
    const t0 = Date.now();
    // Workspace: a temp copy.
    const src = path.resolve(opts.folder);
    if (!fs.statSync(src).isDirectory()) throw new Error(`not a folder: ${src}`);
    if (opts.inPlace) {
      this.workspace = src;
    } else {
      this.workspace = path.join(this.tmp, 'workspace', path.basename(src));
      fs.cpSync(src, this.workspace, { recursive: true });
    }

    // Settings.
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      // VS Code in a browser defaults files.autoSave to "afterDelay" (1 s; desktop: "off"), so an
      // edit would be saved behind the test's back and a tab never shows dirty. Tests save explicitly.
      'files.autoSave': 'off',
      ...opts.settings,
    };
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    // Extension.
    const vsix = opts.vsix ?? packageExtension();
    const common = [
      '--config', path.join(this.tmp, 'config.yaml'),
      '--user-data-dir', this.userDataDir,
      '--extensions-dir', this.extensionsDir,
    ];
    for (const ext of [vsix, ...(opts.extraExtensions ?? [])]) {
      log(`installing ${path.basename(ext)}`);
      try {
        const out = execFileSync(CODE_SERVER_BIN, [...common, '--force', '--install-extension', ext], {
          env: this.env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
        });
        this.output.push(`$ code-server --install-extension ${ext}\n${out}`);
        if (!/successfully installed/i.test(out)) throw new Error(`unexpected output:\n${out}`);
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`code-server --install-extension ${ext} failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
      }
    }

    // Server (own process group so close() can kill it and its children).
    this.port = await freePort();
    const args = [
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      this.workspace,
    ];
    log(`starting code-server on 127.0.0.1:${this.port}`);
    const proc = spawn(CODE_SERVER_BIN, args, { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    let exited: string | undefined;
    proc.on('exit', (code, sig) => {
      exited = `code-server exited (code ${code}, signal ${sig})`;
      this.output.push(`\n[${exited}]\n`);
    });
    const base = `http://127.0.0.1:${this.port}`;
    await waitFor('code-server /healthz', async () => {
      if (exited) throw new Error(exited);
      return httpStatus(`${base}/healthz`);
    }, (st) => st === 200 || !!exited, 90_000);
    if (exited) throw new Error(exited);
    log(`code-server up after ${Date.now() - t0} ms`);

    // Browser.
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    const ctx = await this.browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    this.page = await ctx.newPage();
    this.page.setDefaultTimeout(60_000);
    this.page.on('pageerror', (e) => this.output.push(`[browser pageerror] ${e.message}\n`));
    this.page.on('console', (m) => {
      if (m.type() === 'error') this.output.push(`[browser console.error] ${m.text()}\n`);
    });
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`, { waitUntil: 'domcontentloaded' });
    await this.waitForWorkbench();
    log(`workbench ready after ${Date.now() - t0} ms`);
  }

  /** The workbench is up and the remote connection works (the Explorer lists the folder). */
  private async waitForWorkbench(): Promise<void> {
    const p = this.page;
    await p.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
    await p.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 120_000 });
    // Explorer rows come from the server's file system: proof the remote connection is up.
    await p.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  }

  // ---------------------------------------------------------------- UI helpers

  private quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  private async focusWorkbench(): Promise<void> {
    // Close whatever quick input is open, then put focus in the editor area.
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.page.locator('.part.editor').click({ position: { x: 20, y: 20 } });
  }

  /**
   * Open a workspace file via Quick Open (Ctrl+P) and wait for its editor tab to be active.
   * `editor: 'text'` (default) waits for a text editor, `'webview'` for a custom editor's webview.
   */
  async openFile(relPath: string, opts: { editor?: 'text' | 'webview' } = {}): Promise<void> {
    const base = path.posix.basename(relPath);
    const input = this.quickInput().locator('input');
    // Quick Open results come from the server's file search (ripgrep).
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: base }).first();
    // Retried: VS Code closes a Quick Open that loses the focus before it is filled (a webview or a
    // notification taking it on a loaded machine).
    const failures: string[] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.focusWorkbench();
        await this.page.keyboard.press('Control+P');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(relPath, { timeout: 5_000 });
        await row.waitFor({ state: 'visible', timeout: 60_000 });
        await row.click({ timeout: 5_000 });
        break;
      } catch (e) {
        failures.push(`attempt ${attempt + 1}: ${(e as Error).message.split('\n')[0]}`);
        if (attempt === 3) throw new Error(`could not open ${relPath} with Quick Open:\n  ${failures.join('\n  ')}`);
      }
    }
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${base}"]`).waitFor({ state: 'visible' });
    if ((opts.editor ?? 'text') === 'text') {
      await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
    } else {
      // The visible one: viewers keep their webviews when hidden (retainContextWhenHidden), so an
      // earlier viewer's iframe may come first in the DOM.
      await this.page.locator(`${WEBVIEW_IFRAME}:visible`).first().waitFor({ state: 'visible' });
    }
  }

  /** The active editor tab. */
  activeTab(): Locator {
    return this.page.locator('.part.editor .tabs-container .tab.active');
  }

  /** Whether the active editor tab shows unsaved changes. */
  async activeTabDirty(): Promise<boolean> {
    return (await this.activeTab().getAttribute('class') ?? '').split(/\s+/).includes('dirty');
  }

  /**
   * The content document of a webview (custom editor or webview panel). Webviews are nested
   * iframes in the browser workbench: an outer `iframe.webview` (the host page) and the inner
   * `#active-frame` holding the extension's HTML. `index` picks among several open webviews.
   */
  webview(index = 0): FrameLocator {
    return this.page.locator(WEBVIEW_IFRAME).nth(index).contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** The (rendered) Problems row whose text satisfies `pred`; waits for it. */
  async problemRow(pred: (row: string) => boolean, what: string, timeoutMs = 60_000): Promise<Locator> {
    const rows = await this.waitForProblem(pred, what, timeoutMs);
    // By its text, not its index (a virtualized list's DOM order need not be the visual order).
    // The message part only: innerText (what `pred` saw) and the textContent that hasText matches
    // differ around the "source(code)" label.
    const text = rows.find(pred)!;
    const message = text.split(/ labelscope\b/)[0] || text;
    return this.page.locator('.markers-panel .monaco-list-row').filter({ hasText: message }).first();
  }

  /**
   * Apply a code action at the text editor's cursor: Ctrl+. opens the code action widget and
   * the first action whose title contains `title` is chosen. Returns the titles offered.
   */
  async applyCodeAction(title: string): Promise<string[]> {
    const widget = this.page.locator('.action-widget');
    await this.page.keyboard.press('Control+.');
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = widget.locator('.monaco-list-row.action');
    await rows.first().waitFor({ state: 'visible' });
    const titles = (await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
    const wanted = titles.findIndex((t) => t.includes(title));
    if (wanted < 0) {
      await this.page.keyboard.press('Escape');
      throw new Error(`no code action titled ${JSON.stringify(title)}; offered: ${JSON.stringify(titles)}`);
    }
    // Keyboard, not a click: the widget opens with a pointer-blocking layer over the workbench
    // (.context-view-pointerBlock) that swallows clicks until the mouse moves.
    const focusedIndex = async () => {
      const label = (await widget.locator('.monaco-list-row.action.focused').first().innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      return titles.indexOf(label);
    };
    for (let i = 0; i <= titles.length && (await focusedIndex()) !== wanted; i++) await this.page.keyboard.press('ArrowDown');
    if ((await focusedIndex()) !== wanted) throw new Error(`could not focus code action ${JSON.stringify(titles[wanted])}`);
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    return titles;
  }

  /** Ctrl+S in whatever has focus; waits until the active tab is no longer dirty. */
  async saveActive(timeoutMs = 30_000): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await waitFor('the active tab to be saved (not dirty)', () => this.activeTabDirty(), (d) => !d, timeoutMs, 200);
  }

  /**
   * Run a command from the command palette (F1) by its exact label, e.g. "View: Toggle Problems".
   * The sequence is retried: VS Code closes a quick input that loses the focus (a webview or a
   * notification taking it while a check finishes), which is not the command's fault.
   */
  async runCommand(label: string): Promise<void> {
    const input = this.quickInput().locator('input');
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const exact = rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escaped}\\s*$`) }) }).first();
    const failures: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.focusWorkbench();
        await this.page.keyboard.press(attempt % 2 === 0 ? 'F1' : 'Control+Shift+P');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${label}`, { timeout: 5_000 });
        await exact.waitFor({ state: 'visible', timeout: 30_000 });
        await exact.click({ timeout: 5_000 });
      } catch (e) {
        failures.push(`attempt ${attempt + 1}: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      // Clicked: the command ran, never run it twice.
      await this.quickInput().waitFor({ state: 'hidden' }).catch(() => undefined);
      return;
    }
    throw new Error(`could not run "${label}" from the command palette:\n  ${failures.join('\n  ')}`);
  }

  /**
   * Types `value` into VS Code's simple file dialog (the quick input a browser workbench shows for
   * showOpenDialog) and accepts it with `accept`, until `next` (what the acceptance leads to)
   * shows. The dialog writes its own value (the default folder) once it has listed that folder,
   * which on a loaded machine can come after our typing: wait for its listing, check that the
   * value held, and try again if the dialog is still there.
   */
  async acceptFileDialog(value: string, accept: () => Promise<void>, next: Locator): Promise<void> {
    const qi = this.quickInput();
    const input = qi.locator('input.input').first();
    const failures: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      if (await next.isVisible()) return;
      try {
        await qi.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
        await input.fill(value, { timeout: 5_000 });
        await waitFor(`the dialog to hold ${value}`, () => input.inputValue(), (v) => v === value, 5_000, 100);
        // A typed folder is checked against the disk: "does not exist" until the dialog has looked.
        await waitFor('the dialog to accept the path', () => qi.locator('.quick-input-message').innerText().catch(() => ''), (m) => !/does not exist/.test(m), 10_000, 200);
        await accept();
        await next.waitFor({ state: 'visible', timeout: 30_000 });
        return;
      } catch (e) {
        failures.push(`attempt ${attempt + 1}: ${(e as Error).message.split('\n')[0]} (the dialog holds ${JSON.stringify(await input.inputValue({ timeout: 1_000 }).catch(() => '?'))})`);
      }
    }
    throw new Error(`VS Code's file dialog did not take ${value}:\n  ${failures.join('\n  ')}`);
  }

  /** Show the Problems panel (Ctrl+Shift+M is a toggle, so only press it when hidden). */
  async openProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (await panel.isVisible()) return;
    await this.focusWorkbench();
    await this.page.keyboard.press('Control+Shift+M');
    try {
      await panel.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      await this.runCommand('Problems: Focus on Problems View');
      await panel.waitFor({ state: 'visible' });
    }
  }

  /**
   * Text of the rendered Problems rows (file rows and marker rows; the list is virtualized,
   * so only rows in view). A marker row reads like
   * "message  labelscope(coco/annotation-unknown-image) [Ln 1, Col 2]".
   */
  async problemRows(): Promise<string[]> {
    await this.openProblems();
    return this.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((els) => els.map((e) => ((e as HTMLElement).innerText || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim()));
  }

  /** Wait until some Problems row satisfies `pred`; returns all rows at that time. */
  async waitForProblem(pred: (row: string) => boolean, what: string, timeoutMs = 60_000): Promise<string[]> {
    return waitFor(`a Problems row with ${what}`, () => this.problemRows(), (rows) => rows.some(pred), timeoutMs);
  }

  async statusBarItems(): Promise<StatusBarItem[]> {
    return this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((e) => ({
        id: e.id,
        text: ((e as HTMLElement).innerText || '').replace(/\s+/g, ' ').trim(),
        ariaLabel: e.querySelector('[aria-label]')?.getAttribute('aria-label') ?? e.getAttribute('aria-label') ?? '',
      })),
    );
  }

  async waitForStatusBarItem(pred: (i: StatusBarItem) => boolean, what: string, timeoutMs = 60_000): Promise<StatusBarItem> {
    const items = await waitFor(`a status bar item ${what}`, () => this.statusBarItems(), (its) => its.some(pred), timeoutMs);
    return items.find(pred)!;
  }

  /** Text of the extension host log(s) under <user-data-dir>/logs (remoteexthost.log). */
  extHostLog(): string {
    return this.logText(/exthost.*\.log$/);
  }

  /** The text of the log files (under the user data dir's logs/) whose names match `name`, joined. */
  logText(name: RegExp): string {
    const parts: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (name.test(ent.name)) parts.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    return parts.join('\n');
  }

  /** Extension ids the extension host logged as activating ("ExtensionService#_doActivateExtension <id>"). */
  activatedExtensions(): string[] {
    return [...new Set([...this.extHostLog().matchAll(/_doActivateExtension ([\w.-]+)/g)].map((m) => m[1]))];
  }

  /**
   * Wait until `extensionId` has activated: the extension host logged its activation and the
   * extension's own output channel logged `activatedLine` (Labelscope's activate() writes it as
   * its last step); throws at once with the logged error when its activation failed. Returns
   * the extension host's activation log line.
   */
  async waitForActivation(extensionId: string, timeoutMs = 60_000, activatedLine = /Labelscope activated \(/): Promise<string> {
    const id = extensionId.toLowerCase();
    const state = await waitFor(`activation of ${extensionId} (extension host log and its output channel)`, async () => {
      const text = this.extHostLog();
      const lower = text.toLowerCase();
      const failAt = lower.indexOf(`activating extension ${id} failed`);
      if (failAt >= 0) return { failed: text.slice(failAt, failAt + 2000) };
      const line = text.split('\n').find((l) => l.toLowerCase().includes(`_doactivateextension ${id},`));
      // Output channels are log files of their own (output_logging_*/N-<name>.log).
      const activated = line !== undefined && activatedLine.test(this.logText(/\.log$/));
      return { line, activated };
    }, (st) => !!(st.failed || st.activated), timeoutMs);
    if (state.failed) throw new Error(`extension ${extensionId} failed to activate:\n${state.failed}`);
    return state.line!.trim();
  }

  /** Full-page screenshot into test-artifacts/e2e/<name>.png; returns the path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** code-server's stdout/stderr, browser errors, and the extension host log(s). */
  serverLog(): string {
    let text = this.output.join('');
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (/exthost.*\.log$|remoteagent\.log$/.test(ent.name)) {
          text += `\n----- ${path.relative(this.userDataDir, p)} -----\n${fs.readFileSync(p, 'utf8')}`;
        }
      }
    };
    walk(path.join(this.userDataDir, 'logs'));
    return text;
  }

  /** Signal the server's whole process group (server, extension host, pty host, ...). */
  private signalGroup(sig: NodeJS.Signals): void {
    if (!this.proc?.pid) return;
    try {
      process.kill(-this.proc.pid, sig);
    } catch {
      /* group already gone */
    }
  }

  killServerSync(): void {
    this.signalGroup('SIGKILL');
  }

  /** Always safe to call; `failed` prints code-server's log (and a failure screenshot path). */
  async close(failed = false, failureName?: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!failed && failureName) {
        // A pass clears the failure screenshot an earlier run of this test left behind.
        fs.rmSync(path.join(ARTIFACTS_DIR, `FAILED-${failureName.replace(/[^\w.-]+/g, '-')}.png`), { force: true });
      }
      if (failed) {
        if (this.page && failureName) {
          try {
            log(`failure screenshot: ${await this.screenshot(`FAILED-${failureName.replace(/[^\w.-]+/g, '-')}`)}`);
          } catch {
            /* page may be gone */
          }
        }
        console.log(`\n----- code-server log (${this.tmp}) -----\n${this.serverLog()}\n----- end of code-server log -----\n`);
      }
      await this.browser?.close().catch(() => undefined);
    } finally {
      const proc = this.proc;
      if (proc?.pid) {
        if (proc.exitCode === null && proc.signalCode === null) {
          const gone = new Promise<void>((r) => proc.once('exit', () => r()));
          this.signalGroup('SIGTERM');
          await Promise.race([gone, sleep(5000)]);
        }
        this.signalGroup('SIGKILL'); // stragglers in the group
      }
      live.delete(this);
      if (process.env.E2E_KEEP_TMP === '1') log(`kept ${this.tmp}`);
      else fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}
