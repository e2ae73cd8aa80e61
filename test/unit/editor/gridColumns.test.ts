/**
 * The grid, the category counts and the problem index read annotation columns (nothing parsed):
 * they must find what a walk over the parsed values finds, with the viewer's edits applied.
 */
import * as assert from 'node:assert/strict';
import { isJsonObject, type JsonObject } from '../../../src/core/coco/document';
import { parseCoco } from '../../../src/core/coco/parse';
import { AREA_BINS, ASPECT_BINS } from '../../../src/core/metrics/stats/histogram';
import { MEDIUM_AREA, SMALL_AREA } from '../../../src/core/metrics/stats/compute';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import type { GridQuery } from '../../../src/shared/protocol';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Images, annotations with odd values among them (no box, a 3-number box, zero size, no area, unknown image, a string category). */
function file(seed: number): string {
  const r = rng(seed);
  const images = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, file_name: `Dir/IM_${i}.jpg`, width: 640, height: 480 }));
  const annotations: JsonObject[] = [];
  for (let k = 0; k < 400; k++) {
    const w = r() < 0.05 ? 0 : Math.round(r() * 300 * 100) / 100 + 0.5;
    const h = Math.round(r() * 200 * 100) / 100 + 0.5;
    const a: JsonObject = { id: 1000 + k, image_id: r() < 0.03 ? 999 : 1 + Math.floor(r() * 25), category_id: r() < 0.05 ? 'x' : 1 + Math.floor(r() * 4), bbox: [1, 2, w, h], area: Math.round(w * h * 0.7) };
    if (r() < 0.05) delete a.bbox;
    if (r() < 0.05) a.bbox = [1, 2, 3];
    if (r() < 0.1) delete a.area;
    annotations.push(a);
  }
  return JSON.stringify({ images, annotations, categories: [1, 2, 3, 4, 5].map((id) => ({ id, name: `c${id}` })).concat([{ id: 'x' as unknown as number, name: 'x' }]) }, null, 1);
}

