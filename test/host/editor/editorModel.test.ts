/** The editor's host side without VS Code: model + session over the bundled sample. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CocoEditorModel, type ImageSource } from '../../../src/editor/editorModel';
import { contentSecurityPolicy, editorHtml } from '../../../src/extension/editor/html';
import { EditorSession } from '../../../src/editor/session';
import { locate } from '../../../src/core/coco/locate';
import { writeFileAtomic } from '../../../src/node/atomicWrite';
import { imageLookup } from '../../../src/node/imageFiles';
import { webviewChannel, type Envelope, type HostNotifications } from '../../../src/shared/protocol';

const SAMPLE = path.resolve(__dirname, '../../../sample/annotations/instances_sample.json');

function source(file: string): ImageSource {
  const lookup = imageLookup(file, path.resolve(path.dirname(file), '../images'));
  return { find: (n) => ({ path: lookup.resolve(n), tried: lookup.candidates(n) }), toSrc: (p) => `https://file+.vscode-resource.test${p}` };
}

/** A session and a fake webview end joined by (async, structured-cloned) messages. */
function connect(model: Promise<CocoEditorModel>, file = SAMPLE) {
  const notes: { method: string; params: unknown }[] = [];
  const edits: unknown[] = [];
  let session!: EditorSession;
  const web = webviewChannel((m: Envelope) => queueMicrotask(() => session.receive(structuredClone(m))));
  session = new EditorSession({
    post: (m) => queueMicrotask(() => web.receive(structuredClone(m))),
    source: source(file),
    model,
    onEdit: (e) => edits.push(e),
  });
  const wait = <K extends keyof HostNotifications>(method: K) =>
    new Promise<HostNotifications[K]>((resolve) => { const d = web.on(method, (p) => { d.dispose(); resolve(p); }); });
  web.on('changed', (p) => notes.push({ method: 'changed', params: p }));
  return { web, session, notes, edits, wait };
}

describe('COCO editor host (no VS Code)', () => {
  it('opening the sample: init, then the first image with binary geometry', async () => {
    const bytes = fs.readFileSync(SAMPLE);
    const { web, wait } = connect(CocoEditorModel.load(bytes, SAMPLE));
    const initP = wait('init');
    web.notify('ready', {});
    const init = await initP;
    assert.equal(init.imageCount, 5);
    assert.equal(init.imageIndex, 0);
    assert.deepEqual(init.categories.map((c) => [c.id, c.name, c.count]), [[1, 'box', 5], [2, 'ball', 5], [3, 'cone', 2], [4, 'blob', 1]]);

    const first = await web.request('getImage', { index: 0 });
    assert.equal(first.image.fileName, 'scene_001.png');
    assert.equal(first.image.width, 320);
    assert.match(first.image.src!, /sample\/images\/scene_001\.png$/);
    assert.deepEqual(first.annotations.map((a) => a.id), [1, 2, 3, 13]);
    assert.ok(first.geometry.coords instanceof Float32Array);
    assert.deepEqual([...first.geometry.coords.subarray(0, 8)], [30, 40, 120, 40, 120, 110, 30, 110]);
    assert.deepEqual([...first.geometry.ringStart], [0, 1, 2, 3, 4]);
  });

  it('RLE (compressed and crowd) arrive as Uint32Array counts; a missing file names the paths tried', async () => {
    const model = CocoEditorModel.fromBytes(fs.readFileSync(SAMPLE), SAMPLE);
    const p2 = model.imagePayload(1, source(SAMPLE));
    const rle = p2.annotations.find((a) => a.id === 4)!;
    assert.equal(rle.kind, 'rle');
    const k = p2.annotations.indexOf(rle);
    const c = p2.geometry.counts.subarray(p2.geometry.rleStart[k], p2.geometry.rleStart[k + 1]);
    let area = 0;
    for (let i = 1; i < c.length; i += 2) area += c[i];
    assert.equal(area, 11542);
    const p3 = model.imagePayload(2, source(SAMPLE));
    assert.equal(p3.annotations[0].iscrowd, true);
    assert.equal(p3.annotations[0].kind, 'rle');
    const p5 = model.imagePayload(4, source(SAMPLE));
    assert.equal(p5.image.src, undefined);
    assert.ok(p5.image.tried!.length >= 2);
    assert.ok(p5.image.tried!.every((t) => t.endsWith('scene_005_missing.png')));
  });

  it('a box edit + save changes only that annotation\'s geometry bytes on disk (the polygon moves with the box)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-editor-'));
    const file = path.join(dir, 'instances_sample.json');
    fs.copyFileSync(SAMPLE, file);
    const before = fs.readFileSync(file);
    const { web, edits, wait } = connect(CocoEditorModel.load(before, file), file);
    const modelP = CocoEditorModel.load(before, file); // same bytes, to compare ranges
    const changed = wait('changed');
    const r = await web.request('edit', { op: 'setBbox', annotationIndex: 0, bbox: [32, 41.5, 90, 70] });
    assert.deepEqual(r, { ok: true });
    await changed;
    assert.equal(edits.length, 1);
    // The session's model: write what a save writes.
    const session = (await modelP);
    session.apply(session.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [32, 41.5, 90, 70] }) as never);
    await writeFileAtomic(file, session.bytes());
    const after = fs.readFileSync(file);
    const text = (b: Buffer) => b.toString('utf8');
    // The polygon moved with the box: the segmentation and bbox values of annotation 0 are
    // the only differing spans (the area of the moved 90×70 polygon stays 6300).
    const ann0 = session.base.annotationEntries[0];
    const seg0 = locate(session.base, ann0, ['segmentation'])!;
    const r0 = locate(session.base, ann0, ['bbox'])!;
    assert.equal(text(before.subarray(r0.start, r0.end)), '[30, 40, 90, 70]');
    const expected = text(before.subarray(0, seg0.start)) + '[[32, 41.5, 122, 41.5, 122, 111.5, 32, 111.5]]'
      + text(before.subarray(seg0.end, r0.start)) + '[32, 41.5, 90, 70]' + text(before.subarray(r0.end));
    assert.equal(text(after), expected);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delete, change category, undo/redo; deleting neighbours keeps valid JSON', () => {
    const bytes = fs.readFileSync(SAMPLE);
    const model = CocoEditorModel.fromBytes(bytes, SAMPLE);
    const del = model.prepare({ op: 'delete', annotationIndex: 1 });
    const del2 = model.prepare({ op: 'delete', annotationIndex: 2 });
    const del0 = model.prepare({ op: 'delete', annotationIndex: 0 });
    const cat = model.prepare({ op: 'setCategory', annotationIndex: 4, categoryId: 3 });
    for (const e of [del, del2, del0, cat]) { assert.notEqual(typeof e, 'string'); model.apply(e as never); }
    const out = JSON.parse(Buffer.from(model.bytes()).toString('utf8'));
    assert.deepEqual(out.annotations.map((a: { id: number }) => a.id).slice(0, 2), [4, 5]);
    assert.equal(out.annotations[1].category_id, 3);
    assert.equal(model.annotationCount(), 11);
    model.undo(cat as never);
    model.undo(del0 as never);
    const out2 = JSON.parse(Buffer.from(model.bytes()).toString('utf8'));
    assert.deepEqual(out2.annotations.map((a: { id: number }) => a.id).slice(0, 3), [1, 4, 5]);
    assert.equal(out2.annotations[2].category_id, 2);
    model.undo(del2 as never);
    model.undo(del as never);
    assert.deepEqual(Buffer.from(model.bytes()), bytes, 'all undone: identical bytes');
    assert.equal(typeof model.prepare({ op: 'setCategory', annotationIndex: 0, categoryId: 99 }), 'string');
  });

  it('a box without segmentation gets its area with the bbox', () => {
    const text = '{"images": [{"id": 1, "file_name": "a.png", "width": 10, "height": 10}],\n"annotations": [{"id": 5, "image_id": 1, "category_id": 1, "bbox": [1,1,2,2], "area": 4}],\n"categories": [{"id": 1, "name": "x"}]}';
    const model = CocoEditorModel.fromBytes(Buffer.from(text), 'x.json');
    model.apply(model.prepare({ op: 'setBbox', annotationIndex: 0, bbox: [1, 1, 3, 2] }) as never);
    assert.equal(Buffer.from(model.bytes()).toString(), text.replace('[1,1,2,2], "area": 4', '[1,1,3,2], "area": 6'));
  });

  it('HTML: strict CSP with a nonce on the only script', () => {
    const html = editorHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/main.js', nonce: 'abc123' });
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/main.js"><\/script>/);
    assert.doesNotMatch(contentSecurityPolicy('s', 'n'), /unsafe-eval/);
  });
});

