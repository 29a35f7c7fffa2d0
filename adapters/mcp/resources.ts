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

/** The entity ref a resource URI names, or undefined for a URI that is not one of ours. */
export function refOfUri(uri: string): string | undefined {
  const entity = /^catalog:\/\/entity\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  const dec = (s: string) => decodeURIComponent(s).toLowerCase();
  if (entity) return `${dec(entity[1]!)}:${dec(entity[2]!)}/${dec(entity[3]!)}`;
  const team = /^catalog:\/\/team\/([^/]+)$/.exec(uri);
  return team ? `group:default/${dec(team[1]!)}` : undefined;
}

async function jsonOf(deps: McpDeps, ref: string): Promise<string> {
  const row = await getEntity(deps.db, ref);
  // The SDK turns a thrown error into a JSON-RPC error for this one request; the session goes on.
  if (!row) throw new Error(`No entity ${ref} in the catalog`);
  return JSON.stringify(entityJson(row, await relationsFrom(deps.db, [row.ref])), null, 2);
}

/** What reading `uri` returns (the entity JSON with relations); throws for an unknown one. */
export async function readResource(deps: McpDeps, uri: string): Promise<string> {
  const ref = refOfUri(uri);
  if (!ref) throw new Error(`Not a catalog resource: ${uri}`);
  return jsonOf(deps, ref);
}

async function readRef(deps: McpDeps, uri: URL, ref: string): Promise<ReadResourceResult> {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: await jsonOf(deps, ref) }] };
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
