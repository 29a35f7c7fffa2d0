/**
 * Team members on Teams, for digests sent by direct message: catalog Users matched to the Teams users
 * the bot has seen (`chat_identities`, by User ref or email), kept only when the bot can reach them,
 * that is when their 1:1 chat is stored or the bot has a conversation in their tenant to open one from.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../src/db/client.js';
import type { MemberDirectory } from '../../src/nudges/ports.js';
import { storedIdentityDirectory } from '../../src/nudges/route.js';

const CHUNK = 1000;

export function teamsMemberDirectory(db: Db): MemberDirectory {
  const identities = storedIdentityDirectory(db, 'teams');
  return {
    platform: 'teams',
    async chatIdsOf(members) {
      const found = await identities.chatIdsOf(members);
      const ids = [...new Set(found.values())];
      const reachable = new Set<string>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        const rows = await query<{ external_id: string }>(
          db,
          sql`select distinct i.external_id from chat_identities i
               where i.platform = 'teams' and i.external_id in (${sql.join(part.map((id) => sql`${id}`), sql`, `)})
                 and exists (select 1 from chat_channels c where c.platform = 'teams'
                   and (c.tenant_id = i.workspace_id
                        or (c.reference->'conversation'->>'conversationType' = 'personal' and c.reference->'user'->>'id' = i.external_id)))`,
        );
        for (const row of rows) reachable.add(row.external_id);
      }
      return new Map([...found].filter(([, id]) => reachable.has(id)));
    },
  };
}
