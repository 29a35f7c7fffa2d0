/**
 * Tables for telling people about catalog changes as they happen: problem notifications (one row per
 * problem, claimed by one replica) and watches (who wants a DM about which entity or team).
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tz } from './schema-columns.js';

export const problemNotifications = pgTable(
  'problem_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: text('source_id').notNull(),
    filePath: text('file_path').notNull(),
    problemHash: text('problem_hash').notNull(),
    line: integer('line'),
    entityRef: text('entity_ref'),
    ownerRef: text('owner_ref'),
    message: text('message').notNull(),
    firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
    notifiedAt: tz('notified_at'),
    clearedAt: tz('cleared_at'),
    fixedNotifiedAt: tz('fixed_notified_at'),
    claimedBy: text('claimed_by'),
    claimedAt: tz('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [uniqueIndex('problem_notifications_key_idx').on(t.sourceId, t.filePath, t.problemHash)],
);

export const watches = pgTable(
  'watches',
  {
    /** The requester's catalog User ref, else `<platform>:<chat id>`. */
    watcher: text('watcher').notNull(),
    platform: text('platform').notNull(),
    /** Where the DM goes. */
    chatId: text('chat_id').notNull(),
    targetRef: text('target_ref').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.watcher, t.targetRef] }), index('watches_target_idx').on(t.targetRef)],
);

/** Migration 0022: a watched entity as its watchers last heard of it. */
export const watchSnapshots = pgTable('watch_snapshots', {
  ref: text('ref').primaryKey(),
  present: boolean('present').notNull(),
  ownerRef: text('owner_ref'),
  lifecycle: text('lifecycle'),
  systemRef: text('system_ref'),
  seenAt: tz('seen_at').notNull().defaultNow(),
});

/** Migration 0022: one change of a watched entity, owed a DM to its watchers (claimed like problems). */
export const watchChanges = pgTable(
  'watch_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ref: text('ref').notNull(),
    before: jsonb('before').notNull(),
    after: jsonb('after').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    notifiedAt: tz('notified_at'),
    claimedBy: text('claimed_by'),
    claimedAt: tz('claimed_at'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [index('watch_changes_open_idx').on(t.id).where(sql`${t.notifiedAt} is null`)],
);

/**
 * AGENTS.md proposals by component: `opening` while one replica opens the pull request (the claim), `failed` when that did not work,
 * `opened` with its link after. The digest offers the button again once the entity changed since.
 */
export const agentsMdProposals = pgTable('agents_md_proposals', {
  entityRef: text('entity_ref').primaryKey(),
  status: text('status').$type<'opening' | 'opened' | 'failed'>().notNull(),
  url: text('url'),
  kind: text('kind'),
  requestedBy: text('requested_by').notNull(),
  claimedAt: tz('claimed_at').notNull(),
  proposedAt: tz('proposed_at'),
});
