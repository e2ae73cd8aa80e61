/**
 * @vscode/test-electron runner: runs test/electron/suite in a real VS Code desktop
 * binary given by VSCODE_EXECUTABLE (nothing can be downloaded here, so there is no
 * fallback download). Usage: `npm run test:electron`.
 *
 * Steps: npm run build (the extension under test) -> esbuild the suite into
 * .cache/electron-test/out -> copy sample/ to a temp dir -> runTests().
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(REPO_ROOT, '.cache', 'electron-test', 'out');

async function main(): Promise<number> {
  const exe = process.env.VSCODE_EXECUTABLE;
  if (!exe) {
    // Asked for explicitly (it is not part of npm test), so a missing binary is a failure, not a silent pass.
    console.error('test:electron needs VSCODE_EXECUTABLE: the path of a VS Code desktop binary (none can be downloaded here).');
    return 1;
  }
  if (!fs.existsSync(exe)) throw new Error(`VSCODE_EXECUTABLE does not exist: ${exe}`);

  console.log('[electron] npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });

  // Compile the suite (mocha and vscode stay external: mocha resolves from the repo's
  // node_modules, vscode is provided by the extension host).
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  const entryPoints = fs
    .readdirSync(path.join(__dirname, 'suite'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(__dirname, 'suite', f));
  buildSync({
    entryPoints,
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  console.log(`[electron] compiled ${entryPoints.length} suite file(s) into ${path.relative(REPO_ROOT, OUT_DIR)}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-electron-'));
  const workspace = path.join(tmp, 'workspace', 'sample');
  fs.cpSync(path.join(REPO_ROOT, 'sample'), workspace, { recursive: true });
  fs.mkdirSync(path.join(tmp, 'user-data', 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(tmp, 'user-data', 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }),
  );
  try {
    await runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(OUT_DIR, 'index.js'),
      extensionTestsEnv: { LABELSCOPE_SAMPLE: workspace },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
      ],
    });
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[electron] FAILED:', err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  },
);
