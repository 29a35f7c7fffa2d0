/**
 * Turns a digest route's target into a conversation reference the connector accepts: a stored
 * conversation, a channel of a team the bot is in (the team's reference with the channel's id), or
 * a member's 1:1 chat (stored, or opened with `POST /v3/conversations` and then stored).
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { chatChannels, chatIdentities } from '../../src/db/schema.js';
import { findConversation, type StoredReference } from './conversations.js';

type Row = { conversationId: string; teamId: string | null; tenantId: string | null; reference: Record<string, unknown> | null };

function channelOf(row: Row, channelId: string): StoredReference {
  const base = row.reference as unknown as StoredReference;
  const { user: _user, activityId: _activity, ...rest } = base;
  return { ...rest, conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId: row.tenantId ?? base.conversation.tenantId } };
}

/**
 * A channel (or any conversation id): stored as is; else a channel of a stored team (its General
 * channel has the team's id; a thread of it starts with the channel id); else, when every team the
 * bot is in shares one connector and tenant, that one. Undefined when the bot cannot tell.
 */
export async function channelReference(db: Db, channelId: string): Promise<StoredReference | undefined> {
  const stored = await findConversation(db, channelId);
  if (stored) return stored;
  const teams: Row[] = await db
    .select({ conversationId: chatChannels.conversationId, teamId: chatChannels.teamId, tenantId: chatChannels.tenantId, reference: chatChannels.reference })
    .from(chatChannels)
    .where(and(eq(chatChannels.platform, 'teams'), isNotNull(chatChannels.teamId)))
    .orderBy(desc(chatChannels.updatedAt), chatChannels.conversationId)
    .limit(1000);
  const usable = teams.filter((r) => r.reference && typeof (r.reference as { serviceUrl?: unknown }).serviceUrl === 'string');
  const own = usable.find((r) => r.teamId === channelId || r.conversationId.startsWith(`${channelId};`));
  if (own) return channelOf(own, channelId);
  const places = new Set(usable.map((r) => `${(r.reference as { serviceUrl: string }).serviceUrl} ${r.tenantId ?? ''}`));
  return places.size === 1 ? channelOf(usable[0], channelId) : undefined;
}

/** The stored 1:1 chat of the bot with a Teams user. */
export async function personalReference(db: Db, userId: string): Promise<StoredReference | undefined> {
  const [row] = await db
    .select({ reference: chatChannels.reference })
    .from(chatChannels)
    .where(
      and(
        eq(chatChannels.platform, 'teams'),
        sql`${chatChannels.reference}->'conversation'->>'conversationType' = 'personal'`,
        sql`${chatChannels.reference}->'user'->>'id' = ${userId}`,
      ),
    )
    .orderBy(desc(chatChannels.updatedAt))
    .limit(1);
  return (row?.reference ?? undefined) as unknown as StoredReference | undefined;
}

/** The tenant a Teams user was seen in. */
export async function tenantOfUser(db: Db, userId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ tenant: chatIdentities.workspaceId })
    .from(chatIdentities)
    .where(and(eq(chatIdentities.platform, 'teams'), eq(chatIdentities.externalId, userId)))
    .orderBy(desc(chatIdentities.fetchedAt))
    .limit(1);
  return row?.tenant || undefined;
}

/** Any stored conversation of the tenant: where the connector URL and the bot's id come from. */
export async function referenceInTenant(db: Db, tenantId: string): Promise<StoredReference | undefined> {
  const [row] = await db
    .select({ reference: chatChannels.reference })
    .from(chatChannels)
    .where(and(eq(chatChannels.platform, 'teams'), eq(chatChannels.tenantId, tenantId)))
    .orderBy(desc(chatChannels.updatedAt))
    .limit(1);
  return (row?.reference ?? undefined) as unknown as StoredReference | undefined;
}
