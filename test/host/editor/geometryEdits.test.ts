/** Viewer geometry edits on the host: polygons follow the box, vertex edits, new shapes, re-check. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCoco } from '../../../src/core/coco/parse';
import { locate } from '../../../src/core/coco/locate';
import { polygonsToRle, rleArea } from '../../../src/core/geometry';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { EditorSession } from '../../../src/editor/session';
import { webviewChannel, type Envelope, type ProblemsPayload } from '../../../src/shared/protocol';
import { waitFor } from '../helpers';

const SAMPLE = path.resolve(__dirname, '../../../sample/annotations/instances_sample.json');
const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/**
 * Asserts that `after` differs from `before` only inside annotation `index`'s values of `keys`:
 * everything before and after that annotation is byte-identical, and putting the old value
 * texts back into the new annotation text gives the old annotation text.
 */
function assertOnlyValuesChanged(before: Uint8Array, after: Uint8Array, index: number, keys: string[]): void {
  const a = parseCoco(before);
  const b = parseCoco(after);
  const ea = a.annotationEntries[index];
  const eb = b.annotationEntries[index];
  assert.equal(ea.start, eb.start, 'same start');
  assert.ok(Buffer.from(before.subarray(0, ea.start)).equals(Buffer.from(after.subarray(0, eb.start))), 'bytes before the annotation unchanged');
  assert.ok(Buffer.from(before.subarray(ea.end)).equals(Buffer.from(after.subarray(eb.end))), 'bytes after the annotation unchanged');
  // Replace the new values by the old ones, last first.
  let text = dec(after.subarray(eb.start, eb.end));
  const ranges = keys.map((k) => ({ k, rb: locate(b, eb, [k])!, ra: locate(a, ea, [k])! })).sort((x, y) => y.rb.start - x.rb.start);
  for (const { rb, ra } of ranges) {
    text = text.slice(0, rb.start - eb.start) + dec(before.subarray(ra.start, ra.end)) + text.slice(rb.end - eb.start);
  }
  assert.equal(text, dec(before.subarray(ea.start, ea.end)), 'nothing else in the annotation changed');
}

const exactArea = (polys: number[][], h = 240, w = 320) => rleArea(polygonsToRle(polys, h, w));

