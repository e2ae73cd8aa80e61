import { strict as assert } from 'node:assert';
import YAML from 'yaml';
import { convertDataset, readBack } from '../../../../src/core/convert/convert';
import { ConvertLog, memoryTree } from '../../../../src/core/convert/model';
import { compareRoundTrip } from '../../../../src/core/convert/roundTrip';
import { labelPathFor, readYolo, writeYolo, yoloNumber } from '../../../../src/core/convert/yolo';
import { mergeMultiSegment } from '../../../../src/core/convert/shapes';
import { LabelText } from '../../../../src/core/convert/labelText';
import { polygonsToRle, countsIou, rleCounts } from '../../../../src/core/geometry';
import { clone, makeCvatStyleExport, makeDataset, square } from './data';

const textOf = (data: string | Uint8Array) => (typeof data === 'string' ? data : new TextDecoder().decode(data));

function labelLines(files: { path: string; data: string | Uint8Array }[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of files) if (f.path.endsWith('.txt')) m.set(f.path, textOf(f.data).split('\n').filter(Boolean));
  return m;
}

describe('convert: YOLO', () => {
  it('label path: the last /images/ becomes /labels/, the extension .txt', () => {
    assert.equal(labelPathFor('images/train/x.jpg'), 'labels/train/x.txt');
    assert.equal(labelPathFor('data/images/sub/images/val/a.b.png'), 'data/images/sub/labels/val/a.b.txt');
    assert.equal(labelPathFor('images/x.jpeg'), 'labels/x.txt');
  });

  it('numbers: 6 decimals, clamped to [0, 1], never -0', () => {
    assert.equal(yoloNumber(1.0000005), '1.000000');
    assert.equal(yoloNumber(-1e-9), '0.000000');
    assert.equal(yoloNumber(-0), '0.000000');
    assert.equal(yoloNumber(0.1234567), '0.123457');
  });

  it('a CVAT-style COCO export (every mask iscrowd:1 uncompressed RLE) gives one non-empty line per object', () => {
    const ds = makeCvatStyleExport();
    const log = new ConvertLog();
    const out = writeYolo(clone(ds), log, { task: 'segment' });
    const lines = labelLines(out.files);
    assert.deepEqual([...lines.entries()].map(([p, l]) => [p, l.length]), [['labels/train/frame_000001.txt', 2], ['labels/train/frame_000002.txt', 3]]);
    for (const l of lines.values()) for (const line of l) assert.ok(line.split(' ').length >= 7, `a polygon line, got "${line}"`);
    assert.equal(log.count('dropped'), 0);
    assert.equal(log.count('changed', 'holes-lost'), 1, 'the ring lost its hole and that is counted');
    assert.equal(log.count('lost-field', 'iscrowd'), 5);
  });

  it('no value outside [0, 1] when polygons and boxes touch and cross the image border', () => {
    const ds = makeDataset();
    for (const task of ['detect', 'segment', 'pose'] as const) {
      const log = new ConvertLog();
      const out = writeYolo(clone(ds), log, { task });
      for (const l of labelLines(out.files).values()) {
        for (const line of l) {
          const toks = line.split(' ').slice(1);
          toks.forEach((tok, i) => {
            if (task === 'pose' && i >= 4 && (i - 4) % 3 === 2) { assert.match(tok, /^[012]$/); return; } // visibility
            const v = Number(tok);
            assert.ok(v >= 0 && v <= 1, `${task}: ${tok} in "${line}"`);
            assert.ok(!tok.startsWith('-'), `${task}: no -0`);
            assert.match(tok, /^\d\.\d{6}$/);
          });
        }
      }
      assert.ok(log.count('changed', 'clipped-to-image') >= 2, `${task}: clipping counted`);
    }
  });

  it('COCO → YOLO-seg → COCO: boxes within 1 px and mask IoU ≥ 0.98 inside the image; losses counted', () => {
    const ds = makeDataset();
    const { output, report } = convertDataset(clone(ds), 'yolo-seg', { multipart: 'bridge' }, { from: 'coco', input: 'in', output: 'out' });
    const rt = report.roundTrip!;
    assert.equal(rt.objects, 7);
    assert.equal(rt.missing, 0);
    const byId = new Map(compareRoundTrip(clone(ds), readBack(clone(ds), output, 'yolo-seg')).objects.map((o) => [o.annotationId, o]));
    // objects that neither cross the border nor have holes come back exactly
    for (const id of [1, 2, 4, 6]) {
      assert.ok(byId.get(id)!.iou >= 0.98, `ann ${id} IoU ${byId.get(id)!.iou}`);
      assert.ok(byId.get(id)!.boxShift! <= 1, `ann ${id} box shift ${byId.get(id)!.boxShift}`);
    }
    // the ring's hole is filled: IoU = ring / full square, and that is reported
    assert.ok(Math.abs(byId.get(5)!.iou - (100 * 100 - 40 * 40) / (100 * 100)) < 0.01);
    assert.equal(report.changed.find((c) => c.reason === 'holes-lost')?.count, 1);
    assert.equal(report.changed.find((c) => c.reason === 'multipart-bridged')?.count, 1);
    assert.equal(report.changed.find((c) => c.reason === 'clipped-to-image')?.count, 2);
    assert.equal(report.objectsOut, 7);
    assert.ok(report.lostFields.some((l) => l.reason === 'attributes.occluded'));
  });

  it('multipart split: one line per part, counted; bridge: one line that rasterizes to the union', () => {
    const ds = makeDataset();
    const split = convertDataset(clone(ds), 'yolo-seg', { multipart: 'split' }, { from: 'coco', input: 'in', output: 'out' });
    assert.equal(split.report.objectsOut, 8);
    assert.equal(split.report.changed.find((c) => c.reason === 'multipart-split')?.count, 1);
    assert.equal(split.report.roundTrip!.extraObjects, 1);
    const parts = [square(10, 10, 20), square(50, 12, 10), square(15, 50, 8)];
    const bridged = mergeMultiSegment(parts);
    const a = rleCounts(polygonsToRle([bridged], 100, 100));
    const b = rleCounts(polygonsToRle(parts, 100, 100));
    assert.ok(countsIou(a, b) > 0.999, `bridge IoU ${countsIou(a, b)}`);
  });

  it('bridge: the same vertices, in the same order, as the tuple-based merge it replaced', () => {
    let seed = 99;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 2000; k++) {
      const parts = Array.from({ length: 2 + Math.floor(r() * 4) }, () => Array.from({ length: 2 * (3 + Math.floor(r() * 12)) }, () => Math.round(r() * 400) / 4));
      assert.deepEqual(mergeMultiSegment(parts), mergeMultiSegmentBefore(parts), `case ${k}`);
    }
  });

  it('numbers: exactly toFixed(6) of the clamped value, ties included', () => {
    const ref = (v: number) => (v > 0 ? (v < 1 ? v : 1) : 0).toFixed(6);
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = [0, 1, 5e-7, 4.999999e-7, 0.9999995, 0.99999949999, 1 - 1e-17, Number.MIN_VALUE, NaN, Infinity, -Infinity];
    for (let k = 0; k <= 200_000; k++) values.push(k / 200_000, (2 * k + 1) / 2e6, k * 1e-6 + 5e-7, r(), Math.round(r() * 64_000) / 100 / 640);
    for (const v of values) assert.equal(yoloNumber(v), ref(v), String(v));
    // the writer's byte builder prints the same digits (one long text: its buffer grows many times)
    const text = new LabelText();
    for (const v of values) text.ascii('7').space().coordinate(v).newline();
    assert.equal(text.toString(), values.map((v) => `7 ${ref(v)}\n`).join(''));
  });

  it('crowd box / skip are counted, never silent', () => {
    const ds = makeCvatStyleExport();
    const skip = convertDataset(clone(ds), 'yolo-seg', { crowd: 'skip' }, { from: 'coco', input: 'in', output: 'out' });
    assert.equal(skip.report.dropped.find((d) => d.reason === 'crowd-skipped')?.count, 5);
    assert.equal(skip.report.objectsOut, 0);
    const box = convertDataset(clone(ds), 'yolo-seg', { crowd: 'box' }, { from: 'coco', input: 'in', output: 'out' });
    assert.equal(box.report.changed.find((d) => d.reason === 'crowd-as-box')?.count, 5);
  });

  it('data.yaml: names as a dict, splits, val present; pose has kpt_shape and flip_idx from names', () => {
    const ds = makeDataset();
    const out = writeYolo(clone(ds), new ConvertLog(), { task: 'pose', datasetRoot: '/data/out' });
    const yamlText = String(out.files.find((f) => f.path === 'data.yaml')!.data);
    assert.match(yamlText, /^names:\n {2}0: cat\n {2}1: dog\n {2}2: person$/m);
    const y = YAML.parse(yamlText);
    assert.equal(y.path, '/data/out');
    assert.equal(y.train, 'images/train');
    assert.equal(y.val, 'images/train');
    assert.deepEqual(y.kpt_shape, [3, 3]);
    assert.deepEqual(y.flip_idx, [0, 2, 1]);
  });

  it('COCO → YOLO detect / pose → COCO keeps boxes within 1 px and keypoints', () => {
    const ds = makeDataset();
    for (const to of ['yolo', 'yolo-pose'] as const) {
      const { report } = convertDataset(clone(ds), to, {}, { from: 'coco', input: 'in', output: 'out' });
      const rt = report.roundTrip!;
      assert.equal(rt.missing, 0, to);
      // two objects cross the border: their boxes are clipped (counted), the rest stay within 1 px
      assert.ok(rt.boxesOver1px <= 2, `${to}: ${rt.boxesOver1px}`);
      assert.equal(report.changed.find((c) => c.reason === 'clipped-to-image')?.count, 2);
    }
    const { output } = convertDataset(clone(ds), 'yolo-pose', {}, { from: 'coco', input: 'in', output: 'out' });
    const back = readBack(clone(ds), output, 'yolo-pose');
    const person = back.annotations.find((a) => a.keypoints?.some((v) => v > 0))!;
    assert.deepEqual(person.keypoints, [100, 370, 2, 90, 360, 2, 110, 360, 1]);
    assert.deepEqual(back.categories.find((c) => c.name === 'person')!.keypoints, ['nose', 'left_eye', 'right_eye']);
  });
});

