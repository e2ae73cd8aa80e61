/** Where an image named by `file_name` lives on disk, tried in the order users lay datasets out. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ImageLookup {
  /** Absolute path of the image, or undefined when none of the candidates exists. */
  resolve(fileName: string): string | undefined;
  /** Every path tried for this name, for "image not found" messages. */
  candidates(fileName: string): string[];
}

export function imageLookup(cocoFile: string, imageRoot?: string): ImageLookup {
  const jsonDir = path.dirname(path.resolve(cocoFile));
  const roots: string[] = [];
  if (imageRoot) roots.push(path.resolve(jsonDir, imageRoot));
  roots.push(jsonDir);
  // COCO: annotations/instances_val2017.json next to val2017/ or images/val2017/.
  const split = /instances_([A-Za-z0-9]+)\.json$/.exec(cocoFile)?.[1];
  if (split) {
    roots.push(path.join(jsonDir, '..', split), path.join(jsonDir, '..', 'images', split));
  }
  roots.push(path.join(jsonDir, 'images'), path.join(jsonDir, '..', 'images'), path.join(jsonDir, '..'));
  const unique = [...new Set(roots)];
  const candidates = (fileName: string) => unique.map((r) => path.resolve(r, fileName));
  return {
    candidates,
    resolve(fileName) {
      for (const c of candidates(fileName)) if (fs.existsSync(c)) return c;
      return undefined;
    },
  };
}
