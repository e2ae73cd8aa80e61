/**
 * The longest host stall while the viewer places a check's problems on a train2017-scale file
 * (issue 7): 860k annotations, 118k images, 124,725 problems, lookups cold (as after open).
 * "old": the one-go placement (lookups built on the first problem, comparator sort) sent in one
 * message; "new": the viewer session as it is (lookups built in slices when it starts, placement
 * in slices, the list sent in pages). Messages are JSON-serialized as postMessage does. A 5 ms timer probe measures how long the thread was held.
 *
 *   npx tsx bench/stallPlace.ts old|new      (one variant per process: no garbage of the other)
 */
import { parseLazy } from '../src/editor/lazyDocument';
import { CocoEditorModel } from '../src/editor/editorModel';
import type { OutcomeProblem } from '../src/node/checkWorkerProtocol';
import { EditorSession } from '../src/editor/session';
import type { ProblemsPayload } from '../src/shared/protocol';

export const IMAGES = 118_287;
export const ANNOTATIONS = 860_001;
export const PROBLEMS = 124_725;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A one-line file like train2017's (ids shuffled as in COCO), with its check problems. */
export function fixture(): { bytes: Uint8Array; problems: OutcomeProblem[] } {
  const r = rng(2017);
  const imageIds = Array.from({ length: IMAGES }, (_, i) => 1 + i * 7);
  const parts: string[] = ['{"images": ['];
  parts.push(imageIds.map((id) => `{"id": ${id}, "file_name": "${id}.jpg", "width": 640, "height": 480}`).join(', '));
  parts.push('], "annotations": [');
  const annIds = new Int32Array(ANNOTATIONS);
  const anns: string[] = [];
  for (let k = 0; k < ANNOTATIONS; k++) {
    annIds[k] = 1 + Math.floor(r() * 900_000_000);
    anns.push(`{"id": ${annIds[k]}, "image_id": ${imageIds[Math.floor(r() * IMAGES)]}, "category_id": ${1 + Math.floor(r() * 80)}, "bbox": [1, 2, 30, 40], "area": 1200, "iscrowd": 0}`);
  }
  parts.push(anns.join(', '), '], "categories": [', Array.from({ length: 80 }, (_, i) => `{"id": ${i + 1}, "name": "c${i}"}`).join(', '), ']}');
  const problems: OutcomeProblem[] = [];
  for (let k = 0; k < PROBLEMS; k++) {
    const w = r();
    problems.push({
      rule: `coco/r${k % 12}`, severity: 'warning', message: `problem ${k}`, jsonPath: '$', line: 1, column: 1 + k, endLine: 1, endColumn: 2 + k,
      ...(w < 0.8 ? { annotationId: annIds[Math.floor(r() * ANNOTATIONS)] } : w < 0.95 ? { imageId: imageIds[Math.floor(r() * IMAGES)] } : {}),
    });
  }
  return { bytes: new TextEncoder().encode(parts.join('')), problems };
}

export async function stallPlace(variant: 'old' | 'new') {
  const { bytes, problems } = fixture();
  const model = new CocoEditorModel(parseLazy(bytes, { path: 'bench.json' }), 'bench.json');
  let last = performance.now();
  let longest = 0;
  const t = setInterval(() => { const now = performance.now(); longest = Math.max(longest, now - last - 5); last = now; }, 5);
  await new Promise((res) => setTimeout(res, 50));
  longest = 0; last = performance.now();
  const t0 = performance.now();
  let payload: ProblemsPayload;
  let sentBytes = 0;
  if (variant === 'old') {
    // As before: placed in one go, sent in one message (postMessage serializes it on this thread).
    payload = model.problemsPayload(problems);
    sentBytes = JSON.stringify({ t: 'note', method: 'problems', params: payload }).length;
  } else {
    const session = new EditorSession({
      post: (m) => { sentBytes += JSON.stringify(m).length; },
      source: { find: () => ({ tried: [] }), toSrc: (x) => x }, model: Promise.resolve(model), onEdit: () => undefined, problems: () => problems,
    });
    session.receive({ t: 'note', method: 'ready', params: {} });
    while (session.problems.length === 0) await new Promise((res) => setImmediate(res));
    await session.problemsSent;
    payload = { problems: [...session.problems], source: 'check', fileLevel: 0 };
    session.dispose();
  }
  const wallMs = performance.now() - t0;
  await new Promise((res) => setTimeout(res, 20));
  clearInterval(t);
  return { variant, wallMs: Math.round(wallMs), maxStallMs: Math.round(longest), placed: payload.problems.length, sentMB: Math.round(sentBytes / 1e6), mb: Math.round(bytes.length / 1e6) };
}

if (require.main === module) {
  const v = process.argv[2] === 'old' ? 'old' : 'new';
  void stallPlace(v).then((r) => console.log(JSON.stringify(r)));
}
