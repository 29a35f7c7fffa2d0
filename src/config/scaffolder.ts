import { z } from 'zod';
import { duration } from './fields.js';

export const scaffolderEnv = z.object({
  /** Most files one scaffolder task may write. */
  SCAFFOLDER_MAX_FILES: z.coerce.number().int().min(1).default(2000),
  /** Most bytes one scaffolder task may write. */
  SCAFFOLDER_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  /** How often an idle worker looks for queued tasks. */
  SCAFFOLDER_POLL_INTERVAL: duration('2s'),
  /** A running task whose heartbeat is older than this is marked failed (its replica died). */
  SCAFFOLDER_STALE_AFTER: duration('2m'),
});