describe('convert: reading YOLO data.yaml variants', () => {
  const sizes = new Map([['images/a.jpg', { width: 100, height: 50 }], ['images/b.jpg', { width: 100, height: 50 }], ['extra/c.jpg', { width: 10, height: 10 }]]);
  const files = (yaml: string) => [
    { path: 'data.yaml', data: yaml },
    { path: 'images/a.jpg', data: new Uint8Array(0) }, { path: 'images/b.jpg', data: new Uint8Array(0) }, { path: 'extra/c.jpg', data: new Uint8Array(0) },
    { path: 'labels/a.txt', data: '0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.3 0.1 0.3 0.3\n' },
    { path: 'labels/b.txt', data: '1 0.5 0.5 1 1\nbad line\n' },
    { path: 'train.txt', data: './images/a.jpg\nextra/c.jpg\n' },
  ];
  it('names as a list, train as a list file, val as a folder; lines of each kind; bad lines counted', () => {
    const log = new ConvertLog();
    const ds = readYolo(memoryTree(files('path: /somewhere/else\ntrain: train.txt\nval: images\nnames: [cat, dog]\n'), sizes), log);
    assert.deepEqual(ds.categories.map((c) => c.name), ['cat', 'dog']);
    assert.deepEqual(ds.images.map((i) => i.file_name).sort(), ['extra/c.jpg', 'images/a.jpg', 'images/b.jpg']);
    assert.equal(ds.splits?.get(ds.images.find((i) => i.file_name === 'images/b.jpg')!.id), 'val');
    const box = ds.annotations[0];
    assert.deepEqual(box.bbox, [40, 15, 20, 20]);
    assert.deepEqual(ds.annotations[1].segmentation, [[10, 5, 30, 5, 30, 15]]);
    assert.equal(log.count('dropped', 'line-invalid'), 1);
  });
  it('names as a dict with gaps', () => {
    const ds = readYolo(memoryTree(files('train: images\nval: images\nnames:\n  0: cat\n  2: bird\n'), sizes), new ConvertLog());
    assert.deepEqual(ds.categories.map((c) => c.name), ['cat', 'class1', 'bird']);
  });
});

