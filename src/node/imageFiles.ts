/** Where an image named by `file_name` lives on disk, tried in the order users lay datasets out. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ImageLookup {
  /** Absolute path of the image, or undefined when none of the candidates exists. */
  resolve(fileName: string): string | undefined;
  /** Every path tried for this name, for "image not found" messages. */
  candidates(fileName: string): string[];
  /** The folders tried, in order (absolute). */
  readonly roots: readonly string[];
}

export interface ImageLookupOptions {
  /**
   * Read each folder's listing once and answer from memory (one check run over
   * 118k images: one readdir per folder instead of up to 7 stats per image).
   * Off for long-lived lookups (the viewer), which must see files added later.
   */
  listingCache?: boolean;
}

/** macOS and Windows usually compare file names without case: so does the listing cache there. */
const CASE_INSENSITIVE = process.platform === 'darwin' || process.platform === 'win32';

export function imageLookup(cocoFile: string, imageRoot?: string, opts: ImageLookupOptions = {}): ImageLookup {
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

  if (!opts.listingCache) {
    return {
      roots: unique,
      candidates,
      resolve(fileName) {
        for (const c of candidates(fileName)) if (fs.existsSync(c)) return c;
        return undefined;
      },
    };
  }

  const listings = new Map<string, Set<string> | null>();
  const listing = (dir: string): Set<string> | null => {
    let names = listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(dir).map((n) => (CASE_INSENSITIVE ? n.toLowerCase() : n)));
      } catch {
        names = null; // no such folder (or not readable): nothing is found in it
      }
      listings.set(dir, names);
    }
    return names;
  };
  const has = (dir: string, name: string) => listing(dir)?.has(CASE_INSENSITIVE ? name.toLowerCase() : name) === true;
  return {
    roots: unique,
    candidates,
    resolve(fileName) {
      // A bare name (COCO's usual "000000391895.jpg") needs no path arithmetic.
      const bare = fileName !== '.' && fileName !== '..' && !/[\\/]/.test(fileName);
      for (const root of unique) {
        if (bare) {
          if (has(root, fileName)) return path.join(root, fileName);
          continue;
        }
        const full = path.resolve(root, fileName);
        if (has(path.dirname(full), path.basename(full))) return full;
      }
      return undefined;
    },
  };
}
