/**
 * Who is in which team, read only from org data: a membership counts when the User, the Group and
 * the entity that declared the relation (the User's `memberOf` or the Group's `members`) all come
 * from ORG_SOURCES. A User planted in any other source is catalog data, never a member of anything.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';

/** The Groups (canonical refs) the catalog User is a direct member of, by org data only. */
export async function orgGroupsOf(db: Db, userRef: string | undefined): Promise<Set<string>> {
  if (!userRef) return new Set();
  const rows = await query<{ ref: string }>(
    db,
    sql`select distinct r.target_ref as ref
          from relations r
          join entities u on u.ref = r.source_ref and u.kind = 'user'
          join sources su on su.id = u.source_id and su.org
          join entities g on g.ref = r.target_ref and g.kind = 'group'
          join sources sg on sg.id = g.source_id and sg.org
          join entities o on o.ref = r.origin_ref
          join sources so on so.id = o.source_id and so.org
         where r.source_ref = ${userRef.toLowerCase()} and r.type = 'memberOf'
         order by 1`,
  );
  return new Set(rows.map((r) => r.ref));
}

/** Whether the ref is a User from an org source (an identity that can hold permissions). */
export async function isOrgUser(db: Db, userRef: string): Promise<boolean> {
  const rows = await query<{ ref: string }>(
    db,
    sql`select e.ref from entities e join sources s on s.id = e.source_id and s.org where e.ref = ${userRef.toLowerCase()} and e.kind = 'user'`,
  );
  return rows.length > 0;
}
