/**
 * Conversation references of the teams, channels and chats the bot was added to (`chat_channels`),
 * so digests and task updates can be posted there later without anyone writing first.
 */
import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { chatChannels } from '../../src/db/schema.js';

/** A Bot Framework conversation reference as botbuilder produces it (stored as jsonb). */
export interface StoredReference {
  activityId?: string;
  bot?: { id: string; name?: string };
  channelId: string;
  conversation: { id: string; name?: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  serviceUrl: string;
  user?: { id: string; name?: string };
  locale?: string;
}

export interface ConversationInfo {
  conversationId: string;
  teamId?: string;
  tenantId?: string;
  name?: string;
}

export async function saveConversation(db: Db, info: ConversationInfo, reference: StoredReference, now: Date, onlyIfNew = false): Promise<void> {
  // A reference is for posting into the conversation, not replying to one message in it.
  const { activityId: _reply, ...stored } = reference;
  const row = {
    platform: 'teams',
    conversationId: info.conversationId,
    teamId: info.teamId ?? null,
    tenantId: info.tenantId ?? null,
    name: info.name ?? null,
    reference: stored as unknown as Record<string, unknown>,
    updatedAt: now,
  };
  const insert = db.insert(chatChannels).values(row);
  if (onlyIfNew) {
    await insert.onConflictDoNothing();
  } else {
    await insert.onConflictDoUpdate({
      target: [chatChannels.platform, chatChannels.conversationId],
      set: { teamId: row.teamId, tenantId: row.tenantId, name: row.name, reference: row.reference, updatedAt: now },
    });
  }
}

/** Forgets a conversation; for a team, every channel of it. Returns how many were removed. */
export async function removeConversation(db: Db, conversationId: string, teamId?: string): Promise<number> {
  const where = teamId
    ? and(eq(chatChannels.platform, 'teams'), or(eq(chatChannels.conversationId, conversationId), eq(chatChannels.teamId, teamId)))
    : and(eq(chatChannels.platform, 'teams'), eq(chatChannels.conversationId, conversationId));
  const removed = await db.delete(chatChannels).where(where).returning({ id: chatChannels.conversationId });
  return removed.length;
}

export async function findConversation(db: Db, conversationId: string): Promise<StoredReference | undefined> {
  const [row] = await db
    .select({ reference: chatChannels.reference })
    .from(chatChannels)
    .where(and(eq(chatChannels.platform, 'teams'), eq(chatChannels.conversationId, conversationId)));
  return (row?.reference ?? undefined) as unknown as StoredReference | undefined;
}
