// The main job on the bundled sample: build, check the sample with the CLI,
// package the .vsix, and open the sample in VS Code when a `code` binary exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts });
const step = (title) => console.log(`\n\u001b[1m== ${title}\u001b[0m`);

step('Build');
if (run('node', ['esbuild.mjs']).status !== 0) process.exit(1);

step('labelscope check sample/annotations/instances_sample.json');
// The sample has deliberate defects: exit code 1 here is the expected result.
const check = run('node', ['dist/cli.js', 'check', 'sample/annotations/instances_sample.json']);
if (check.status === 2 || check.status === null) process.exit(1);
console.log(`(exit code ${check.status}: ${check.status === 1 ? 'errors found, as planted in the sample' : 'no errors'})`);

step('Package the extension');
mkdirSync('.cache', { recursive: true });
const vsix = '.cache/labelscope.vsix';
if (run('npx', ['--no-install', 'vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', vsix], { env: { ...process.env, npm_config_loglevel: 'error' } }).status !== 0) process.exit(1);

step('Open in VS Code');
const code = process.env.VSCODE_CLI ?? 'code';
let hasCode = false;
try { execFileSync(code, ['--version'], { stdio: 'ignore' }); hasCode = true; } catch { /* none here */ }
if (hasCode && existsSync(vsix)) {
  run(code, ['--install-extension', vsix, '--force']);
  run(code, ['sample', 'sample/annotations/instances_sample.json']);
} else {
  console.log(`No "code" binary found: install ${vsix} with "code --install-extension ${vsix}" and open sample/.`);
}
