/**
 * Seeded people count as org data only when their source is an org source (ORG_SOURCES), as a
 * configured folder of the organisation is after its first sync: this marks a seeded source so.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { sources } from '../../src/db/schema.js';

export async function markOrgSource(db: Db, id: string, opts: { kind?: string; target?: string; trusted?: boolean } = {}): Promise<void> {
  await db
    .insert(sources)
    .values({ id, kind: opts.kind ?? 'folder', target: opts.target ?? id, trusted: opts.trusted ?? false, org: true, lastSyncedAt: new Date() })
    .onConflictDoUpdate({ target: sources.id, set: { org: sql`true` } });
}
