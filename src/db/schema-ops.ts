/**
 * Tables around the catalog: chat identities and channels, scaffolder tasks, nudge runs, reviews,
 * the audit log, inbound deliveries and leases. Re-exported by schema.ts.
 */
import { bigserial, index, integer, jsonb, pgTable, primaryKey, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tz } from './schema-columns.js';

/** Chat user <-> catalog User, cached with a TTL (`fetchedAt`). */
export const chatIdentities = pgTable(
  'chat_identities',
  {
    platform: text('platform').notNull(),
    /** Slack team id or Teams tenant id; '' when unknown. */
    workspaceId: text('workspace_id').notNull().default(''),
    externalId: text('external_id').notNull(),
    email: text('email'),
    displayName: text('display_name'),
    userRef: text('user_ref'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    fetchedAt: tz('fetched_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.workspaceId, t.externalId] }),
    index('chat_identities_email_idx').on(t.platform, t.email),
    index('chat_identities_user_idx').on(t.userRef),
  ],
);

/** Email -> chat user look-ups, including misses, so a busy hour does not exhaust rate limits. */
export const chatEmailLookups = pgTable(
  'chat_email_lookups',
  {
    platform: text('platform').notNull(),
    email: text('email').notNull(),
    externalId: text('external_id'),
    fetchedAt: tz('fetched_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.email] })],
);

/** Conversations the bot can post into (Teams conversation references, known Slack channels). */
export const chatChannels = pgTable(
  'chat_channels',
  {
    platform: text('platform').notNull(),
    conversationId: text('conversation_id').notNull(),
    groupRef: text('group_ref'),
    teamId: text('team_id'),
    tenantId: text('tenant_id'),
    name: text('name'),
    reference: jsonb('reference').$type<Record<string, unknown>>(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.conversationId] }), index('chat_channels_group_idx').on(t.groupRef)],
);

/** One password field's value, by its path in the form's values. */
export interface TaskSecret {
  path: string[];
  value: unknown;
}

export const scaffolderTasks = pgTable(
  'scaffolder_tasks',
  {
    id: text('id').primaryKey(),
    templateRef: text('template_ref').notNull(),
    requester: jsonb('requester').notNull().$type<Record<string, unknown>>(),
    values: jsonb('values').notNull().$type<Record<string, unknown>>(),
    /**
     * Values of the template's password fields, kept apart from `values` and cleared when the task
     * ends (as Backstage does with task secrets): they live in the table only while a replica may
     * still need them to run the task.
     */
    secrets: jsonb('secrets').$type<TaskSecret[]>(),
    status: text('status').notNull(),
    claimedBy: text('claimed_by'),
    heartbeatAt: tz('heartbeat_at'),
    steps: jsonb('steps').notNull().default([]).$type<unknown[]>(),
    outputs: jsonb('outputs').$type<Record<string, unknown>>(),
    error: text('error'),
    /** Where progress is reported (platform, channel, message id). */
    replyTo: jsonb('reply_to').$type<Record<string, unknown>>(),
    createdAt: tz('created_at').notNull().defaultNow(),
    startedAt: tz('started_at'),
    finishedAt: tz('finished_at'),
  },
  (t) => [index('scaffolder_tasks_status_idx').on(t.status, t.createdAt)],
);

export const nudgeRuns = pgTable('nudge_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** The schedule slot this run is for; unique so two replicas cannot both start it. */
  slot: text('slot').notNull().unique(),
  status: text('status').notNull(),
  claimedBy: text('claimed_by'),
  heartbeatAt: tz('heartbeat_at'),
  startedAt: tz('started_at').notNull().defaultNow(),
  finishedAt: tz('finished_at'),
  summary: jsonb('summary').$type<Record<string, unknown>>(),
});

export const nudgeDeliveries = pgTable(
  'nudge_deliveries',
  {
    runId: integer('run_id').notNull(),
    teamRef: text('team_ref').notNull(),
    status: text('status').notNull(),
    route: jsonb('route').$type<Record<string, unknown>>(),
    digest: jsonb('digest').$type<Record<string, unknown>>(),
    /** Platform message ids, so buttons can update the posted digest. */
    messages: jsonb('messages').$type<unknown[]>(),
    attempts: integer('attempts').notNull().default(0),
    claimedBy: text('claimed_by'),
    claimedAt: tz('claimed_at'),
    sentAt: tz('sent_at'),
    error: text('error'),
    /** A deferred delivery (429, transient error) is not claimed again before this time. */
    nextAttemptAt: tz('next_attempt_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.teamRef] })],
);

export const snoozes = pgTable(
  'snoozes',
  {
    entityRef: text('entity_ref').notNull(),
    rule: text('rule').notNull(),
    until: tz('until').notNull(),
    by: text('by'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entityRef, t.rule] })],
);

export const reviews = pgTable(
  'reviews',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityRef: text('entity_ref').notNull(),
    by: text('by'),
    platform: text('platform'),
    at: tz('at').notNull().defaultNow(),
  },
  (t) => [index('reviews_entity_idx').on(t.entityRef, t.at)],
);

export const teamScores = pgTable(
  'team_scores',
  {
    teamRef: text('team_ref').notNull(),
    at: tz('at').notNull(),
    runId: integer('run_id'),
    score: real('score').notNull(),
    entities: integer('entities').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamRef, t.at] })],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: tz('at').notNull().defaultNow(),
    platform: text('platform').notNull(),
    actor: text('actor').notNull(),
    actorRef: text('actor_ref'),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    /** Channel or conversation the action came from, when there is one. */
    channel: text('channel'),
    /** What the person typed (scrubbed of secrets), for commands and questions. */
    text: text('text'),
    /** ok, error (answered with an error), refused (not allowed), failed (internal failure). */
    outcome: text('outcome').notNull().default('ok'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_ref_at_idx').on(t.actorRef, t.at), index('audit_log_target_at_idx').on(t.target, t.at)],
);

/** Idempotency keys for inbound deliveries (Slack event retries, GitHub delivery ids). */
export const inboundDeliveries = pgTable(
  'inbound_deliveries',
  {
    source: text('source').notNull(),
    deliveryId: text('delivery_id').notNull(),
    receivedAt: tz('received_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.deliveryId] })],
);

/**
 * Leases: "only one replica does this now" (sync of a source, the nudge scheduler). A lease expires,
 * so a replica that dies does not hold its work forever.
 */
export const leases = pgTable(
  'leases',
  {
    name: text('name').primaryKey(),
    holder: text('holder').notNull(),
    expiresAt: tz('expires_at').notNull(),
  },
  (t) => [uniqueIndex('leases_name_holder_idx').on(t.name, t.holder)],
);
