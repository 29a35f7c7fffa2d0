/**
 * Resources: `catalog://entity/{kind}/{namespace}/{name}` (entity JSON with relations, secret
 * annotations removed) and `catalog://team/{name}`, with templates so a client can list and read.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { sql } from 'drizzle-orm';
import { listEntityRefs } from '../../src/catalog/queries-list.js';
import { getEntity, relationsFrom } from '../../src/catalog/queries.js';
import { entities } from '../../src/db/schema.js';
import { entityJson } from '../../src/http/entity-json.js';
import type { McpDeps } from './deps.js';

/** A listing is a menu, not an export: the first this many (a catalog can hold 50,000). */
export const LIST_LIMIT = 500;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export function entityUri(ref: string): string {
  const [kind, rest] = ref.split(':', 2) as [string, string];
  const [namespace, name] = rest.split('/', 2) as [string, string];
  return `catalog://entity/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

async function readRef(deps: McpDeps, uri: URL, ref: string): Promise<ReadResourceResult> {
  const row = await getEntity(deps.db, ref);
  // The SDK turns a thrown error into a JSON-RPC error for this one request; the session goes on.
  if (!row) throw new Error(`No entity ${ref} in the catalog`);
  const json = entityJson(row, await relationsFrom(deps.db, [row.ref]));
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(json, null, 2) }] };
}

async function listed(deps: McpDeps, kind?: string) {
  const rows = await listEntityRefs(deps.db, { sortFields: [], ...(kind ? { where: sql`lower(${entities.kind}) = ${kind}` } : {}) });
  return rows.slice(0, LIST_LIMIT).map((r) => r.ref);
}

export function registerResources(server: McpServer, deps: McpDeps): void {
  server.registerResource(
    'entity',
    new ResourceTemplate('catalog://entity/{kind}/{namespace}/{name}', {
      list: async () => ({ resources: (await listed(deps)).map((ref) => ({ uri: entityUri(ref), name: ref, mimeType: 'application/json' })) }),
    }),
    { description: 'A catalog entity as JSON, with its relations', mimeType: 'application/json' },
    (uri, v) => readRef(deps, uri, `${one(v.kind).toLowerCase()}:${one(v.namespace).toLowerCase()}/${one(v.name).toLowerCase()}`),
  );
  server.registerResource(
    'team',
    new ResourceTemplate('catalog://team/{name}', {
      list: async () => ({ resources: (await listed(deps, 'group')).map((ref) => ({ uri: `catalog://team/${encodeURIComponent(ref.split('/')[1]!)}`, name: ref, mimeType: 'application/json' })) }),
    }),
    { description: 'A team (Group entity in the default namespace) as JSON, with its relations', mimeType: 'application/json' },
    (uri, v) => readRef(deps, uri, `group:default/${one(v.name).toLowerCase()}`),
  );
}
