/**
 * The viewer's panoptic images (issue 10): a panoptic file's annotation is one record per image
 * (`file_name` of a PNG whose colours are segment ids, id = R + 256·G + 256²·B, plus
 * `segments_info`), so the viewer has no geometry to draw until the PNG is read. This reads it
 * with sharp and turns the image's payload into one RLE mask per segment (pycocotools' column-major
 * runs, the packing every other mask uses), each with its segment's category, box, area and
 * crowd flag: the webview draws them as it draws any mask, in their category's colour.
 * Segments the PNG holds but segments_info does not list are drawn too, with no category.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isJsonObject, type CocoDocument } from '../core/coco/document';
import { idOf } from '../core/ruleKit/schema';
import type { AnnotationInfo, Id, ImageGeometry, ImagePayload } from '../shared/protocol';
import { imageLookup } from './imageFiles';
import { panopticFolders } from './panopticPng';

/** One PNG's segments: column-major RLE counts per segment id (0 = void is left out). */
export interface PanopticRaster {
  width: number;
  height: number;
  segments: Map<number, number[]>;
}

/**
 * Column-major runs of every segment id of an RGB(A) raster in one pass: counts alternate
 * unset / set, starting with unset (pycocotools' RLE of that id's binary mask, without the
 * trailing unset run, which decoders infer from h × w).
 */
export function panopticRle(data: Uint8Array, width: number, height: number, channels: number): Map<number, number[]> {
  // Per id: its counts and the position after its last set pixel.
  const runs = new Map<number, { counts: number[]; end: number }>();
  let p = 0; // column-major position x * height + y
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++, p++) {
      const o = (y * width + x) * channels;
      const id = data[o] + 256 * data[o + 1] + 65536 * data[o + 2];
      if (id === 0) continue;
      const r = runs.get(id);
      if (!r) runs.set(id, { counts: [p, 1], end: p + 1 });
      else if (r.end === p) { r.counts[r.counts.length - 1]++; r.end++; }
      else { r.counts.push(p - r.end, 1); r.end = p + 1; }
    }
  }
  const out = new Map<number, number[]>();
  for (const [id, r] of [...runs].sort((a, b) => a[0] - b[0])) out.set(id, r.counts);
  return out;
}

export async function readPanopticRaster(file: string): Promise<PanopticRaster> {
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(file, { failOn: 'none', limitInputPixels: 1 << 30 }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, segments: panopticRle(data, info.width, info.height, info.channels) };
}

/** The PNG of a panoptic record: panopticapi's layout (`<json stem>/`), then where images are looked up. */
export function findPanopticPng(jsonFile: string, pngName: string, imageRoot?: string): { path?: string; tried: string[] } {
  const tried = [...new Set([...panopticFolders(jsonFile, imageRoot).map((f) => path.resolve(f, pngName)), ...imageLookup(jsonFile, imageRoot).candidates(pngName)])];
  return { path: tried.find((c) => fs.existsSync(c)), tried };
}

/** Why an image's segments are not drawn, for the viewer's status line. */
export interface PanopticNote { pngName: string; message: string }

/**
 * Reads panoptic PNGs for the viewer and keeps the last few (switching back and forth between
 * images costs one decode each).
 */
export class PanopticSegmentSource {
  private readonly cache = new Map<string, Promise<PanopticRaster>>();

  constructor(private readonly jsonFile: string, private imageRoot?: string, private readonly keep = 6) {}

  /** Where images are looked up changed (the viewer's Choose Image Folder…, a new imageRoot): PNGs are looked for there from now on. */
  setImageRoot(imageRoot: string | undefined): void {
    this.imageRoot = imageRoot;
  }