/** The grid's answer computed from the parsed values of `bytes` (the edited file, saved). */
function reference(bytes: Uint8Array, q: GridQuery): number[] {
  const doc = parseCoco(bytes);
  const imgIndex = new Map<unknown, number>();
  doc.imageEntries.forEach((e, i) => { const id = (e.value as JsonObject).id; if (!imgIndex.has(id)) imgIndex.set(id, i); });
  const n = doc.imageEntries.length;
  const counts = new Array<number>(n).fill(0);
  const keep = new Array<boolean>(n).fill(!q.categories?.length && !q.boxBin);
  const inCats = new Array<boolean>(n).fill(false);
  const inBin = new Array<boolean>(n).fill(false);
  for (const e of doc.annotationEntries) {
    const v = e.value as JsonObject;
    const img = imgIndex.get(v.image_id);
    if (img === undefined) continue;
    counts[img]++;
    const catOk = !q.categories?.length || q.categories.includes(v.category_id as number);
    if (q.categories?.length && catOk) inCats[img] = true;
    if (q.boxBin && catOk) {
      const b = Array.isArray(v.bbox) && v.bbox.length === 4 && v.bbox.every((x) => typeof x === 'number') ? v.bbox as number[] : undefined;
      if (!b || !(b[2] > 0 && b[3] > 0)) continue;
      const lw = Math.log2(b[2]), lh = Math.log2(b[3]);
      const area = typeof v.area === 'number' ? v.area : b[2] * b[3];
      const bin = q.boxBin.measure === 'area' ? AREA_BINS.indexLog2(lw + lh) : q.boxBin.measure === 'aspect' ? ASPECT_BINS.indexLog2(lw - lh) : area < SMALL_AREA ? 0 : area < MEDIUM_AREA ? 1 : 2;
      if (bin === q.boxBin.bin) inBin[img] = true;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = keep[i];
    if (q.categories?.length) ok = inCats[i];
    if (q.boxBin) ok = inBin[i] && (!q.categories?.length || inCats[i]);
    if (q.noAnnotations && counts[i] > 0) ok = false;
    if (q.search && !String((doc.imageEntries[i].value as JsonObject).file_name).toLowerCase().includes(q.search.toLowerCase())) ok = false;
    if (ok) out.push(i);
  }
  if (q.sort === 'annotations') out.sort((a, b) => counts[b] - counts[a] || a - b);
  return out;
}

function queries(model: CocoEditorModel): GridQuery[] {
  const qs: GridQuery[] = [{}, { sort: 'annotations' }, { noAnnotations: true }, { search: 'im_1' }, { search: 'DIR/IM_2' }, { categories: ['x'] }];
  for (const c of [1, 2, 3, 4, 5]) qs.push({ categories: [c] });
  for (const measure of ['area', 'aspect', 'sizeClass'] as const) {
    for (let bin = 0; bin < 24; bin++) {
      const hits = model.queryGrid({ boxBin: { measure, bin } });
      if (hits.length || bin < 3) qs.push({ boxBin: { measure, bin } }, { boxBin: { measure, bin }, categories: [2] });
    }
  }
  return qs;
}

describe('the grid, counts and problem index from annotation columns', () => {
  it('find what the parsed values find, before and after edits (category, box, delete, create), and on reload', () => {
    for (const seed of [1, 2, 3]) {
      const bytes = Buffer.from(file(seed));
      const model = CocoEditorModel.fromBytes(bytes, 'f.json');
      const check = (what: string) => {
        const saved = model.bytes();
        for (const q of queries(model)) assert.deepEqual([...model.queryGrid(q)], reference(saved, q), `${what}: ${JSON.stringify(q)}`);
        // The category counts, as a fresh parse counts them.
        const counts = new Map<unknown, number>();
        for (const v of parseCoco(saved).annotations) if (isJsonObject(v)) counts.set(v.category_id, (counts.get(v.category_id) ?? 0) + 1);
        for (const c of model.categories()) assert.equal(c.count, counts.get(c.id) ?? 0, `${what}: count of category ${String(c.id)}`);
        // And a model loaded from the saved bytes answers the same.
        const fresh = CocoEditorModel.fromBytes(saved, 'f.json');
        for (const q of queries(model)) assert.deepEqual([...fresh.queryGrid(q)], [...model.queryGrid(q)], `${what}, reloaded: ${JSON.stringify(q)}`);
      };
      check(`seed ${seed}`);
      const apply = (op: Parameters<CocoEditorModel['prepare']>[0]) => {
        const e = model.prepare(op);
        assert.notEqual(typeof e, 'string', String(e));
        model.apply(e as Exclude<typeof e, string>);
      };
      apply({ op: 'setCategory', annotationIndex: 3, categoryId: 5 });
      apply({ op: 'setCategory', annotationIndex: 10, categoryId: 'x' });
      apply({ op: 'setBbox', annotationIndex: 7, bbox: [1, 2, 400, 3] });
      apply({ op: 'setBbox', annotationIndex: 8, bbox: [1, 2, 1, 1] });
      apply({ op: 'delete', annotationIndex: 0 });
      apply({ op: 'delete', annotationIndex: 1 });
      apply({ op: 'create', imageIndex: 29, categoryId: 4, polygons: [[10, 10, 60, 10, 60, 90]], shape: 'polygon' });
      check(`seed ${seed}, edited`);
    }
  });

  it('places problems on images by annotation id and by JSON path, as the parsed values say', () => {
    const bytes = Buffer.from(file(4));
    const model = CocoEditorModel.fromBytes(bytes, 'f.json');
    const doc = parseCoco(bytes);
    const imgIndex = new Map<unknown, number>();
    doc.imageEntries.forEach((e, i) => { const id = (e.value as JsonObject).id; if (!imgIndex.has(id)) imgIndex.set(id, i); });
    doc.annotationEntries.forEach((e, k) => {
      const v = e.value as JsonObject;
      const want = imgIndex.get(v.image_id) ?? -1;
      assert.equal(model.imageIndexOfProblem({ annotationId: v.id as number, jsonPath: '' }), want, `by id ${String(v.id)}`);
      assert.equal(model.imageIndexOfProblem({ jsonPath: `$.annotations[${k}].bbox` }), want, `by path ${k}`);
      assert.equal(model.imageIndexOfAnnotation(v.id as number), want < 0 ? undefined : want);
    });
    assert.equal(model.imageIndexOfProblem({ annotationId: 5, jsonPath: '' }), -1, 'no such annotation');
    assert.equal(model.imageIdAt(3), 4);
    assert.equal(model.imageIndexOfId(4), 3);
  });
});
