/**
 * npm run bench:convert   (LABELSCOPE_BENCH_SCALE=0.05 for a quick run)
 *
 * COCO → YOLO-seg on the generated train2017-scale file, each case in its own child process
 * (its own peak RSS):
 *   floor      bare JSON.parse + the same files the converter writes (one label file an image,
 *              every object a line: polygons normalized and printed with toFixed(6), crowd / RLE
 *              objects as their box, since tracing them is the converter's own work) — no
 *              validation, clipping, bridging, staging folder, data.yaml or report: the least any
 *              converter that drops nothing does. Same parse (JSON.parse of the whole text, as the
 *              converter below 512 MiB), same file count, about the same bytes (crowd lines are
 *              shorter: 8 numbers instead of a traced outline).
 *   convert    the built CLI (esbuild into bench/.data/dist-*, so its tracing worker is the bundled
 *              one users run): `labelscope convert FILE OUT --to yolo-seg --no-round-trip`, crowd
 *              masks traced by one worker thread while the writer runs (the default)
 *   convert-pool  the same with `--threads <cores>` (that many tracing threads): what more threads
 *              gain or cost, in the same run
 *   roundtrip  the same with the round trip (every object read back and compared)
 * Goal: convert / floor ≤ 1.5×, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { DATA_DIR, benchScale, generate } from './generate';

const TARGET_RATIO = 1.5;
const CASES = ['floor', 'convert', 'convert-pool', 'roundtrip'] as const;

function floor(file: string, out: string): Record<string, number> {
  const ds = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byImage = new Map<number, string[]>();
  const sizes = new Map<number, [number, number, string]>();
  for (const img of ds.images) { sizes.set(img.id, [img.width, img.height, img.file_name]); byImage.set(img.id, []); }
  const cls = new Map<number, number>([...ds.categories].sort((a: { id: number }, b: { id: number }) => a.id - b.id).map((c: { id: number }, i: number) => [c.id, i]));
  for (const a of ds.annotations) {
    const [w, h] = sizes.get(a.image_id)!;
    const coords: string[] = [];
    if (Array.isArray(a.segmentation)) {
      for (const p of a.segmentation) for (let i = 0; i + 1 < p.length; i += 2) coords.push((p[i] / w).toFixed(6), (p[i + 1] / h).toFixed(6));
    } else {
      const [x, y, bw, bh] = a.bbox;
      for (const [px, py] of [[x, y], [x + bw, y], [x + bw, y + bh], [x, y + bh]]) coords.push((px / w).toFixed(6), (py / h).toFixed(6));
    }
    byImage.get(a.image_id)!.push(`${cls.get(a.category_id)} ${coords.join(' ')}\n`);
  }
  fs.mkdirSync(path.join(out, 'labels', 'train'), { recursive: true });
  for (const [id, lines] of byImage) fs.writeFileSync(path.join(out, 'labels', 'train', sizes.get(id)![2].replace(/\.[^.]+$/, '.txt')), lines.join(''));
  return { images: ds.images.length, annotations: ds.annotations.length };
}

async function child(name: string, file: string): Promise<void> {
  const out = fs.mkdtempSync(path.join(tmpdir(), `labelscope-bench-${name}-`));
  try {
    const t0 = performance.now();
    let extra: Record<string, unknown> = {};
    if (name === 'floor') extra = floor(file, out);
    else if (name.startsWith('convert')) {
      // the built CLI, in this process (for its peak RSS); stdout carries the one-line summary
      const cli = process.env.LABELSCOPE_BENCH_CLI!;
      const argv = ['convert', file, out, '--to', 'yolo-seg', '--no-round-trip', '--force', ...(name === 'convert-pool' ? ['--threads', String(cpus().length)] : [])];
      const { main } = require(cli) as typeof import('../src/cli/main');
      let summary = '';
      const code = await main(argv, { stdout: (s) => { summary += s; }, stderr: () => {}, stderrIsTTY: false });
      if (code > 1) throw new Error(`convert exited ${code}`);
      const m = /(\d+) objects in, (\d+) out; (\d+) dropped/.exec(summary);
      extra = m ? { objectsIn: +m[1], objectsOut: +m[2], dropped: +m[3] } : { summary };
    } else {
      const { runConvert } = await import('../src/node/convert/runConvert');
      const r = await runConvert({ input: file, output: out, to: 'yolo-seg', force: true, roundTrip: true });
      const rt = r.report.roundTrip;
      extra = { objectsIn: r.report.objectsIn, objectsOut: r.report.objectsOut, dropped: r.report.dropped.reduce((n, d) => n + d.count, 0),
        ...(rt ? { meanMaskIou: rt.meanMaskIou, minMaskIou: rt.minMaskIou } : {}) };
    }
    const wallMs = performance.now() - t0;
    const cpu = process.resourceUsage();
    const cpuMs = (cpu.userCPUTime + cpu.systemCPUTime) / 1000; // every thread of the process
    process.stdout.write(`BENCH_RESULT ${JSON.stringify({ wallMs, cpuMs, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4]);
  const scale = benchScale();
  const file = await generate(scale, 2017, (s) => console.log(s));
  const pick = process.env.LABELSCOPE_BENCH_CASES?.split(',').map((s) => s.trim());
  const results: Record<string, Record<string, unknown>> = {};
  const cases = CASES.filter((x) => !pick || pick.includes(x));
  // inside the repository, so the bundle's external modules (piscina, sharp) resolve from node_modules
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const built = fs.mkdtempSync(path.join(DATA_DIR, 'dist-'));
  if (cases.some((c) => c.startsWith('convert'))) {
    const b = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, LABELSCOPE_DIST_DIR: built } });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  for (const c of cases) {
    process.stdout.write(`running ${c} … `);
    const r = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', __filename, '--child', c, file], { encoding: 'utf8', maxBuffer: 64 << 20, cwd: path.join(__dirname, '..'), env: { ...process.env, LABELSCOPE_BENCH_CLI: path.join(built, 'cli.js') } });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    results[c] = line ? JSON.parse(line.slice(13)) : { error: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}` };
    console.log(JSON.stringify(results[c]));
  }
  const f = results.floor?.wallMs as number | undefined, c = results.convert?.wallMs as number | undefined;
  const verdict = f && c ? { ratio: c / f, target: TARGET_RATIO, ok: c / f <= TARGET_RATIO } : {};
  const cp = results['convert-pool']?.wallMs as number | undefined;
  if (f && cp) console.log(`\nconvert-pool / floor wall ratio: ${(cp / f).toFixed(2)}× (tracing in ${cpus().length} worker threads)`);
  if (f && c) console.log(`convert / floor wall ratio: ${(c / f).toFixed(2)}× (goal ≤ ${TARGET_RATIO}×) ${c / f <= TARGET_RATIO ? 'OK' : 'OVER'}`);
  fs.rmSync(built, { recursive: true, force: true });
  console.log(`file: ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB, scale ${scale}), node ${process.version}, ${cpus().length} cpus`);
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(path.join(DATA_DIR, 'convert-results.json'), JSON.stringify({ date: new Date().toISOString(), scale, file, results, verdict }, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
