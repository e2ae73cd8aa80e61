import * as assert from 'node:assert/strict';
import { parseCoco } from '../../../../src/core/coco/parse';
import { cocoToText, diffDocuments, formatDiffMarkdown, formatDiffText } from '../../../../src/core/metrics/diff';
import { doc, poly, type Ann, type Coco } from './match/helpers';

/** 30 images of 200×200, 5 non-overlapping 30×30 squares each (ids 1..150), 6 categories. */
function original(): Coco {
  const images = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, file_name: `img${String(i + 1).padStart(3, '0')}.jpg`, width: 200, height: 200 }));
  const annotations: Ann[] = [];
  for (let i = 0; i < 30; i++) for (let j = 0; j < 5; j++) {
    annotations.push(poly(i * 5 + j + 1, i + 1, ((i + j) % 6) + 1, [10 + 38 * j, 10, 30, 30], { attributes: { occluded: false } }));
  }
  const categories = ['car', 'truck', 'person', 'dog', 'cat', 'bird'].map((name, k) => ({ id: k + 1, name, supercategory: 'thing' }));
  return { images, annotations, categories };
}

/** Every key order reversed and pretty-printed: bytes differ everywhere, meaning nowhere. */
function reformat(c: Coco): Uint8Array {
  const rev = (v: unknown): unknown => Array.isArray(v) ? v.map(rev) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, rev(x)])) : v;
  return new TextEncoder().encode(JSON.stringify(rev(c), null, 2));
}

