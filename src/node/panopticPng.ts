/**
 * Reads the PNGs of a panoptic file before the rules run (sharp is asynchronous, rules
 * are not): per PNG, each segment id's pixel count and box, as panopticapi counts them.
 * Where the PNGs live: panopticapi's layout (panoptic_val2017.json beside panoptic_val2017/),
 * then where images are looked up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isJsonObject, type CocoDocument } from '../core/coco/document';
import type { PanopticPngFacts, PngSegment } from '../core/ruleKit/types';
import { imageLookup } from './imageFiles';

/** PNG folders to try for a panoptic JSON: `<name>/` and `annotations/../<name>/` (COCO's panoptic_annotations_trainval2017 zip). */
export function panopticFolders(jsonFile: string, imageRoot?: string): string[] {
  const abs = path.resolve(jsonFile);
  const dir = path.dirname(abs);
  const stem = path.basename(abs).replace(/\.json$/i, '');
  const folders = [path.join(dir, stem), path.join(dir, '..', stem), path.join(dir, 'annotations', stem)];
  if (imageRoot) folders.unshift(path.resolve(dir, imageRoot));
  return [...new Set(folders)];
}

/** Segment ids of one RGB raster: run by run, so a region costs one map update per row. */
export function segmentsOfRgb(data: Uint8Array, width: number, height: number, channels: number): Map<number, PngSegment> {
  const stats = new Map<number, { area: number; x0: number; y0: number; x1: number; y1: number }>();
  for (let y = 0; y < height; y++) {
    let x = 0;
    while (x < width) {
      const p = (y * width + x) * channels;
      const id = data[p] + 256 * data[p + 1] + 65536 * data[p + 2];
      let end = x + 1;
      for (let q = p + channels; end < width && data[q] + 256 * data[q + 1] + 65536 * data[q + 2] === id; q += channels) end++;
      if (id !== 0) {
        const s = stats.get(id);
        if (s) {
          s.area += end - x;
          if (x < s.x0) s.x0 = x;
          if (end - 1 > s.x1) s.x1 = end - 1;
          s.y1 = y;
        } else stats.set(id, { area: end - x, x0: x, y0: y, x1: end - 1, y1: y });
      }
      x = end;
    }
  }
  const out = new Map<number, PngSegment>();
  for (const [id, s] of stats) out.set(id, { area: s.area, bbox: [s.x0, s.y0, s.x1 - s.x0 + 1, s.y1 - s.y0 + 1] });
  return out;
}

async function readPng(file: string): Promise<PanopticPngFacts> {
  try {
    const { default: sharp } = await import('sharp');
    const { data, info } = await sharp(file, { failOn: 'none', limitInputPixels: 1 << 30 }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { found: true, width: info.width, height: info.height, segments: segmentsOfRgb(data, info.width, info.height, info.channels) };
  } catch (e) {
    return { found: false, tried: [file], error: (e as Error)?.message ?? String(e) };
  }
}

/**
 * Every annotation's PNG of a panoptic document, read `concurrency` at a time.
 * Stops early (what is read so far is kept) when `signal` aborts.
 */
export async function loadPanopticPngs(doc: CocoDocument, jsonFile: string, opts: { imageRoot?: string; signal?: AbortSignal; concurrency?: number } = {}): Promise<Map<string, PanopticPngFacts>> {
  const folders = panopticFolders(jsonFile, opts.imageRoot);
  const lookup = imageLookup(jsonFile, opts.imageRoot);
  const names = new Set<string>();
  for (const e of doc.annotationEntries) if (isJsonObject(e.value) && typeof e.value.file_name === 'string' && e.value.file_name !== '') names.add(e.value.file_name);
  const out = new Map<string, PanopticPngFacts>();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined && !opts.signal?.aborted; name = queue.shift()) {
      const tried = [...folders.map((f) => path.resolve(f, name!)), ...lookup.candidates(name)];
      const file = tried.find((c) => fs.existsSync(c));
      const base = path.dirname(path.resolve(jsonFile));
      out.set(name, file ? await readPng(file) : { found: false, tried: [...new Set(tried)].map((t) => path.relative(base, t) || t) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  return out;
}
