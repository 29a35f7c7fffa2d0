/**
 * Who is asking: the Teams user mapped to a catalog User by the trust module (org data only).
 * Profiles are cached in `chat_identities` for a TTL so a busy channel does not hit the connector
 * on every message; a failed look-up falls back to what is cached, or to an anonymous requester.
 */
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../../src/clock.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import { chatIdentities } from '../../src/db/schema.js';
import type { Logger } from '../../src/logger.js';

export { catalogUserByEmail } from '../../src/catalog/users.js';
import { resolveTeamsUser } from '../../src/trust/identity.js';

export interface TeamsUser {
  /** Teams user id (29:...). */
  id: string;
  name?: string;
  aadObjectId?: string;
  tenantId: string;
}

export interface MemberProfile {
  email?: string;
  userPrincipalName?: string;
  name?: string;
  aadObjectId?: string;
}

export interface IdentityDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  ttlMs: number;
  /** Whether the tenant is one of TEAMS_ALLOWED_TENANTS: a profile e-mail proves nothing elsewhere. */
  tenantAllowed?: (tenantId: string) => boolean;
  fetchMember: () => Promise<MemberProfile>;
}

/**
 * The profile (e-mail, name, object id) is cached per tenant and user; the catalog User is decided
 * afresh each time by the trust module: by the object id an org User is annotated with, else by
 * e-mail, and by e-mail only inside an allowed tenant. A cached profile whose object id is not the
 * one the activity carries is not used.
 */
export async function resolveRequester(deps: IdentityDeps, user: TeamsUser): Promise<Requester> {
  const { db, clock } = deps;
  const tenantAllowed = deps.tenantAllowed?.(user.tenantId) ?? true;
  const identify = async (email: string | null, aadObjectId: string | null | undefined) =>
    (await resolveTeamsUser(db, { tenantId: user.tenantId, tenantAllowed, now: clock.now(), ...(aadObjectId ? { aadObjectId } : {}), ...(email ? { email } : {}) }, deps.logger)).userRef ?? null;
  const [cached] = await db
    .select()
    .from(chatIdentities)
    .where(and(eq(chatIdentities.platform, 'teams'), eq(chatIdentities.workspaceId, user.tenantId), eq(chatIdentities.externalId, user.id)));
  const cachedAad = (cached?.details?.aadObjectId as string | null | undefined) ?? null;
  const sameObject = !user.aadObjectId || !cachedAad || cachedAad === user.aadObjectId;
  const now = clock.now();
  if (cached && sameObject && now.getTime() - cached.fetchedAt.getTime() < deps.ttlMs) {
    return requesterOf(user, { ...cached, userRef: await identify(cached.email, user.aadObjectId ?? cachedAad) });
  }

  let profile: MemberProfile;
  try {
    profile = await deps.fetchMember();
  } catch (error) {
    deps.logger.warn({ err: error, user: user.id }, 'Teams member look-up failed; answering without identity');
    if (cached && sameObject) return requesterOf(user, { ...cached, userRef: await identify(cached.email, user.aadObjectId ?? cachedAad) });
    return { platform: 'teams', externalId: user.id, displayName: user.name, ...(await identifyOnly(identify, user)) };
  }
  const email = (profile.email || profile.userPrincipalName || '').trim().toLowerCase() || null;
  const aadObjectId = user.aadObjectId ?? profile.aadObjectId ?? null;
  const userRef = await identify(email, aadObjectId);
  const row = {
    platform: 'teams',
    workspaceId: user.tenantId,
    externalId: user.id,
    email,
    displayName: profile.name ?? user.name ?? null,
    userRef,
    details: { aadObjectId },
    fetchedAt: now,
  };
  await db
    .insert(chatIdentities)
    .values(row)
    .onConflictDoUpdate({
      target: [chatIdentities.platform, chatIdentities.workspaceId, chatIdentities.externalId],
      set: { email: row.email, displayName: row.displayName, userRef: row.userRef, details: row.details, fetchedAt: row.fetchedAt },
    });
  return requesterOf(user, row);
}

/** Without a profile, the object id the activity carries can still name an annotated org User. */
async function identifyOnly(identify: (email: string | null, aad: string | null | undefined) => Promise<string | null>, user: TeamsUser): Promise<{ userRef?: string }> {
  const userRef = await identify(null, user.aadObjectId);
  return userRef ? { userRef } : {};
}

function requesterOf(user: TeamsUser, row: { email: string | null; displayName: string | null; userRef: string | null }): Requester {
  return {
    platform: 'teams',
    externalId: user.id,
    displayName: row.displayName ?? user.name,
    email: row.email ?? undefined,
    userRef: row.userRef ?? undefined,
  };
}