  private raster(file: string): Promise<PanopticRaster> {
    const st = fs.statSync(file);
    const key = `${file}\0${st.size}\0${st.mtimeMs}`;
    let r = this.cache.get(key);
    if (!r) {
      r = readPanopticRaster(file);
      this.cache.set(key, r);
      r.catch(() => this.cache.delete(key));
      while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value!);
    }
    return r;
  }

  /**
   * The payload with each panoptic record of the image replaced by its segments as RLE masks.
   * Records whose PNG is missing or unreadable stay as they are; `notes` says why.
   */
  async segmentsPayload(doc: CocoDocument, payload: ImagePayload): Promise<{ payload: ImagePayload; notes: PanopticNote[] }> {
    const notes: PanopticNote[] = [];
    const annotations: AnnotationInfo[] = [];
    const ringStart: number[] = [0];
    const rleStart: number[] = [0];
    const rleSize: number[] = [];
    const counts: number[] = [];
    const g = payload.geometry;
    const keep = (a: AnnotationInfo, k: number) => {
      // Not a panoptic record (or its PNG can't be read): passed through with its own geometry.
      annotations.push(a);
      for (let i = g.rleStart[k]; i < g.rleStart[k + 1]; i++) counts.push(g.counts[i]);
      rleStart.push(counts.length);
      rleSize.push(g.rleSize[2 * k], g.rleSize[2 * k + 1]);
      ringStart.push(ringStart[ringStart.length - 1]);
    };
    const rings = payload.annotations.some((a, k) => g.ringStart[k + 1] > g.ringStart[k]);
    if (rings) return { payload, notes }; // a panoptic record has no polygons: this is not one of ours
    for (let k = 0; k < payload.annotations.length; k++) {
      const a = payload.annotations[k];
      const rec = doc.annotationEntries[a.index]?.value;
      if (!isJsonObject(rec) || typeof rec.file_name !== 'string' || !Array.isArray(rec.segments_info)) { keep(a, k); continue; }
      const pngName = rec.file_name;
      const found = findPanopticPng(this.jsonFile, pngName, this.imageRoot);
      if (!found.path) { notes.push({ pngName, message: `Panoptic PNG ${pngName} not found (looked in ${found.tried.slice(0, 2).map((t) => path.dirname(t)).join(', ')}).` }); keep(a, k); continue; }
      let raster: PanopticRaster;
      try {
        raster = await this.raster(found.path);
      } catch (e) {
        notes.push({ pngName, message: `Panoptic PNG ${pngName} cannot be read: ${(e as Error)?.message ?? String(e)}` });
        keep(a, k);
        continue;
      }
      const listed = new Set<number>();
      const push = (id: Id, categoryId: Id, segId: number | undefined, seg: Record<string, unknown>) => {
        const c = segId === undefined ? undefined : raster.segments.get(segId);
        const bbox = Array.isArray(seg.bbox) && seg.bbox.length === 4 && seg.bbox.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (seg.bbox as [number, number, number, number]) : null;
        annotations.push({
          id,
          index: a.index,
          categoryId,
          bbox,
          area: typeof seg.area === 'number' && Number.isFinite(seg.area) ? seg.area : null,
          iscrowd: seg.iscrowd === 1 || seg.iscrowd === true,
          kind: c ? 'rle' : 'invalid',
        });
        if (c) for (const v of c) counts.push(v);
        rleStart.push(counts.length);
        rleSize.push(c ? raster.height : 0, c ? raster.width : 0);
        ringStart.push(ringStart[ringStart.length - 1]);
      };
      for (const seg of rec.segments_info) {
        if (!isJsonObject(seg)) continue;
        const segId = typeof seg.id === 'number' ? seg.id : undefined;
        if (segId !== undefined) listed.add(segId);
        push(idOf(seg.id) ?? `#${annotations.length}`, idOf(seg.category_id) ?? '', segId, seg);
      }
      // In the PNG, not in segments_info (coco/panoptic-png-segments-mismatch): drawn without a category.
      for (const segId of raster.segments.keys()) if (!listed.has(segId)) push(segId, '', segId, {});
    }
    const geometry: ImageGeometry = {
      ringStart: Uint32Array.from(ringStart),
      coordStart: Uint32Array.from([0]),
      coords: new Float32Array(0),
      rleStart: Uint32Array.from(rleStart),
      rleSize: Uint32Array.from(rleSize),
      counts: Uint32Array.from(counts),
    };
    return { payload: { ...payload, annotations, geometry }, notes };
  }
}
