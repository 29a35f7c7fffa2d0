/**
 * The data model (DESIGN.md, "Data model"): the catalog and its sync here, chat, scaffolder, nudge
 * and coordination tables in schema-ops.ts (re-exported, so `schema.js` stays the one import and
 * drizzle-kit sees every table). Timestamps are timestamptz; refs are lower-cased `kind:namespace/name`.
 */
import { bigserial, boolean, index, integer, json, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tz } from './schema-columns.js';

export * from './schema-ops.js';
export * from './schema-search.js';
export * from './schema-watch.js';
export * from './schema-slack.js';

/** A catalog entity as last accepted from its source. */
export const entities = pgTable(
  'entities',
  {
    ref: text('ref').primaryKey(),
    uid: text('uid').notNull(),
    kind: text('kind').notNull(),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    title: text('title'),
    description: text('description'),
    ownerRef: text('owner_ref'),
    type: text('type'),
    lifecycle: text('lifecycle'),
    systemRef: text('system_ref'),
    tags: text('tags').array().notNull().default([]),
    /** The entity as read (placeholders resolved, defaults applied, location annotations added). */
    entity: jsonb('entity').notNull().$type<Record<string, unknown>>(),
    /**
     * The entity with its keys in the order of its file, kept for Templates only: the order of a
     * template's parameter properties is the order of its form's fields, and jsonb sorts keys.
     */
    definition: json('definition').$type<Record<string, unknown>>(),
    sourceId: text('source_id').notNull(),
    /** Path of the file inside its source (for display and for matching sync problems to owners). */
    filePath: text('file_path').notNull(),
    /** Browsable URL of the file, when the source has one. */
    fileUrl: text('file_url'),
    contentHash: text('content_hash').notNull(),
    firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
    lastChangedAt: tz('last_changed_at').notNull().defaultNow(),
    /** When the file that holds the entity was last committed (Git sources). */
    fileCommittedAt: tz('file_committed_at'),
    lastReviewedAt: tz('last_reviewed_at'),
    lastReviewedBy: text('last_reviewed_by'),
  },
  (t) => [
    index('entities_name_idx').on(t.name),
    index('entities_kind_idx').on(t.kind),
    index('entities_owner_idx').on(t.ownerRef),
    // Migration 0023: a re-sync asks for a source's rows by file; by source alone is served too.
    index('entities_source_file_idx').on(t.sourceId, t.filePath),
    index('entities_system_idx').on(t.systemRef),
  ],
);

/** Relations in both directions, as Backstage stores them. `originRef` is the entity that emitted it. */
export const relations = pgTable(
  'relations',
  {
    originRef: text('origin_ref').notNull(),
    sourceRef: text('source_ref').notNull(),
    type: text('type').notNull(),
    targetRef: text('target_ref').notNull(),
  },
  // Every query reads relations by source (and type), and the sync replaces them by origin. No
  // unique key: an entity's relations are de-duplicated before they are written, and they are only
  // ever written after that entity's old ones were deleted. Each index over half a million relation
  // rows is a large share of what a big sync costs Postgres.
  (t) => [index('relations_source_idx').on(t.sourceRef, t.type), index('relations_origin_idx').on(t.originRef)],
);

/** A configured place entities come from (folder, git remote, GitHub org, template source). */
export const sources = pgTable('sources', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  target: text('target').notNull(),
  /** Trusted sources may provide runnable templates. */
  trusted: boolean('trusted').notNull().default(false),
  /** An ORG_SOURCES source: its Users, Groups and memberships are identity and permission data. */
  org: boolean('org').notNull().default(false),
  /** Git commit (or content digest) last synced; an unchanged one is not re-read. */
  lastRevision: text('last_revision'),
  lastSyncedAt: tz('last_synced_at'),
  lastStatus: text('last_status'),
  /** Per-source state (ETags for GitHub, etc.). */
  state: jsonb('state').$type<Record<string, unknown>>(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: text('source_id').notNull(),
    startedAt: tz('started_at').notNull().defaultNow(),
    finishedAt: tz('finished_at'),
    status: text('status').notNull(),
    revision: text('revision'),
    added: integer('added').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    problems: integer('problems').notNull().default(0),
    error: text('error'),
  },
  (t) => [index('sync_runs_source_idx').on(t.sourceId, t.startedAt)],
);

/** The problems of a source's latest sync: replaced as a whole on each run of that source. */
export const syncProblems = pgTable(
  'sync_problems',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: text('source_id').notNull(),
    runId: integer('run_id'),
    filePath: text('file_path').notNull(),
    line: integer('line'),
    entityRef: text('entity_ref'),
    /** Owner of the entities the broken file held before, so owners learn their file is broken. */
    ownerRef: text('owner_ref'),
    message: text('message').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [index('sync_problems_source_idx').on(t.sourceId), index('sync_problems_owner_idx').on(t.ownerRef)],
);
