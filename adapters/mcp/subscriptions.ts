/**
 * resources/subscribe: a client that read an entity is told (notifications/resources/updated) when
 * a sync changed it. Every catalog change on any replica arrives as a NOTIFY (migration 0010);
 * a sync sends many, so they are gathered for a moment, then each subscribed resource is read again
 * and announced only when what a read returns is different.
 */
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpDeps } from './deps.js';
import { readResource } from './resources.js';

/** Changes closer together than this are one wake-up (a sync's statements come in a burst). */
export const GATHER_MS = 150;
/** Resources one session may watch: each is read again on every catalog change. */
export const MAX_SUBSCRIPTIONS = 200;

const fingerprint = async (deps: McpDeps, uri: string) => {
  const read = await readResource(deps, uri).catch(() => undefined);
  return read ? createHash('sha256').update(read).digest('hex') : 'gone';
};

/** Registers the handlers; returns what stops listening (when the session ends). */
export function registerSubscriptions(server: McpServer, deps: McpDeps): () => void {
  const subscribe = deps.onCatalogChange;
  if (!subscribe) return () => {};
  server.server.registerCapabilities({ resources: { subscribe: true } });
  const watched = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let checking = Promise.resolve();

  const check = async () => {
    for (const [uri, before] of watched) {
      const now = await fingerprint(deps, uri);
      if (now === before || !watched.has(uri)) continue;
      watched.set(uri, now);
      await server.server.sendResourceUpdated({ uri }).catch((error: unknown) => deps.logger.warn({ err: error, uri }, 'mcp: resource update not sent'));
    }
  };
  const stop = subscribe(() => {
    if (watched.size === 0 || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      checking = checking.then(check).catch((error: unknown) => deps.logger.warn({ err: error }, 'mcp: subscription check failed'));
    }, GATHER_MS);
  });

  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    if (!watched.has(uri) && watched.size >= MAX_SUBSCRIPTIONS) throw new Error(`Too many subscriptions: a session may watch ${MAX_SUBSCRIPTIONS} resources; unsubscribe from some first`);
    // What the client last saw is what a read returns now: only later changes are announced.
    const now = await fingerprint(deps, uri);
    if (now === 'gone') throw new Error(`No resource ${uri}: subscribe to a catalog://entity/... or catalog://team/... that exists`);
    watched.set(uri, now);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    watched.delete(request.params.uri);
    return {};
  });
  return () => {
    if (timer) clearTimeout(timer);
    stop();
  };
}
