/** The MCP face's view of the runtime (adapters are wired here, in the composition root). */
import type express from 'express';
import type { McpDeps } from '../../adapters/mcp/deps.js';
import { runLine } from '../commands/run.js';
import type { Config } from '../config/index.js';
import { CATALOG_CHANNEL } from '../db/catalog-changes.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { ApiAuthOptions } from '../http/api-auth.js';
import { createAuditBatcher } from '../http/api-audit.js';
import type { Runtime } from './runtime.js';

/**
 * One LISTEN on the catalog channel (migration 0010) for every session of this process, opened on
 * the first subscriber; the feed's own pings (`ping:`) are not changes.
 */
export function catalogChangeListeners(database: Pick<Database, 'listen'>, logger: Logger): { subscribe(listener: () => void): () => void; close(): Promise<void> } {
  const listeners = new Set<() => void>();
  let listening: Promise<() => Promise<void>> | undefined;
  return {
    subscribe(listener) {
      listeners.add(listener);
      listening ??= database.listen(CATALOG_CHANNEL, (payload) => {
        if (payload.startsWith('ping:')) return;
        for (const l of listeners) l();
      });
      listening.catch((error: unknown) => logger.warn({ err: error }, 'mcp: cannot listen for catalog changes; subscriptions will not be told'));
      return () => listeners.delete(listener);
    },
    async close() {
      const unlisten = await listening?.catch(() => undefined);
      await unlisten?.().catch(() => {});
    },
  };
}

/**
 * serve's /mcp (loaded at its first request): sessions told of catalog changes through one LISTEN,
 * closed (sessions, streams, the LISTEN) when the service stops.
 */
export async function mcpHttpMount(runtime: Runtime, config: Config, logger: Logger, apiAuth: ApiAuthOptions, wake: () => void): Promise<express.Router & { close(): Promise<void> }> {
  const { mcpHttpRouter } = await import('../../adapters/mcp/http.js');
  const changes = catalogChangeListeners(runtime.database, logger);
  const audit = createAuditBatcher(runtime.database.db, logger);
  const deps = { ...mcpDeps(runtime, config, logger, { wake, onCatalogChange: (l) => changes.subscribe(l) }), auditBatch: audit };
  const router = mcpHttpRouter(deps, apiAuth, { idleMs: config.MCP_SESSION_IDLE, maxSessions: config.MCP_MAX_SESSIONS });
  const closeSessions = router.close.bind(router);
  return Object.assign(router, {
    async close() {
      await closeSessions();
      await changes.close();
      await audit.flush();
    },
  });
}

export function mcpDeps(runtime: Runtime, config: Config, logger: Logger, parts: { wake(): void; onCatalogChange?: McpDeps['onCatalogChange'] }): McpDeps {
  return {
    db: runtime.database.db,
    logger,
    clock: runtime.clock,
    context: (requester) => runtime.context(requester),
    runLine,
    oncallConfigured: runtime.oncall.pagerDuty || runtime.oncall.opsgenie,
    yamlLimits: { maxBytes: config.MAX_FILE_BYTES, maxDocuments: config.MAX_DOCUMENTS_PER_FILE },
    staleAfterDays: config.STALE_AFTER_DAYS,
    runner: runtime.runner,
    wake: parts.wake,
    ...(parts.onCatalogChange ? { onCatalogChange: parts.onCatalogChange } : {}),
  };
}
