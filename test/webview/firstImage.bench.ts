/**
 * Time to first image with overlays on a generated big COCO file (bench/generate.ts).
 *   npx tsx test/webview/firstImage.bench.ts [scale=0.11]   (0.11 ≈ 50 MB, 1 ≈ 450 MB)
 * Host: read + parseCocoAsync (1 MiB slices, progress) + init + first payload.
 * Webview: `ready` → first image drawn with its overlays (images are not on disk: placeholder + overlays).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate } from '../../bench/generate';
import { CocoEditorModel } from '../../src/editor/editorModel';
import { ARTIFACTS, launch, openEditor, waitShown } from './harness';

async function main() {
  const scale = Number(process.argv[2] ?? '0.11');
  const file = await generate(scale, 2017, console.log);
  const size = fs.statSync(file).size;
  const t0 = performance.now();
  const bytes = await fs.promises.readFile(file);
  const tRead = performance.now();
  let progressCalls = 0;
  const model = await CocoEditorModel.load(bytes, file, { onProgress: () => { progressCalls++; } });
  const tParse = performance.now();
  const init = model.init();
  const tInit = performance.now();
  const first = model.imagePayload(0);
  const tFirst = performance.now();
  const missing = { find: (n: string) => ({ tried: [path.join(path.dirname(file), n)] }), toSrc: (p: string) => p };
  const browser = await launch();
  const w0 = performance.now();
  const h = await openEditor(browser, { file, bytes, source: missing });
  const wLoaded = performance.now();
  await waitShown(h.page, 0);
  const wShown = performance.now();
  await h.close();
  await browser.close();
  const r = {
    file: path.basename(file), mb: +(size / 1048576).toFixed(1), images: init.imageCount, annotations: init.annotationCount,
    hostMs: { read: Math.round(tRead - t0), parse: Math.round(tParse - tRead), init: Math.round(tInit - tParse), firstPayload: Math.round(tFirst - tInit), total: Math.round(tFirst - t0) },
    firstImageAnnotations: first.annotations.length, progressCalls,
    webviewMs: { pageLoadToFirstImage: Math.round(wShown - wLoaded), harnessIncludingReparse: Math.round(wShown - w0) },
    timeToFirstImageMs: Math.round(tFirst - t0 + (wShown - wLoaded)),
  };
  console.log(JSON.stringify(r, null, 2));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, `first-image-x${scale}.json`), JSON.stringify(r, null, 2));
}
main().catch((e) => { console.error(e); process.exit(1); });
