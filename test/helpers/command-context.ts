import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { silentLogger } from '../../src/logger.js';
import type { CommandContext, Requester } from '../../src/commands/types.js';

/** A command context over a real database at a fixed date. */
export function commandContext(db: Db, options: { now?: string; requester?: Partial<Requester>; staleAfterDays?: number } = {}): CommandContext {
  return {
    db,
    clock: fixedClock(options.now ?? '2025-09-01T12:00:00Z'),
    logger: silentLogger(),
    requester: { platform: 'shell', ...options.requester },
    staleAfterDays: options.staleAfterDays ?? 180,
  };
}
