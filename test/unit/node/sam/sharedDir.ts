/**
 * ../shared beside the repo (see test/sharedFixtures.ts). A git worktree in another folder can
 * point at it with LABELSCOPE_SHARED_DIR; tests skip loudly when it is absent.
 */
import * as path from 'node:path';
import { SHARED_FIXTURES } from '../../../sharedFixtures';

export const SHARED_DIR = process.env.LABELSCOPE_SHARED_DIR ? path.resolve(process.env.LABELSCOPE_SHARED_DIR) : path.dirname(SHARED_FIXTURES);
export const SHARED_MODELS = path.join(SHARED_DIR, 'models');
export const SHARED_FIXTURES_DIR = path.join(SHARED_DIR, 'fixtures');
