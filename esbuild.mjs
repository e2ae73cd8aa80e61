// Bundles the four programs separately: the extension host code, the check
// worker, the CLI and the library (Node, CommonJS), and the webview (browser).
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Native modules and the editor API are provided at run time, never bundled. */
const external = ['vscode', 'sharp', 'onnxruntime-node'];

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external,
  define: { LABELSCOPE_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'info',
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { checkWorker: 'src/node/checkWorker.ts' }, outdir: 'dist' },
  // Started by src/node/parallelLoad.ts (from the extension, the check worker and the CLI) to scan big files.
  { ...node, entryPoints: { scanWorker: 'src/node/parallelLoadWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist' },
  // Started by src/node/eval/runEval.ts: COCOeval's evaluateImg over one range of images.
  { ...node, entryPoints: { evalWorker: 'src/node/eval/evalWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { core: 'src/lib.ts' }, outdir: 'dist' },
];

if (existsSync('webview-ui/src/main.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    entryPoints: { main: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
    loader: { '.css': 'text' },
    logLevel: 'info',
  });
}

// The evaluation report view (src/extension/eval/evalPanel.ts).
builds.push({
  bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', sourcemap: !production, minify: production,
  entryPoints: { evalReport: 'webview-ui/src/reports/eval/main.ts' }, outdir: 'dist/webview', logLevel: 'info',
});

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