describe('editor model: minimal diffs down to the number', () => {
  it('moving one polygon vertex changes that vertex\'s two numbers (and the area) only; untouched coordinates keep full precision', () => {
    const coco = {
      images: [{ id: 1, file_name: 'a.jpg', width: 200, height: 200 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[10.123456, 10.25, 100.5, 10.987654, 100.5, 90.75, 10.123456, 90.75]], area: 7000, bbox: [10.123456, 10.25, 90.376544, 80.5], iscrowd: 0 }],
      categories: [{ id: 1, name: 'c' }],
    };
    const text = JSON.stringify(coco, null, 2);
    const model = CocoEditorModel.fromBytes(new TextEncoder().encode(text), 'x.json');
    // As the webview sends it: float32 coordinates, rounded to 2 decimals; vertex 1 moved.
    const sent = coco.annotations[0].segmentation.map((r) => r.map((v) => Math.round(Math.fround(v) * 100) / 100));
    sent[0][2] = 95.5; sent[0][3] = 20;
    const edit = model.prepare({ op: 'setPolygons', annotationIndex: 0, polygons: sent });
    assert.ok(typeof edit !== 'string', String(edit));
    model.apply(edit);
    const out = new TextDecoder().decode(model.bytes());
    const before = text.split('\n');
    const after = out.split('\n');
    assert.equal(after.length, before.length, 'the layout is kept');
    const changed = before.map((l, i) => [l, after[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(changed.map(([, b]) => b.trim()), ['95.5,', '20,', changed[2][1].trim()], `changed lines: ${JSON.stringify(changed)}`);
    assert.match(changed[2][1], /"area": /, 'the third changed line is the area');
    assert.ok(out.includes('10.123456') && out.includes('90.376544'), 'untouched coordinates keep every digit');
    assert.deepEqual(JSON.parse(out).annotations[0].bbox, coco.annotations[0].bbox, 'the extent did not change: the box is as written');
  });
});
