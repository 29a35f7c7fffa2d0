import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { tryRef } from './refs.js';

/** The catalog User whose profile email matches (case-insensitively). */
export async function catalogUserByEmail(db: Db, email: string): Promise<string | null> {
  const rows = await query<{ ref: string }>(
    db,
    sql`select ref from entities where kind = 'user' and lower(entity->'spec'->'profile'->>'email') = ${email.toLowerCase()} order by ref limit 1`,
  );
  return rows[0]?.ref ?? null;
}

/** A catalog User named by email or by ref (`jane`, `user:default/jane`), if it exists. */
export async function catalogUser(db: Db, who: string): Promise<string | null> {
  if (who.includes('@') && !who.includes(':')) return catalogUserByEmail(db, who);
  const ref = tryRef(who, { defaultKind: 'User' });
  if (!ref || !ref.startsWith('user:')) return null;
  const rows = await query<{ ref: string }>(db, sql`select ref from entities where ref = ${ref}`);
  return rows[0]?.ref ?? null;
}
