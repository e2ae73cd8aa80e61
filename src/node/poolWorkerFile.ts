/**
 * The script a piscina pool runs: the bundle beside the running code (dist/, in the extension and
 * the CLI), else the TypeScript source run through tsx (tests and benchmarks). Undefined when
 * neither can run: callers then work in process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function poolWorkerFile(dir: string, bundled: string, source: string): { filename: string; execArgv: string[] } | undefined {
  const bundledPath = join(dir, bundled);
  if (existsSync(bundledPath)) return { filename: bundledPath, execArgv: [] };
  const sourcePath = join(dir, source);
  if (!existsSync(sourcePath)) return undefined;
  try {
    require.resolve('tsx');
  } catch {
    return undefined;
  }
  return { filename: sourcePath, execArgv: ['--import', 'tsx'] };
}
