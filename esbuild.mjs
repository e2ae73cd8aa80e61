// Bundles the Node programs separately (the extension host code, its workers, the CLI and the
// library; CommonJS) and the webviews (the viewer and each report view; browser).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// Tests build the release bundles into a temp folder of their own (test/unit/releaseBundles.ts).
const dist = process.env.LABELSCOPE_DIST_DIR ?? 'dist';
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/**
 * Provided at run time, never bundled: the editor API, native modules, opencv-js (~10 MB of
 * WebAssembly the SAM fallback loads lazily) and piscina (its pool starts its own worker file).
 */
const external = ['vscode', 'sharp', 'onnxruntime-node', '@techstark/opencv-js', 'piscina'];

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
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: dist },
  { ...node, entryPoints: { checkWorker: 'src/node/checkWorker.ts' }, outdir: dist },
  // Started by src/node/parallelLoad.ts (from the extension, the check worker and the CLI) to scan big files.
  { ...node, entryPoints: { scanWorker: 'src/node/parallelLoadWorker.ts' }, outdir: dist },
  // Started by src/node/columnsLoad.ts (the viewer's load of a big file): parses it into the editor's columns off the extension host's thread.
  { ...node, entryPoints: { columnsWorker: 'src/node/columnsWorker.ts' }, outdir: dist },
  // Started by src/extension/compare/runner.ts: agreement and diffs off the extension host's thread.
  { ...node, entryPoints: { compareWorker: 'src/node/compare/compareWorker.ts' }, outdir: dist },
  // Image health: the piscina pool's worker (src/node/health/pool.ts starts it).
  { ...node, entryPoints: { healthWorker: 'src/node/health/worker.ts' }, outdir: dist },
  { ...node, entryPoints: { imageCheckWorker: 'src/node/health/fileCheckWorker.ts' }, outdir: dist },
  // Started by src/node/eval/runEval.ts: COCOeval's evaluateImg over one range of images.
  { ...node, entryPoints: { evalWorker: 'src/node/eval/evalWorker.ts' }, outdir: dist },
  // Started by src/node/convert/tracePool.ts: crowd / RLE masks traced for YOLO-seg while the writer runs.
  { ...node, entryPoints: { convertTraceWorker: 'src/node/convert/traceWorker.ts' }, outdir: dist },
  // Started by src/node/convert/convertInWorker.ts: Convert Dataset… off the extension host's thread.
  { ...node, entryPoints: { convertWorker: 'src/node/convert/convertWorker.ts' }, outdir: dist },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: dist },
  { ...node, entryPoints: { core: 'src/lib.ts' }, outdir: dist },
];

/** A webview bundle: the viewer and each report view are entry points of their own. */
const webview = (name, entry, extra = {}) => ({
  bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', sourcemap: !production, minify: production,
  entryPoints: { [name]: entry }, outdir: `${dist}/webview`, logLevel: 'info', ...extra,
});
builds.push(
  webview('main', 'webview-ui/src/main.ts', { loader: { '.css': 'text' } }),
  // The compare report (agreement and diff).
  webview('compare', 'webview-ui/src/reports/compare/main.ts'),
  // The Dataset Report view (statistics, image health, duplicates).
  webview('statsReport', 'webview-ui/src/reports/stats/main.ts'),
  // The evaluation report (src/extension/eval/evalPanel.ts).
  webview('evalReport', 'webview-ui/src/reports/eval/main.ts'),
);

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
