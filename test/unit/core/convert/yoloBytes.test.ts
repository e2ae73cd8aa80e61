/**
 * The YOLO writer builds label files as bytes in regions of one shared buffer (core/convert/yolo
 * labelRegions + labelText). These tests hold it to the writer it replaced — label lines as
 * strings (yoloNumber = toFixed(6) of the clamped value), one string per file — byte for byte, on
 * data chosen to hit every path: multi-part polygons (bridge and split), crowd RLE of both kinds
 * (counts arrays and compressed strings, with holes, in two parts), polygons crossing the border
 * (clipping adds vertices beyond the estimate), -0, values at and near 6-decimal ties, boxes as
 * polygons, images without objects, annotations in random order.
 */
import { strict as assert } from 'node:assert';
import { ConvertLog, isRle, usablePolygons, type CocoAnnotation, type CocoDataset } from '../../../../src/core/convert/model';
import { labelPathFor, writeYolo, yoloNumber, type MultipartMode } from '../../../../src/core/convert/yolo';
import { clipPolygon, mergeMultiSegment, polygonLeavesImage, traceSegmentation } from '../../../../src/core/convert/shapes';
import { LabelText } from '../../../../src/core/convert/labelText';
import { rleEncode, rleToString } from '../../../../src/core/geometry';

/** The label files as the string-building writer made them (segment task, crowd contours). */
function referenceLabels(ds: CocoDataset, multipart: MultipartMode): Map<string, string> {
  const cats = [...ds.categories].sort((a, b) => a.id - b.id);
  const cls = new Map(cats.map((c, i) => [c.id, i]));
  const byImage = new Map<number, string[]>();
  const images = new Map(ds.images.map((i) => [i.id, i]));
  for (const a of ds.annotations) {
    const img = images.get(a.image_id)!;
    const W = img.width, H = img.height;
    if (!(W > 0 && H > 0)) continue;
    let polys = isRle(a.segmentation) ? traceSegmentation(a.segmentation, H, W).polygons : usablePolygons(a.segmentation);
    if (polys.length === 0) {
      const x1 = Math.max(0, a.bbox[0]), y1 = Math.max(0, a.bbox[1]);
      const x2 = Math.min(W, a.bbox[0] + a.bbox[2]), y2 = Math.min(H, a.bbox[1] + a.bbox[3]);
      if (!(x2 > x1 && y2 > y1)) continue;
      const [x, y, w, h] = a.bbox;
      polys = [[x, y, x + w, y, x + w, y + h, x, y + h]];
    }
    if (polys.some((p) => polygonLeavesImage(p, W, H))) {
      polys = polys.map((p) => clipPolygon(p, W, H)).filter((p) => p.length >= 6);
      if (polys.length === 0) continue;
    }
    const parts = polys.length > 1 && multipart === 'bridge' ? [mergeMultiSegment(polys)] : polys;
    const lines = byImage.get(a.image_id) ?? [];
    for (const p of parts) {
      const nums: string[] = [];
      for (let i = 0; i + 1 < p.length; i += 2) nums.push(yoloNumber(p[i] / W), yoloNumber(p[i + 1] / H));
      lines.push(`${cls.get(a.category_id)} ${nums.join(' ')}\n`);
    }
    byImage.set(a.image_id, lines);
  }
  return new Map(ds.images.map((img) => [labelPathFor(`images/train/${img.file_name}`), (byImage.get(img.id) ?? []).join('')]));
}

