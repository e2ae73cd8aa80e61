/**
 * The production bundles (`node esbuild.mjs --production`, minified, as the VSIX and npm ship them),
 * built once per test run into a temp folder, so tests of the built programs never skip and never
 * depend on whatever dist/ happens to hold.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
let built: string | undefined;

/** The folder holding the minified extension.js, checkWorker.js, scanWorker.js, cli.js, core.js and webview/. */
export function releaseBundles(): string {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'labelscope-release-'));
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, env: { ...process.env, LABELSCOPE_DIST_DIR: dir }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node esbuild.mjs --production failed:\n${r.stderr}`);
  built = dir;
  return dir;
}
