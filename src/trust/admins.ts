/**
 * Who may use admin commands (`audit`): members of the CALLSHEET_ADMINS groups. Membership is read
 * from the catalog's memberOf relations of the requester's User.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { tryRef } from '../catalog/refs.js';
import type { Db } from '../db/client.js';
import { relations } from '../db/schema.js';

export async function mayAdminister(db: Db, actor: { userRef?: string }, adminGroups: readonly string[]): Promise<boolean> {
  if (!actor.userRef || adminGroups.length === 0) return false;
  const groups = adminGroups.map((g) => tryRef(g, { defaultKind: 'Group' })).filter((g): g is string => !!g);
  if (groups.length === 0) return false;
  const rows = await db
    .select({ target: relations.targetRef })
    .from(relations)
    .where(and(eq(relations.sourceRef, actor.userRef.toLowerCase()), eq(relations.type, 'memberOf'), inArray(relations.targetRef, groups)));
  return rows.length > 0;
}