describe('viewer geometry edits (host)', () => {
  const bytes = new Uint8Array(fs.readFileSync(SAMPLE));

  it('moving the box of a polygon annotation moves its polygon; only segmentation / bbox / area text changes', () => {
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    // Annotation 1: [[30, 40, 120, 40, 120, 110, 30, 110]], bbox [30, 40, 90, 70].
    const e = model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [42.257, 45.5, 90, 70] });
    assert.notEqual(typeof e, 'string');
    model.apply(e as never);
    const out = model.bytes();
    const ann = JSON.parse(dec(out)).annotations[0];
    assert.deepEqual(ann.segmentation, [[42.26, 45.5, 132.26, 45.5, 132.26, 115.5, 42.26, 115.5]]);
    assert.deepEqual(ann.bbox, [42.26, 45.5, 90, 70]);
    assert.equal(ann.area, exactArea(ann.segmentation));
    assertOnlyValuesChanged(bytes, out, 0, ['segmentation', 'bbox', 'area']);
    // Undo gives the file back byte for byte.
    model.undo(e as never);
    assert.ok(Buffer.from(model.bytes()).equals(Buffer.from(bytes)));
  });

  it('a move along x leaves every y (polygon and keypoints) as written, at its full precision', () => {
    const text = JSON.stringify({
      images: [{ id: 1, file_name: 'a.png', width: 320, height: 240 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[10.25, 20.3333, 50.5, 20.3333, 50.5, 60.777]], area: 808.08, bbox: [10.25, 20.3333, 40.25, 40.4437], iscrowd: 0, keypoints: [12.125, 30.0001, 2], num_keypoints: 1 }],
      categories: [{ id: 1, name: 'a', keypoints: ['p'], skeleton: [] }],
    }, null, 1);
    const model = CocoEditorModel.fromBytes(new TextEncoder().encode(text), 'x.json');
    const e = model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [11.25, 20.3333, 40.25, 40.4437] });
    assert.notEqual(typeof e, 'string');
    model.apply(e as never);
    const out = dec(model.bytes());
    for (const y of ['20.3333', '60.777', '30.0001']) assert.ok(out.includes(y), `${y} kept as written`);
    const ann = JSON.parse(out).annotations[0];
    assert.deepEqual(ann.segmentation, [[11.25, 20.3333, 51.5, 20.3333, 51.5, 60.777]], 'x moved, y untouched');
    assert.deepEqual(ann.keypoints, [13.13, 30.0001, 2], 'the keypoint moved with the box (rounded), its y as written');
    assert.deepEqual(ann.bbox, [11.25, 20.3333, 40.25, 40.4437], 'the box is the polygon\'s extent: its y and height as written');
  });

  it('resizing the box scales the polygon into the new box; bbox = polygon extent, area = pycocotools mask area', () => {
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    const e = model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [30, 40, 45, 140] });
    model.apply(e as never);
    const out = model.bytes();
    const ann = JSON.parse(dec(out)).annotations[0];
    assert.deepEqual(ann.segmentation, [[30, 40, 75, 40, 75, 180, 30, 180]]);
    assert.deepEqual(ann.bbox, [30, 40, 45, 140]);
    assert.equal(ann.area, exactArea([[30, 40, 75, 40, 75, 180, 30, 180]]));
    assertOnlyValuesChanged(bytes, out, 0, ['segmentation', 'bbox', 'area']);
  });

  it('vertex edits (setPolygons): bbox and area recomputed; fewer than 3 points refused', () => {
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    // Drag vertex 2 of annotation 1 and insert one on the top edge.
    const polys = [[30, 40, 75, 20.123, 120, 40, 150, 130, 30, 110]];
    const e = model.prepare({ op: 'setPolygons', annotationIndex: 0, polygons: polys });
    assert.notEqual(typeof e, 'string');
    model.apply(e as never);
    const out = model.bytes();
    const ann = JSON.parse(dec(out)).annotations[0];
    assert.deepEqual(ann.segmentation, [[30, 40, 75, 20.12, 120, 40, 150, 130, 30, 110]]);
    assert.deepEqual(ann.bbox, [30, 20.12, 120, 109.88]);
    assert.equal(ann.area, exactArea(ann.segmentation));
    assert.notEqual(ann.area, 6300);
    assertOnlyValuesChanged(bytes, out, 0, ['segmentation', 'bbox', 'area']);
    assert.match(model.prepare({ op: 'setPolygons', annotationIndex: 0, polygons: [[1, 1, 5, 5]] }) as string, /at least 3 points/);
  });

  describe('keypoints move with their box', () => {
    // A person with a polygon and keypoints (one unlabeled: 0, 0, 0), one with a box and keypoints only, a neighbour.
    const text = `{
  "images": [{"id": 1, "file_name": "p.png", "width": 400, "height": 300}],
  "annotations": [
    {
      "id": 1,
      "image_id": 1,
      "category_id": 1,
      "segmentation": [[100, 50, 200, 50, 200, 250, 100, 250]],
      "area": 20000,
      "bbox": [100, 50, 100, 200],
      "iscrowd": 0,
      "num_keypoints": 3,
      "keypoints": [150, 60, 2, 0, 0, 0, 120, 200, 1, 180.5, 240, 2]
    },
    {
      "id": 2,
      "image_id": 1,
      "category_id": 1,
      "bbox": [10,20,40,80],
      "area": 3200,
      "iscrowd": 0,
      "keypoints": [20,30,2,40,90,2,0,0,0],
      "num_keypoints": 2
    },
    {
      "id": 3,
      "image_id": 1,
      "category_id": 1,
      "bbox": [300, 100, 20, 20],
      "area": 400,
      "iscrowd": 0
    }
  ],
  "categories": [{"id": 1, "name": "person", "keypoints": ["a", "b", "c", "d"], "skeleton": [[1, 3]]}]
}
`;
    const bytes0 = new Uint8Array(Buffer.from(text));

    it('moving the box of a polygon annotation moves its labeled keypoints; only keypoints / bbox / segmentation / area text changes', () => {
      const model = CocoEditorModel.fromBytes(bytes0, 'person.json');
      const e = model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [110.004, 40, 100, 200] });
      assert.notEqual(typeof e, 'string');
      model.apply(e as never);
      const out = model.bytes();
      const ann = JSON.parse(dec(out)).annotations[0];
      assert.deepEqual(ann.keypoints, [160, 50, 2, 0, 0, 0, 130, 190, 1, 190.5, 230, 2], 'labeled ones moved by (10, -10); the unlabeled one stays 0, 0, 0');
      assert.deepEqual(ann.segmentation, [[110, 40, 210, 40, 210, 240, 110, 240]]);
      assert.deepEqual(ann.bbox, [110, 40, 100, 200]);
      assertOnlyValuesChanged(bytes0, out, 0, ['keypoints', 'segmentation', 'bbox', 'area']);
      assert.ok(dec(out).includes('"keypoints": [160, 50, 2, 0, 0, 0, 130, 190, 1, 190.5, 230, 2]'), 'written in the file\'s style');
      // The webview gets the moved keypoints; undo gives the file back byte for byte.
      assert.deepEqual(model.imagePayload(0).annotations[0].keypoints, ann.keypoints);
      model.undo(e as never);
      assert.ok(Buffer.from(model.bytes()).equals(Buffer.from(bytes0)));
    });

    it('resizing scales the labeled keypoints into the new box (polygon and box-only annotations)', () => {
      const model = CocoEditorModel.fromBytes(bytes0, 'person.json');
      // Twice as wide, half as high, anchored at the top-left corner.
      model.apply(model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [100, 50, 200, 100] }) as never);
      // Box only: moved to (0, 0) and half the size; "," separators kept.
      model.apply(model.prepare({ op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 20, 40] }) as never);
      const out = model.bytes();
      const doc = JSON.parse(dec(out));
      assert.deepEqual(doc.annotations[0].keypoints, [200, 55, 2, 0, 0, 0, 140, 125, 1, 261, 145, 2]);
      assert.deepEqual(doc.annotations[0].segmentation, [[100, 50, 300, 50, 300, 150, 100, 150]]);
      assert.deepEqual(doc.annotations[1].keypoints, [5, 5, 2, 15, 35, 2, 0, 0, 0]);
      assert.deepEqual(doc.annotations[1].bbox, [0, 0, 20, 40]);
      assert.equal(doc.annotations[1].area, 800);
      assert.ok(dec(out).includes('"keypoints": [5,5,2,15,35,2,0,0,0]'), 'the old separators');
      // Annotation 2 alone: only its keypoints / bbox / area text changed.
      const solo = CocoEditorModel.fromBytes(bytes0, 'person.json');
      solo.apply(solo.prepare({ op: 'setBbox', annotationIndex: 1, bbox: [0, 0, 20, 40] }) as never);
      assertOnlyValuesChanged(bytes0, solo.bytes(), 1, ['keypoints', 'bbox', 'area']);
      // Annotation 3 (no keypoints) moves as before: no keypoints member appears.
      const other = CocoEditorModel.fromBytes(bytes0, 'person.json');
      other.apply(other.prepare({ op: 'setBbox', annotationIndex: 2, bbox: [310, 100, 20, 20] }) as never);
      assert.ok(!('keypoints' in JSON.parse(dec(other.bytes())).annotations[2]));
      assertOnlyValuesChanged(bytes0, other.bytes(), 2, ['bbox', 'area']);
    });

    it('a second move starts from the moved keypoints; the re-check sees them', () => {
      const model = CocoEditorModel.fromBytes(bytes0, 'person.json');
      model.apply(model.prepare({ op: 'setBbox', annotationIndex: 1, bbox: [20, 20, 40, 80] }) as never);
      model.apply(model.prepare({ op: 'setBbox', annotationIndex: 1, bbox: [20, 30, 40, 80] }) as never);
      assert.deepEqual(JSON.parse(dec(model.bytes())).annotations[1].keypoints, [30, 40, 2, 50, 100, 2, 0, 0, 0]);
      for (const full of [Infinity, 0]) {
        const found = model.recheck([1], full)[0].problems.map((p) => p.rule);
        assert.ok(!found.includes('coco/keypoints-outside-bbox'), `${full}: ${found.join(', ')}`);
      }
    });
  });

  it('RLE masks: box move / resize is refused with a clear message', () => {
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    const i = model.base.annotationEntries.findIndex((e) => (e.value as { id: number }).id === 4);
    const r = model.prepare({ op: 'setBbox', annotationIndex: i, bbox: [10, 10, 50, 50] });
    assert.equal(typeof r, 'string');
    assert.match(r as string, /RLE mask.*does not move or resize masks/);
  });

  it('a new box is appended as a 4-corner polygon annotation (id max+1) in the file\'s style; undo removes it', () => {
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    const e = model.prepare({ op: 'create', imageIndex: 1, categoryId: 3, polygons: [[10.004, 20, 60, 20, 60, 50, 10.004, 50]], shape: 'box' });
    assert.notEqual(typeof e, 'string');
    model.apply(e as never);
    const out = model.bytes();
    const doc = JSON.parse(dec(out));
    const last = doc.annotations.at(-1);
    assert.deepEqual(last, { id: 14, image_id: 2, category_id: 3, segmentation: [[10, 20, 60, 20, 60, 50, 10, 50]], area: 1500, bbox: [10, 20, 50, 30], iscrowd: 0 });
    // Inserted right after the old last annotation, formatted like it; the rest is byte-identical.
    const a = parseCoco(bytes);
    const lastEnd = a.annotationEntries.at(-1)!.end;
    const inserted = dec(out.subarray(lastEnd, out.length - (bytes.length - lastEnd)));
    assert.equal(inserted, ',\n    {\n      "id": 14,\n      "image_id": 2,\n      "category_id": 3,\n      "segmentation": [[10, 20, 60, 20, 60, 50, 10, 50]],\n      "area": 1500,\n      "bbox": [10, 20, 50, 30],\n      "iscrowd": 0\n    }');
    assert.ok(Buffer.from(out.subarray(0, lastEnd)).equals(Buffer.from(bytes.subarray(0, lastEnd))));
    assert.ok(Buffer.from(out.subarray(out.length - (bytes.length - lastEnd))).equals(Buffer.from(bytes.subarray(lastEnd))));
    // Shown with image 2; editable like any other.
    const p = model.imagePayload(1);
    assert.ok(p.annotations.some((x) => x.id === 14 && x.kind === 'polygons'));
    const mv = model.prepare({ op: 'setBbox', annotationIndex: (e as { annotationIndex: number }).annotationIndex, bbox: [20, 20, 50, 30] });
    model.apply(mv as never);
    assert.deepEqual(JSON.parse(dec(model.bytes())).annotations.at(-1).segmentation, [[20, 20, 70, 20, 70, 50, 20, 50]]);
    model.undo(mv as never);
    model.undo(e as never);
    assert.ok(Buffer.from(model.bytes()).equals(Buffer.from(bytes)), 'undo: the file as it was');
  });

  it('a CRLF file keeps CRLF: a new annotation is written with \\r\\n, the rest byte-identical', () => {
    const crlf = Buffer.from(dec(bytes).replace(/\n/g, '\r\n'));
    const model = CocoEditorModel.fromBytes(crlf, SAMPLE);
    model.apply(model.prepare({ op: 'create', imageIndex: 1, categoryId: 3, polygons: [[10, 20, 60, 20, 60, 50, 10, 50]], shape: 'box' }) as never);
    const out = dec(model.bytes());
    assert.equal(/(^|[^\r])\n/.test(out), false, 'no line ends in a bare \\n');
    assert.equal(JSON.parse(out).annotations.at(-1).id, 14);
    const lastEnd = parseCoco(crlf).annotationEntries.at(-1)!.end;
    assert.ok(Buffer.from(out).subarray(0, lastEnd).equals(crlf.subarray(0, lastEnd)), 'the file up to the new annotation is unchanged');
  });

  it('a new annotation in a one-line file stays on one line; all annotations deleted + one added stays valid', () => {
    const text = '{"images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 100}],\n"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [1,1,2,2], "area": 4}],\n"categories": [{"id": 1, "name": "x"}]}';
    const model = CocoEditorModel.fromBytes(Buffer.from(text), 'x.json');
    model.apply(model.prepare({ op: 'create', imageIndex: 0, categoryId: 1, polygons: [[10, 10, 20, 10, 15, 30]], shape: 'polygon' }) as never);
    const out = dec(model.bytes());
    assert.ok(out.includes('"area": 4}, {"id": 6, "image_id": 1, "category_id": 1, "segmentation": [[10, 10, 20, 10, 15, 30]], "area": 100, "bbox": [10, 10, 10, 20], "iscrowd": 0}],'), out);
    model.apply(model.prepare({ op: 'delete', annotationIndex: 0 }) as never);
    const doc = JSON.parse(dec(model.bytes()));
    assert.deepEqual(doc.annotations.map((a: { id: number }) => a.id), [6]);
  });

  it('the re-check after an edit replaces the edited annotation\'s problems (full re-parse and per-annotation paths)', async () => {
    for (const fullMax of [Infinity, 0]) {
      const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
      const notes: ProblemsPayload[] = [];
      let session!: EditorSession;
      const web = webviewChannel((m: Envelope) => queueMicrotask(() => session.receive(structuredClone(m))));
      session = new EditorSession({
        post: (m) => queueMicrotask(() => web.receive(structuredClone(m))),
        source: { find: () => ({ tried: [] }), toSrc: (p) => p },
        model: Promise.resolve(model),
        onEdit: () => {},
        recheckDelayMs: 0,
        recheckFullMaxBytes: fullMax,
      });
      web.on('problems', (p) => notes.push(p));
      const init = new Promise((r) => web.on('init', r));
      web.notify('ready', {});
      await init;
      // Move annotation 1's box half out of the 320×240 image.
      let seen = notes.length;
      const r = await web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [280, 40, 90, 70] });
      assert.equal(r.ok, true);
      // The re-check ends by posting the problem list once: wait for it.
      await session.lastRecheck;
      const last = await waitFor(() => notes.length > seen && notes.at(-1), 'the re-check\'s problem list');
      const mine = last.problems.filter((p) => p.annotationId === 1);
      assert.ok(mine.some((p) => p.rule === 'coco/polygon-outside-image' || p.rule === 'coco/bbox-out-of-image'), `${fullMax}: ${JSON.stringify(mine)}`);
      assert.ok(mine.every((p) => p.key >= EditorSession.LOCAL_KEY && p.imageIndex === 0));
      // Back in the image: the problems go away.
      seen = notes.length;
      await web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [30, 40, 90, 70] });
      await session.lastRecheck;
      const after = await waitFor(() => notes.length > seen && notes.at(-1), 'the re-check\'s problem list');
      assert.deepEqual(after.problems.filter((p) => p.annotationId === 1), []);
      session.dispose();
    }
  });
});
