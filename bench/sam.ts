/**
 * npm run bench:sam — SAM latency on CPU with the real exports in ../shared/models (random
 * weights, real graph sizes; LABELSCOPE_SHARED_DIR points elsewhere):
 *  1. decoder per click: the official way (fetch `masks`, all 4 candidates upscaled to the
 *     original size inside the graph) against Labelscope's (fetch only iou_predictions +
 *     low_res_masks, so onnxruntime skips the upscaling, then upscale the chosen one in JS),
 *     both including thresholding the chosen mask; intra-op threads 1 and 2;
 *  2. the MobileSAM encoder (1024²);
 *  3. click -> preview mask with a cached embedding (the host side of a preview), and the
 *     accept step (polygon tracing);
 *  4. embedding cache hits (memory, disk).
 * Medians; the machine's load average is printed beside them, since the machine is shared.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import {
  candidatePlane, encodePrompt, lowResToImageLogits, maskToCoco, rankCandidates, samFrame, thresholdLogits,
} from '../src/core/sam';
import { rleEncode } from '../src/core/geometry';
import { EmbeddingCache, SamModel, SamSegmenter } from '../src/node/sam';

const SHARED = process.env.LABELSCOPE_SHARED_DIR ?? path.resolve(__dirname, '..', '..', 'shared');
const ENCODER = path.join(SHARED, 'models', 'mobile_sam_encoder.onnx');
const DECODER = path.join(SHARED, 'models', 'sam_vit_b_decoder.onnx');
const ROUNDS = Number(process.env.LABELSCOPE_BENCH_SAM_ROUNDS ?? 15);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function time(n: number, warm: number, f: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < warm; i++) await f();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); await f(); ts.push(performance.now() - t); }
  return median(ts);
}

async function main() {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadBefore: load() };
  console.log(`SAM bench, ${cpus().length} cpus, load average ${load()}, ${ROUNDS} timed runs per figure (median)\n`);
  const embedding = new Float32Array(256 * 64 * 64).map((_, i) => Math.sin(i) * 0.5);
  const sizes: [number, number][] = [[1024, 1024], [683, 1024], [1500, 2250]];
  const decoderRows: Record<string, unknown>[] = [];
  for (const threads of [1, 2]) {
    const session = await ort.InferenceSession.create(DECODER, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    for (const [h, w] of sizes) {
      const frame = samFrame(h, w, 'longest-side');
      const p = encodePrompt(frame, { points: [{ x: w * 0.4, y: h * 0.6, positive: true }] }, true);
      const feeds = (orig: [number, number]) => ({
        image_embeddings: new ort.Tensor('float32', embedding, [1, 256, 64, 64]),
        point_coords: new ort.Tensor('float32', p.coords, [1, p.count, 2]),
        point_labels: new ort.Tensor('float32', p.labels, [1, p.count]),
        mask_input: new ort.Tensor('float32', new Float32Array(65536), [1, 1, 256, 256]),
        has_mask_input: new ort.Tensor('float32', new Float32Array(1), [1]),
        orig_im_size: new ort.Tensor('float32', Float32Array.from(orig), [2]),
      });
      const officialRun = async () => {
        const out = await session.run(feeds([h, w]));
        const best = rankCandidates(out.iou_predictions.data as Float32Array, true)[0];
        thresholdLogits((out.masks.data as Float32Array).subarray(best * h * w, (best + 1) * h * w));
      };
      let decodeOnly = 0;
      let decodeCpu = 0;
      const lowResRun = async () => {
        const t = performance.now();
        const c = process.cpuUsage();
        const out = await session.run(feeds([1, 1]), ['iou_predictions', 'low_res_masks']);
        decodeOnly = performance.now() - t;
        const u = process.cpuUsage(c);
        decodeCpu = (u.user + u.system) / 1000;
        const best = rankCandidates(out.iou_predictions.data as Float32Array, true)[0];
        thresholdLogits(lowResToImageLogits(candidatePlane(out.low_res_masks.data as Float32Array, best, 256), 256, frame));
      };
      // Interleaved, so both see the same load on this shared machine.
      for (let i = 0; i < 3; i++) { await officialRun(); await lowResRun(); }
      const a: number[] = [];
      const b: number[] = [];
      const d: number[] = [];
      const cpu: number[] = [];
      const ca: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let t = performance.now();
        const c0 = process.cpuUsage();
        await officialRun(); a.push(performance.now() - t);
        const u0 = process.cpuUsage(c0); ca.push((u0.user + u0.system) / 1000);
        t = performance.now(); await lowResRun(); b.push(performance.now() - t); d.push(decodeOnly); cpu.push(decodeCpu);
      }
      const official = median(a);
      const lowRes = median(b);
      const lowResDecodeOnly = median(d);
      // CPU time (all threads of this process) is what the work costs on an idle machine; wall time here includes waiting for a core.
      const row = { threads, size: `${w}x${h}`, officialMs: official, lowResMs: lowRes, lowResDecodeOnlyMs: lowResDecodeOnly, officialCpuMs: median(ca), lowResDecodeCpuMs: median(cpu), load: load() };
      decoderRows.push(row);
      console.log(`decoder, ${threads} thread(s), ${w} x ${h}: official (masks at original size) ${official.toFixed(1)} ms wall / ${row.officialCpuMs.toFixed(1)} ms CPU; low-res + own upscaling ${lowRes.toFixed(1)} ms (of which session.run ${lowResDecodeOnly.toFixed(1)} ms wall / ${row.lowResDecodeCpuMs.toFixed(1)} ms CPU)  (load ${row.load})`);
    }
    await session.release();
  }
  results.decoder = decoderRows;

  const dir = mkdtempSync(path.join(tmpdir(), 'labelscope-sam-bench-'));
  try {
    const img = path.join(dir, 'img.png');
    await sharp({ create: { width: 1024, height: 683, channels: 3, background: { r: 120, g: 90, b: 60 } } })
      .composite([{ input: { create: { width: 300, height: 200, channels: 3, background: { r: 240, g: 240, b: 30 } } }, left: 400, top: 250 }])
      .png().toFile(img);
    const model = await SamModel.load({ encoderPath: ENCODER, decoderPath: DECODER, intraOpThreads: 2 });
    const cacheDir = path.join(dir, 'cache');
    const segmenter = new SamSegmenter(model, new EmbeddingCache({ dir: cacheDir }));
    const first = await segmenter.embed(img); // includes reading + resizing the image
    const encodeRuns: number[] = [first.encodeMs!];
    const encodeCpu: number[] = [];
    const { readEncoderImage } = await import('../src/node/sam/imageInput');
    const input = await readEncoderImage(img, 'longest-side');
    for (let i = 0; i < 3; i++) {
      const c = process.cpuUsage();
      encodeRuns.push((await model.encode(input)).ms);
      const u = process.cpuUsage(c);
      encodeCpu.push((u.user + u.system) / 1000);
    }
    results.encoderMs = median(encodeRuns);
    results.encoderCpuMs = median(encodeCpu);
    console.log(`\nMobileSAM encoder, 2 threads, 1024 x 683 image: ${median(encodeRuns).toFixed(0)} ms wall, ${median(encodeCpu).toFixed(0)} ms CPU (runs ${encodeRuns.map((x) => x.toFixed(0)).join(', ')}; load ${load()})`);

    // The preview: what the viewer gets after a click (mask as RLE counts).
    const click = await time(ROUNDS, 3, async () => {
      const r = await segmenter.segment(img, { points: [{ x: 500, y: 300, positive: true }] });
      rleEncode(r.mask, r.height, r.width);
    });
    results.clickToPreviewMs = click;
    console.log(`click -> preview mask (cached embedding, 2 threads, 1024 x 683): ${click.toFixed(1)} ms (load ${load()})`);
    // Accepting: the mask traced to polygons. Random weights give a speckled mask (thousands of
    // tiny parts), far slower to trace than a real object's mask: an upper bound.
    const r = await segmenter.segment(img, { points: [{ x: 500, y: 300, positive: true }] });
    const accept = await time(3, 0, async () => { maskToCoco(r.mask, r.height, r.width, 'polygon'); });
    const parts = (maskToCoco(r.mask, r.height, r.width, 'polygon')?.segmentation as number[][] | undefined)?.length ?? 0;
    results.acceptPolygonsMs = accept;
    console.log(`accept -> polygons of that (speckled, ${parts} parts) mask: ${accept.toFixed(0)} ms; as RLE: ${(await time(5, 1, async () => { maskToCoco(r.mask, r.height, r.width, 'rle'); })).toFixed(1)} ms`);

    const memHit = await time(ROUNDS, 2, () => segmenter.embed(img));
    const diskHit = await time(5, 1, () => new SamSegmenter(model, new EmbeddingCache({ dir: cacheDir })).embed(img));
    results.cacheHitMemoryMs = memHit;
    results.cacheHitDiskMs = diskHit;
    console.log(`embedding cache hit: memory ${memHit.toFixed(1)} ms (hashing the image file), disk ${diskHit.toFixed(1)} ms`);
    await model.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.loadAfter = load();
  const out = path.join(__dirname, '.data', 'sam-results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nload average after: ${results.loadAfter}; wrote ${out}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
