/**
 * Time to first image with overlays on a big file, with the preview (byte search
 * for the first image's annotations) vs the full parse.
 *   npx tsx test/webview/preview.bench.ts [file=bench/.data/train2017-like.json]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { previewCoco } from '../../src/editor/preview';
import { parseCocoAsync } from '../../src/core/coco/parse';
import { ARTIFACTS, ROOT, launch, openEditor, screenshot } from './harness';

async function main() {
  const file = process.argv[2] ?? path.join(ROOT, 'bench/.data/train2017-like.json');
  const missing = { find: (n: string) => ({ tried: [path.join(path.dirname(file), n)] }), toSrc: (p: string) => p };
  const t0 = performance.now();
  const bytes = await fs.promises.readFile(file);
  const tRead = performance.now();
  const pv = previewCoco(bytes, file, missing);
  const tPreview = performance.now();
  if (!pv) throw new Error('no preview');
  const browser = await launch();
  const h = await openEditor(browser, { session: { preview: Promise.resolve(pv), model: new Promise(() => {}) } });
  const w0 = performance.now();
  await h.page.waitForFunction(() => document.body.dataset.preview !== undefined);
  const wShown = performance.now();
  await screenshot(h.page, 'preview-first-image.png');
  await h.close();
  await browser.close();
  const p0 = performance.now();
  const doc = await parseCocoAsync(bytes, { path: file });
  const tParse = performance.now() - p0;
  const r = {
    file: path.basename(file), mb: +(bytes.length / 1048576).toFixed(1), firstImageAnnotations: pv.first.annotations.length,
    hostMs: { read: Math.round(tRead - t0), preview: Math.round(tPreview - tRead), fullParse: Math.round(tParse) },
    webviewPreviewRenderMs: Math.round(wShown - w0),
    timeToFirstImageMs: Math.round(tPreview - t0 + (wShown - w0)),
    fullParseAnnotationsOfFirstImage: doc.annotationsOfImage(pv.first.image.id as number).length,
  };
  console.log(JSON.stringify(r, null, 2));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'preview-first-image.json'), JSON.stringify(r, null, 2));
}
main().catch((e) => { console.error(e); process.exit(1); });
