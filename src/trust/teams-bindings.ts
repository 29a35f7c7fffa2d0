/**
 * Teams "once seen" bindings (issue 13): after a Teams user (tenant, Entra object id) has been
 * resolved to a catalog User, later requests from that (tenant, object id) map to that User first,
 * even if the profile e-mail changes, and nobody else in the tenant can take the User by e-mail.
 * Stored in `chat_identities` under their own platform so profile caches and DM routing (platform
 * 'teams', keyed by Teams user id) never mistake a binding for a chat user. Only allowed tenants
 * ever reach here, so foreign tenants neither create nor use bindings.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { query, type Db } from '../db/client.js';
import { chatIdentities } from '../db/schema.js';
import { usersClaiming, type Claimant } from './claims.js';

export const TEAMS_BINDING_PLATFORM = 'teams-aad';

const key = (tenantId: string, aadObjectId: string) => ({ tenant: tenantId.trim().toLowerCase(), oid: aadObjectId.trim().toLowerCase() });

/** The User bound to (tenant, object id), if any (not yet checked against org data). */
export async function boundUser(db: Db, tenantId: string, aadObjectId: string): Promise<string | undefined> {
  const k = key(tenantId, aadObjectId);
  const [row] = await db
    .select({ userRef: chatIdentities.userRef })
    .from(chatIdentities)
    .where(and(eq(chatIdentities.platform, TEAMS_BINDING_PLATFORM), eq(chatIdentities.workspaceId, k.tenant), eq(chatIdentities.externalId, k.oid)));
  return row?.userRef ?? undefined;
}

/** Another object id of the tenant this User is already bound to, if any. */
export async function otherBinding(db: Db, tenantId: string, userRef: string, aadObjectId: string | undefined): Promise<string | undefined> {
  const tenant = tenantId.trim().toLowerCase();
  const rows = await db
    .select({ oid: chatIdentities.externalId })
    .from(chatIdentities)
    .where(
      and(
        eq(chatIdentities.platform, TEAMS_BINDING_PLATFORM),
        eq(chatIdentities.workspaceId, tenant),
        eq(chatIdentities.userRef, userRef.toLowerCase()),
        ...(aadObjectId ? [ne(chatIdentities.externalId, aadObjectId.trim().toLowerCase())] : []),
      ),
    )
    .limit(1);
  return rows[0]?.oid;
}

export async function bind(db: Db, tenantId: string, aadObjectId: string, userRef: string, now: Date): Promise<void> {
  const k = key(tenantId, aadObjectId);
  const row = { platform: TEAMS_BINDING_PLATFORM, workspaceId: k.tenant, externalId: k.oid, userRef: userRef.toLowerCase(), fetchedAt: now };
  await db
    .insert(chatIdentities)
    .values(row)
    .onConflictDoUpdate({ target: [chatIdentities.platform, chatIdentities.workspaceId, chatIdentities.externalId], set: { userRef: row.userRef, fetchedAt: now } });
}

export type BindingCheck = { status: 'ok' } | { status: 'gone' } | { status: 'conflict'; refs: string[] } | { status: 'other-object' };

/**
 * Whether a binding to this User is still honoured: the User must still be an org User, not name
 * another object id, and none of its claims (object id, e-mail) may be contested by another org User.
 */
export async function checkBoundUser(db: Db, userRef: string, aadObjectId: string): Promise<BindingCheck> {
  const rows = await query<Claimant>(
    db,
    sql`select e.ref, e.entity->'metadata'->'annotations'->>'slack.com/user-id' as "slackId",
               lower(e.entity->'metadata'->'annotations'->>'graph.microsoft.com/user-id') as "aadObjectId",
               lower(trim(e.entity->'spec'->'profile'->>'email')) as email
          from entities e join sources s on s.id = e.source_id and s.org
         where e.ref = ${userRef.toLowerCase()} and e.kind = 'user'`,
  );
  const user = rows[0];
  if (!user) return { status: 'gone' };
  if (user.aadObjectId && user.aadObjectId !== aadObjectId.trim().toLowerCase()) return { status: 'other-object' };
  for (const claim of [
    ...(user.aadObjectId ? [{ type: 'aad' as const, value: user.aadObjectId }] : []),
    ...(user.email ? [{ type: 'email' as const, value: user.email }] : []),
  ]) {
    const result = await usersClaiming(db, claim);
    if (result.status === 'conflict') return { status: 'conflict', refs: result.refs };
  }
  return { status: 'ok' };
}