// mergeMultiSegment before its flat rewrite: the reference for the test above
function mergeMultiSegmentBefore(parts: number[][]): number[] {
  if (parts.length === 1) return parts[0].slice();
  const segs = parts.map((p) => { const pts: [number, number][] = []; for (let i = 0; i + 1 < p.length; i += 2) pts.push([p[i], p[i + 1]]); return pts; });
  const links: number[][] = segs.map(() => []);
  for (let i = 1; i < segs.length; i++) {
    const [a, b] = closestPairBefore(segs[i - 1], segs[i]);
    links[i - 1].push(a);
    links[i].push(b);
  }
  const last = segs.length - 1;
  const forward: [number, number][] = [];
  const back: [number, number][][] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const entry = links[i][0];
    const rolled = [...seg.slice(entry), ...seg.slice(0, entry), seg[entry]]; // closed at its entry
    if (i === 0 || i === last) {
      forward.push(...rolled);
    } else {
      const exit = (links[i][1] - entry + seg.length) % seg.length;
      forward.push(...rolled.slice(0, exit + 1));
      back.push(rolled.slice(exit));
    }
  }
  for (let i = back.length - 1; i >= 0; i--) forward.push(...back[i]);
  return forward.flat();
}

function closestPairBefore(a: [number, number][], b: [number, number][]): [number, number] {
  let best = Infinity, bi = 0, bj = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const dx = a[i][0] - b[j][0], dy = a[i][1] - b[j][1];
      const d = dx * dx + dy * dy;
      if (d < best) { best = d; bi = i; bj = j; }
    }
  }
  return [bi, bj];
}