describe('semantic diff', () => {
  it('reports a planted set of 50 known changes exactly, nothing more', () => {
    const old = original();
    const next: Coco = structuredClone(old);
    const ann = (id: number) => next.annotations.find((a) => a.id === id)!;
    const expected = { moved: new Map<number, number>(), reshaped: new Set<number>(), relabelled: new Map<number, [string, string]>(), removed: new Set<number>(), added: new Set<number>(), imagesRenamed: new Map<number, string>(), categoriesRenamed: new Map<number, string>() };
    const catName = (c: Coco, id: number) => c.categories.find((k) => k.id === id)!.name;
    // 10 moves: annotation 1 of images 1..10 shifted by (4, 2): IoU = 26·28 / (2·900 − 728) = 728/1072
    for (let i = 0; i < 10; i++) {
      const a = ann(i * 5 + 1);
      a.bbox = [a.bbox![0] + 4, a.bbox![1] + 2, 30, 30];
      a.segmentation = (a.segmentation as number[][]).map((p) => p.map((v, k) => v + (k % 2 === 0 ? 4 : 2)));
      expected.moved.set(a.id, 728 / 1072);
    }
    // 10 relabels: annotation 2 of images 11..20 gets the next category
    for (let i = 10; i < 20; i++) {
      const a = ann(i * 5 + 2);
      const to = (a.category_id % 6) + 1;
      expected.relabelled.set(a.id, [catName(old, a.category_id), catName(old, to)]);
      a.category_id = to;
    }
    // 2 reshapes: annotation 4 of images 11, 12 grows to 40 wide (same id: a change, with its IoU)
    for (const i of [10, 11]) {
      const a = ann(i * 5 + 4);
      const [x, y] = a.bbox!;
      Object.assign(a, poly(a.id, a.image_id, a.category_id, [x, y, 36, 30], { attributes: { occluded: false } }));
      expected.reshaped.add(a.id);
    }
    // 10 deletions: annotation 3 of images 21..30
    for (let i = 20; i < 30; i++) expected.removed.add(i * 5 + 3);
    next.annotations = next.annotations.filter((a) => !expected.removed.has(a.id));
    // 10 additions: a new square in the free lower half of images 1..10
    for (let i = 0; i < 10; i++) {
      next.annotations.push(poly(1000 + i, i + 1, 3, [20, 120, 50, 50], { attributes: { occluded: true } }));
      expected.added.add(1000 + i);
    }
    // 5 image renames, 3 category renames
    for (const id of [3, 7, 14, 22, 30]) { const im = next.images.find((x) => x.id === id)!; im.file_name = `renamed/${im.file_name}`; expected.imagesRenamed.set(id, im.file_name); }
    for (const [id, name] of [[2, 'lorry'], [4, 'hound'], [6, 'songbird']] as const) { next.categories.find((c) => c.id === id)!.name = name; expected.categoriesRenamed.set(id, name); }
    const changeCount = expected.moved.size + expected.reshaped.size + expected.relabelled.size + expected.removed.size + expected.added.size + expected.imagesRenamed.size + expected.categoriesRenamed.size;
    assert.equal(changeCount, 50);

    const d = diffDocuments(doc(old), parseCoco(reformat(next)));

    const added = d.perImage.flatMap((i) => i.added.map((a) => a.id));
    const removed = d.perImage.flatMap((i) => i.removed.map((a) => a.id));
    const changed = d.perImage.flatMap((i) => i.changed);
    assert.deepEqual(new Set(added), expected.added);
    assert.equal(added.length, 10);
    assert.deepEqual(new Set(removed), expected.removed);
    assert.equal(removed.length, 10);
    assert.equal(changed.length, 22);
    for (const c of changed) {
      assert.equal(c.oldId, c.newId);
      const id = c.newId as number;
      if (expected.moved.has(id)) { assert.deepEqual(c.kinds, ['moved']); assert.ok(Math.abs(c.iou! - expected.moved.get(id)!) < 1e-9); }
      else if (expected.reshaped.has(id)) { assert.deepEqual(c.kinds, ['reshaped']); assert.equal(c.iou, 900 / 1080); }
      else if (expected.relabelled.has(id)) {
        assert.deepEqual(c.kinds, ['relabelled']);
        // names as each side calls them: OLD's name → NEW's (renamed categories show their new name)
        const [from, to] = expected.relabelled.get(id)!;
        const toId = old.categories.find((k) => k.name === to)!.id;
        assert.deepEqual([c.oldCategory, c.newCategory], [from, expected.categoriesRenamed.get(toId) ?? to]);
      } else assert.fail(`unexpected change of annotation ${id}`);
    }
    assert.deepEqual(new Map(d.images.renamed.map((r) => [r.id, r.newFileName])), expected.imagesRenamed);
    assert.deepEqual(new Map(d.categories.renamed.map((r) => [r.id, r.newName])), expected.categoriesRenamed);
    assert.deepEqual([d.images.added, d.images.removed, d.images.changed, d.categories.added, d.categories.removed, d.categories.changed, d.otherSections], [[], [], [], [], [], [], []]);
    assert.equal(d.summary.annotationsUnchanged, 150 - 10 - 22);
    assert.equal(d.summary.line, '+10 −10 ~22 annotations on 30 images; images 5 renamed; 3 categories renamed');
    const text = formatDiffText(d, 'instances.json');
    assert.match(text, /^instances\.json: \+10 −10 ~22 annotations on 30 images/);
    assert.match(text, /~ annotation 77: relabelled cat → songbird/);
    assert.match(text, /~ annotation 1: moved \(IoU 0\.68\)/);
    assert.match(formatDiffMarkdown(d, 'instances.json'), /\| img001\.jpg \| \+ annotation 1000 \| person \[20, 120, 50, 50\] \|/);
  });

  it('a file against itself (or its reformatted self) has no semantic changes', () => {
    const c = original();
    assert.equal(diffDocuments(doc(c), doc(c)).summary.line, 'no semantic changes');
    const d = diffDocuments(doc(c), parseCoco(reformat(c)));
    assert.equal(d.summary.line, 'no semantic changes');
    assert.equal(d.summary.annotationsUnchanged, 150);
  });

  it('attribute changes, renumbered ids (paired by overlap), added and removed images', () => {
    const old = original();
    const next: Coco = structuredClone(old);
    next.annotations[0].attributes = { occluded: true };
    next.annotations[1].iscrowd = 1;
    next.annotations[2].id = 5000; // same object, new id
    next.images = next.images.filter((i) => i.id !== 30);
    next.annotations = next.annotations.filter((a) => a.image_id !== 30);
    next.images.push({ id: 31, file_name: 'new.jpg', width: 200, height: 200 });
    next.annotations.push(poly(6000, 31, 1, [0, 0, 10, 10]));
    const d = diffDocuments(doc(old), doc(next));
    const ch = d.perImage.find((i) => i.imageId === 1)!.changed;
    assert.deepEqual(ch.map((c) => [c.oldId, c.newId, c.kinds, c.attributes]), [
      [1, 1, ['attributes'], ['attributes.occluded']],
      [2, 2, ['attributes'], ['iscrowd']],
      [3, 5000, ['renumbered'], undefined],
    ]);
    assert.deepEqual(d.images.added.map((i) => i.fileName), ['new.jpg']);
    assert.deepEqual(d.images.removed.map((i) => i.fileName), ['img030.jpg']);
    assert.equal(d.summary.line, '+1 −5 ~3 annotations on 3 images; images 1 added, 1 removed');
  });

  it('textconv text: one line per object, in id order, unchanged by formatting', () => {
    const c = original();
    const t = cocoToText(doc(c));
    assert.equal(t, cocoToText(parseCoco(reformat(c))));
    const lines = t.trim().split('\n');
    assert.equal(lines.length, 6 + 30 + 150);
    assert.match(lines[0], /^category 1 car \(thing\)$/);
    assert.match(lines[36], /^annotation 1 image 1 car bbox \[10, 10, 30, 30\] area 900 polygons 1\/4pts #[0-9a-f]{8} attributes=\{"occluded":false\}$/);
  });

  it('malformed elements (a number, null, a box of strings) are compared without a crash', () => {
    const text = (anns: string) => new TextEncoder().encode(`{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}, 7], "categories": [{"id": 1, "name": "car"}], "annotations": [${anns}]}`);
    const old = parseCoco(text('{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}, 3, null'));
    const next = parseCoco(text('{"id": 1, "image_id": 1, "category_id": 1, "bbox": ["a", 0, 5, 5]}, null, {"id": 2, "image_id": 1}'));
    const d = diffDocuments(old, next);
    assert.match(d.summary.line, /^\+1 −0 ~1 annotations on 1 image/);
    assert.ok(cocoToText(next).includes('annotation 2 image 1 ?'));
  });
});
