/** Finds and reads `.labelscope.json`: the nearest one above a file, up to a stop folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, parseConfig, type ParsedConfig } from '../core/config';

export interface LoadedConfig extends ParsedConfig {
  /** The config file read, if any. */
  path?: string;
}

export function findConfigFile(startDir: string, stopDir?: string): string | undefined {
  let dir = path.resolve(startDir);
  const stop = stopDir ? path.resolve(stopDir) : undefined;
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (dir === stop) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { config: {}, errors: [`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`], path: file };
  }
  return { ...parseConfig(text, file), path: file };
}

export function loadConfigFor(cocoFile: string, stopDir?: string): LoadedConfig {
  const file = findConfigFile(path.dirname(path.resolve(cocoFile)), stopDir);
  return file ? readConfigFile(file) : { config: {}, errors: [] };
}
