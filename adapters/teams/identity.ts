/**
 * Who is asking: the Teams user mapped to a catalog User by the email of their Teams profile.
 * Profiles are cached in `chat_identities` for a TTL so a busy channel does not hit the connector
 * on every message; a failed look-up falls back to what is cached, or to an anonymous requester.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../../src/clock.js';
import type { Requester } from '../../src/commands/types.js';
import type { Db } from '../../src/db/client.js';
import { query } from '../../src/db/client.js';
import { chatIdentities } from '../../src/db/schema.js';
import type { Logger } from '../../src/logger.js';

export { catalogUserByEmail } from '../../src/catalog/users.js';
import { catalogUserByEmail } from '../../src/catalog/users.js';

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
  fetchMember: () => Promise<MemberProfile>;
}

export async function resolveRequester(deps: IdentityDeps, user: TeamsUser): Promise<Requester> {
  const { db, clock } = deps;
  const [cached] = await db
    .select()
    .from(chatIdentities)
    .where(and(eq(chatIdentities.platform, 'teams'), eq(chatIdentities.workspaceId, user.tenantId), eq(chatIdentities.externalId, user.id)));
  const now = clock.now();
  if (cached && now.getTime() - cached.fetchedAt.getTime() < deps.ttlMs) return requesterOf(user, cached);

  let profile: MemberProfile;
  try {
    profile = await deps.fetchMember();
  } catch (error) {
    deps.logger.warn({ err: error, user: user.id }, 'Teams member look-up failed; answering without identity');
    return cached ? requesterOf(user, cached) : { platform: 'teams', externalId: user.id, displayName: user.name };
  }
  const email = (profile.email || profile.userPrincipalName || '').trim().toLowerCase() || null;
  const userRef = email ? await catalogUserByEmail(db, email) : null;
  const row = {
    platform: 'teams',
    workspaceId: user.tenantId,
    externalId: user.id,
    email,
    displayName: profile.name ?? user.name ?? null,
    userRef,
    details: { aadObjectId: profile.aadObjectId ?? user.aadObjectId ?? null },
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

function requesterOf(user: TeamsUser, row: { email: string | null; displayName: string | null; userRef: string | null }): Requester {
  return {
    platform: 'teams',
    externalId: user.id,
    displayName: row.displayName ?? user.name,
    email: row.email ?? undefined,
    userRef: row.userRef ?? undefined,
  };
}

