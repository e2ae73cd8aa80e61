/**
 * npm run bench:sam-grabcut -- [DIR] [OPTIONS_JSON] — the GrabCut fallback's box -> mask IoU on
 * a folder of labelme JSON + image files (default: ../shared/fixtures/labelme's instance
 * segmentation examples), per object and the mean, with GrabCutOptions given as JSON (e.g.
 * '{"variants":[]}' for one GrabCut run per box). Settings are chosen on a folder other than
 * the one the test reports on: see test/unit/node/sam/grabcut.test.ts.
 */
import { cpus, loadavg } from 'node:os';
import { grabCutBox, type GrabCutOptions } from '../src/node/sam/grabcut';
import { iou, labelmeObjects } from '../test/unit/node/sam/labelmeObjects';

async function main() {
  const dir = process.argv[2] || undefined;
  const opts = JSON.parse(process.argv[3] ?? '{}') as GrabCutOptions;
  const t0 = performance.now();
  const objects = await labelmeObjects(dir);
  const scores: number[] = [];
  for (const o of objects) {
    const score = iou(await grabCutBox(o.img, o.box, opts), o.truth);
    scores.push(score);
    console.log(`${o.file} ${o.label} [${o.box.map(Math.round).join(', ')}]: IoU ${score.toFixed(3)}`);
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  console.log(`\n${JSON.stringify(opts)}: mean IoU ${mean.toFixed(3)} over ${scores.length} objects (${((performance.now() - t0) / 1000).toFixed(0)} s, ${cpus().length} cpus, load ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
