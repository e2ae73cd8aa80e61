/**
 * The viewer's panoptic segments: one RLE per segment id of a PNG (pycocotools' column-major runs,
 * the same counts rleEncodeColumnMajor gives each id's binary mask), and the image payload the
 * session sends (each record's listed segments with their category, unlisted ones without, a
 * missing PNG leaves the record as it is), and no geometry edits on a panoptic file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { rleEncodeColumnMajor } from '../../../src/core/geometry';
import { PanopticSegmentSource, panopticRle } from '../../../src/node/panopticSegments';
import { CocoEditorModel } from '../../../src/editor/editorModel';
import { EditorSession } from '../../../src/editor/session';
import { PANOPTIC_READ_ONLY, panopticHooks } from '../../../src/editor/panopticView';
import { webviewChannel, type Envelope } from '../../../src/shared/protocol';

const W = 7, H = 5;
/** Ids in a small raster (row-major): 0 void, 1 + 256·2 ("person"), 9 ("sky"), 77 (unlisted). */
const IDS = [
  0, 513, 513, 0, 0, 9, 9,
  0, 513, 513, 0, 0, 9, 9,
  0, 0, 513, 77, 0, 9, 9,
  9, 9, 9, 9, 9, 9, 9,
  9, 9, 9, 9, 9, 9, 9,
];

function rgbOf(ids: number[]): Buffer {
  const b = Buffer.alloc(ids.length * 3);
  ids.forEach((id, i) => { b[3 * i] = id % 256; b[3 * i + 1] = Math.floor(id / 256) % 256; b[3 * i + 2] = Math.floor(id / 65536); });
  return b;
}

/** pycocotools' counts of one id's binary mask, without the trailing unset run. */
function reference(id: number): number[] {
  const bits = new Uint8Array(W * H);
  for (let x = 0; x < W; x++) for (let y = 0; y < H; y++) bits[x * H + y] = IDS[y * W + x] === id ? 1 : 0;
  const counts = [...(rleEncodeColumnMajor(bits, H, W).counts as number[])];
  return counts.length % 2 === 1 ? counts.slice(0, -1) : counts; // odd: it ends with an unset run
}

describe('panoptic segments for the viewer (PNG → one RLE per segment)', function () {
  this.timeout(30000);
  let dir: string;
  let json: string;
  const doc = {
    images: [{ id: 1, file_name: '1.jpg', width: W, height: H }, { id: 2, file_name: '2.jpg', width: W, height: H }],
    annotations: [
      { image_id: 1, file_name: '1.png', segments_info: [
        { id: 513, category_id: 1, iscrowd: 0, bbox: [1, 0, 2, 3], area: 5 },
        { id: 9, category_id: 2, iscrowd: 1, bbox: [0, 0, 7, 5], area: 20 },
      ] },
      { image_id: 2, file_name: 'gone.png', segments_info: [{ id: 1, category_id: 1, iscrowd: 0, bbox: [0, 0, 1, 1], area: 1 }] },
    ],
    categories: [{ id: 1, name: 'person', isthing: 1 }, { id: 2, name: 'sky', isthing: 0 }],
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labelscope-panoptic-view-'));
    fs.mkdirSync(path.join(dir, 'panoptic_val'));
    await sharp(rgbOf(IDS), { raw: { width: W, height: H, channels: 3 } }).png().toFile(path.join(dir, 'panoptic_val', '1.png'));
    json = path.join(dir, 'panoptic_val.json');
    fs.writeFileSync(json, JSON.stringify(doc));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the runs of every id are pycocotools\' RLE of its mask (RGB and RGBA rasters)', () => {
    const rgb = panopticRle(rgbOf(IDS), W, H, 3);
    assert.deepEqual([...rgb.keys()], [9, 77, 513]);
    for (const id of [9, 77, 513]) assert.deepEqual(rgb.get(id), reference(id), `id ${id}`);
    // Hand-checked: id 513 covers column 1 rows 0–1, column 2 rows 0–2 → runs 5 unset, 2 set, 3 unset, 3 set.
    assert.deepEqual(rgb.get(513), [5, 2, 3, 3]);
    const rgba = Buffer.alloc(W * H * 4);
    rgbOf(IDS).forEach((v, i) => { rgba[Math.floor(i / 3) * 4 + (i % 3)] = v; });
    assert.deepEqual(panopticRle(rgba, W, H, 4), rgb);
  });

  it('the image payload: listed segments with their category, box, area and crowd flag; the unlisted one without a category', async () => {
    const model = CocoEditorModel.fromBytes(fs.readFileSync(json), json);
    const source = new PanopticSegmentSource(json);
    const { payload, notes } = await source.segmentsPayload(model.base, model.imagePayload(0));
    assert.deepEqual(notes, []);
    assert.deepEqual(payload.annotations.map((a) => [a.id, a.categoryId, a.kind, a.iscrowd, a.bbox, a.area, a.index]), [
      [513, 1, 'rle', false, [1, 0, 2, 3], 5, 0],
      [9, 2, 'rle', true, [0, 0, 7, 5], 20, 0],
      [77, '', 'rle', false, null, null, 0],
    ]);
    const g = payload.geometry;
    const countsOf = (k: number) => [...g.counts.subarray(g.rleStart[k], g.rleStart[k + 1])];
    assert.deepEqual([countsOf(0), countsOf(1), countsOf(2)], [reference(513), reference(9), reference(77)]);
    assert.deepEqual([...g.rleSize], [H, W, H, W, H, W]);
    assert.deepEqual([...g.ringStart], [0, 0, 0, 0]);
    // A record whose PNG is not there: kept as it was, with a note.
    const second = await source.segmentsPayload(model.base, model.imagePayload(1));
    assert.equal(second.payload.annotations.length, 1);
    assert.equal(second.payload.annotations[0].kind, 'invalid');
    assert.match(second.notes[0].message, /Panoptic PNG gone\.png not found/);
  });

  it('through the session: getImage sends the segments, edits are refused with a reason; an instances file is untouched', async () => {
    const run = async (file: string, bytes: Buffer) => {
      let toWeb: (m: Envelope) => void = () => {};
      const session = new EditorSession({
        post: (m) => toWeb(m),
        source: { find: () => ({ tried: [] }), toSrc: (p) => p },
        model: CocoEditorModel.load(bytes, file),
        onEdit: () => {},
        ...panopticHooks(new PanopticSegmentSource(file)),
      });
      const webNow = webviewChannel((m) => session.receive(m));
      toWeb = (m) => webNow.receive(m);
      const image = await webNow.request('getImage', { index: 0 });
      const edit = await webNow.request('edit', { op: 'delete', annotationIndex: 0 });
      session.dispose();
      return { image, edit };
    };
    const pan = await run(json, fs.readFileSync(json));
    assert.deepEqual(pan.image.annotations.map((a) => a.id), [513, 9, 77]);
    assert.deepEqual(pan.edit, { ok: false, message: PANOPTIC_READ_ONLY });
    const instFile = path.join(dir, 'instances.json');
    const inst = Buffer.from(JSON.stringify({ images: [doc.images[0]], annotations: [{ id: 4, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2], area: 4, iscrowd: 0 }], categories: [{ id: 1, name: 'person' }] }));
    const plain = await run(instFile, inst);
    assert.deepEqual(plain.image.annotations.map((a) => [a.id, a.kind]), [[4, 'box']]);
    assert.equal(plain.edit.ok, true);
  });
});
