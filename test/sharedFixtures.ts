/**
 * Real files made by other tools live in ../shared/fixtures beside the repo (CI has them;
 * a clone elsewhere may not): tests that read them skip loudly when the folder is absent.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * ../shared beside the repo; LABELSCOPE_SHARED_DIR points elsewhere (a git worktree in another
 * folder), LABELSCOPE_SHARED_FIXTURES at its fixtures alone.
 */
export const SHARED_DIR = process.env.LABELSCOPE_SHARED_DIR ? path.resolve(process.env.LABELSCOPE_SHARED_DIR) : path.resolve(__dirname, '..', '..', 'shared');
export const SHARED_FIXTURES = process.env.LABELSCOPE_SHARED_FIXTURES ?? path.join(SHARED_DIR, 'fixtures');

/**
 * Call from `before`/`it` with mocha's `this`: skips, saying why, when the fixtures are absent.
 * In CI (CI set, as GitHub Actions and most runners set it) a missing folder fails instead:
 * a test that skips in CI would be a test that never runs.
 */
export function requireSharedFixtures(ctx: Mocha.Context): void {
  if (existsSync(SHARED_FIXTURES)) return;
  if (process.env.CI) throw new Error(`fixtures folder ${SHARED_FIXTURES} is absent, and CI is set: these tests must run in CI`);
  console.log(`    (skipped: fixtures folder ${SHARED_FIXTURES} is absent; it sits beside the repo in CI)`);
  ctx.skip();
}