function variedDataset(seed: number, images: number): CocoDataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const ds: CocoDataset = { images: [], annotations: [], categories: [] };
  for (let c = 1; c <= 12; c++) ds.categories.push({ id: c * 7, name: `c${c}` });
  const sizes: [number, number][] = [[640, 480], [1000, 1000], [33, 17], [2000, 3], [1, 1]];
  for (let i = 1; i <= images; i++) {
    const [w, h] = sizes[i % sizes.length];
    ds.images.push({ id: i * 3, file_name: `im${i}.jpg`, width: w, height: h });
  }
  const pending: CocoAnnotation[] = [];
  for (const img of ds.images) {
    if (img.id % 7 === 0) continue; // an image without objects
    const W = img.width, H = img.height;
    const n = 1 + Math.floor(rand() * 6);
    for (let k = 0; k < n; k++) {
      const kind = rand();
      const base = { id: 0, image_id: img.id, category_id: ds.categories[Math.floor(rand() * 12)].id, bbox: [W * 0.1, H * 0.1, W * 0.5, H * 0.5] as [number, number, number, number], area: 1, iscrowd: 0 as 0 | 1 };
      if (kind < 0.45) {
        // 1–3 parts; some crossing the border (a star sticking out); -0 and tie values
        const parts: number[][] = [];
        const nParts = rand() < 0.3 ? 2 + Math.floor(rand() * 2) : 1;
        for (let p = 0; p < nParts; p++) {
          const pts: number[] = [];
          const m = 3 + Math.floor(rand() * 40);
          const cx = rand() * W, cy = rand() * H, r = (0.05 + rand() * 0.8) * Math.max(W, H);
          for (let v = 0; v < m; v++) {
            const t = (v / m) * 2 * Math.PI, rr = v % 2 ? r : r * 0.3;
            pts.push(cx + Math.cos(t) * rr, cy + Math.sin(t) * rr);
          }
          if (rand() < 0.2) { pts[0] = -0; pts[1] = -0; }
          if (rand() < 0.3) { const k6 = Math.floor(rand() * 1e6); pts[2] = ((k6 + 0.5) / 1e6) * W; pts[3] = ((k6 + 0.5) / 1e6) * H; }
          if (rand() < 0.1) pts.push(W / 2); // a trailing odd number, ignored
          parts.push(pts);
        }
        pending.push({ ...base, segmentation: parts });
      } else if (kind < 0.75 && W >= 8 && H >= 8) {
        // a crowd mask: ragged columns, sometimes a hole, sometimes two parts; both RLE kinds
        const m = new Uint8Array(W * H);
        const bw = Math.max(2, Math.floor(W * (0.1 + 0.5 * rand()))), bh = Math.max(2, Math.floor(H * (0.1 + 0.5 * rand())));
        const x0 = Math.floor(rand() * (W - bw)), y0 = Math.floor(rand() * (H - bh));
        for (let x = x0; x < x0 + bw; x++) {
          const top = y0 + Math.floor(rand() * bh * 0.2), bottom = y0 + bh - Math.floor(rand() * bh * 0.2);
          for (let y = top; y < bottom; y++) m[y * W + x] = 1;
        }
        if (rand() < 0.3) for (let y = y0 + (bh >> 2); y < y0 + (bh >> 1); y++) for (let x = x0 + (bw >> 2); x < x0 + (bw >> 1); x++) m[y * W + x] = 0;
        if (rand() < 0.3) for (let y = 0; y < H; y++) m[y * W + x0 + (bw >> 1)] = 0;
        const rle = rleEncode(m, H, W);
        const segmentation = rand() < 0.5 ? rle : { size: rle.size, counts: rleToString(rle.counts as number[]) };
        pending.push({ ...base, iscrowd: 1, bbox: [x0, y0, bw, bh], segmentation });
      } else if (kind < 0.9) {
        // no mask: the box becomes the polygon (partly outside, sometimes)
        const x = rand() * W * 1.2 - W * 0.1, y = rand() * H * 1.2 - H * 0.1;
        pending.push({ ...base, bbox: [x, y, rand() * W * 0.6, rand() * H * 0.6] });
      } else {
        pending.push({ ...base, segmentation: [[-5, -5, -1, -5, -1, -1]] }); // entirely outside: dropped
      }
    }
  }
  // annotations in random order (label files fill out of order)
  for (let i = pending.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [pending[i], pending[j]] = [pending[j], pending[i]]; }
  pending.forEach((a, i) => { a.id = i + 1; ds.annotations.push(a); });
  return ds;
}

const text = (d: string | Uint8Array) => (typeof d === 'string' ? d : new TextDecoder().decode(d));

describe('convert: YOLO label bytes against the string-building writer', () => {
  for (const multipart of ['bridge', 'split'] as const) {
    it(`byte for byte on varied data (multipart ${multipart})`, () => {
      for (const seed of [1, 2, 3]) {
        const ds = variedDataset(seed, 60);
        const ref = referenceLabels(ds, multipart);
        const out = writeYolo(ds, new ConvertLog(), { task: 'segment', multipart });
        const labels = out.files.filter((f) => f.path.endsWith('.txt'));
        assert.equal(labels.length, ds.images.length);
        let lines = 0;
        for (const f of labels) {
          assert.ok(ref.has(f.path), f.path);
          assert.equal(text(f.data), ref.get(f.path), `${f.path} (seed ${seed})`);
          lines += text(f.data).split('\n').length - 1;
        }
        assert.ok(lines > 100, `the files hold lines (${lines})`);
        assert.ok(labels.some((f) => text(f.data) === ''), 'an image without objects has an empty file');
      }
    });
  }

  it('LabelText: writing through a region too small for the text moves it, same bytes', () => {
    const write = (t: LabelText) => {
      for (let i = 0; i < 50; i++) t.ascii(String(i % 13)).space().coordinate(i / 49).space().coordinate(-0).space().coordinate(0.0000005 * i).newline();
      return t;
    };
    const alone = write(new LabelText()).toString();
    const shared = new Uint8Array(64);
    const t = write(new LabelText(shared.subarray(8, 40)));
    assert.equal(new TextDecoder().decode(t.toBytes()), alone);
    assert.equal(t.toString(), alone);
    const fits = new Uint8Array(alone.length + 10);
    const u = write(new LabelText(fits.subarray(5)));
    assert.equal(u.toBytes().buffer, fits.buffer, 'a text that fits stays in its region (no copy)');
    assert.equal(new TextDecoder().decode(u.toBytes()), alone);
  });
});
