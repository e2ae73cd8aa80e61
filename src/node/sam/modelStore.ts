/**
 * Where named models live: `<dir>/<name>/encoder.onnx` + `decoder.onnx` (what
 * `Labelscope: Download Model…` writes into the extension's global storage). The CLI's default
 * folder is $LABELSCOPE_MODELS_DIR, else ~/.cache/labelscope/models.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultModelsDir(): string {
  return process.env.LABELSCOPE_MODELS_DIR || path.join(os.homedir(), '.cache', 'labelscope', 'models');
}

export interface ModelFiles { name: string; encoder: string; decoder: string }

export function namedModelFiles(dir: string, name: string): ModelFiles {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new Error(`model name "${name}" may only use letters, digits, ".", "_" and "-"`);
  return { name, encoder: path.join(dir, name, 'encoder.onnx'), decoder: path.join(dir, name, 'decoder.onnx') };
}

/** Names with both files present, sorted. */
export function installedModels(dir: string): string[] {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  return names.filter((n) => {
    try {
      const f = namedModelFiles(dir, n);
      return fs.existsSync(f.encoder) && fs.existsSync(f.decoder);
    } catch { return false; }
  }).sort();
}
