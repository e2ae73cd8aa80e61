/**
 * ../shared beside the repo (see test/sharedFixtures.ts). A git worktree in another folder can
 * point at it with LABELSCOPE_SHARED_DIR; tests skip loudly when it is absent.
 */
import * as path from 'node:path';
import { SHARED_DIR } from '../../../sharedFixtures';

export { SHARED_DIR };
export const SHARED_MODELS = path.join(SHARED_DIR, 'models');
export const SHARED_FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures');
