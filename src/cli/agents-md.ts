/**
 * `callsheet agents-md <entity>`: prints the AGENTS.md the catalog says for one component (what it
 * is, who owns it and how to reach them, dependencies, APIs, docs, open problems), for an agent's
 * context or to commit beside the code.
 */
import { systemClock } from '../clock.js';
import { agentsMdOf } from '../catalog/agents-md-facts.js';
import { resolveEntity } from '../catalog/queries-resolve.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logger.js';
import type { CliIo, SubCommand } from './io.js';
import { openRuntime, type Runtime } from './runtime.js';

const USAGE = 'Usage: callsheet agents-md <entity>, e.g. callsheet agents-md payments-api';

export const agentsMdCli: SubCommand = async (args, io) => {
  if (!args.join(' ').trim()) {
    io.err(USAGE);
    return 2;
  }
  const config = loadConfig(io.env);
  // The page is what goes to stdout: only warnings and errors in the log.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const runtime = await openRuntime(config, { logger, clock: systemClock });
  try {
    return await runAgentsMd(args, io, runtime);
  } finally {
    await runtime.close();
  }
};

/** Against an open runtime (this process's, or the server's for a forwarded command). */
export async function runAgentsMd(args: string[], io: Pick<CliIo, 'out' | 'err'>, runtime: Pick<Runtime, 'sync' | 'database' | 'clock' | 'config'>): Promise<number> {
  const wanted = args.join(' ').trim();
  if (!wanted) {
    io.err(USAGE);
    return 2;
  }
  if (!(await runtime.sync.hasSynced())) {
    io.err('The catalog was never synced here: syncing first...');
    for (const report of await runtime.sync.syncAll()) if (report.status === 'failed') io.err(`${report.sourceId}: ${report.error ?? 'failed'}`);
  }
  const db = runtime.database.db;
  const found = await resolveEntity(db, wanted, { suggestions: 5 });
  if (found.status !== 'found') {
    const candidates = found.status === 'none' ? [] : found.candidates.map((c) => c.ref);
    const what = found.status === 'ambiguous' ? `"${wanted}" names several entities; pass one of: ${candidates.join(', ')}` : `No entity "${wanted}" in the catalog.${candidates.length ? ` Did you mean: ${candidates.join(', ')}?` : ''}`;
    io.err(what);
    return 1;
  }
  io.out(await agentsMdOf(db, found.entity, { now: runtime.clock.now(), staleAfterDays: runtime.config.STALE_AFTER_DAYS }));
  return 0;
}
