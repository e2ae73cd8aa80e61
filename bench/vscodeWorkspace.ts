/**
 * The benchmark file in a workspace in COCO's layout, as `npm run bench:vscode` opens it and
 * `npm run bench:host-memory -- --workspace` checks it: hard-linked to
 * bench/.data/vscode-ws/annotations/instances_train2017.json, with the first image written as a
 * real JPEG under train2017/ (the viewer finds it there). Every other image file is missing, so
 * the check with image files reports each one (~118k problems; a dataset with none found at all
 * would get one problem).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { DATA_DIR } from './generate';

export const COCO_REL = 'annotations/instances_train2017.json';
export const OTHER_REL = 'README.md';
/** A small COCO file (the repository's sample, its images under sample/): VS Code's own share of a tab switch. */
export const SMALL_REL = 'annotations/instances_sample.json';
export const SMALL_NAME = 'instances_sample.json';

export async function workspace(file: string): Promise<{ dir: string; coco: string; firstImage: string }> {
  const dir = path.join(DATA_DIR, 'vscode-ws');
  const coco = path.join(dir, COCO_REL);
  fs.mkdirSync(path.dirname(coco), { recursive: true });
  const same = fs.existsSync(coco) && fs.statSync(coco).ino === fs.statSync(file).ino;
  if (!same) {
    fs.rmSync(coco, { force: true });
    try { fs.linkSync(file, coco); } catch { fs.copyFileSync(file, coco); }
  }
  const sample = path.join(__dirname, '..', 'sample');
  fs.copyFileSync(path.join(sample, 'annotations', SMALL_NAME), path.join(dir, SMALL_REL));
  fs.cpSync(path.join(sample, 'images'), path.join(dir, 'sample'), { recursive: true });
  fs.writeFileSync(path.join(dir, OTHER_REL), '# Another tab\n\nThe benchmark switches here and back to the viewer.\n');
  // The first image record: "file_name" and its size, read from the head of the file.
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(64 << 10);
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const text = head.toString('utf8');
  const at = text.indexOf('"images"');
  const rec = text.slice(at, text.indexOf('}', at) + 1);
  const fileName = /"file_name"\s*:\s*"([^"]+)"/.exec(rec)?.[1];
  const width = Number(/"width"\s*:\s*(\d+)/.exec(rec)?.[1]);
  const height = Number(/"height"\s*:\s*(\d+)/.exec(rec)?.[1]);
  if (!fileName || !width || !height) throw new Error(`no first image record in the head of ${file}`);
  const img = path.join(dir, 'train2017', fileName);
  if (!fs.existsSync(img)) {
    fs.mkdirSync(path.dirname(img), { recursive: true });
    await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toFile(img);
  }
  return { dir, coco, firstImage: fileName };
}
