/**
 * `callsheet mcp`: the MCP server on stdio, for an agent on a developer's laptop pointed at the
 * configured database. stdout is the protocol, so the log goes to stderr. An embedded database held
 * by a running `callsheet serve` is refused with what to do (use that server's POST /mcp).
 */
import { serveMcpStdio } from '../../adapters/mcp/stdio.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/index.js';
import { PgliteLockedError } from '../db/pglite-lock.js';
import { stderrLogger } from '../logger.js';
import type { SubCommand } from './io.js';
import { logNotifier } from '../scaffolder/notifier.js';
import { catalogChangeListeners, mcpDeps } from './mcp-deps.js';
import { openRuntime } from './runtime.js';

export const mcpCli: SubCommand = async (_args, io) => {
  const config = loadConfig(io.env);
  const logger = stderrLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let runtime;
  try {
    runtime = await openRuntime(config, { logger, clock: systemClock });
  } catch (error) {
    if (!(error instanceof PgliteLockedError)) throw error;
    io.err(`Cannot open the embedded database in ${config.DATA_DIR}: ${error.message}. A running "callsheet serve" owns it: point your agent at that server's POST /mcp (with an API token) instead, or use Postgres (DATABASE_URL).`);
    return 1;
  }
  // Like `ask`: a catalog never synced here is synced once first (progress to stderr, not the protocol).
  if (!(await runtime.sync.hasSynced())) await runtime.sync.syncAll();
  const local = await runtime.localRequester('cli');
  // `create` runs its task here (or on any replica sharing the database: tasks are claimed in Postgres).
  const worker = runtime.createWorker(logNotifier(logger));
  void worker.start();
  const changes = catalogChangeListeners(runtime.database, logger);
  // The local user holds the database credentials already: the same as `callsheet create`, so write.
  await serveMcpStdio(mcpDeps(runtime, config, logger, { wake: () => worker.wake(), onCatalogChange: (l) => changes.subscribe(l) }), {
    name: `stdio:${local.displayName ?? 'local'}`,
    scopes: ['read', 'write'],
    requester: { ...local, platform: 'mcp', externalId: `stdio:${local.displayName ?? 'local'}` },
  });
  await changes.close();
  await worker.stop();
  await runtime.close();
  return 0;
};
